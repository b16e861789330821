// Accounts beyond creating them: "must change the password" (set by whoever chose a password for
// someone else, cleared by its owner's change), the paged and searched list, an admin's changes
// (name; role, organisation, provider where nothing dangles), passing an organisation's admin,
// and an organisation's admin disabling its members. Every refusal leaves the account as it was.
#include <algorithm>
#include <optional>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "workflow/demo_voucher_fixture.h"

namespace suanli::workflow {
namespace {

class AccountsTest : public testing::DemoVoucherTest {
 protected:
  void SetUp() override {
    DemoVoucherTest::SetUp();
    ASSERT_TRUE(SeedDemo(*platform_).ok());
  }
  // Every account, in id order (as the system reads it).
  std::vector<User> All() {
    auto users = platform_->ListUsers(Principal::System(), Page{0, 200}, {});
    EXPECT_TRUE(users.ok()) << users.error().ToString();
    return users.ok() ? *users : std::vector<User>{};
  }
  User Get(const std::string& username) {
    for (User& u : All()) {
      if (u.username == username) return u;
    }
    ADD_FAILURE() << "no account " << username;
    return User{};
  }
  std::int64_t Id(const std::string& username) { return Get(username).id; }
  // An account invited by the demo organisation's admin, or created by the platform's admin.
  User Invite(const std::string& username) {
    NewUser u{username, "成员 " + username, "initial-pass-1", Role::kApplicant, 1, {}};
    auto made = platform_->CreateUser(As("demo-applicant"), u);
    EXPECT_TRUE(made.ok()) << made.error().ToString();
    return made.ok() ? *made : User{};
  }
  Principal Member(const std::string& username) {
    auto p = testing::LoginAs(*platform_, username, "initial-pass-1");
    EXPECT_TRUE(p.ok()) << p.error().ToString();
    return p.ok() ? *p : Principal{};
  }
  std::size_t Audited(const std::string& action) {
    auto page = platform_->ListAudit(As("auditor"), {.action = action, .limit = 1000});
    EXPECT_TRUE(page.ok());
    return page.ok() ? page->entries.size() : 0;
  }
  // The fields an admin's change touches, to compare before and after a refusal.
  static std::string Shape(const User& u) {
    return u.display_name + "|" + std::string(RoleName(u.role)) + "|" +
           std::to_string(u.org_id.value_or(0)) + "|" + std::to_string(u.provider_id.value_or(0)) +
           "|" + (u.org_admin ? "admin" : "") + (u.disabled ? "disabled" : "");
  }
};

template <typename T>
void ExpectRefused(const Result<T>& r, ErrorCode code, const std::string& field) {
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, code) << r.error().ToString();
  EXPECT_EQ(r.error().field, field) << r.error().ToString();
}
void ExpectRefused(const Status& r, ErrorCode code, const std::string& field) {
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, code) << r.error().ToString();
  EXPECT_EQ(r.error().field, field) << r.error().ToString();
}

TEST_F(AccountsTest, APasswordSomeoneElseSetMustBeChangedFirst) {
  // The admin creates an account: answered as listed, and to be changed at the first sign-in.
  NewUser officer2{"officer2", "市经信局 李科员", "chosen-by-admin-1", Role::kOfficer, {}, {}};
  auto made = platform_->CreateUser(As("admin"), officer2);
  ASSERT_TRUE(made.ok()) << made.error().ToString();
  EXPECT_GT(made->id, 0);
  EXPECT_TRUE(made->must_change_password);
  EXPECT_FALSE(made->disabled);
  EXPECT_EQ(made->created_at, clock_.Now());
  auto session = platform_->Login("officer2", "chosen-by-admin-1", "test");
  ASSERT_TRUE(session.ok());
  EXPECT_TRUE(session->user.must_change_password);
  EXPECT_TRUE(platform_->ResumeSession(session->token)->user.must_change_password);
  // Its own change clears it.
  const Principal me = testing::LoginAs(*platform_, "officer2", "chosen-by-admin-1").value();
  ASSERT_TRUE(platform_->ChangePassword(me, "chosen-by-admin-1", "only-i-know-it", session->token,
                                        "test")
                  .ok());
  EXPECT_FALSE(platform_->ResumeSession(session->token)->user.must_change_password);
  EXPECT_FALSE(Get("officer2").must_change_password);

  // An invitation sets it; the demo's accounts (seeded by the system) and a self-registered
  // organisation's admin have none.
  EXPECT_TRUE(Invite("member1").must_change_password);
  EXPECT_FALSE(Get("demo-applicant").must_change_password);
  EXPECT_FALSE(Get("officer").must_change_password);

  // An admin's reset sets it again.
  ASSERT_TRUE(platform_->ResetPassword(As("admin"), Id("officer"), "reset-by-admin-1").ok());
  auto reset = platform_->Login("officer", "reset-by-admin-1", "test");
  ASSERT_TRUE(reset.ok());
  EXPECT_TRUE(reset->user.must_change_password);
}

TEST_F(AccountsTest, AnAccountOfAnOrganisationOrProviderThatDoesNotExistIsNotFound) {
  const std::size_t before = All().size();
  // Before, the foreign key refused these as "the username is taken".
  ExpectRefused(platform_->CreateUser(As("admin"), NewUser{"ghost", "幽灵", "password-123",
                                                          Role::kApplicant, 999, {}}),
                ErrorCode::kNotFound, "org_id");
  ExpectRefused(platform_->CreateUser(As("admin"), NewUser{"ghost", "幽灵", "password-123",
                                                          Role::kProvider, {}, 999}),
                ErrorCode::kNotFound, "provider_id");
  ExpectRefused(platform_->CreateUser(As("admin"), NewUser{"officer", "又一个", "password-123",
                                                          Role::kOfficer, {}, {}}),
                ErrorCode::kDuplicate, "username");
  EXPECT_EQ(All().size(), before);
}

TEST_F(AccountsTest, TheListIsPagedAndSearched) {
  const std::vector<User> all = All();
  ASSERT_GE(all.size(), 10u);
  // Pages of 4 follow each other in id order and add up to the whole list.
  std::vector<std::int64_t> paged;
  Page page{0, 4};
  for (int i = 0; i < 10; ++i) {
    auto rows = platform_->ListUsers(As("officer"), page, {});
    ASSERT_TRUE(rows.ok()) << rows.error().ToString();
    for (const User& u : *rows) paged.push_back(u.id);
    if (rows->size() < 4u) break;
    page.after_id = rows->back().id;
  }
  std::vector<std::int64_t> ids;
  for (const User& u : all) ids.push_back(u.id);
  EXPECT_EQ(paged, ids);

  const auto names = [&](const UserFilter& f) {
    std::vector<std::string> out;
    const auto users = platform_->ListUsers(As("auditor"), Page{0, 200}, f);
    EXPECT_TRUE(users.ok()) << users.error().ToString();
    if (!users.ok()) return out;
    for (const User& u : *users) out.push_back(u.username);
    return out;
  };
  const std::vector<std::string> experts = {"expert1", "expert2", "expert3"};
  EXPECT_EQ(names({Role::kExpert, ""}), experts);
  EXPECT_EQ(names({std::nullopt, "EXPERT"}), experts);  // ASCII in either case
  EXPECT_EQ(names({std::nullopt, "专家"}), experts);     // in the display name
  EXPECT_EQ(names({Role::kProvider, "智算"}), std::vector<std::string>{"op-ai"});
  EXPECT_TRUE(names({std::nullopt, "%"}).empty());  // a wildcard is itself
  ExpectRefused(platform_->ListUsers(As("admin"), Page{}, {std::nullopt, std::string(129, 'a')}),
                ErrorCode::kOutOfRange, "q");
  // An organisation's admin searches its own members only.
  Invite("member1");
  auto own = platform_->ListUsers(As("demo-applicant"), Page{}, {std::nullopt, "member"});
  ASSERT_TRUE(own.ok());
  ASSERT_EQ(own->size(), 1u);
  EXPECT_EQ(own->front().username, "member1");
  EXPECT_TRUE(platform_->ListUsers(As("uni-applicant"), Page{}, {std::nullopt, "member"})->empty());
}

TEST_F(AccountsTest, AnAdminRenamesAnyAccountAndMovesPowersOnlyWhereNothingDangles) {
  const Principal admin = As("admin");
  auto officer_session = platform_->Login("officer", kDemoPassword, "test");
  ASSERT_TRUE(officer_session.ok());
  const std::int64_t officer = officer_session->user.id;

  // A new name is no change of powers: the sessions go on.
  auto renamed = platform_->UpdateUser(admin, officer, {.display_name = "市经信局 张处长"});
  ASSERT_TRUE(renamed.ok()) << renamed.error().ToString();
  EXPECT_EQ(renamed->display_name, "市经信局 张处长");
  EXPECT_TRUE(platform_->ResumeSession(officer_session->token).ok());
  EXPECT_EQ(Audited("user.update"), 1u);
  // The same again changes nothing and is not audited again; nor is an own rename refused.
  ASSERT_TRUE(platform_->UpdateUser(admin, officer, {.display_name = "市经信局 张处长"}).ok());
  ASSERT_TRUE(platform_->UpdateUser(admin, admin.user_id, {.display_name = "平台管理员 甲"}).ok());
  EXPECT_EQ(Audited("user.update"), 2u);

  // Refusals, each leaving the account as it was.
  const std::string shape = Shape(Get("officer"));
  ExpectRefused(platform_->UpdateUser(admin, officer, {}), ErrorCode::kMissingField, "");
  ExpectRefused(platform_->UpdateUser(admin, officer, {.display_name = ""}),
                ErrorCode::kOutOfRange, "display_name");
  ExpectRefused(platform_->UpdateUser(admin, officer, {.display_name = std::string(129, 'x')}),
                ErrorCode::kOutOfRange, "display_name");
  ExpectRefused(platform_->UpdateUser(admin, officer, {.org_id = 1}), ErrorCode::kContradiction,
                "org_id");
  ExpectRefused(platform_->UpdateUser(admin, officer, {.role = Role::kApplicant, .org_id = 1}),
                ErrorCode::kStateConflict, "role");  // a staff account does not join a firm
  ExpectRefused(platform_->UpdateUser(admin, officer, {.role = Role::kProvider, .provider_id = 1}),
                ErrorCode::kStateConflict, "role");
  ExpectRefused(platform_->UpdateUser(As("officer"), officer, {.display_name = "x"}),
                ErrorCode::kForbidden, "");
  ExpectRefused(platform_->UpdateUser(admin, 9999, {.display_name = "x"}), ErrorCode::kNotFound,
                "user_id");
  ExpectRefused(platform_->UpdateUser(admin, admin.user_id, {.role = Role::kAuditor}),
                ErrorCode::kStateConflict, "role");  // not one's own
  EXPECT_EQ(Shape(Get("officer")), shape);
  EXPECT_EQ(Get("admin").role, Role::kAdmin);
  ExpectRefused(platform_->UpdateUser(admin, Id("demo-applicant"), {.role = Role::kOfficer}),
                ErrorCode::kStateConflict, "role");  // an applicant stays one
  ExpectRefused(platform_->UpdateUser(admin, Id("op-ai"), {.role = Role::kAuditor}),
                ErrorCode::kStateConflict, "role");

  // Officer to auditor: its sessions end; it signs in as an auditor.
  auto audited = platform_->UpdateUser(admin, officer, {.role = Role::kAuditor});
  ASSERT_TRUE(audited.ok()) << audited.error().ToString();
  EXPECT_EQ(audited->role, Role::kAuditor);
  EXPECT_FALSE(platform_->ResumeSession(officer_session->token).ok());
  EXPECT_EQ(platform_->Login("officer", kDemoPassword, "test")->user.role, Role::kAuditor);
  auto notices = platform_->ListNotices(As("officer"));
  ASSERT_TRUE(notices.ok());
  EXPECT_TRUE(std::any_of(notices->begin(), notices->end(),
                          [](const Notice& n) { return n.kind == "account.changed"; }));
}

TEST_F(AccountsTest, AnOperatorMovedToAnotherProviderLosesItsKeysAndSessions) {
  const Principal admin = As("admin");
  const std::int64_t op = Id("op-ai");
  auto key = platform_->CreateApiKey(admin, op);
  ASSERT_TRUE(key.ok());
  ASSERT_TRUE(platform_->AuthenticateApiKey(key->key).ok());
  auto session = platform_->Login("op-ai", kDemoPassword, "test");
  ASSERT_TRUE(session.ok());
  ExpectRefused(platform_->UpdateUser(admin, op, {.provider_id = 999}), ErrorCode::kNotFound,
                "provider_id");
  EXPECT_TRUE(platform_->AuthenticateApiKey(key->key).ok());  // the refusal changed nothing
  auto moved = platform_->UpdateUser(admin, op, {.provider_id = 1});
  ASSERT_TRUE(moved.ok()) << moved.error().ToString();
  EXPECT_EQ(moved->provider_id, 1);
  EXPECT_FALSE(platform_->AuthenticateApiKey(key->key).ok());
  EXPECT_FALSE(platform_->ResumeSession(session->token).ok());
  EXPECT_TRUE(platform_->ListApiKeys(admin, op)->front().revoked);
  auto entries = platform_->ListAudit(As("auditor"), {.action = "user.update", .limit = 10});
  ASSERT_TRUE(entries.ok());
  ASSERT_EQ(entries->entries.size(), 1u);
  EXPECT_NE(entries->entries[0].detail_json.find("\"api_keys_revoked\":1"), std::string::npos)
      << entries->entries[0].detail_json;
  Reopen();  // revoked in the table too
  EXPECT_FALSE(platform_->AuthenticateApiKey(key->key).ok());
}

TEST_F(AccountsTest, AMemberMovesToAnotherOrganisationButNotItsAdmin) {
  const Principal admin = As("admin");
  const User member = Invite("member1");
  ExpectRefused(platform_->UpdateUser(admin, Id("demo-applicant"), {.org_id = 2}),
                ErrorCode::kStateConflict, "org_id");  // it would leave its organisation adminless
  ExpectRefused(platform_->UpdateUser(admin, member.id, {.org_id = 999}), ErrorCode::kNotFound,
                "org_id");
  EXPECT_EQ(Get("member1").org_id, 1);
  auto moved = platform_->UpdateUser(admin, member.id, {.org_id = 2});
  ASSERT_TRUE(moved.ok()) << moved.error().ToString();
  EXPECT_EQ(moved->org_id, 2);
  EXPECT_FALSE(moved->org_admin);
  auto members = platform_->ListUsers(As("uni-applicant"), Page{}, {});
  ASSERT_TRUE(members.ok());
  EXPECT_TRUE(std::any_of(members->begin(), members->end(),
                          [](const User& u) { return u.username == "member1"; }));
}

TEST_F(AccountsTest, AnExpertOnAPanelUnderReviewKeepsTheRole) {
  const std::int64_t voucher = IssueVoucher();
  ASSERT_TRUE(Settle(voucher, "k1", 1'000'00).ok());
  clock_.Set(Instant::Parse("2024-07-02T10:00:00+08:00").value());
  const Principal op = As("op-ai");
  auto claim = platform_->CompileClaim(op, "chengdu-2024", "2024Q2");
  ASSERT_TRUE(claim.ok()) << claim.error().ToString();
  for (const char* kind : kClaimMaterialKinds) {
    ASSERT_TRUE(platform_
                    ->UploadDocument(op, "claim/" + std::to_string(claim->id), kind, "f.pdf",
                                     std::string("%PDF-1.4 ") + kind)
                    .ok());
  }
  ASSERT_TRUE(platform_->SubmitClaim(op, claim->id).ok());
  std::vector<std::int64_t> experts;
  for (const char* e : {"expert1", "expert2", "expert3"}) experts.push_back(Id(e));
  ASSERT_TRUE(platform_->AssignPanel(As("officer"), claim->id, experts).ok());
  const auto refused = platform_->UpdateUser(As("admin"), experts[0], {.role = Role::kOfficer});
  ExpectRefused(refused, ErrorCode::kStateConflict, "role");
  EXPECT_NE(refused.error().message.find("claim " + std::to_string(claim->id)), std::string::npos)
      << refused.error().ToString();
  EXPECT_EQ(Get("expert1").role, Role::kExpert);
  // Renaming is no change of powers: allowed on the panel.
  EXPECT_TRUE(platform_->UpdateUser(As("admin"), experts[0], {.display_name = "专家 李院士"}).ok());
}

TEST_F(AccountsTest, AnOrganisationsAdminPassesTheRoleToAMember) {
  const User m1 = Invite("member1");
  const User m2 = Invite("member2");
  const std::size_t audited = Audited("user.org_admin");
  // Refused: not its admin, another organisation's admin, someone outside the organisation, a
  // platform account, a disabled member.
  ExpectRefused(platform_->PassOrgAdmin(Member("member1"), m2.id), ErrorCode::kForbidden,
                "user_id");
  ExpectRefused(platform_->PassOrgAdmin(As("uni-applicant"), m1.id), ErrorCode::kForbidden,
                "user_id");
  ExpectRefused(platform_->PassOrgAdmin(As("demo-applicant"), Id("uni-applicant")),
                ErrorCode::kForbidden, "user_id");
  ExpectRefused(platform_->PassOrgAdmin(As("admin"), Id("officer")), ErrorCode::kStateConflict,
                "user_id");
  ExpectRefused(platform_->PassOrgAdmin(As("officer"), m1.id), ErrorCode::kForbidden, "");
  ASSERT_TRUE(platform_->SetUserDisabled(As("demo-applicant"), m2.id, true).ok());
  ExpectRefused(platform_->PassOrgAdmin(As("demo-applicant"), m2.id), ErrorCode::kStateConflict,
                "user_id");
  EXPECT_TRUE(Get("demo-applicant").org_admin);
  EXPECT_FALSE(Get("member1").org_admin);
  EXPECT_EQ(Audited("user.org_admin"), audited);

  // Passed: one admin, the new one; the old one is a plain member from its next request on.
  const Principal old_admin = As("demo-applicant");
  auto passed = platform_->PassOrgAdmin(old_admin, m1.id);
  ASSERT_TRUE(passed.ok()) << passed.error().ToString();
  EXPECT_TRUE(passed->org_admin);
  EXPECT_FALSE(Get("demo-applicant").org_admin);
  EXPECT_FALSE(As("demo-applicant").org_admin);
  ExpectRefused(platform_->CreateUser(As("demo-applicant"),
                                      NewUser{"member3", "成员三", "initial-pass-1",
                                              Role::kApplicant, 1, {}}),
                ErrorCode::kForbidden, "");
  EXPECT_TRUE(platform_->CreateUser(Member("member1"), NewUser{"member3", "成员三",
                                                                "initial-pass-1",
                                                                Role::kApplicant, 1, {}})
                  .ok());
  EXPECT_EQ(Audited("user.org_admin"), audited + 1);
  // Again: nothing changes, nothing audited. The platform's admin passes it back.
  ASSERT_TRUE(platform_->PassOrgAdmin(Member("member1"), m1.id).ok());
  EXPECT_EQ(Audited("user.org_admin"), audited + 1);
  ASSERT_TRUE(platform_->PassOrgAdmin(As("admin"), Id("demo-applicant")).ok());
  EXPECT_TRUE(Get("demo-applicant").org_admin);
  EXPECT_FALSE(Get("member1").org_admin);
}

TEST_F(AccountsTest, AnOrganisationsAdminDisablesAndEnablesItsMembersOnly) {
  const User m1 = Invite("member1");
  const Principal org_admin = As("demo-applicant");
  ASSERT_TRUE(platform_->SetUserDisabled(org_admin, m1.id, true).ok());
  EXPECT_FALSE(platform_->Login("member1", "initial-pass-1", "test").ok());
  EXPECT_FALSE(Get("member1").disabled_by_platform);
  ASSERT_TRUE(platform_->SetUserDisabled(org_admin, m1.id, false).ok());
  EXPECT_TRUE(platform_->Login("member1", "initial-pass-1", "test").ok());

  ExpectRefused(platform_->SetUserDisabled(org_admin, Id("uni-applicant"), true),
                ErrorCode::kForbidden, "user_id");
  ExpectRefused(platform_->SetUserDisabled(org_admin, Id("officer"), true), ErrorCode::kForbidden,
                "user_id");
  ExpectRefused(platform_->SetUserDisabled(org_admin, org_admin.user_id, true),
                ErrorCode::kStateConflict, "user_id");
  ExpectRefused(platform_->SetUserDisabled(Member("member1"), Id("demo-applicant"), true),
                ErrorCode::kForbidden, "user_id");
  ExpectRefused(platform_->SetUserDisabled(org_admin, 9999, true), ErrorCode::kNotFound,
                "user_id");
  EXPECT_FALSE(Get("uni-applicant").disabled);
  EXPECT_FALSE(Get("officer").disabled);
  EXPECT_FALSE(Get("demo-applicant").disabled);

  // What the platform's admin disabled, the organisation does not enable — also when the
  // organisation had disabled it first.
  ASSERT_TRUE(platform_->SetUserDisabled(As("admin"), m1.id, true).ok());
  EXPECT_TRUE(Get("member1").disabled_by_platform);
  ExpectRefused(platform_->SetUserDisabled(org_admin, m1.id, false), ErrorCode::kStateConflict,
                "user_id");
  ASSERT_TRUE(platform_->SetUserDisabled(org_admin, m1.id, true).ok());  // disabled twice
  ExpectRefused(platform_->SetUserDisabled(org_admin, m1.id, false), ErrorCode::kStateConflict,
                "user_id");
  EXPECT_TRUE(Get("member1").disabled);
  ASSERT_TRUE(platform_->SetUserDisabled(As("admin"), m1.id, false).ok());
  EXPECT_FALSE(Get("member1").disabled);
  EXPECT_FALSE(Get("member1").disabled_by_platform);
}

TEST_F(AccountsTest, AnOrganisationsAdminResetsItsMembersPasswordsOnly) {
  const User m1 = Invite("member1");
  const Principal org_admin = As("demo-applicant");
  // Other organisations' members, officers, itself, a plain member, unknown ids: refused, and
  // nothing changes.
  ExpectRefused(platform_->ResetPassword(org_admin, Id("uni-applicant"), "reset-by-org-1"),
                ErrorCode::kForbidden, "user_id");
  ExpectRefused(platform_->ResetPassword(org_admin, Id("officer"), "reset-by-org-1"),
                ErrorCode::kForbidden, "user_id");
  ExpectRefused(platform_->ResetPassword(org_admin, org_admin.user_id, "reset-by-org-1"),
                ErrorCode::kStateConflict, "user_id");
  ExpectRefused(platform_->ResetPassword(Member("member1"), Id("demo-applicant"), "reset-by-m-1"),
                ErrorCode::kForbidden, "user_id");
  ExpectRefused(platform_->ResetPassword(org_admin, 9999, "reset-by-org-1"), ErrorCode::kNotFound,
                "user_id");
  ExpectRefused(platform_->ResetPassword(org_admin, m1.id, "short"), ErrorCode::kOutOfRange,
                "new_password");
  EXPECT_EQ(Audited("user.password_reset"), 0u);
  EXPECT_FALSE(Get("uni-applicant").must_change_password);
  EXPECT_FALSE(Get("officer").must_change_password);
  EXPECT_TRUE(platform_->Login("member1", "initial-pass-1", "test").ok());

  // Its own member: the old password stops, the new one must be changed at sign-in, and the
  // member is told who reset it.
  auto session = platform_->Login("member1", "initial-pass-1", "test");
  ASSERT_TRUE(session.ok());
  ASSERT_TRUE(platform_->ResetPassword(org_admin, m1.id, "reset-by-org-1").ok());
  EXPECT_FALSE(platform_->ResumeSession(session->token).ok());  // its sessions ended
  EXPECT_FALSE(platform_->Login("member1", "initial-pass-1", "test").ok());
  auto after = platform_->Login("member1", "reset-by-org-1", "test");
  ASSERT_TRUE(after.ok());
  EXPECT_TRUE(after->user.must_change_password);
  EXPECT_EQ(Audited("user.password_reset"), 1u);
  auto notices = platform_->ListNotices(
      testing::LoginAs(*platform_, "member1", "reset-by-org-1").value());
  ASSERT_TRUE(notices.ok()) << notices.error().ToString();
  const auto reset = std::find_if(notices->begin(), notices->end(),
                                  [](const Notice& n) { return n.kind == "password.reset"; });
  ASSERT_NE(reset, notices->end());
  EXPECT_NE(reset->text_en.find("organisation's admin"), std::string::npos) << reset->text_en;

  // A disabled member is enabled first.
  ASSERT_TRUE(platform_->SetUserDisabled(org_admin, m1.id, true).ok());
  ExpectRefused(platform_->ResetPassword(org_admin, m1.id, "reset-by-org-2"),
                ErrorCode::kStateConflict, "user_id");
}

// A database from before these columns gets them at start-up: nobody must change a password,
// the keys have no name and were never used, and the accounts disabled then were disabled by
// the platform's admin (the only one who could).
TEST_F(AccountsTest, AnOlderDatabaseGetsTheAccountColumnsAtStartUp) {
  const std::int64_t op = Id("op-ai");
  ASSERT_TRUE(platform_->CreateApiKey(As("admin"), op).ok());
  ASSERT_TRUE(platform_->SetUserDisabled(As("admin"), Id("expert3"), true).ok());
  platform_.reset();
  Sql("ALTER TABLE users DROP COLUMN disabled_by_platform");
  Sql("ALTER TABLE users DROP COLUMN must_change_password");
  Sql("ALTER TABLE api_keys DROP COLUMN last_used_at_us");
  Sql("ALTER TABLE api_keys DROP COLUMN name");
  Reopen();
  EXPECT_TRUE(Get("expert3").disabled_by_platform);
  EXPECT_FALSE(Get("expert2").disabled_by_platform);
  EXPECT_FALSE(Get("officer").must_change_password);
  auto keys = platform_->ListApiKeys(As("admin"), op);
  ASSERT_TRUE(keys.ok()) << keys.error().ToString();
  ASSERT_EQ(keys->size(), 1u);
  EXPECT_EQ(keys->front().name, "");
  EXPECT_FALSE(keys->front().last_used_at.has_value());
  EXPECT_TRUE(platform_->CreateApiKey(As("admin"), op, std::string("named")).ok());
}

}  // namespace
}  // namespace suanli::workflow
