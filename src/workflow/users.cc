// Accounts, sessions and API keys. Passwords are argon2id (security/password.h); sessions and
// API keys are stored only as SHA-256 digests; login attempts are throttled per account and
// per address (security/throttle.h). Nothing secret is logged or audited.
#include "security/password.h"
#include "security/token.h"
#include "workflow/platform_state.h"
#include "workflow/user_rows.h"

namespace suanli::workflow {

// The columns ReadUser reads (0-10).
#define SUANLI_USER_COLUMNS                                                                     \
  "u.id, u.username, u.display_name, u.role, u.org_id, u.provider_id, u.org_admin, u.disabled, " \
  "u.must_change_password, u.created_at_us, u.disabled_by_platform"
const char* const kSelectUser = "SELECT " SUANLI_USER_COLUMNS " FROM users u ";

User ReadUser(const storage::Stmt& q) {
  User u;
  u.id = q.Int(0);
  u.username = q.Text(1);
  u.display_name = q.Text(2);
  u.role = ParseRole(q.Text(3)).value_or(Role::kAuditor);
  u.org_id = q.OptInt(4);
  u.provider_id = q.OptInt(5);
  u.org_admin = q.Int(6) != 0;
  u.disabled = q.Int(7) != 0;
  u.must_change_password = q.Int(8) != 0;
  u.created_at = Instant::FromMicros(q.Int(9));
  u.disabled_by_platform = q.Int(10) != 0;
  return u;
}

Result<User> LoadUser(storage::Db& db, std::int64_t user_id) {
  SUANLI_ASSIGN(auto q, db.Prepare(std::string(kSelectUser) + "WHERE u.id = ?1"));
  SUANLI_ASSIGN(const bool row, q.Bind(1, user_id).Step());
  if (!row) return NotFound("user", user_id);
  return ReadUser(q);
}

Principal ToPrincipal(const User& u) {
  Principal p;
  p.user_id = u.id;
  p.username = u.username;
  p.role = u.role;
  p.org_id = u.org_id;
  p.provider_id = u.provider_id;
  p.org_admin = u.org_admin;
  return p;
}

Status ValidateDisplayName(std::string_view name) {
  if (name.empty() || name.size() > 128) {
    return MakeError(ErrorCode::kOutOfRange, "display_name", "1 to 128 bytes");
  }
  return OkStatus();
}

bool IsPartyRole(Role role) { return role == Role::kApplicant || role == Role::kProvider; }

namespace {

Status ValidateUsername(std::string_view name) {
  if (name.size() < 3 || name.size() > 64) {
    return MakeError(ErrorCode::kOutOfRange, "username", "3 to 64 characters");
  }
  for (char c : name) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
                    c == '-' || c == '@';
    if (!ok) {
      return MakeError(ErrorCode::kParse, "username",
                       "lower-case letters, digits and . _ - @ only");
    }
  }
  return OkStatus();
}

// kNotFound on `field` unless `table` has row `id` (an account's organisation or provider: the
// foreign key would refuse it too, but as a constraint that reads as a taken username).
Status RequireRow(storage::Db& db, const char* table, const char* field, std::int64_t id) {
  SUANLI_ASSIGN(auto q, db.Prepare(std::string("SELECT 1 FROM ") + table + " WHERE id = ?1"));
  SUANLI_ASSIGN(const bool row, q.Bind(1, id).Step());
  if (!row) {
    return MakeError(ErrorCode::kNotFound, field,
                     std::string("no ") + (std::string_view(table) == "orgs" ? "organisation"
                                                                             : "provider") +
                         " " + std::to_string(id));
  }
  return OkStatus();
}

}  // namespace

Status RequireAccountHome(storage::Db& db, const std::optional<std::int64_t>& org_id,
                          const std::optional<std::int64_t>& provider_id) {
  if (org_id) SUANLI_TRY(RequireRow(db, "orgs", "org_id", *org_id));
  if (provider_id) SUANLI_TRY(RequireRow(db, "providers", "provider_id", *provider_id));
  return OkStatus();
}

security::PasswordParams PasswordParamsOf(const Platform::State& s) {
  return s.options.fast_password_hashing ? security::PasswordParams::ForTests()
                                         : security::PasswordParams{};
}

Result<std::int64_t> InsertUser(Platform::State& s, StepContext& ctx, const NewUser& u,
                                bool org_admin, bool must_change_password) {
  SUANLI_TRY(ValidateUsername(u.username));
  SUANLI_TRY(ValidateDisplayName(u.display_name));
  if (u.role == Role::kApplicant && !u.org_id) {
    return MakeError(ErrorCode::kMissingField, "org_id", "an applicant belongs to an organisation");
  }
  if (u.role == Role::kProvider && !u.provider_id) {
    return MakeError(ErrorCode::kMissingField, "provider_id", "an operator belongs to a provider");
  }
  // An account belongs to an organisation or a provider only by its role: a member invited with
  // a provider_id would read (and mark read) that provider's notices.
  if (u.org_id && u.role != Role::kApplicant) {
    return MakeError(ErrorCode::kContradiction, "org_id",
                     "only an applicant belongs to an organisation");
  }
  if (u.provider_id && u.role != Role::kProvider) {
    return MakeError(ErrorCode::kContradiction, "provider_id",
                     "only a provider operator belongs to a provider");
  }
  SUANLI_TRY(RequireAccountHome(ctx.db, u.org_id, u.provider_id));
  SUANLI_ASSIGN(const std::string hash, security::HashPassword(u.password, PasswordParamsOf(s)));
  SUANLI_ASSIGN(auto ins, ctx.db.Prepare("INSERT INTO users (username, display_name, "
                                         "password_hash, role, org_id, provider_id, org_admin, "
                                         "created_at_us, must_change_password) VALUES "
                                         "(?1,?2,?3,?4,?5,?6,?7,?8,?9)"));
  ins.Bind(1, u.username).Bind(2, u.display_name).Bind(3, hash);
  ins.Bind(4, RoleName(u.role)).Bind(5, u.org_id).Bind(6, u.provider_id);
  ins.Bind(7, std::int64_t{org_admin ? 1 : 0}).Bind(8, ctx.now.micros());
  ins.Bind(9, std::int64_t{must_change_password ? 1 : 0});
  const Status st = ins.Run();
  if (!st.ok()) {
    if (st.error().code == ErrorCode::kContradiction) {
      return MakeError(ErrorCode::kDuplicate, "username", "the username is taken");
    }
    return st.error();
  }
  const std::int64_t id = ctx.db.LastInsertRowid();
  // The account's state form (audited_state.h); until state forms version 3 this detail was
  // passed as the entry's after-state.
  SUANLI_TRY(ctx.AuditChange("user.create", "user/" + std::to_string(id), "",
                             "{\"username\":" + Quoted(u.username) + ",\"role\":\"" +
                                 std::string(RoleName(u.role)) + "\",\"must_change_password\":" +
                                 (must_change_password ? "true" : "false") + "}"));
  return id;
}

Result<User> Platform::CreateUser(const Principal& actor, const NewUser& user) {
  // Admins create any account; an organisation's admin invites members of its organisation.
  const bool invite = actor.role == Role::kApplicant && actor.org_admin &&
                      user.role == Role::kApplicant && user.org_id == actor.org_id;
  if (!invite) SUANLI_TRY(RequireRole(actor, {Role::kAdmin}));
  // A password a person chose for someone else is known to two: its owner changes it at the
  // first sign-in. The platform's own accounts (the demo's, seeded by the system) are exempt.
  const bool must_change = !actor.is_system();
  return state_->RunStep<User>(actor, [&](StepContext& ctx) -> Result<User> {
    SUANLI_ASSIGN(const std::int64_t id, InsertUser(*state_, ctx, user, false, must_change));
    return LoadUser(ctx.db, id);
  });
}

Result<std::vector<User>> Platform::ListUsers(const Principal& actor, const Page& page,
                                              const UserFilter& filter) {
  // An organisation's admin lists its own members (whom it invites); no other applicant lists.
  const bool members = actor.role == Role::kApplicant && actor.org_admin && actor.org_id;
  if (!members) SUANLI_TRY(RequireRole(actor, {Role::kAdmin, Role::kOfficer, Role::kAuditor}));
  if (filter.query.size() > kUserQueryBytesMax) {
    return MakeError(ErrorCode::kOutOfRange, "q",
                     "at most " + std::to_string(kUserQueryBytesMax) + " bytes");
  }
  std::lock_guard lock(state_->mu);
  // lower() folds ASCII only: 张 matches 张, "Op" matches "op-ai". instr, not LIKE: a % or _
  // searched for is itself.
  SUANLI_ASSIGN(auto q, state_->db->Prepare(
                            std::string(kSelectUser) +
                            "WHERE u.id > ?3 AND (?1 IS NULL OR u.role = ?1) AND (?2 IS NULL OR "
                            "u.org_id = ?2) AND (?4 = '' OR instr(lower(u.username), lower(?4)) "
                            "> 0 OR instr(lower(u.display_name), lower(?4)) > 0) ORDER BY u.id "
                            "LIMIT ?5"));
  if (filter.role) q.Bind(1, RoleName(*filter.role));
  if (members) q.Bind(2, *actor.org_id);
  q.Bind(3, page.after_id).Bind(4, filter.query).Bind(5, std::int64_t{page.limit});
  std::vector<User> out;
  while (true) {
    SUANLI_ASSIGN(const bool row, q.Step());
    if (!row) break;
    out.push_back(ReadUser(q));
  }
  return out;
}

Result<Session> Platform::Login(std::string_view username, std::string_view password,
                                std::string_view remote_address) {
  State& s = *state_;
  const Instant now = s.clock->Now();
  const auto decision = s.throttle.Check(username, remote_address, now);
  if (!decision.allowed) {
    return MakeError(ErrorCode::kRateLimited, "",
                     "too many failed logins; retry in " +
                         std::to_string(decision.retry_after_s) + " s");
  }
  std::optional<User> user;
  std::string hash;
  {
    std::lock_guard lock(s.mu);
    SUANLI_ASSIGN(auto q, s.db->Prepare("SELECT " SUANLI_USER_COLUMNS ", u.password_hash FROM "
                                        "users u WHERE u.username = ?1 AND u.disabled = 0"));
    q.Bind(1, username);
    SUANLI_ASSIGN(const bool row, q.Step());
    if (row) {
      user = ReadUser(q);
      hash = q.Text(11);
    }
  }
  // The same work whether or not the user exists (or is disabled), so timing does not reveal
  // usernames: an unknown name is checked against a stand-in hashed with the parameters real
  // passwords are hashed with (a stand-in of m=256,t=1 answered in 2 ms against 50-70 ms).
  const bool ok = security::VerifyPassword(user ? std::string_view(hash)
                                                : std::string_view(s.stand_in_password_hash),
                                           password);
  if (!user || !ok) {
    s.throttle.RecordFailure(username, remote_address, now);
    return MakeError(ErrorCode::kUnauthenticated, "", "wrong username or password");
  }
  s.throttle.RecordSuccess(username, remote_address, now);
  Session session;
  session.token = security::NewToken();
  session.csrf_token = security::NewToken();
  session.expires_at = now.AddSeconds(s.options.session_ttl_s);
  session.user = *user;
  const Principal actor = ToPrincipal(*user);
  SUANLI_TRY(s.RunStep<Ok>(actor, [&](StepContext& ctx) -> Result<Ok> {
    SUANLI_ASSIGN(auto ins, ctx.db.Prepare("INSERT INTO sessions (token_sha256, user_id, "
                                           "csrf_token, created_at_us, expires_at_us) VALUES "
                                           "(?1,?2,?3,?4,?5)"));
    ins.Bind(1, security::TokenDigest(session.token)).Bind(2, user->id);
    ins.Bind(3, session.csrf_token).Bind(4, now.micros()).Bind(5, session.expires_at.micros());
    SUANLI_TRY(ins.Run());
    SUANLI_TRY(ctx.Audit("session.login", "user/" + std::to_string(user->id), "", "",
                         "{\"address\":" + Quoted(remote_address) + "}"));
    return Ok{};
  }));
  return session;
}

Result<Session> Platform::ResumeSession(std::string_view token) {
  State& s = *state_;
  const Instant now = s.clock->Now();
  std::lock_guard lock(s.mu);
  SUANLI_ASSIGN(auto q, s.db->Prepare("SELECT " SUANLI_USER_COLUMNS ", s.csrf_token, "
                                      "s.expires_at_us FROM sessions s JOIN users u ON u.id = "
                                      "s.user_id WHERE s.token_sha256 = ?1 AND u.disabled = 0"));
  q.Bind(1, security::TokenDigest(token));
  SUANLI_ASSIGN(const bool row, q.Step());
  if (!row) return MakeError(ErrorCode::kUnauthenticated, "", "not signed in");
  Session session;
  session.user = ReadUser(q);
  session.csrf_token = q.Text(11);
  session.expires_at = Instant::FromMicros(q.Int(12));
  if (now >= session.expires_at) {
    return MakeError(ErrorCode::kUnauthenticated, "", "the session has expired; sign in again");
  }
  return session;
}

Status Platform::Logout(std::string_view token) {
  std::lock_guard lock(state_->mu);
  SUANLI_ASSIGN(auto del, state_->db->Prepare("DELETE FROM sessions WHERE token_sha256 = ?1"));
  del.Bind(1, security::TokenDigest(token));
  return del.Run();
}

Status Platform::SetUserDisabled(const Principal& actor, std::int64_t user_id, bool disabled) {
  // Admins, and an organisation's admin for the other members of its organisation.
  SUANLI_TRY(RequireRole(actor, {Role::kAdmin, Role::kApplicant}));
  const bool org_admin = actor.role == Role::kApplicant;
  if (org_admin && !actor.org_admin) {
    return MakeError(ErrorCode::kForbidden, "user_id",
                     "only the organisation's admin disables or enables its members");
  }
  if (actor.user_id == user_id) {
    return MakeError(ErrorCode::kStateConflict, "user_id",
                     std::string(org_admin ? "an organisation's admin" : "an admin") +
                         " cannot disable or enable itself");
  }
  std::vector<std::pair<std::string, ApiKeyCache::Entry>> restored;
  std::vector<std::int64_t> restored_use_us;
  SUANLI_TRY(state_->RunStep<Ok>(actor, [&](StepContext& ctx) -> Result<Ok> {
    SUANLI_ASSIGN(const User target, LoadUser(ctx.db, user_id));
    if (org_admin && (target.role != Role::kApplicant || target.org_id != actor.org_id)) {
      return MakeError(ErrorCode::kForbidden, "user_id", "not a member of your organisation");
    }
    // What the platform's admin disabled, only it enables: an organisation could otherwise undo
    // a disabling for cause. Disabled twice, the platform's mark stays.
    if (org_admin && !disabled && target.disabled_by_platform) {
      return MakeError(ErrorCode::kStateConflict, "user_id",
                       "disabled by the platform's administrator: only they enable it");
    }
    Principal owner = ToPrincipal(target);
    owner.via_api_key = true;
    const std::string object = "user/" + std::to_string(user_id);
    SUANLI_ASSIGN(std::string state_before, ctx.StateOf(object));
    SUANLI_ASSIGN(auto up, ctx.db.Prepare("UPDATE users SET disabled = ?2, disabled_by_platform = "
                                          "CASE WHEN ?2 = 0 THEN 0 ELSE MAX(disabled_by_platform "
                                          "* disabled, ?3) END WHERE id = ?1"));
    SUANLI_TRY(up.Bind(1, user_id).Bind(2, std::int64_t{disabled ? 1 : 0})
                   .Bind(3, std::int64_t{org_admin ? 0 : 1})
                   .Run());
    if (disabled) {
      SUANLI_ASSIGN(auto end, ctx.db.Prepare("DELETE FROM sessions WHERE user_id = ?1"));
      SUANLI_TRY(end.Bind(1, user_id).Run());
    } else {
      SUANLI_ASSIGN(auto keys, ctx.db.Prepare("SELECT key_id, secret_sha256, last_used_at_us FROM "
                                              "api_keys WHERE user_id = ?1 AND revoked = 0"));
      keys.Bind(1, user_id);
      while (true) {
        SUANLI_ASSIGN(const bool row, keys.Step());
        if (!row) break;
        restored.emplace_back(keys.Text(0), ApiKeyCache::Entry{keys.Text(1), owner});
        restored_use_us.push_back(keys.OptInt(2).value_or(0));
      }
    }
    SUANLI_TRY(ctx.AuditChange(disabled ? "user.disable" : "user.enable", object,
                               std::move(state_before)));
    return Ok{};
  }));
  if (disabled) {
    state_->api_keys.EraseUser(user_id);
  } else {
    for (std::size_t i = 0; i < restored.size(); ++i) {
      state_->api_keys.Put(restored[i].first, std::move(restored[i].second), restored_use_us[i]);
    }
  }
  return OkStatus();
}

#undef SUANLI_USER_COLUMNS

}  // namespace suanli::workflow
