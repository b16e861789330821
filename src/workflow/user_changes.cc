// An admin's changes to an existing account (its name; its role, organisation or provider where
// nothing is left dangling) and passing an organisation's admin (org_admin) to another member.
// docs/api.md "Accounts" states the rules and why.
#include "workflow/platform_state.h"
#include "workflow/user_rows.h"

namespace suanli::workflow {

Status AddNotice(StepContext& ctx, const std::string& recipient, const std::string& kind,
                 const std::string& object, const std::string& zh, const std::string& en);

namespace {

// The claims under review (or submitted, about to be) on whose panel `expert_id` sits: an
// expert who left the role there would leave a seat no one can fill with an opinion.
Result<std::vector<std::int64_t>> OpenPanels(storage::Db& db, std::int64_t expert_id) {
  SUANLI_ASSIGN(auto q, db.Prepare("SELECT c.id FROM panel_members p JOIN claims c ON c.id = "
                                   "p.claim_id WHERE p.expert_id = ?1 AND c.status IN "
                                   "('submitted', 'under_review') ORDER BY c.id"));
  q.Bind(1, expert_id);
  return q.IntColumn();
}

// The account `patch` makes of `before`, checked on its own: the role's organisation or
// provider only (kContradiction), and a role change only among the platform's roles
// (kStateConflict: an applicant or an operator belongs to an outside party, whose records and
// audit trail the account carries).
Result<User> Patched(const User& before, const UserPatch& patch) {
  User after = before;
  if (patch.display_name) after.display_name = *patch.display_name;
  if (patch.role) after.role = *patch.role;
  if (patch.org_id && after.role != Role::kApplicant) {
    return MakeError(ErrorCode::kContradiction, "org_id",
                     "only an applicant belongs to an organisation");
  }
  if (patch.provider_id && after.role != Role::kProvider) {
    return MakeError(ErrorCode::kContradiction, "provider_id",
                     "only a provider operator belongs to a provider");
  }
  if (after.role != before.role && (IsPartyRole(before.role) || IsPartyRole(after.role))) {
    return MakeError(ErrorCode::kStateConflict, "role",
                     "an applicant stays an applicant and an operator an operator (the account "
                     "belongs to an organisation or a provider): create a new account for the "
                     "role " + std::string(RoleName(after.role)));
  }
  if (patch.org_id) after.org_id = patch.org_id;
  if (patch.provider_id) after.provider_id = patch.provider_id;
  return after;
}

// What refuses a change of `before`'s powers into `after`'s, in the step.
Status CheckPowersChange(storage::Db& db, const Principal& actor, const User& before,
                         const User& after) {
  if (actor.user_id == before.id) {
    return MakeError(ErrorCode::kStateConflict, "role",
                     "an admin cannot change its own role (another admin can)");
  }
  SUANLI_TRY(RequireAccountHome(db, after.org_id != before.org_id ? after.org_id : std::nullopt,
                                after.provider_id != before.provider_id ? after.provider_id
                                                                        : std::nullopt));
  if (after.org_id != before.org_id && before.org_admin) {
    return MakeError(ErrorCode::kStateConflict, "org_id",
                     "the organisation's admin cannot leave it: pass org_admin to another "
                     "member first");
  }
  if (before.role == Role::kExpert && after.role != Role::kExpert) {
    SUANLI_ASSIGN(const auto panels, OpenPanels(db, before.id));
    if (!panels.empty()) {
      return MakeError(ErrorCode::kStateConflict, "role",
                       "sits on the panel of claim " + std::to_string(panels.front()) +
                           (panels.size() > 1 ? " (and " + std::to_string(panels.size() - 1) +
                                                    " more)"
                                              : "") +
                           " under review: assign the panel anew first");
    }
  }
  return OkStatus();
}

// Ends every session of `user_id` and revokes its API keys (forgotten with the commit): its
// powers changed. Each key revoked is a record of its own on the log (`api_key.revoke`, its
// state form: audited_state.h). Returns {sessions ended, keys revoked}.
Result<std::pair<std::int64_t, std::int64_t>> EndPowers(Platform::State& s, StepContext& ctx,
                                                        std::int64_t user_id) {
  SUANLI_ASSIGN(auto end, ctx.db.Prepare("DELETE FROM sessions WHERE user_id = ?1"));
  SUANLI_TRY(end.Bind(1, user_id).Run());
  const std::int64_t sessions = ctx.db.Changes();
  SUANLI_ASSIGN(auto in_force, ctx.db.Prepare("SELECT key_id FROM api_keys WHERE user_id = ?1 "
                                              "AND revoked = 0 ORDER BY key_id"));
  SUANLI_ASSIGN(const std::vector<std::string> keys, in_force.Bind(1, user_id).TextColumn());
  SUANLI_ASSIGN(auto revoke, ctx.db.Prepare("UPDATE api_keys SET revoked = 1 WHERE key_id = ?1"));
  for (const std::string& key_id : keys) {
    const std::string object = "api_key/" + key_id;
    SUANLI_ASSIGN(std::string state_before, ctx.StateOf(object));
    revoke.Reset();
    SUANLI_TRY(revoke.Bind(1, key_id).Run());
    SUANLI_TRY(ctx.AuditChange("api_key.revoke", object, std::move(state_before),
                               "{\"user_id\":" + std::to_string(user_id) +
                                   ",\"by\":\"user.update\"}"));
  }
  ctx.OnCommit([&s, user_id] { s.api_keys.EraseUser(user_id); });
  return std::make_pair(sessions, static_cast<std::int64_t>(keys.size()));
}

}  // namespace

Result<User> Platform::UpdateUser(const Principal& actor, std::int64_t user_id,
                                  const UserPatch& patch) {
  SUANLI_TRY(RequireRole(actor, {Role::kAdmin}));
  if (!patch.display_name && !patch.role && !patch.org_id && !patch.provider_id) {
    return MakeError(ErrorCode::kMissingField, "",
                     "nothing to change: display_name, role, org_id or provider_id");
  }
  if (patch.display_name) SUANLI_TRY(ValidateDisplayName(*patch.display_name));
  return state_->RunStep<User>(actor, [&](StepContext& ctx) -> Result<User> {
    SUANLI_ASSIGN(const User before, LoadUser(ctx.db, user_id));
    SUANLI_ASSIGN(const User after, Patched(before, patch));
    const bool powers = after.role != before.role || after.org_id != before.org_id ||
                        after.provider_id != before.provider_id;
    if (!powers && after.display_name == before.display_name) return before;  // as it is
    if (powers) SUANLI_TRY(CheckPowersChange(ctx.db, actor, before, after));
    const std::string object = "user/" + std::to_string(user_id);
    SUANLI_ASSIGN(std::string state_before, ctx.StateOf(object));
    SUANLI_ASSIGN(auto up, ctx.db.Prepare("UPDATE users SET display_name = ?2, role = ?3, "
                                          "org_id = ?4, provider_id = ?5 WHERE id = ?1"));
    up.Bind(1, user_id).Bind(2, after.display_name).Bind(3, RoleName(after.role));
    SUANLI_TRY(up.Bind(4, after.org_id).Bind(5, after.provider_id).Run());
    std::pair<std::int64_t, std::int64_t> ended{0, 0};
    if (powers) {
      SUANLI_ASSIGN(ended, EndPowers(*state_, ctx, user_id));
      SUANLI_TRY(AddNotice(ctx, object, "account.changed", object,
                           "平台管理员变更了您的账号角色或所属单位,请重新登录",
                           "An administrator changed your account's role or affiliation: sign "
                           "in again"));
    }
    SUANLI_TRY(ctx.AuditChange("user.update", object, std::move(state_before),
                               "{\"sessions_ended\":" + std::to_string(ended.first) +
                                   ",\"api_keys_revoked\":" + std::to_string(ended.second) +
                                   "}"));
    return LoadUser(ctx.db, user_id);
  });
}

Result<User> Platform::PassOrgAdmin(const Principal& actor, std::int64_t user_id) {
  SUANLI_TRY(RequireRole(actor, {Role::kAdmin, Role::kApplicant}));
  const bool by_org_admin = actor.role == Role::kApplicant;
  if (by_org_admin && !actor.org_admin) {
    return MakeError(ErrorCode::kForbidden, "user_id",
                     "only the organisation's admin passes the role on");
  }
  return state_->RunStep<User>(actor, [&](StepContext& ctx) -> Result<User> {
    SUANLI_ASSIGN(const User member, LoadUser(ctx.db, user_id));
    if (by_org_admin && (member.role != Role::kApplicant || member.org_id != actor.org_id)) {
      return MakeError(ErrorCode::kForbidden, "user_id", "not a member of your organisation");
    }
    if (member.role != Role::kApplicant || !member.org_id) {
      return MakeError(ErrorCode::kStateConflict, "user_id",
                       "only an applicant (a member of an organisation) can be its admin");
    }
    if (member.org_admin) return member;  // already: nothing changes
    if (member.disabled) {
      return MakeError(ErrorCode::kStateConflict, "user_id",
                       "the account is disabled: enable it first");
    }
    const std::string org = std::to_string(*member.org_id);
    SUANLI_ASSIGN(auto was, ctx.db.Prepare("SELECT id FROM users WHERE org_id = ?1 AND "
                                           "org_admin = 1 ORDER BY id"));
    SUANLI_ASSIGN(const auto previous, was.Bind(1, *member.org_id).TextColumn());
    const std::string object = "user/" + std::to_string(user_id);
    // Every account this changes is on the log with its state form (audited_state.h): the
    // previous admins, now plain members, and the new admin. On the accounts, not on
    // org/<id>: an organisation's own row does not change.
    std::vector<std::string> previous_before;
    for (const std::string& id : previous) {
      SUANLI_ASSIGN(std::string state, ctx.StateOf("user/" + id));
      previous_before.push_back(std::move(state));
    }
    SUANLI_ASSIGN(std::string member_before, ctx.StateOf(object));
    SUANLI_ASSIGN(auto off, ctx.db.Prepare("UPDATE users SET org_admin = (id = ?2) WHERE "
                                           "org_id = ?1 AND (org_admin = 1 OR id = ?2)"));
    SUANLI_TRY(off.Bind(1, *member.org_id).Bind(2, user_id).Run());
    std::string from = "[";
    for (const std::string& id : previous) from += (from.size() > 1 ? "," : "") + id;
    from += "]";
    for (std::size_t i = 0; i < previous.size(); ++i) {
      SUANLI_TRY(ctx.AuditChange("user.org_admin_ended", "user/" + previous[i],
                                 std::move(previous_before[i]),
                                 "{\"org_id\":" + org + ",\"new_org_admin\":" +
                                     std::to_string(user_id) + "}"));
    }
    SUANLI_TRY(ctx.AuditChange("user.org_admin", object, std::move(member_before),
                               "{\"org_id\":" + org + ",\"previous_org_admins\":" + from + "}"));
    SUANLI_TRY(AddNotice(ctx, object, "account.org_admin", "org/" + org,
                         "您已成为本单位的管理员,可邀请和管理成员",
                         "You are now your organisation's admin: you invite and manage its "
                         "members"));
    return LoadUser(ctx.db, user_id);
  });
}

}  // namespace suanli::workflow
