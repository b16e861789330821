// Password changes: a user's own (with the current password; it clears "must change the
// password") and a reset of another account (which sets it) by the platform's admin, or by an
// organisation's admin for a member of its organisation (one who forgot it need not wait for the
// platform). Hashing and checking (argon2id, 50-70 ms each) run outside the step lock; the step
// writes the new hash only if the stored one is still the one checked, so two changes at once
// cannot both win.
#include <optional>

#include "security/password.h"
#include "security/token.h"
#include "workflow/platform_state.h"
#include "workflow/user_rows.h"

namespace suanli::workflow {

Status AddNotice(StepContext& ctx, const std::string& recipient, const std::string& kind,
                 const std::string& object, const std::string& zh, const std::string& en);

namespace {

// kForbidden unless `user` is an applicant of `org_id`: what an organisation's admin may reset.
Status RequireMemberOf(const User& user, std::int64_t org_id) {
  if (user.role != Role::kApplicant || user.org_id != org_id) {
    return MakeError(ErrorCode::kForbidden, "user_id", "not a member of your organisation");
  }
  return OkStatus();
}

// The account's stored hash, read under the step lock; kStateConflict when it is disabled
// (enabled first: a password set on a disabled account would wait unseen for whoever enables it).
// With `member_of`, kForbidden unless the account is a member of that organisation (checked
// before the costly hashing; the step checks it again).
Result<std::string> StoredHash(Platform::State& s, std::int64_t user_id,
                               std::optional<std::int64_t> member_of = std::nullopt) {
  std::lock_guard lock(s.mu);
  if (member_of) {
    SUANLI_ASSIGN(const User user, LoadUser(*s.db, user_id));
    SUANLI_TRY(RequireMemberOf(user, *member_of));
  }
  SUANLI_ASSIGN(auto q, s.db->Prepare("SELECT password_hash, disabled FROM users WHERE id = ?1"));
  q.Bind(1, user_id);
  SUANLI_ASSIGN(const bool row, q.Step());
  if (!row) return NotFound("user", user_id);
  if (q.Int(1) != 0) {
    return MakeError(ErrorCode::kStateConflict, "user_id", "the account is disabled: enable it first");
  }
  return q.Text(0);
}

// Writes `new_hash` over `old_hash` in the step's transaction, with whether its owner must
// change it at the next sign-in (someone else set it); kStateConflict when another change came
// first.
Status ReplaceHash(StepContext& ctx, std::int64_t user_id, const std::string& old_hash,
                   const std::string& new_hash, bool must_change) {
  SUANLI_ASSIGN(auto up, ctx.db.Prepare("UPDATE users SET password_hash = ?3, "
                                        "must_change_password = ?4 WHERE id = ?1 AND "
                                        "password_hash = ?2 AND disabled = 0"));
  SUANLI_TRY(up.Bind(1, user_id).Bind(2, old_hash).Bind(3, new_hash)
                 .Bind(4, std::int64_t{must_change ? 1 : 0})
                 .Run());
  if (ctx.db.Changes() != 1) {
    return MakeError(ErrorCode::kStateConflict, "password",
                     "the password was changed meanwhile: sign in again and retry");
  }
  return OkStatus();
}

}  // namespace

Status Platform::ChangePassword(const Principal& actor, std::string_view current_password,
                                std::string_view new_password,
                                std::string_view keep_session_token,
                                std::string_view remote_address) {
  State& s = *state_;
  if (actor.is_system() || actor.via_api_key) {
    return MakeError(ErrorCode::kForbidden, "", "sign in with the password to change it");
  }
  const Instant now = s.clock->Now();
  const auto decision = s.throttle.Check(actor.username, remote_address, now);
  if (!decision.allowed) {
    return MakeError(ErrorCode::kRateLimited, "",
                     "too many failed attempts; retry in " +
                         std::to_string(decision.retry_after_s) + " s");
  }
  SUANLI_ASSIGN(const std::string old_hash, StoredHash(s, actor.user_id));
  if (!security::VerifyPassword(old_hash, current_password)) {
    s.throttle.RecordFailure(actor.username, remote_address, now);
    // 403, not 401: the session is valid, and a client must not take this for signing out.
    return MakeError(ErrorCode::kForbidden, "current_password", "the current password is wrong");
  }
  s.throttle.RecordSuccess(actor.username, remote_address, now);
  if (new_password == current_password) {
    return MakeError(ErrorCode::kContradiction, "new_password", "the same as the current one");
  }
  Result<std::string> hashed = security::HashPassword(new_password, PasswordParamsOf(s));
  if (!hashed.ok()) {
    Error e = hashed.error();
    e.field = "new_password";
    return e;
  }
  const std::string keep = security::TokenDigest(keep_session_token);
  SUANLI_TRY(s.RunStep<Ok>(actor, [&](StepContext& ctx) -> Result<Ok> {
    const std::string object = "user/" + std::to_string(actor.user_id);
    SUANLI_ASSIGN(std::string state_before, ctx.StateOf(object));
    SUANLI_TRY(ReplaceHash(ctx, actor.user_id, old_hash, *hashed, /*must_change=*/false));
    SUANLI_ASSIGN(auto end, ctx.db.Prepare("DELETE FROM sessions WHERE user_id = ?1 AND "
                                           "token_sha256 != ?2"));
    SUANLI_TRY(end.Bind(1, actor.user_id).Bind(2, keep).Run());
    // The form holds the hash's digest only (audited_state.cc), never the password.
    SUANLI_TRY(ctx.AuditChange("user.password", object, std::move(state_before),
                               "{\"sessions_ended\":" + std::to_string(ctx.db.Changes()) + "}"));
    return Ok{};
  }));
  return OkStatus();
}

Status Platform::ResetPassword(const Principal& actor, std::int64_t user_id,
                               std::string_view new_password) {
  SUANLI_TRY(RequireRole(actor, {Role::kAdmin, Role::kApplicant}));
  const bool by_org_admin = actor.role == Role::kApplicant;
  if (by_org_admin && (!actor.org_admin || !actor.org_id)) {
    return MakeError(ErrorCode::kForbidden, "user_id",
                     "only the organisation's admin resets its members' passwords");
  }
  if (actor.user_id == user_id) {
    return MakeError(ErrorCode::kStateConflict, "user_id",
                     "change your own password with the current one");
  }
  State& s = *state_;
  const std::optional<std::int64_t> member_of =
      by_org_admin ? actor.org_id : std::optional<std::int64_t>{};
  SUANLI_ASSIGN(const std::string old_hash, StoredHash(s, user_id, member_of));
  Result<std::string> hashed = security::HashPassword(new_password, PasswordParamsOf(s));
  if (!hashed.ok()) {
    Error e = hashed.error();
    e.field = "new_password";
    return e;
  }
  SUANLI_TRY(s.RunStep<Ok>(actor, [&](StepContext& ctx) -> Result<Ok> {
    if (member_of) {  // it may have moved since the check above
      SUANLI_ASSIGN(const User user, LoadUser(ctx.db, user_id));
      SUANLI_TRY(RequireMemberOf(user, *member_of));
    }
    const std::string object = "user/" + std::to_string(user_id);
    SUANLI_ASSIGN(std::string state_before, ctx.StateOf(object));
    SUANLI_TRY(ReplaceHash(ctx, user_id, old_hash, *hashed, /*must_change=*/true));
    SUANLI_ASSIGN(auto end, ctx.db.Prepare("DELETE FROM sessions WHERE user_id = ?1"));
    SUANLI_TRY(end.Bind(1, user_id).Run());
    SUANLI_TRY(ctx.AuditChange("user.password_reset", object, std::move(state_before),
                               "{\"sessions_ended\":" + std::to_string(ctx.db.Changes()) +
                                   ",\"by\":\"" + (by_org_admin ? "org_admin" : "admin") + "\"}"));
    if (by_org_admin) {
      SUANLI_TRY(AddNotice(ctx, object, "password.reset", object,
                           "您的登录密码已由本机构管理员重置,请登录后立即修改密码",
                           "Your organisation's admin reset your password: sign in and change it now"));
    } else {
      SUANLI_TRY(AddNotice(ctx, object, "password.reset", object,
                           "您的登录密码已由平台管理员重置,请登录后立即修改密码",
                           "An administrator reset your password: sign in and change it now"));
    }
    return Ok{};
  }));
  return OkStatus();
}

}  // namespace suanli::workflow
