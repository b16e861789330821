// A test fixture for tests that drive the Platform directly (src/workflow/*_test.cc): a fresh
// data directory per test, the demo seeded, and the demo organisation's Chengdu voucher
// (IssueVoucher), settled by the demo AI center's operator (Settle). Test code only.
#pragma once

#include <filesystem>
#include <future>
#include <memory>
#include <string>
#include <utility>

#include <gtest/gtest.h>

#include "storage/sqlite/db.h"
#include "workflow/demo.h"
#include "workflow/platform.h"
#include "workflow/workflow_testing.h"

namespace suanli::workflow::testing {

namespace fs = std::filesystem;

class DemoVoucherTest : public ::testing::Test {
 protected:
  // The platform's clock starts at `start` (a test moves it with clock_.Set).
  explicit DemoVoucherTest(Instant start = Instant::Parse("2024-05-10T10:00:00+08:00").value())
      : clock_(start) {}
  void SetUp() override {
    dir_ = FreshTestDir("suanli-workflow");
    Reopen();
  }
  void TearDown() override {
    platform_.reset();
    fs::remove_all(dir_);
  }
  void Reopen() {
    platform_.reset();
    auto p = OpenTestPlatform(dir_, &clock_, programs_dir_.string());
    ASSERT_TRUE(p.ok()) << p.error().ToString();
    platform_ = std::move(p).value();
  }
  Principal As(std::string username) {
    auto p = LoginAs(*platform_, username, kDemoPassword);
    EXPECT_TRUE(p.ok()) << p.error().ToString();
    return p.ok() ? *p : Principal{};
  }
  // The reconciliation as the auditor runs it (an empty one, and a failure, when it errs).
  Reconciliation Reconciled() {
    auto r = platform_->Reconcile(As("auditor"));
    EXPECT_TRUE(r.ok()) << r.error().ToString();
    return r.ok() ? *r : Reconciliation{};
  }
  // The one difference the reconciliation finds, "" (and a failure) when not exactly one.
  std::string OnlyDifference() {
    const Reconciliation r = Reconciled();
    EXPECT_EQ(r.differences_total, 1) << ::testing::PrintToString(r.differences);
    return r.differences.size() == 1 ? r.differences[0] : "";
  }
  // A 300,000.00 contract of the demo organisation (1) with 成都智算中心 (provider 2), signed
  // 2024-03-10, for intelligent compute.
  static NewContract DemoContract(std::string contract_no) {
    NewContract c;
    c.org_id = 1;
    c.provider_id = 2;
    c.contract_no = std::move(contract_no);
    c.amount_fen = 300'000'00;
    c.signed_on = Date::Parse("2024-03-10").value();
    c.start_on = c.signed_on;
    c.end_on = Date::Parse("2024-11-30").value();
    c.resource_class = "intelligent_compute";
    return c;
  }
  // The demo organisation qualified, a 300,000 contract with 成都智算中心, and its application
  // for a Chengdu voucher (not decided yet); returns the application's id.
  std::int64_t ApplyForVoucher() {
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
    auto contract = platform_->FileContract(applicant, DemoContract("R-1"));
    EXPECT_TRUE(contract.ok()) << contract.error().ToString();
    auto app = platform_->Apply(applicant, "chengdu-2024", contract->id);
    EXPECT_TRUE(app.ok()) << app.error().ToString();
    return app.ok() ? app->id : 0;
  }
  // ApplyForVoucher, approved: the voucher's id (150,000.00 CNY, 50 % of the contract).
  std::int64_t IssueVoucher() {
    const std::int64_t app = ApplyForVoucher();
    auto decided = platform_->DecideApplication(As("officer"), app, true, "");
    EXPECT_TRUE(decided.ok()) << decided.error().ToString();
    return decided.ok() ? decided->voucher_id.value_or(0) : 0;
  }
  // Bill "BILL-<key>" of `bill_fen`, settled with Idempotency-Key `key`.
  Result<SettlementResult> Settle(std::int64_t voucher, std::string key, std::int64_t bill_fen) {
    return SettleBill(voucher, key, "BILL-" + key, bill_fen);
  }
  Result<SettlementResult> SettleBill(std::int64_t voucher, std::string key, std::string bill_no,
                                      std::int64_t bill_fen) {
    std::promise<Result<SettlementResult>> done;
    SettlementRequest r{std::move(key), voucher, std::move(bill_no), bill_fen};
    platform_->SubmitSettlement(As("op-ai"), r, [&](Result<SettlementResult> out) {
      done.set_value(std::move(out));
    });
    return done.get_future().get();
  }
  void Sql(const std::string& sql) {
    auto db = storage::Db::Open(storage::DbOptions{(dir_ / "platform.db").string()});
    ASSERT_TRUE(db.ok());
    const Status done = (*db)->Exec(sql);
    ASSERT_TRUE(done.ok()) << sql << ": " << done.error().ToString();
  }
  // The first column of the first row `sql` selects from platform.db (-1 when none).
  std::int64_t SqlInt(const std::string& sql) {
    auto db = storage::Db::Open(storage::DbOptions{(dir_ / "platform.db").string()});
    EXPECT_TRUE(db.ok());
    if (!db.ok()) return -1;
    auto prepared = (*db)->Prepare(sql);
    EXPECT_TRUE(prepared.ok()) << sql << ": " << prepared.error().ToString();
    if (!prepared.ok()) return -1;
    storage::Stmt q = std::move(prepared).value();
    auto row = q.Step();
    EXPECT_TRUE(row.ok()) << sql;
    return row.ok() && *row ? q.Int(0) : -1;
  }
  // The account money moves under ledger key `key` credited, or debited (from platform.db's
  // outbox; -1 when there is no such move).
  std::int64_t MoveCredit(const std::string& key) {
    return SqlInt("SELECT credit_account FROM money_moves WHERE ledger_key = '" + key + "'");
  }
  std::int64_t MoveDebit(const std::string& key) {
    return SqlInt("SELECT debit_account FROM money_moves WHERE ledger_key = '" + key + "'");
  }
  // Leaves a move pending in the outbox, as a step that stopped before the ledger ran it would:
  // between the accounts of the (first) demo grant, out of its voucher (`from_voucher`, as a
  // settlement or a reversal's counterpart would) or into it (as a grant would).
  void LeaveMoveInOutbox(const std::string& key, bool from_voucher, std::int64_t amount_fen,
                         int flags, int code) {
    Sql("INSERT INTO money_moves (ledger_key, debit_account, credit_account, amount_fen, flags, "
        "code, user_data, status, created_at_us) SELECT '" + key + "', " +
        (from_voucher ? "credit_account, debit_account, " : "debit_account, credit_account, ") +
        std::to_string(amount_fen) + ", " + std::to_string(flags) + ", " + std::to_string(code) +
        ", 0, 'pending', created_at_us FROM money_moves WHERE ledger_key LIKE 'grant/%' "
        "ORDER BY id LIMIT 1");
  }

  ManualClock clock_;
  fs::path dir_;
  fs::path programs_dir_ = "programs";  // a test may point it at a copy it edits
  std::unique_ptr<Platform> platform_;
};

}  // namespace suanli::workflow::testing
