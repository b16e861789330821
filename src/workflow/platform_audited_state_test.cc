// The records' state against the audit log (audited_state.h), through the reconciliation: after
// ordinary work every record is as its last entry says; a row edited, added or deleted beside
// the log — the chain itself untouched, so `audit verify` passes — shows as a difference naming
// the record and the entry, and putting the row back clears it.
#include <string>
#include <vector>

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include "workflow/audited_state.h"
#include "workflow/demo_voucher_fixture.h"

namespace suanli::workflow {
namespace {

class AuditedStateTest : public testing::DemoVoucherTest {
 protected:
  std::int64_t Count(const std::string& sql) {
    auto db = storage::Db::Open(storage::DbOptions{(dir_ / "platform.db").string()});
    EXPECT_TRUE(db.ok());
    auto q = (*db)->Prepare(sql);
    EXPECT_TRUE(q.ok());
    if (!q.ok()) return -1;
    storage::Stmt& stmt = q.value();
    auto row = stmt.Step();
    EXPECT_TRUE(row.ok() && *row);
    return stmt.Int(0);
  }
};

TEST_F(AuditedStateTest, OrdinaryWorkLeavesEveryRecordAsItsLastEntrySays) {
  const std::int64_t voucher = IssueVoucher();
  ASSERT_TRUE(Settle(voucher, "k1", 20'000'00).ok());
  // A fraud finding changes the organisation (banned), its voucher (clawed back) and refuses its
  // waiting applications: each with its state on the log.
  ASSERT_TRUE(platform_->RecordFraud(As("officer"), 1, "chengdu-2024", "虚构合同").ok());
  const Reconciliation r = Reconciled();
  EXPECT_TRUE(r.ok()) << ::testing::PrintToString(r.differences);
  const std::int64_t rows = Count(
      "SELECT (SELECT count(*) FROM orgs) + (SELECT count(*) FROM documents) + (SELECT count(*) "
      "FROM contracts) + (SELECT count(*) FROM applications) + (SELECT count(*) FROM vouchers) + "
      "(SELECT count(*) FROM enforcements) + (SELECT count(*) FROM users) + (SELECT count(*) "
      "FROM api_keys) + (SELECT count(*) FROM related_parties) + (SELECT count(*) FROM "
      "subsidies)");
  EXPECT_EQ(r.records, rows);
  EXPECT_GE(r.records, 10);  // the demo's organisations and documents, the contract …

  auto voucher_state = [&] {
    auto db = storage::Db::Open(storage::DbOptions{(dir_ / "platform.db").string()});
    EXPECT_TRUE(db.ok());
    auto json = AuditedStateJson(**db, "voucher/" + std::to_string(voucher));
    EXPECT_TRUE(json.ok()) << json.error().ToString();
    return json.ok() ? boost::json::parse(*json).as_object() : boost::json::object{};
  };
  EXPECT_EQ(voucher_state().at("status").as_string(), "clawed_back");
  EXPECT_EQ(voucher_state().at("grant_fen").as_int64(), 150'000'00);
}

// A fraud finding is a record of its own: the ban it set, what it recovers and every repayment.
TEST_F(AuditedStateTest, AFindingsBanOrRepaymentsEditedBesideTheLogAreFound) {
  const std::int64_t voucher = IssueVoucher();
  ASSERT_TRUE(Settle(voucher, "k1", 20'000'00).ok());  // 10,000.00 used: owed back
  auto finding = platform_->RecordFraud(As("officer"), 1, "chengdu-2024", "虚构合同");
  ASSERT_TRUE(finding.ok()) << finding.error().ToString();
  ASSERT_TRUE(platform_->RecordRepayment(As("officer"), finding->id, 4'000'00, "ICBC 1").ok());
  ASSERT_TRUE(Reconciled().ok()) << ::testing::PrintToString(Reconciled().differences);
  const std::string object = "enforcement/" + std::to_string(finding->id);
  const std::string id = std::to_string(finding->id);

  Sql("UPDATE enforcements SET banned_until_us = banned_until_us - 86400000000 WHERE id = " + id);
  EXPECT_EQ(OnlyDifference().rfind(object + ": the row differs from its last recorded state", 0),
            0u);
  Sql("UPDATE enforcements SET banned_until_us = banned_until_us + 86400000000 WHERE id = " + id);
  ASSERT_TRUE(Reconciled().ok());

  // A repayment forged into the table (the ledger moved nothing for it).
  Sql("INSERT INTO enforcement_repayments (enforcement_id, amount_fen, reference, at_us) VALUES "
      "(" + id + ", 6000000, 'forged', 0)");
  EXPECT_EQ(OnlyDifference().rfind(object + ": the row differs", 0), 0u);
  Sql("DELETE FROM enforcement_repayments WHERE reference = 'forged'");
  EXPECT_TRUE(Reconciled().ok());
}

TEST_F(AuditedStateTest, AVoucherOrOrganisationEditedBesideTheLogIsFoundAndPuttingItBackClearsIt) {
  const std::int64_t voucher = IssueVoucher();
  ASSERT_TRUE(Settle(voucher, "k1", 20'000'00).ok());
  ASSERT_TRUE(Reconciled().ok());
  const std::string v = std::to_string(voucher);

  // A year more to spend it: the ledger's account keeps its own expiry, but the platform's row
  // is what the console and the notices read.
  Sql("UPDATE vouchers SET expires_at_us = expires_at_us + 31536000000000 WHERE id = " + v);
  std::string d = OnlyDifference();
  EXPECT_NE(d.find("voucher/" + v + ": the row differs from its last recorded state"),
            std::string::npos) << d;
  EXPECT_NE(d.find("voucher.issue)"), std::string::npos) << d;
  Sql("UPDATE vouchers SET expires_at_us = expires_at_us - 31536000000000 WHERE id = " + v);
  EXPECT_TRUE(Reconciled().ok());

  // A higher revenue to pass an eligibility floor; a class that lifts a cap.
  Sql("UPDATE orgs SET prior_year_revenue_fen = prior_year_revenue_fen + 1 WHERE id = 1");
  d = OnlyDifference();
  EXPECT_EQ(d.rfind("org/1: the row differs", 0), 0u) << d;
  Sql("UPDATE orgs SET prior_year_revenue_fen = prior_year_revenue_fen - 1 WHERE id = 1");
  EXPECT_TRUE(Reconciled().ok());
  Sql("INSERT INTO org_classes (org_id, class, listed_at_us) VALUES (1, 'foundation_model_firm', 0)");
  EXPECT_EQ(OnlyDifference().rfind("org/1: the row differs", 0), 0u);
  Sql("DELETE FROM org_classes WHERE org_id = 1");
  EXPECT_TRUE(Reconciled().ok());

  // The same class recorded through the platform is on the log, and agrees.
  ASSERT_TRUE(platform_->SetOrgClass(As("officer"), 1, "foundation_model_firm", true).ok());
  EXPECT_TRUE(Reconciled().ok());
}

TEST_F(AuditedStateTest, ARowAddedOrDeletedBesideTheLogIsFound) {
  const std::int64_t voucher = IssueVoucher();
  ASSERT_TRUE(Reconciled().ok());

  // An application no one submitted, approved with a grant.
  Sql("PRAGMA foreign_keys=OFF; INSERT INTO applications (org_id, program_id, contract_id, status, quoted_fen, "
      "granted_fen, quote_json, created_at_us) VALUES (2, 'chengdu-2024', 999, 'approved', "
      "100000000, 100000000, '{}', 0)");
  const std::int64_t forged = Count("SELECT max(id) FROM applications");
  std::string d = OnlyDifference();
  EXPECT_EQ(d, "application/" + std::to_string(forged) + ": a row the audit log never recorded");
  Sql("DELETE FROM applications WHERE id = " + std::to_string(forged));
  EXPECT_TRUE(Reconciled().ok());

  // A reviewed document removed: the log still records it.
  const std::int64_t document = Count("SELECT min(id) FROM documents");
  Sql("DELETE FROM documents WHERE id = " + std::to_string(document));
  d = OnlyDifference();
  EXPECT_EQ(d.rfind("document/" + std::to_string(document) + ": recorded by audit entry ", 0), 0u)
      << d;
  EXPECT_NE(d.find("but its row is gone"), std::string::npos) << d;
  (void)voucher;
}

TEST_F(AuditedStateTest, ADatabaseFromBeforeTheFormsGetsEachRecordsStateOnTheLogOnce) {
  const std::int64_t voucher = IssueVoucher();
  ASSERT_TRUE(Settle(voucher, "k1", 20'000'00).ok());
  const std::string baselines = "SELECT count(*) FROM audit_log WHERE action = 'state.baseline'";
  EXPECT_EQ(Count(baselines), 0);  // a new database records every state as it goes
  // As a database written before the forms existed: no version, and entries whose digests are
  // of other JSON than today's form (here: one row changed, so its entry no longer matches).
  Sql("UPDATE vouchers SET issued_at_us = issued_at_us + 1");
  EXPECT_EQ(Reconciled().differences_total, 1);
  platform_.reset();
  Sql("DELETE FROM meta WHERE key = 'audited_state_forms'");
  Reopen();
  const std::int64_t rows = Count(
      "SELECT (SELECT count(*) FROM orgs) + (SELECT count(*) FROM documents) + (SELECT count(*) "
      "FROM contracts) + (SELECT count(*) FROM applications) + (SELECT count(*) FROM vouchers) + "
      "(SELECT count(*) FROM enforcements) + (SELECT count(*) FROM users) + (SELECT count(*) "
      "FROM api_keys) + (SELECT count(*) FROM related_parties) + (SELECT count(*) FROM "
      "subsidies)");
  EXPECT_EQ(Count(baselines), rows);
  EXPECT_EQ(Count("SELECT value FROM meta WHERE key = 'audited_state_forms'"), kAuditedStateForms);
  const Reconciliation r = Reconciled();
  EXPECT_TRUE(r.ok()) << ::testing::PrintToString(r.differences);
  EXPECT_EQ(r.records, rows);
  Reopen();
  EXPECT_EQ(Count(baselines), rows);  // once
}

TEST_F(AuditedStateTest, OnlyAuditedObjectsHaveAStateForm) {
  ASSERT_TRUE(SeedDemo(*platform_).ok());
  auto db = storage::Db::Open(storage::DbOptions{(dir_ / "platform.db").string()});
  ASSERT_TRUE(db.ok());
  auto org = AuditedStateJson(**db, "org/1");
  EXPECT_TRUE(org.ok()) << org.error().ToString();
  EXPECT_EQ(AuditedStateJson(**db, "org/999").error().code, ErrorCode::kNotFound);
  // An API key is named by its key id, a text.
  EXPECT_EQ(AuditedStateJson(**db, "api_key/00000000deadbeef").error().code, ErrorCode::kNotFound);
  for (const char* object : {"settlement/1", "org/", "org/x", "org/-1", "org/1x", "org",
                             "api_key/", "api_key/a b", "api_key/a/b", "user/x"}) {
    EXPECT_EQ(AuditedStateJson(**db, object).error().code, ErrorCode::kOutOfRange) << object;
  }
}

}  // namespace
}  // namespace suanli::workflow
