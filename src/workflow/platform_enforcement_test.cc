// A fraud finding (seed 000 §五(二)): the ban is the organisation's and holds at once on every
// one of its vouchers, as it does after a restart; a second finding never moves the first
// ban's end; and a voucher with nothing left is not clawed, so no move of nothing is left
// failed in the outbox. The clock is the fixture's, 2024-05-10 10:00 CST.
#include <string>

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

}  // namespace
}  // namespace suanli::workflow
