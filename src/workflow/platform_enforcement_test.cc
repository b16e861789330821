// A fraud finding (seed 000 §五(二)): the ban is the organisation's and holds at once on every
// one of its vouchers, as it does after a restart; a second finding never moves the first
// ban's end; and a voucher with nothing left is not clawed, so no move of nothing is left
// failed in the outbox. The clock is the fixture's, 2024-05-10 10:00 CST.
#include <string>
#include <utility>

#include <gtest/gtest.h>

#include "storage/sqlite/db.h"
#include "workflow/demo_voucher_fixture.h"

namespace suanli::workflow {
namespace {

class EnforcementTest : public testing::DemoVoucherTest {
 protected:
  // Rows of money_moves in `status`, read from the store's file.
  std::int64_t Moves(const std::string& status) {
    auto db = storage::Db::Open(storage::DbOptions{(dir_ / "platform.db").string(), true});
    EXPECT_TRUE(db.ok());
    if (!db.ok()) return -1;
    auto prepared = db.value()->Prepare("SELECT COUNT(*) FROM money_moves WHERE status = ?1");
    EXPECT_TRUE(prepared.ok());
    if (!prepared.ok()) return -1;
    storage::Stmt q = std::move(prepared).value();
    q.Bind(1, status);
    auto row = q.Step();
    EXPECT_TRUE(row.ok() && *row);
    return q.Int(0);
  }
  Instant BannedUntil() {
    auto org = platform_->GetOrg(As("officer"), 1);
    EXPECT_TRUE(org.ok());
    return org.ok() && org->banned_until ? *org->banned_until : Instant();
  }
};

// Found under another program (Qingyang), the organisation is banned: its Chengdu voucher used
// to go on settling until the next restart, which loads the ban onto every voucher.
TEST_F(EnforcementTest, AFindingUnderAnotherProgramStopsEveryVoucherOfTheOrganisationAtOnce) {
  const std::int64_t voucher = IssueVoucher();
  ASSERT_TRUE(Settle(voucher, "before", 1'000'00).ok());
  auto e = platform_->RecordFraud(As("officer"), 1, "qingyang", "虚构合同");
  ASSERT_TRUE(e.ok()) << e.error().ToString();
  auto now = Settle(voucher, "after", 1'000'00);
  ASSERT_FALSE(now.ok());
  EXPECT_EQ(now.error().code, ErrorCode::kBanned) << now.error().ToString();
  Reopen();
  auto restarted = Settle(voucher, "after-restart", 1'000'00);
  ASSERT_FALSE(restarted.ok());
  EXPECT_EQ(restarted.error().code, ErrorCode::kBanned) << restarted.error().ToString();
  // Not clawed back: the finding was another program's.
  auto v = platform_->GetVoucher(As("officer"), voucher);
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(v->status, "active");
}

// The same finding recorded again (an officer's retry under a new Idempotency-Key) used to
// restart the two years from the day of the retry and add an empty enforcement; it is refused.
// Another finding later bans from its own day, and never shortens a longer ban.
TEST_F(EnforcementTest, TheSameFindingAgainIsRefusedAndDoesNotMoveTheBan) {
  IssueVoucher();
  const Principal officer = As("officer");
  auto first = platform_->RecordFraud(officer, 1, "chengdu-2024", "虚构合同");
  ASSERT_TRUE(first.ok()) << first.error().ToString();
  EXPECT_EQ(first->banned_until.ToString(), "2026-05-10T00:00:00+08:00");
  clock_.Set(Instant::Parse("2024-09-01T10:00:00+08:00").value());
  auto again = platform_->RecordFraud(officer, 1, "chengdu-2024", "虚构合同");
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code, ErrorCode::kDuplicate) << again.error().ToString();
  EXPECT_EQ(again.error().field, "finding");
  EXPECT_EQ(BannedUntil().ToString(), "2026-05-10T00:00:00+08:00");
  auto audit = platform_->ListAudit(As("auditor"), {.action = "enforcement.fraud"});
  ASSERT_TRUE(audit.ok());
  EXPECT_EQ(audit->entries.size(), 1u);
  auto another = platform_->RecordFraud(officer, 1, "chengdu-2024", "伪造发票");
  ASSERT_TRUE(another.ok()) << another.error().ToString();
  EXPECT_EQ(another->banned_until.ToString(), "2026-09-01T00:00:00+08:00");
  EXPECT_EQ(BannedUntil().ToString(), "2026-09-01T00:00:00+08:00");
}

// A voucher used up has nothing to claw: the move of nothing was refused by the ledger and left
// failed in the outbox, where it hides real failures. What was used is still recovered.
TEST_F(EnforcementTest, AUsedUpVoucherIsRecoveredWithoutAFailedClaw) {
  const std::int64_t voucher = IssueVoucher();
  ASSERT_TRUE(Settle(voucher, "all", 300'000'00).ok());  // pays 150,000.00: the whole grant
  auto e = platform_->RecordFraud(As("officer"), 1, "chengdu-2024", "虚构合同");
  ASSERT_TRUE(e.ok()) << e.error().ToString();
  EXPECT_EQ(e->voucher_clawed_fen, 0);
  EXPECT_EQ(e->used_recovered_fen, 150'000'00);
  EXPECT_EQ(Moves("failed"), 0);
  EXPECT_EQ(Moves("pending"), 0);
  auto v = platform_->GetVoucher(As("officer"), voucher);
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(v->status, "clawed_back");
}

// A settlement the ledger took while the finding was being recorded (planned with what the
// voucher had used before its answer came) is recovered too: the claw is planned on the
// voucher's balance as the platform saw it, the settlement reaches the ledger first. Here it
// is a move left ahead of the claw in the outbox: the ledger takes it, the platform's used
// amount never hears of it. Partly (the claw takes the rest) and wholly (the claw finds nothing
// and is refused).
TEST_F(EnforcementTest, ASettlementInFlightDuringTheFindingIsRecoveredToo) {
  for (const std::int64_t in_flight : {40'000'00, 140'000'00}) {
    SCOPED_TRACE(in_flight);
    TearDown();
    SetUp();
    const std::int64_t voucher = IssueVoucher();  // 150,000.00
    ASSERT_TRUE(Settle(voucher, "used", 20'000'00).ok());  // pays 10,000.00
    LeaveMoveInOutbox("stl/in-flight", true, in_flight, 0, 3);
    auto e = platform_->RecordFraud(As("officer"), 1, "chengdu-2024", "虚构合同");
    ASSERT_TRUE(e.ok()) << e.error().ToString();
    EXPECT_EQ(e->voucher_clawed_fen, 140'000'00 - in_flight);
    EXPECT_EQ(e->used_recovered_fen, 10'000'00 + in_flight);
    auto listed = platform_->ListEnforcements(As("officer"));
    ASSERT_TRUE(listed.ok() && listed->size() == 1u);
    EXPECT_EQ(listed->front().used_recovered_fen, 10'000'00 + in_flight);
    EXPECT_EQ(platform_->Pool(As("officer"), "chengdu-2024")->recovery_outstanding_fen,
              10'000'00 + in_flight);
  }
}

// A stop between a finding's two steps (a crash, or here a trigger refusing the second step's
// update) left the enforcement at nothing clawed, without the late recovery of a settlement in
// flight, and its retry was refused as a duplicate. The officer's retry of the same finding
// finishes it, and so does the next start-up; either way once.
TEST_F(EnforcementTest, AFindingStoppedBeforeItsSecondStepIsFinishedByItsRetryOrAtStartUp) {
  for (const bool at_start_up : {false, true}) {
    SCOPED_TRACE(at_start_up ? "start-up" : "retry");
    TearDown();
    SetUp();
    const std::int64_t voucher = IssueVoucher();  // 150,000.00
    ASSERT_TRUE(Settle(voucher, "used", 20'000'00).ok());  // pays 10,000.00
    LeaveMoveInOutbox("stl/in-flight", true, 40'000'00, 0, 3);
    Sql("CREATE TRIGGER stop_tally BEFORE UPDATE OF tallied_at_us ON enforcements "
        "BEGIN SELECT RAISE(ABORT, 'stopped'); END");
    const Principal officer = As("officer");
    ASSERT_FALSE(platform_->RecordFraud(officer, 1, "chengdu-2024", "虚构合同").ok());
    auto listed = platform_->ListEnforcements(officer);
    ASSERT_TRUE(listed.ok() && listed->size() == 1u);
    EXPECT_TRUE(listed->front().tally_pending);
    EXPECT_EQ(listed->front().voucher_clawed_fen, 0);
    EXPECT_EQ(listed->front().used_recovered_fen, 10'000'00);  // the in-flight 40,000 not yet
    Sql("DROP TRIGGER stop_tally");

    if (at_start_up) {
      Reopen();
    } else {
      auto retry = platform_->RecordFraud(officer, 1, "chengdu-2024", "虚构合同");
      ASSERT_TRUE(retry.ok()) << retry.error().ToString();
      EXPECT_FALSE(retry->tally_pending);
      EXPECT_EQ(retry->voucher_clawed_fen, 100'000'00);
      EXPECT_EQ(retry->used_recovered_fen, 50'000'00);
    }
    for (int pass = 0; pass < 2; ++pass) {  // the second after a restart: nothing more
      SCOPED_TRACE(pass);
      listed = platform_->ListEnforcements(As("auditor"));
      ASSERT_TRUE(listed.ok() && listed->size() == 1u);
      EXPECT_FALSE(listed->front().tally_pending);
      EXPECT_EQ(listed->front().voucher_clawed_fen, 100'000'00);
      EXPECT_EQ(listed->front().used_recovered_fen, 50'000'00);
      EXPECT_EQ(platform_->Pool(As("officer"), "chengdu-2024")->recovery_outstanding_fen,
                50'000'00);
      auto again = platform_->RecordFraud(As("officer"), 1, "chengdu-2024", "虚构合同");
      ASSERT_FALSE(again.ok());
      EXPECT_EQ(again.error().code, ErrorCode::kDuplicate) << again.error().ToString();
      auto clawed = platform_->ListAudit(As("auditor"), {.action = "enforcement.clawed"});
      ASSERT_TRUE(clawed.ok());
      EXPECT_EQ(clawed->entries.size(), 1u);
      EXPECT_EQ(Moves("pending"), 0);
      EXPECT_EQ(Moves("failed"), 0);
      EXPECT_TRUE(platform_->VerifyAudit(As("auditor"))->ok);
      Reopen();
    }
  }
}

// A database from before findings were tallied durably (schema 2) has no tallied_at_us: its
// findings ran both steps in one call, so start-up takes them as tallied and runs nothing again.
TEST_F(EnforcementTest, FindingsOfASchemaTwoDatabaseAreTakenAsTallied) {
  const std::int64_t voucher = IssueVoucher();
  ASSERT_TRUE(Settle(voucher, "used", 20'000'00).ok());
  ASSERT_TRUE(platform_->RecordFraud(As("officer"), 1, "chengdu-2024", "虚构合同").ok());
  platform_.reset();
  Sql("ALTER TABLE enforcements DROP COLUMN tallied_at_us");
  Sql("UPDATE meta SET value = '2' WHERE key = 'schema_version'");
  Reopen();
  auto listed = platform_->ListEnforcements(As("auditor"));
  ASSERT_TRUE(listed.ok() && listed->size() == 1u);
  EXPECT_FALSE(listed->front().tally_pending);
  EXPECT_EQ(listed->front().voucher_clawed_fen, 140'000'00);
  EXPECT_EQ(listed->front().used_recovered_fen, 10'000'00);
  auto clawed = platform_->ListAudit(As("auditor"), {.action = "enforcement.clawed"});
  ASSERT_TRUE(clawed.ok());
  EXPECT_EQ(clawed->entries.size(), 1u);
}

// A voucher whose credit is still in the outbox (here a 1,000.00 top-up of a used-up voucher,
// as a grant approved but not yet applied would be) looked empty, so no claw was planned and
// the credit landed in the closed voucher, stranded. It is clawed back when it lands.
TEST_F(EnforcementTest, ACreditStillInTheOutboxIsClawedBackToo) {
  const std::int64_t voucher = IssueVoucher();
  ASSERT_TRUE(Settle(voucher, "all", 300'000'00).ok());  // pays 150,000.00: used up
  LeaveMoveInOutbox("grant/test-late", false, 1'000'00, 0, 2);
  auto e = platform_->RecordFraud(As("officer"), 1, "chengdu-2024", "虚构合同");
  ASSERT_TRUE(e.ok()) << e.error().ToString();
  EXPECT_EQ(e->voucher_clawed_fen, 1'000'00);
  EXPECT_EQ(e->used_recovered_fen, 150'000'00);
  auto v = platform_->GetVoucher(As("officer"), voucher);
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(v->remaining_fen, 0);
  EXPECT_EQ(Moves("failed"), 0);
}

// What a fraudulent organisation used is owed from the finding on, but the pool gets it back
// only as it is repaid: crediting it at the finding let the pool issue money it did not have.
// A repayment above what is owed, of nothing, or by a role that may not is refused and changes
// nothing; the figures survive a restart.
TEST_F(EnforcementTest, RecoveredMoneyReachesThePoolOnlyAsItIsRepaid) {
  const std::int64_t voucher = IssueVoucher();  // 150,000.00
  ASSERT_TRUE(Settle(voucher, "used", 20'000'00).ok());  // pays 10,000.00
  const Principal officer = As("officer");
  auto before = platform_->Pool(officer, "chengdu-2024");
  ASSERT_TRUE(before.ok()) << before.error().ToString();
  auto e = platform_->RecordFraud(officer, 1, "chengdu-2024", "虚构合同");
  ASSERT_TRUE(e.ok()) << e.error().ToString();
  EXPECT_EQ(e->voucher_clawed_fen, 140'000'00);
  EXPECT_EQ(e->used_recovered_fen, 10'000'00);
  auto found = platform_->Pool(officer, "chengdu-2024");
  ASSERT_TRUE(found.ok());
  // The unused rest is back at once; what was used is owed, not in the pool.
  ASSERT_TRUE(found->remaining_fen && before->remaining_fen);  // Chengdu states a yearly pool
  EXPECT_EQ(*found->remaining_fen, *before->remaining_fen + 140'000'00);
  EXPECT_EQ(found->recovery_outstanding_fen, 10'000'00);
  EXPECT_EQ(found->repaid_fen, 0);
  EXPECT_EQ(found->funded_fen, before->funded_fen);

  // Pool remaining and repaid so far, to compare before and after a refusal.
  const auto figures = [&] {
    auto pool = platform_->Pool(officer, "chengdu-2024");
    auto listed = platform_->ListEnforcements(officer);
    EXPECT_TRUE(pool.ok() && listed.ok() && listed->size() == 1u);
    return std::pair(pool.ok() ? pool->remaining_fen.value_or(-1) : -1,
                     listed.ok() && !listed->empty() ? listed->front().repaid_fen : -1);
  };
  const auto refused = [&](const Principal& who, std::int64_t amount, ErrorCode code) {
    const auto was = figures();
    auto r = platform_->RecordRepayment(who, e->id, amount, "ICBC refused");
    ASSERT_FALSE(r.ok()) << amount;
    EXPECT_EQ(r.error().code, code) << r.error().ToString();
    EXPECT_EQ(figures(), was) << amount;
  };
  refused(officer, 10'000'01, ErrorCode::kExceedsLimit);
  refused(officer, 0, ErrorCode::kOutOfRange);
  refused(officer, -1, ErrorCode::kNegativeAmount);
  refused(As("auditor"), 1'00, ErrorCode::kForbidden);
  auto no_reference = platform_->RecordRepayment(officer, e->id, 1'00, "");
  ASSERT_FALSE(no_reference.ok());
  EXPECT_EQ(no_reference.error().field, "reference");
  auto unknown = platform_->RecordRepayment(officer, e->id + 1, 1'00, "ICBC 1");
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().code, ErrorCode::kNotFound);

  auto part = platform_->RecordRepayment(officer, e->id, 4'000'00, "ICBC 20240511-001");
  ASSERT_TRUE(part.ok()) << part.error().ToString();
  EXPECT_EQ(figures(), std::pair(*found->remaining_fen + 4'000'00, std::int64_t{4'000'00}));
  EXPECT_EQ(part->repaid_fen, 4'000'00);
  // The same bank transfer again (a retry after a lost answer) is that repayment, not a second;
  // under its reference with another amount it is refused.
  auto retry = platform_->RecordRepayment(officer, e->id, 4'000'00, "ICBC 20240511-001");
  ASSERT_TRUE(retry.ok()) << retry.error().ToString();
  EXPECT_EQ(retry->repaid_fen, 4'000'00);
  EXPECT_EQ(figures(), std::pair(*found->remaining_fen + 4'000'00, std::int64_t{4'000'00}));
  auto other = platform_->RecordRepayment(officer, e->id, 1'000'00, "ICBC 20240511-001");
  ASSERT_FALSE(other.ok());
  EXPECT_EQ(other.error().code, ErrorCode::kDuplicate);
  EXPECT_EQ(other.error().field, "reference");
  EXPECT_EQ(part->outstanding_fen(), 6'000'00);
  auto rest = platform_->RecordRepayment(officer, e->id, 6'000'00, "ICBC 20240601-002");
  ASSERT_TRUE(rest.ok()) << rest.error().ToString();
  EXPECT_EQ(rest->outstanding_fen(), 0);
  refused(officer, 1, ErrorCode::kExceedsLimit);  // nothing left: the next cent is refused

  Reopen();
  auto after = platform_->Pool(officer, "chengdu-2024");
  ASSERT_TRUE(after.ok());
  EXPECT_EQ(after->remaining_fen, *before->remaining_fen + 150'000'00);
  EXPECT_EQ(after->repaid_fen, 10'000'00);
  EXPECT_EQ(after->recovery_outstanding_fen, 0);
  EXPECT_EQ(after->funded_fen, before->funded_fen);
  auto listed = platform_->ListEnforcements(As("auditor"));
  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_EQ(listed->front().repaid_fen, 10'000'00);
  EXPECT_FALSE(listed->front().org_name.empty());
  EXPECT_EQ(Moves("failed"), 0);
  auto audit = platform_->ListAudit(As("auditor"), {.action = "enforcement.repayment"});
  ASSERT_TRUE(audit.ok());
  EXPECT_EQ(audit->entries.size(), 2u);
  EXPECT_FALSE(platform_->ListEnforcements(As("demo-applicant")).ok());
}

}  // namespace
}  // namespace suanli::workflow
