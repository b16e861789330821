// The registers that decide who may get or spend public money, against the audit log (state
// forms version 3, audited_state.h): related parties (the exclusion of related parties), the
// register of other subsidies (no stacking), accounts (role, organisation or provider, disabled,
// password) and API keys. After ordinary work, and on a fresh demo database, every row is as
// its last entry says; an UPDATE of a significant column, a DELETE and a forged INSERT done
// beside the platform each show in the reconciliation, naming the record; a database of forms
// version 2 gets these rows on the log once at its upgrade, and keeps what the log already
// vouched for.
#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include "workflow/audited_state.h"
#include "workflow/demo_voucher_fixture.h"

namespace suanli::workflow {
namespace {

// Rows of every audited table: what the reconciliation compares.
constexpr char kAllAuditedRows[] =
    "SELECT (SELECT count(*) FROM orgs) + (SELECT count(*) FROM documents) + (SELECT count(*) "
    "FROM contracts) + (SELECT count(*) FROM applications) + (SELECT count(*) FROM vouchers) + "
    "(SELECT count(*) FROM awards) + (SELECT count(*) FROM redemptions) + (SELECT count(*) FROM "
    "claims) + (SELECT count(*) FROM payout_batches) + (SELECT count(*) FROM enforcements) + "
    "(SELECT count(*) FROM related_parties) + (SELECT count(*) FROM subsidies) + (SELECT "
    "count(*) FROM users) + (SELECT count(*) FROM api_keys)";
// Rows of the kinds state forms version 3 added.
constexpr char kRegisterRows[] =
    "SELECT (SELECT count(*) FROM related_parties) + (SELECT count(*) FROM subsidies) + (SELECT "
    "count(*) FROM users) + (SELECT count(*) FROM api_keys)";

constexpr char kFirmUscc[] = "91510100MA61R1234W";  // the demo organisation (org 1)

class AuditedRegistersTest : public testing::DemoVoucherTest {
 protected:
  void SetUp() override {
    DemoVoucherTest::SetUp();
    ASSERT_TRUE(SeedDemo(*platform_).ok());
  }
  // Each edit (an UPDATE of one column), then its undo: the edit is exactly one difference,
  // `object`'s row against its last entry; undone, none.
  void ExpectEachEditFound(const std::string& object,
                           const std::vector<std::pair<std::string, std::string>>& edits) {
    for (const auto& [edit, undo] : edits) {
      Sql(edit);
      const std::string d = OnlyDifference();
      EXPECT_EQ(d.rfind(object + ": the row differs from its last recorded state (audit entry ", 0),
                0u)
          << edit << " → " << d;
      Sql(undo);
      const Reconciliation r = Reconciled();
      EXPECT_TRUE(r.ok()) << undo << " → " << ::testing::PrintToString(r.differences);
    }
  }
  std::string SqlText(const std::string& sql) {
    auto db = storage::Db::Open(storage::DbOptions{(dir_ / "platform.db").string()});
    EXPECT_TRUE(db.ok());
    if (!db.ok()) return "";
    auto q = (*db)->Prepare(sql);
    EXPECT_TRUE(q.ok()) << sql;
    if (!q.ok()) return "";
    storage::Stmt& stmt = q.value();
    auto row = stmt.Step();
    EXPECT_TRUE(row.ok() && *row) << sql;
    return row.ok() && *row ? stmt.Text(0) : "";
  }
  std::int64_t UserId(const std::string& username) {
    return SqlInt("SELECT id FROM users WHERE username = '" + username + "'");
  }
  std::size_t Audited(const std::string& action) {
    auto page = platform_->ListAudit(As("auditor"), {.action = action, .limit = 1000});
    EXPECT_TRUE(page.ok());
    return page.ok() ? page->entries.size() : 0;
  }
  // The state form of `object` as it is now.
  boost::json::object Form(const std::string& object) {
    auto db = storage::Db::Open(storage::DbOptions{(dir_ / "platform.db").string()});
    EXPECT_TRUE(db.ok());
    auto json = AuditedStateJson(**db, object);
    EXPECT_TRUE(json.ok()) << object << ": " << json.error().ToString();
    return json.ok() ? boost::json::parse(*json).as_object() : boost::json::object{};
  }
  Result<std::int64_t> Import(const std::string& rows) {
    return platform_->ImportSubsidies(As("officer"), "uscc,scheme,reference,amount,year\n" + rows);
  }
};

// A fresh demo database reconciles clean (its accounts were created by steps), and so does one
// after every step that writes the four registers.
TEST_F(AuditedRegistersTest, ADemoDatabaseAndOrdinaryWorkOnTheRegistersReconcileClean) {
  Reconciliation r = Reconciled();
  EXPECT_TRUE(r.ok()) << ::testing::PrintToString(r.differences);
  EXPECT_EQ(r.records, SqlInt(kAllAuditedRows));
  EXPECT_GE(SqlInt("SELECT count(*) FROM users"), 10);  // the demo's logins

  // Related parties: an organisation's, a provider's, an expert's; one withdrawn.
  const Principal officer = As("officer");
  auto shareholder =
      platform_->DeclareRelatedParty(As("demo-applicant"), "org/1", "shareholder", "某投资公司");
  ASSERT_TRUE(shareholder.ok()) << shareholder.error().ToString();
  ASSERT_TRUE(
      platform_->DeclareRelatedParty(As("op-ai"), "provider/2", "affiliate", "成都示例科技有限公司")
          .ok());
  const std::string expert = "user/" + std::to_string(UserId("expert1"));
  ASSERT_TRUE(
      platform_->DeclareRelatedParty(As("expert1"), expert, "conflict_of_interest", "成都智算中心")
          .ok());
  ASSERT_TRUE(platform_->WithdrawRelatedParty(officer, shareholder->id, "申报有误").ok());
  // Declared again: a new row (and a new id here; had SQLite reused the withdrawn row's id, the
  // new declaration's entry would follow the withdrawal's on the same object).
  ASSERT_TRUE(
      platform_->DeclareRelatedParty(As("demo-applicant"), "org/1", "shareholder", "某投资公司")
          .ok());

  // The subsidy register, imported twice: a row changed, one as it was, one new.
  const std::string uscc = kFirmUscc;
  ASSERT_TRUE(
      Import(uscc + ",市科技项目,R-1,500000.00,2024\n" + uscc + ",省专项,P-1,1.00,2023\n").ok());
  ASSERT_TRUE(Import(uscc + ",市科技项目,R-1,600000.00,2024\n" + uscc + ",省专项,P-1,1.00,2023\n" +
                     uscc + ",区补贴,R-2,2.00,2024\n")
                  .ok());
  EXPECT_EQ(Audited("subsidy.import"), 4u);  // 2 + (1 changed + 1 new): the same row is no change
  EXPECT_EQ(Audited("subsidies.import"), 2u);

  // Accounts: created, invited, disabled and enabled, changed, handed the organisation's admin,
  // passwords changed and reset; API keys issued, revoked, and revoked by a change of provider.
  const Principal admin = As("admin");
  auto officer2 = platform_->CreateUser(
      admin, NewUser{"officer2", "市经信局 李科员", "chosen-by-admin-1", Role::kOfficer, {}, {}});
  ASSERT_TRUE(officer2.ok()) << officer2.error().ToString();
  auto member = platform_->CreateUser(
      As("demo-applicant"),
      NewUser{"member1", "成员一", "initial-pass-1", Role::kApplicant, 1, {}});
  ASSERT_TRUE(member.ok()) << member.error().ToString();
  ASSERT_TRUE(platform_->SetUserDisabled(As("demo-applicant"), member->id, true).ok());
  ASSERT_TRUE(platform_->SetUserDisabled(As("demo-applicant"), member->id, false).ok());
  ASSERT_TRUE(platform_->UpdateUser(admin, officer2->id, {.role = Role::kAuditor}).ok());
  ASSERT_TRUE(platform_->PassOrgAdmin(As("demo-applicant"), member->id).ok());
  EXPECT_EQ(Audited("user.org_admin_ended"), 1u);  // the previous admin, now a member
  auto session = platform_->Login("member1", "initial-pass-1", "test");
  ASSERT_TRUE(session.ok()) << session.error().ToString();
  auto me = testing::LoginAs(*platform_, "member1", "initial-pass-1");
  ASSERT_TRUE(me.ok());
  ASSERT_TRUE(
      platform_->ChangePassword(*me, "initial-pass-1", "member-pass-2", session->token, "test")
          .ok());
  ASSERT_TRUE(platform_->ResetPassword(admin, officer2->id, "reset-by-admin-3").ok());
  const std::int64_t op = UserId("op-ai");
  auto billing = platform_->CreateApiKey(admin, op, "billing");
  ASSERT_TRUE(billing.ok()) << billing.error().ToString();
  auto spare = platform_->CreateApiKey(admin, op, std::nullopt);
  ASSERT_TRUE(spare.ok()) << spare.error().ToString();
  ASSERT_TRUE(platform_->RevokeApiKey(admin, op, spare->key_id).ok());
  ASSERT_TRUE(platform_->AuthenticateApiKey(billing->key).ok());
  ASSERT_TRUE(platform_->WriteApiKeyUse(true).ok());  // last use: not in the form
  ASSERT_TRUE(platform_->UpdateUser(admin, op, {.provider_id = 1}).ok());  // revokes billing
  EXPECT_EQ(Audited("api_key.revoke"), 2u);

  r = Reconciled();
  EXPECT_TRUE(r.ok()) << ::testing::PrintToString(r.differences);
  EXPECT_EQ(r.records, SqlInt(kAllAuditedRows));

  // The forms: no password hash in clear (its digest), the key's digest and state.
  const boost::json::object user = Form("user/" + std::to_string(officer2->id));
  EXPECT_EQ(user.at("role").as_string(), "auditor");
  EXPECT_EQ(user.at("must_change_password").as_int64(), 1);
  EXPECT_EQ(user.at("password_hash_sha256").as_string().size(), 64u);
  EXPECT_EQ(boost::json::serialize(user).find("argon2"), std::string::npos);
  const boost::json::object key = Form("api_key/" + billing->key_id);
  EXPECT_EQ(key.at("user_id").as_int64(), op);
  EXPECT_EQ(key.at("revoked").as_int64(), 1);
  EXPECT_EQ(key.find("last_used_at_us"), key.end());
}

TEST_F(AuditedRegistersTest, ARelatedPartyEditedDeletedOrForgedBesideTheLogIsFound) {
  auto rp =
      platform_->DeclareRelatedParty(As("demo-applicant"), "org/1", "shareholder", "某投资公司");
  ASSERT_TRUE(rp.ok()) << rp.error().ToString();
  ASSERT_TRUE(Reconciled().ok());
  const std::string id = std::to_string(rp->id);
  const std::string object = "related_party/" + id;
  const std::string where = " WHERE id = " + id;
  ExpectEachEditFound(object, {{"UPDATE related_parties SET party = '另一公司'" + where,
                                "UPDATE related_parties SET party = '某投资公司'" + where},
                               {"UPDATE related_parties SET relation = 'affiliate'" + where,
                                "UPDATE related_parties SET relation = 'shareholder'" + where},
                               {"UPDATE related_parties SET owner = 'org/2'" + where,
                                "UPDATE related_parties SET owner = 'org/1'" + where}});

  // Deleted: the declaration that would have refused a related party's application is gone.
  Sql("DELETE FROM related_parties" + where);
  std::string d = OnlyDifference();
  EXPECT_EQ(d.rfind(object + ": recorded by audit entry ", 0), 0u) << d;
  EXPECT_NE(d.find("but its row is gone"), std::string::npos) << d;
  Sql("INSERT INTO related_parties (id, owner, relation, party, declared_at_us) VALUES (" + id +
      ", 'org/1', 'shareholder', '某投资公司', 0)");
  EXPECT_TRUE(Reconciled().ok());

  // Forged: a declaration no one made (it would refuse another organisation's application).
  Sql("INSERT INTO related_parties (owner, relation, party, declared_at_us) VALUES ('provider/2', "
      "'affiliate', '成都示例大学', 0)");
  const std::int64_t forged = SqlInt("SELECT max(id) FROM related_parties");
  EXPECT_EQ(OnlyDifference(),
            "related_party/" + std::to_string(forged) + ": a row the audit log never recorded");
  Sql("DELETE FROM related_parties WHERE id = " + std::to_string(forged));
  EXPECT_TRUE(Reconciled().ok());

  // Withdrawn through the platform: the log records the row as gone, and it must stay gone.
  ASSERT_TRUE(platform_->WithdrawRelatedParty(As("officer"), rp->id, "申报有误").ok());
  Reconciliation r = Reconciled();
  EXPECT_TRUE(r.ok()) << ::testing::PrintToString(r.differences);
  Sql("INSERT INTO related_parties (id, owner, relation, party, declared_at_us) VALUES (" + id +
      ", 'org/1', 'shareholder', '某投资公司', 0)");
  d = OnlyDifference();
  EXPECT_EQ(d.rfind(object + ": a row the audit log records as deleted (audit entry ", 0), 0u) << d;
  EXPECT_NE(d.find("related_party.withdraw)"), std::string::npos) << d;
}

TEST_F(AuditedRegistersTest, ASubsidyEditedDeletedOrForgedBesideTheLogIsFound) {
  ASSERT_TRUE(Import(std::string(kFirmUscc) + ",市科技项目,R-1,500000.00,2024\n").ok());
  ASSERT_TRUE(Reconciled().ok());
  const std::string id = std::to_string(SqlInt("SELECT id FROM subsidies"));
  const std::string object = "subsidy/" + id;
  const std::string where = " WHERE id = " + id;
  ExpectEachEditFound(
      object,
      {{"UPDATE subsidies SET amount_fen = 1" + where,
        "UPDATE subsidies SET amount_fen = 50000000" + where},
       {"UPDATE subsidies SET year = 2023" + where, "UPDATE subsidies SET year = 2024" + where},
       {"UPDATE subsidies SET uscc = 'x'" + where,
        "UPDATE subsidies SET uscc = '" + std::string(kFirmUscc) + "'" + where},
       {"UPDATE subsidies SET scheme = 'x'" + where,
        "UPDATE subsidies SET scheme = '市科技项目'" + where},
       {"UPDATE subsidies SET reference = 'R-9'" + where,
        "UPDATE subsidies SET reference = 'R-1'" + where}});

  // Deleted: the contract could be subsidised twice.
  Sql("DELETE FROM subsidy_sources; DELETE FROM subsidies" + where);
  const std::string d = OnlyDifference();
  EXPECT_EQ(d.rfind(object + ": recorded by audit entry ", 0), 0u) << d;
  EXPECT_NE(d.find("but its row is gone"), std::string::npos) << d;
  Sql("INSERT INTO subsidies (id, uscc, scheme, reference, amount_fen, year) VALUES (" + id +
      ", '" + kFirmUscc + "', '市科技项目', 'R-1', 50000000, 2024)");
  EXPECT_TRUE(Reconciled().ok());

  // Forged: a subsidy no import brought (it would refuse the organisation's application).
  Sql("INSERT INTO subsidies (uscc, scheme, reference, amount_fen, year) VALUES ('" +
      std::string(kFirmUscc) + "', '伪造', 'R-2', 1, 2024)");
  EXPECT_EQ(OnlyDifference(), "subsidy/" + std::to_string(SqlInt("SELECT max(id) FROM subsidies")) +
                                  ": a row the audit log never recorded");
}

TEST_F(AuditedRegistersTest, AnAccountEditedDeletedOrForgedBesideTheLogIsFound) {
  ASSERT_TRUE(Reconciled().ok());
  const std::int64_t officer = UserId("officer");
  const std::string object = "user/" + std::to_string(officer);
  const std::string where = " WHERE id = " + std::to_string(officer);
  const std::string hash = SqlText("SELECT password_hash FROM users" + where);
  ExpectEachEditFound(
      object,
      {// An officer made an admin; bound to an organisation or a provider.
       {"UPDATE users SET role = 'admin'" + where, "UPDATE users SET role = 'officer'" + where},
       {"UPDATE users SET org_id = 1" + where, "UPDATE users SET org_id = NULL" + where},
       {"UPDATE users SET provider_id = 2" + where, "UPDATE users SET provider_id = NULL" + where},
       {"UPDATE users SET org_admin = 1" + where, "UPDATE users SET org_admin = 0" + where},
       // Disabled or enabled beside the platform.
       {"UPDATE users SET disabled = 1" + where, "UPDATE users SET disabled = 0" + where},
       {"UPDATE users SET disabled_by_platform = 1" + where,
        "UPDATE users SET disabled_by_platform = 0" + where},
       {"UPDATE users SET must_change_password = 1" + where,
        "UPDATE users SET must_change_password = 0" + where},
       // Taken over: another account's password hash (whose password someone knows).
       {"UPDATE users SET password_hash = (SELECT password_hash FROM users WHERE username = "
        "'demo-applicant')" +
            where,
        "UPDATE users SET password_hash = '" + hash + "'" + where},
       {"UPDATE users SET username = 'officer-x'" + where,
        "UPDATE users SET username = 'officer'" + where},
       {"UPDATE users SET display_name = 'x'" + where,
        "UPDATE users SET display_name = '市经信局 张科长'" + where}});

  // Deleted: an account the log says exists.
  auto temp = platform_->CreateUser(
      As("admin"), NewUser{"temp1", "临时", "chosen-by-admin-1", Role::kExpert, {}, {}});
  ASSERT_TRUE(temp.ok()) << temp.error().ToString();
  ASSERT_TRUE(Reconciled().ok());
  Sql("PRAGMA foreign_keys=OFF; DELETE FROM users WHERE id = " + std::to_string(temp->id));
  std::string d = OnlyDifference();
  EXPECT_EQ(d.rfind("user/" + std::to_string(temp->id) + ": recorded by audit entry ", 0), 0u) << d;
  EXPECT_NE(d.find("but its row is gone"), std::string::npos) << d;
  Sql("INSERT INTO users (id, username, display_name, password_hash, role, created_at_us, "
      "must_change_password) SELECT " +
      std::to_string(temp->id) + ", 'temp1', '临时', password_hash, 'expert', 0, 1 FROM users" +
      where);
  // Put back with another hash (its own is lost): still a difference, on the hash.
  d = OnlyDifference();
  EXPECT_EQ(d.rfind("user/" + std::to_string(temp->id) + ": the row differs", 0), 0u) << d;

  // Forged: an admin no step created.
  Sql("INSERT INTO users (username, display_name, password_hash, role, created_at_us) VALUES "
      "('ghost', 'ghost', '" +
      hash + "', 'admin', 0)");
  const Reconciliation r = Reconciled();
  EXPECT_EQ(r.differences_total, 2) << ::testing::PrintToString(r.differences);
  EXPECT_NE(
      std::find(r.differences.begin(), r.differences.end(),
                "user/" + std::to_string(UserId("ghost")) + ": a row the audit log never recorded"),
      r.differences.end())
      << ::testing::PrintToString(r.differences);
}

TEST_F(AuditedRegistersTest, AnApiKeyEditedDeletedOrForgedBesideTheLogIsFound) {
  const Principal admin = As("admin");
  const std::int64_t op = UserId("op-ai");
  auto key = platform_->CreateApiKey(admin, op, "billing");
  ASSERT_TRUE(key.ok()) << key.error().ToString();
  auto revoked = platform_->CreateApiKey(admin, op, std::nullopt);
  ASSERT_TRUE(revoked.ok()) << revoked.error().ToString();
  ASSERT_TRUE(platform_->RevokeApiKey(admin, op, revoked->key_id).ok());
  ASSERT_TRUE(Reconciled().ok());
  const std::string where = " WHERE key_id = '" + key->key_id + "'";
  const std::string digest = SqlText("SELECT secret_sha256 FROM api_keys" + where);
  ExpectEachEditFound(
      "api_key/" + key->key_id,
      {// Moved to another operator (it would act as that one, for its provider).
       {"UPDATE api_keys SET user_id = " + std::to_string(UserId("op-hpc")) + where,
        "UPDATE api_keys SET user_id = " + std::to_string(op) + where},
       // Another secret's digest: a key someone else holds now passes.
       {"UPDATE api_keys SET secret_sha256 = 'forged'" + where,
        "UPDATE api_keys SET secret_sha256 = '" + digest + "'" + where},
       {"UPDATE api_keys SET revoked = 1" + where, "UPDATE api_keys SET revoked = 0" + where},
       {"UPDATE api_keys SET name = 'x'" + where, "UPDATE api_keys SET name = 'billing'" + where}});
  // A revoked key put back in force.
  ExpectEachEditFound(
      "api_key/" + revoked->key_id,
      {{"UPDATE api_keys SET revoked = 0 WHERE key_id = '" + revoked->key_id + "'",
        "UPDATE api_keys SET revoked = 1 WHERE key_id = '" + revoked->key_id + "'"}});
  // When it was last used is written in the background, not by a step: no difference.
  Sql("UPDATE api_keys SET last_used_at_us = 1" + where);
  EXPECT_TRUE(Reconciled().ok());

  Sql("DELETE FROM api_keys" + where);
  std::string d = OnlyDifference();
  EXPECT_EQ(d.rfind("api_key/" + key->key_id + ": recorded by audit entry ", 0), 0u) << d;
  EXPECT_NE(d.find("but its row is gone"), std::string::npos) << d;
  Sql("INSERT INTO api_keys (key_id, secret_sha256, user_id, created_at_us, name) VALUES ('" +
      key->key_id + "', '" + digest + "', " + std::to_string(op) + ", 0, 'billing')");
  EXPECT_TRUE(Reconciled().ok());

  Sql("INSERT INTO api_keys (key_id, secret_sha256, user_id, created_at_us) VALUES "
      "('00000000deadbeef', 'forged', " +
      std::to_string(op) + ", 0)");
  EXPECT_EQ(OnlyDifference(), "api_key/00000000deadbeef: a row the audit log never recorded");
}

// A database of state forms version 2: its registers' rows were not on the log as forms (a
// declaration named its owner, an account's entries carried other JSON, rows were added without
// any). At its first start with version 3 each such row gets one state.baseline entry, and no
// other kind does: an edit of a voucher made before the upgrade still shows after it.
TEST_F(AuditedRegistersTest, AVersion2DatabaseGetsTheRegistersOnTheLogOnceAndKeepsTheRest) {
  const std::int64_t voucher = IssueVoucher();
  ASSERT_TRUE(platform_->CreateApiKey(As("admin"), UserId("op-ai"), "billing").ok());
  const std::string baselines = "SELECT count(*) FROM audit_log WHERE action = 'state.baseline'";
  EXPECT_EQ(SqlInt(baselines), 0);
  // Rows as a version-2 build left them: no state entry of their form.
  Sql("INSERT INTO related_parties (owner, relation, party, declared_at_us) VALUES ('org/1', "
      "'shareholder', '某投资公司', 0)");
  Sql("INSERT INTO subsidies (uscc, scheme, reference, amount_fen, year) VALUES ('" +
      std::string(kFirmUscc) + "', '市科技项目', 'R-1', 50000000, 2024)");
  Sql("UPDATE users SET display_name = '市经信局 张科长(旧)' WHERE username = 'officer'");
  // And an edit of a kind version 2 already vouched for.
  Sql("UPDATE vouchers SET expires_at_us = expires_at_us + 1 WHERE id = " +
      std::to_string(voucher));
  EXPECT_EQ(Reconciled().differences_total, 4);
  platform_.reset();
  Sql("UPDATE meta SET value = '2' WHERE key = 'audited_state_forms'");

  Reopen();
  EXPECT_EQ(SqlInt(baselines), SqlInt(kRegisterRows));
  EXPECT_EQ(SqlInt("SELECT count(*) FROM audit_log WHERE action = 'state.baseline' AND object "
                   "NOT LIKE 'related_party/%' AND object NOT LIKE 'subsidy/%' AND object NOT "
                   "LIKE 'user/%' AND object NOT LIKE 'api_key/%'"),
            0);
  EXPECT_EQ(SqlInt("SELECT value FROM meta WHERE key = 'audited_state_forms'"), kAuditedStateForms);
  const std::string d = OnlyDifference();
  EXPECT_EQ(d.rfind("voucher/" + std::to_string(voucher) + ": the row differs", 0), 0u) << d;
  Sql("UPDATE vouchers SET expires_at_us = expires_at_us - 1 WHERE id = " +
      std::to_string(voucher));
  const Reconciliation r = Reconciled();
  EXPECT_TRUE(r.ok()) << ::testing::PrintToString(r.differences);
  EXPECT_EQ(r.records, SqlInt(kAllAuditedRows));

  Reopen();
  EXPECT_EQ(SqlInt(baselines), SqlInt(kRegisterRows));  // once
  EXPECT_TRUE(Reconciled().ok());
}

}  // namespace
}  // namespace suanli::workflow
