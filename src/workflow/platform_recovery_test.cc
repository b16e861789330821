// Start-up recovery of the platform: a money move left pending by a crash between the step's
// commit and the ledger is executed on reopening (once: a move the ledger already applied is
// not counted twice), and settlement journal rows a crash lost are rebuilt from the ledger.
#include <filesystem>
#include <future>

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include "audit/audit_log.h"
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

// The transfer ids the settlement entries of the log list, with their count and total.
struct Listed {
  std::vector<std::int64_t> ids;
  std::int64_t count = 0;
  std::int64_t deduction_fen = 0;
  std::vector<std::string> actors;
};
Listed ListedSettlements(const audit::AuditPage& page) {
  Listed out;
  for (const audit::AuditEntry& e : page.entries) {
    const boost::json::object detail = boost::json::parse(e.detail_json).as_object();
    for (const auto& id : detail.at("transfer_ids").as_array()) out.ids.push_back(id.as_int64());
    out.count += detail.at("count").as_int64();
    out.deduction_fen += detail.at("deduction_fen").as_int64();
    out.actors.push_back(e.actor);
  }
  return out;
}

TEST_F(PlatformRecoveryTest, EverySettlementIsOnTheAuditChain) {
  const std::int64_t voucher = IssueVoucher();
  auto k1 = Settle(voucher, "k1", 120'000'00);
  auto k2 = Settle(voucher, "k2", 30'000'01);
  ASSERT_TRUE(k1.ok() && k2.ok());
  ASSERT_TRUE(Settle(voucher, "k1", 120'000'00)->duplicate);  // a retry lists nothing new
  const Principal auditor = As("auditor");
  auto posted = platform_->ListAudit(auditor, {.action = "settlement.post"});
  ASSERT_TRUE(posted.ok()) << posted.error().ToString();
  ASSERT_FALSE(posted->entries.empty());  // one entry per journal batch: one or two here
  const Listed listed = ListedSettlements(*posted);
  EXPECT_EQ(listed.ids, (std::vector<std::int64_t>{k1->settlement_id, k2->settlement_id}));
  EXPECT_EQ(listed.count, 2);
  EXPECT_EQ(listed.deduction_fen, 60'000'00 + 15'000'00);
  for (const audit::AuditEntry& e : posted->entries) {
    EXPECT_EQ(e.actor, "system");
    EXPECT_EQ(e.object.rfind("settlements/", 0), 0u);
    EXPECT_NE(e.after_sha256, audit::JsonSha256(""));  // the rows' digest, not "null"'s
  }
  auto verified = platform_->VerifyAudit(auditor);
  ASSERT_TRUE(verified.ok());
  EXPECT_TRUE(verified->ok) << verified->problems_total;
  // The journal anchored its last entry: nothing after the anchor is unprotected.
  auto anchor = audit::ReadAnchor(dir_ / "audit.anchor");
  ASSERT_TRUE(anchor.ok() && anchor->has_value() && verified->head.has_value());
  EXPECT_EQ((*anchor)->seq, verified->head->seq);
  EXPECT_EQ((*anchor)->hash, verified->head->hash);

  // Rows a crash lost come back with an entry of their own.
  platform_.reset();
  Sql("DELETE FROM settlements WHERE bill_no = 'BILL-k2'; "
      "DELETE FROM meta WHERE key = 'journal_scanned_through';");
  Reopen();
  auto recovered = platform_->ListAudit(As("auditor"), {.action = "settlement.recover"});
  ASSERT_TRUE(recovered.ok());
  // k1's row was still there: only k2 is listed again.
  EXPECT_EQ(ListedSettlements(*recovered).ids, (std::vector<std::int64_t>{k2->settlement_id}));
  EXPECT_TRUE(platform_->VerifyAudit(As("auditor"))->ok);
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
