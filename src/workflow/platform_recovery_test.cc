// Start-up recovery of the platform: a money move left pending by a crash between the step's
// commit and the ledger is executed on reopening (once: a move the ledger already applied is
// not counted twice), and settlement journal rows a crash lost are rebuilt from the ledger.
#include <filesystem>
#include <future>

#include <gtest/gtest.h>

#include "storage/sqlite/db.h"
#include "workflow/demo.h"
#include "workflow/platform.h"
#include "workflow/workflow_testing.h"

namespace suanli::workflow {
namespace {

namespace fs = std::filesystem;

class PlatformRecoveryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("suanli-recovery-" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) +
            "-" + ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    Reopen();
  }
  void TearDown() override {
    platform_.reset();
    fs::remove_all(dir_);
  }
  void Reopen() {
    platform_.reset();
    auto p = testing::OpenTestPlatform(dir_, &clock_);
    ASSERT_TRUE(p.ok()) << p.error().ToString();
    platform_ = std::move(p).value();
  }
  Principal As(std::string username) {
    auto p = testing::LoginAs(*platform_, username, kDemoPassword);
    EXPECT_TRUE(p.ok()) << p.error().ToString();
    return p.ok() ? *p : Principal{};
  }
  // The demo organisation qualified, a 300,000 contract with 成都智算中心, and its voucher.
  std::int64_t IssueVoucher() {
    EXPECT_TRUE(SeedDemo(*platform_).ok());
    const Principal applicant = As("demo-applicant");
    const Principal officer = As("officer");
    const std::string pdf = "%PDF-1.4 test";
    for (const char* kind : {"business_licence", "legal_rep_id_scan", "authenticity_pledge",
                             "no_violation_pledge", "credit_report", "audit_report"}) {
      auto d = platform_->UploadDocument(applicant, "org/1", kind, "f.pdf", pdf);
      EXPECT_TRUE(d.ok()) << d.error().ToString();
      EXPECT_TRUE(platform_->ReviewDocument(officer, d->id, true, "").ok());
    }
    EXPECT_TRUE(platform_->SubmitQualification(applicant, 1).ok());
    EXPECT_TRUE(platform_->DecideQualification(officer, 1, true, "").ok());
    NewContract c;
    c.org_id = 1;
    c.provider_id = 2;
    c.contract_no = "R-1";
    c.amount_fen = 300'000'00;
    c.signed_on = Date::Parse("2024-03-10").value();
    c.start_on = c.signed_on;
    c.end_on = Date::Parse("2024-11-30").value();
    c.resource_class = "intelligent_compute";
    auto contract = platform_->FileContract(applicant, c);
    EXPECT_TRUE(contract.ok()) << contract.error().ToString();
    auto app = platform_->Apply(applicant, "chengdu-2024", contract->id);
    EXPECT_TRUE(app.ok()) << app.error().ToString();
    auto decided = platform_->DecideApplication(officer, app->id, true, "");
    EXPECT_TRUE(decided.ok()) << decided.error().ToString();
    return decided->voucher_id.value_or(0);
  }
  Result<SettlementResult> Settle(std::int64_t voucher, std::string key, std::int64_t bill_fen) {
    std::promise<Result<SettlementResult>> done;
    SettlementRequest r{key, voucher, "BILL-" + key, bill_fen};
    platform_->SubmitSettlement(As("op-ai"), r, [&](Result<SettlementResult> out) {
      done.set_value(std::move(out));
    });
    return done.get_future().get();
  }
  void Sql(const std::string& sql) {
    auto db = storage::Db::Open(storage::DbOptions{(dir_ / "platform.db").string()});
    ASSERT_TRUE(db.ok());
    ASSERT_TRUE((*db)->Exec(sql).ok()) << sql;
  }

  ManualClock clock_{Instant::Parse("2024-05-10T10:00:00+08:00").value()};
  fs::path dir_;
  std::unique_ptr<Platform> platform_;
};

TEST_F(PlatformRecoveryTest, LostJournalRowsAreRebuiltFromTheLedger) {
  const std::int64_t voucher = IssueVoucher();
  ASSERT_TRUE(Settle(voucher, "k1", 120'000'00).ok());
  ASSERT_TRUE(Settle(voucher, "k2", 30'000'01).ok());
  platform_.reset();
  // A crash after the ledger's commit but before the journal's: the rows are gone.
  Sql("DELETE FROM settlements; DELETE FROM meta WHERE key = 'journal_scanned_through';");
  Reopen();
  const Principal officer = As("officer");
  auto rows = platform_->ListDeductions(officer, voucher);
  ASSERT_TRUE(rows.ok());
  ASSERT_EQ(rows->size(), 2u);
  EXPECT_EQ((*rows)[0].deduction_fen, 60'000'00);
  EXPECT_EQ((*rows)[0].bill_fen, 120'000'00);
  EXPECT_EQ((*rows)[1].deduction_fen, 15'000'00);  // 15,000.005 rounded down to the fen
  EXPECT_EQ((*rows)[0].bill_no, "");               // the bill number was not in the ledger
  auto v = platform_->GetVoucher(officer, voucher);
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(v->used_fen, 75'000'00);
  EXPECT_EQ(v->remaining_fen, 75'000'00);
  // A retry of a settlement from before the crash still answers its first result.
  auto retry = Settle(voucher, "k1", 120'000'00);
  ASSERT_TRUE(retry.ok());
  EXPECT_TRUE(retry->duplicate);
  EXPECT_EQ(platform_->GetVoucher(officer, voucher)->remaining_fen, 75'000'00);
}

TEST_F(PlatformRecoveryTest, PendingMovesRunOnceAtStartUp) {
  const std::int64_t voucher = IssueVoucher();
  platform_.reset();
  // The grant was applied, but the crash came before the outbox row was marked done.
  Sql("UPDATE money_moves SET status = 'pending' WHERE ledger_key LIKE 'grant/%'");
  Reopen();
  const Principal officer = As("officer");
  EXPECT_EQ(platform_->GetVoucher(officer, voucher)->remaining_fen, 150'000'00);  // not twice
  auto pool = platform_->Pool(officer, "chengdu-2024");
  ASSERT_TRUE(pool.ok());
  EXPECT_EQ(pool->issued_fen, 150'000'00);
  EXPECT_EQ(pool->remaining_fen, 10'000'000'00 - 150'000'00);
}

TEST_F(PlatformRecoveryTest, ExpiryLapsesOnceAndSettlementAfterExpiryIsRefused) {
  const std::int64_t voucher = IssueVoucher();
  ASSERT_TRUE(Settle(voucher, "k1", 100'000'00).ok());
  clock_.Set(Instant::Parse("2024-12-01T00:00:00+08:00").value());
  auto late = Settle(voucher, "k2", 10'00);
  ASSERT_FALSE(late.ok());
  EXPECT_EQ(late.error().code, ErrorCode::kExpired);
  ASSERT_TRUE(platform_->RunExpiry().ok());
  ASSERT_TRUE(platform_->RunExpiry().ok());  // a second sweep changes nothing
  Reopen();
  const Principal officer = As("officer");
  auto v = platform_->GetVoucher(officer, voucher);
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(v->status, "lapsed");
  EXPECT_EQ(v->lapsed_fen, 100'000'00);
  EXPECT_EQ(v->used_fen, 50'000'00);
  EXPECT_EQ(platform_->Pool(officer, "chengdu-2024")->lapsed_fen, 100'000'00);
}

}  // namespace
}  // namespace suanli::workflow
