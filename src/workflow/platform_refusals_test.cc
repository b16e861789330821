// A refused step changes nothing — not the database, and not the in-memory voucher index that
// mirrors it (which a SQLite rollback cannot undo) — and a retry after the refusal does the
// whole step. Also the settlement key's meaning: the same key with another bill is refused.
// Steps are made to fail part-way by renaming a table they write, from a second connection.
#include <filesystem>
#include <string>

#include <gtest/gtest.h>

#include "workflow/demo.h"
#include "workflow/demo_voucher_fixture.h"

namespace suanli::workflow {
namespace {

using RefusedStepTest = testing::DemoVoucherTest;

// The demo voucher: 150,000.00 granted to org 1 for 成都智算中心 (provider 2).
constexpr std::int64_t kGrantFen = 150'000'00;

TEST_F(RefusedStepTest, AFraudFindingThatFailsLeavesTheVoucherOpenAndARetryClawsBack) {
  const std::int64_t voucher = IssueVoucher();
  ASSERT_TRUE(Settle(voucher, "k1", 100'000'00).ok());  // 50,000.00 used
  const Principal officer = As("officer");

  // Too long a finding is refused on its own field, before anything changes.
  auto too_long = platform_->RecordFraud(officer, 1, "chengdu-2024", std::string(5000, 'x'));
  ASSERT_FALSE(too_long.ok());
  EXPECT_EQ(too_long.error().code, ErrorCode::kOutOfRange);
  EXPECT_EQ(too_long.error().field, "finding");
  // No organisation: refused before its recovery account is created.
  auto nobody = platform_->RecordFraud(officer, 999, "chengdu-2024", "forged invoices");
  ASSERT_FALSE(nobody.ok());
  EXPECT_EQ(nobody.error().code, ErrorCode::kNotFound);

  // The step fails after it closed the voucher in memory (at the enforcement row).
  Sql("ALTER TABLE enforcements RENAME TO enforcements_away");
  ASSERT_FALSE(platform_->RecordFraud(officer, 1, "chengdu-2024", "forged invoices").ok());
  Sql("ALTER TABLE enforcements_away RENAME TO enforcements");
  auto v = platform_->GetVoucher(officer, voucher);
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(v->status, "active");
  EXPECT_EQ(v->remaining_fen, kGrantFen - 50'000'00);
  // Still open for settlements: not banned, not closed.
  auto after_refusal = Settle(voucher, "k2", 10'00);
  ASSERT_TRUE(after_refusal.ok()) << after_refusal.error().ToString();

  // The retry claws back what is left and books what was used as a debt.
  auto e = platform_->RecordFraud(officer, 1, "chengdu-2024", "forged invoices");
  ASSERT_TRUE(e.ok()) << e.error().ToString();
  EXPECT_EQ(e->voucher_clawed_fen, kGrantFen - 50'005'00);
  EXPECT_EQ(e->used_recovered_fen, 50'005'00);
  v = platform_->GetVoucher(officer, voucher);
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(v->status, "clawed_back");
  EXPECT_EQ(v->remaining_fen, 0);
  auto banned = Settle(voucher, "k3", 10'00);
  ASSERT_FALSE(banned.ok());
  EXPECT_EQ(banned.error().code, ErrorCode::kBanned);
  // The clawed amount, known once the move ran, is recorded in a step with its audit entry.
  auto clawed = platform_->ListAudit(As("auditor"), {.action = "enforcement.clawed"});
  ASSERT_TRUE(clawed.ok());
  ASSERT_EQ(clawed->entries.size(), 1u);
  EXPECT_EQ(clawed->entries[0].object, "enforcement/" + std::to_string(e->id));
}

TEST_F(RefusedStepTest, AReversalThatFailsLeavesUsedAsItWas) {
  const std::int64_t voucher = IssueVoucher();
  auto s = Settle(voucher, "k1", 100'000'00);
  ASSERT_TRUE(s.ok());
  const Principal provider = As("op-ai");
  const Principal officer = As("officer");

  auto too_long = platform_->ReverseSettlement(provider, s->settlement_id, std::string(5000, 'r'));
  ASSERT_FALSE(too_long.ok());
  EXPECT_EQ(too_long.error().field, "reason");

  // Fails at its audit entry, after the point where it used to lower the voucher's used amount;
  // twice, as a client retrying would.
  ASSERT_TRUE(platform_->ListAudit(As("auditor"), {}).ok());  // the journal's rows are written
  Sql("ALTER TABLE audit_log RENAME TO audit_log_away");
  EXPECT_FALSE(platform_->ReverseSettlement(provider, s->settlement_id, "billed twice").ok());
  EXPECT_FALSE(platform_->ReverseSettlement(provider, s->settlement_id, "billed twice").ok());
  Sql("ALTER TABLE audit_log_away RENAME TO audit_log");
  auto v = platform_->GetVoucher(officer, voucher);
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(v->used_fen, 50'000'00);
  EXPECT_EQ(v->remaining_fen, kGrantFen - 50'000'00);

  auto reversed = platform_->ReverseSettlement(provider, s->settlement_id, "billed twice");
  ASSERT_TRUE(reversed.ok()) << reversed.error().ToString();
  v = platform_->GetVoucher(officer, voucher);
  EXPECT_EQ(v->used_fen, 0);
  EXPECT_EQ(v->remaining_fen, kGrantFen);
}

TEST_F(RefusedStepTest, ASettlementOnAClosedVoucherIsNotReversedIntoIt) {
  const std::int64_t voucher = IssueVoucher();
  auto s = Settle(voucher, "k1", 100'000'00);
  ASSERT_TRUE(s.ok());
  clock_.Set(Instant::Parse("2024-12-01T00:00:00+08:00").value());
  ASSERT_TRUE(platform_->RunExpiry().ok());
  const Principal officer = As("officer");
  ASSERT_EQ(platform_->GetVoucher(officer, voucher)->status, "lapsed");
  auto refused = platform_->ReverseSettlement(As("op-ai"), s->settlement_id, "billed twice");
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, ErrorCode::kStateConflict);
  auto v = platform_->GetVoucher(officer, voucher);
  EXPECT_EQ(v->remaining_fen, 0);  // nothing stranded on the closed voucher
  EXPECT_EQ(v->used_fen, 50'000'00);
}

TEST_F(RefusedStepTest, AnApprovalThatFailsIssuesNoVoucher) {
  const std::int64_t app = ApplyForVoucher();
  const Principal officer = As("officer");
  Sql("ALTER TABLE audit_log RENAME TO audit_log_away");
  ASSERT_FALSE(platform_->DecideApplication(officer, app, true, "").ok());
  Sql("ALTER TABLE audit_log_away RENAME TO audit_log");
  auto none = platform_->ListVouchers(officer, Page{});
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty());

  auto decided = platform_->DecideApplication(officer, app, true, "");
  ASSERT_TRUE(decided.ok()) << decided.error().ToString();
  ASSERT_TRUE(decided->voucher_id.has_value());
  auto vouchers = platform_->ListVouchers(officer, Page{});
  ASSERT_EQ(vouchers->size(), 1u);
  EXPECT_EQ((*vouchers)[0].remaining_fen, kGrantFen);
  EXPECT_TRUE(Settle(*decided->voucher_id, "k1", 10'00).ok());
}

TEST_F(RefusedStepTest, TheSameSettlementKeyWithAnotherBillIsRefused) {
  const std::int64_t voucher = IssueVoucher();
  auto first = SettleBill(voucher, "key-1", "INV-1", 100'00);
  ASSERT_TRUE(first.ok());
  // The same key, amount and voucher: the ledger sees a replay; the bill says otherwise.
  auto other = SettleBill(voucher, "key-1", "INV-2", 100'00);
  ASSERT_FALSE(other.ok());
  EXPECT_EQ(other.error().code, ErrorCode::kIdempotencyConflict);
  // A true replay still answers the first result, once.
  auto replay = SettleBill(voucher, "key-1", "INV-1", 100'00);
  ASSERT_TRUE(replay.ok()) << replay.error().ToString();
  EXPECT_TRUE(replay->duplicate);
  EXPECT_EQ(replay->settlement_id, first->settlement_id);
  auto v = platform_->GetVoucher(As("officer"), voucher);
  EXPECT_EQ(v->used_fen, 50'00);
  auto rows = platform_->ListDeductions(As("officer"), voucher);
  ASSERT_TRUE(rows.ok());
  ASSERT_EQ(rows->size(), 1u);
  EXPECT_EQ((*rows)[0].bill_no, "INV-1");
}

// A provider whose answer was lost retries after the voucher expired, was closed or its
// organisation banned: the retry gets the first answer, not a refusal that would make the
// provider bill the customer in full for a bill the voucher already paid half of.
TEST_F(RefusedStepTest, ARetryAfterTheVoucherClosedGetsTheFirstAnswer) {
  const std::int64_t voucher = IssueVoucher();
  auto first = SettleBill(voucher, "late-1", "INV-LATE", 300'00);
  ASSERT_TRUE(first.ok()) << first.error().ToString();
  clock_.Set(platform_->GetVoucher(As("officer"), voucher)->expires_at);  // the second it expires

  auto expired_retry = SettleBill(voucher, "late-1", "INV-LATE", 300'00);
  ASSERT_TRUE(expired_retry.ok()) << expired_retry.error().ToString();
  EXPECT_TRUE(expired_retry->duplicate);
  EXPECT_EQ(expired_retry->settlement_id, first->settlement_id);
  EXPECT_EQ(expired_retry->deduction_fen, 150'00);
  EXPECT_EQ(expired_retry->customer_pays_fen, 150'00);
  EXPECT_EQ(expired_retry->at, first->at);
  // A new bill, or this key with another bill or amount, is refused as before.
  EXPECT_EQ(SettleBill(voucher, "late-2", "INV-NEW", 300'00).error().code, ErrorCode::kExpired);
  EXPECT_EQ(SettleBill(voucher, "late-1", "INV-OTHER", 300'00).error().code,
            ErrorCode::kIdempotencyConflict);
  EXPECT_EQ(SettleBill(voucher, "late-1", "INV-LATE", 301'00).error().code,
            ErrorCode::kIdempotencyConflict);

  clock_.Set(Instant::Parse("2024-12-01T00:00:00+08:00").value());
  ASSERT_TRUE(platform_->RunExpiry().ok());  // lapsed: closed, not only expired
  ASSERT_EQ(platform_->GetVoucher(As("officer"), voucher)->status, "lapsed");
  auto lapsed_retry = SettleBill(voucher, "late-1", "INV-LATE", 300'00);
  ASSERT_TRUE(lapsed_retry.ok()) << lapsed_retry.error().ToString();
  EXPECT_EQ(lapsed_retry->settlement_id, first->settlement_id);
  EXPECT_EQ(SettleBill(voucher, "late-3", "INV-3", 300'00).error().code,
            ErrorCode::kStateConflict);
  // Nothing was deducted twice.
  auto rows = platform_->ListDeductions(As("officer"), voucher);
  ASSERT_TRUE(rows.ok());
  ASSERT_EQ(rows->size(), 1u);
  EXPECT_EQ(platform_->GetVoucher(As("officer"), voucher)->used_fen, 150'00);
}

TEST_F(RefusedStepTest, ARetryAfterABanGetsTheFirstAnswer) {
  const std::int64_t voucher = IssueVoucher();
  auto first = SettleBill(voucher, "pre-ban", "INV-PB", 1'000'00);
  ASSERT_TRUE(first.ok());
  ASSERT_TRUE(platform_->RecordFraud(As("officer"), 1, "chengdu-2024", "forged invoices").ok());
  auto retry = SettleBill(voucher, "pre-ban", "INV-PB", 1'000'00);
  ASSERT_TRUE(retry.ok()) << retry.error().ToString();
  EXPECT_EQ(retry->settlement_id, first->settlement_id);
  EXPECT_EQ(retry->deduction_fen, 500'00);
  EXPECT_EQ(SettleBill(voucher, "post-ban", "INV-X", 1'000'00).error().code, ErrorCode::kBanned);
}

// The journal could not record the first posting (its transaction failed): a replay cannot be
// told from another bill under the same key until start-up rebuilds the row from the ledger, so
// it is refused as retryable (kIo, 503), and answered once the row is back.
TEST_F(RefusedStepTest, AReplayWhoseFirstRowWasNotRecordedIsRetryable) {
  const std::int64_t voucher = IssueVoucher();
  const Principal op = As("op-ai");  // signing in is audited: before the table goes
  const auto settle = [&] {
    std::promise<Result<SettlementResult>> done;
    platform_->SubmitSettlement(op, SettlementRequest{"j-1", voucher, "INV-J", 200'00},
                                [&](Result<SettlementResult> out) { done.set_value(out); });
    return done.get_future().get();
  };
  Sql("ALTER TABLE audit_log RENAME TO audit_log_away");  // the journal's batch fails
  auto first = settle();
  ASSERT_TRUE(first.ok()) << first.error().ToString();  // durable in the ledger regardless
  auto replay = settle();
  ASSERT_FALSE(replay.ok());
  EXPECT_EQ(replay.error().code, ErrorCode::kIo) << replay.error().ToString();
  Sql("ALTER TABLE audit_log_away RENAME TO audit_log");
  Reopen();  // start-up rebuilds the row from the ledger
  replay = SettleBill(voucher, "j-1", "INV-J", 200'00);
  ASSERT_TRUE(replay.ok()) << replay.error().ToString();
  EXPECT_EQ(replay->settlement_id, first->settlement_id);
  EXPECT_EQ(replay->deduction_fen, 100'00);
}

// A step whose transaction committed but whose audit anchor could not be written (here a
// directory stands where the file goes) answers success: it is done, and a caller told it
// failed would retry into a state conflict. The next anchor covers its entries.
TEST_F(RefusedStepTest, AStepCommittedButNotAnchoredStillSucceeds) {
  ASSERT_TRUE(SeedDemo(*platform_).ok());
  const Principal admin = As("admin");
  const std::int64_t op = As("op-ai").user_id;
  std::filesystem::remove(dir_ / "audit.anchor");
  std::filesystem::create_directory(dir_ / "audit.anchor");
  auto key = platform_->CreateApiKey(admin, op);
  ASSERT_TRUE(key.ok()) << key.error().ToString();
  EXPECT_TRUE(platform_->AuthenticateApiKey(key->key).ok());  // the step's effect is there
  std::filesystem::remove(dir_ / "audit.anchor");
  ASSERT_TRUE(platform_->CreateApiKey(admin, op).ok());
  auto verified = platform_->VerifyAudit(As("auditor"));
  ASSERT_TRUE(verified.ok()) << verified.error().ToString();
  EXPECT_TRUE(verified->ok);
  EXPECT_EQ(verified->problems_total, 0);
}

TEST_F(RefusedStepTest, AHandPostedBillMayNotPassForAMeteredOne) {
  const std::int64_t voucher = IssueVoucher();
  // Reports count "M-…" bills as metered usage the vouchers paid for.
  auto spoof = SettleBill(voucher, "key-1", "M-1-2024-04-01..2024-04-30", 100'00);
  ASSERT_FALSE(spoof.ok());
  EXPECT_EQ(spoof.error().code, ErrorCode::kOutOfRange);
  EXPECT_EQ(spoof.error().field, "bill_no");
  EXPECT_EQ(platform_->GetVoucher(As("officer"), voucher)->used_fen, 0);
  EXPECT_TRUE(SettleBill(voucher, "key-1", "MB-2024-0042", 100'00).ok());  // only "M-" is kept
}

}  // namespace
}  // namespace suanli::workflow
