// Accounts, sessions and API keys. Passwords are argon2id (security/password.h); sessions and
// API keys are stored only as SHA-256 digests; login attempts are throttled per account and
// per address (security/throttle.h). Nothing secret is logged or audited.
#include "security/password.h"
#include "security/token.h"
#include "workflow/platform_state.h"

namespace suanli::workflow {
namespace {

// The columns ReadUser reads (0-6); kSelectUser selects them from users.
#define SUANLI_USER_COLUMNS "SELECT id, username, display_name, role, org_id, provider_id, org_admin"
constexpr const char* kSelectUserColumns = SUANLI_USER_COLUMNS;
constexpr const char* kSelectUser = SUANLI_USER_COLUMNS " FROM users ";
#undef SUANLI_USER_COLUMNS

User ReadUser(const storage::Stmt& q) {
  User u;
  u.id = q.Int(0);
  u.username = q.Text(1);
  u.display_name = q.Text(2);
  u.role = ParseRole(q.Text(3)).value_or(Role::kAuditor);
  u.org_id = q.OptInt(4);
  u.provider_id = q.OptInt(5);
  u.org_admin = q.Int(6) != 0;
  return u;
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

}  // namespace

security::PasswordParams PasswordParamsOf(const Platform::State& s) {
  return s.options.fast_password_hashing ? security::PasswordParams::ForTests()
                                         : security::PasswordParams{};
}

Result<std::int64_t> InsertUser(Platform::State& s, StepContext& ctx, const NewUser& u,
                                bool org_admin) {
  SUANLI_TRY(ValidateUsername(u.username));
  if (u.display_name.empty() || u.display_name.size() > 128) {
    return MakeError(ErrorCode::kOutOfRange, "display_name", "1 to 128 bytes");
  }
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
  SUANLI_ASSIGN(const std::string hash, security::HashPassword(u.password, PasswordParamsOf(s)));
  SUANLI_ASSIGN(auto ins, ctx.db.Prepare("INSERT INTO users (username, display_name, "
                                         "password_hash, role, org_id, provider_id, org_admin, "
                                         "created_at_us) VALUES (?1,?2,?3,?4,?5,?6,?7,?8)"));
  ins.Bind(1, u.username).Bind(2, u.display_name).Bind(3, hash);
  ins.Bind(4, RoleName(u.role)).Bind(5, u.org_id).Bind(6, u.provider_id);
  ins.Bind(7, std::int64_t{org_admin ? 1 : 0}).Bind(8, ctx.now.micros());
  const Status st = ins.Run();
  if (!st.ok()) {
    if (st.error().code == ErrorCode::kContradiction) {
      return MakeError(ErrorCode::kDuplicate, "username", "the username is taken");
    }
    return st.error();
  }
  const std::int64_t id = ctx.db.LastInsertRowid();
  SUANLI_TRY(ctx.Audit("user.create", "user/" + std::to_string(id), "",
                       "{\"username\":" + Quoted(u.username) + ",\"role\":\"" +
                           std::string(RoleName(u.role)) + "\"}"));
  return id;
}

Result<User> Platform::CreateUser(const Principal& actor, const NewUser& user) {
  // Admins create any account; an organisation's admin invites members of its organisation.
  const bool invite = actor.role == Role::kApplicant && actor.org_admin &&
                      user.role == Role::kApplicant && user.org_id == actor.org_id;
  if (!invite) SUANLI_TRY(RequireRole(actor, {Role::kAdmin}));
  return state_->RunStep<User>(actor, [&](StepContext& ctx) -> Result<User> {
    SUANLI_ASSIGN(const std::int64_t id, InsertUser(*state_, ctx, user, false));
    User u;
    u.id = id;
    u.username = user.username;
    u.display_name = user.display_name;
    u.role = user.role;
    u.org_id = user.org_id;
    u.provider_id = user.provider_id;
    return u;
  });
}

Result<std::vector<User>> Platform::ListUsers(const Principal& actor, std::optional<Role> role) {
  // An organisation's admin lists its own members (whom it invites); no other applicant lists.
  const bool members = actor.role == Role::kApplicant && actor.org_admin && actor.org_id;
  if (!members) SUANLI_TRY(RequireRole(actor, {Role::kAdmin, Role::kOfficer, Role::kAuditor}));
  std::lock_guard lock(state_->mu);
  SUANLI_ASSIGN(auto q, state_->db->Prepare(std::string(kSelectUserColumns) +
                                            ", disabled, created_at_us FROM users WHERE (?1 IS "
                                            "NULL OR role = ?1) AND (?2 IS NULL OR org_id = ?2) "
                                            "ORDER BY id"));
  if (role) q.Bind(1, RoleName(*role));
  if (members) q.Bind(2, *actor.org_id);
  std::vector<User> out;
  while (true) {
    SUANLI_ASSIGN(const bool row, q.Step());
    if (!row) break;
    User u = ReadUser(q);
    u.disabled = q.Int(7) != 0;
    u.created_at = Instant::FromMicros(q.Int(8));
    out.push_back(std::move(u));
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
    SUANLI_ASSIGN(auto q, s.db->Prepare("SELECT id, username, display_name, role, org_id, "
                                        "provider_id, org_admin, password_hash FROM users "
                                        "WHERE username = ?1 AND disabled = 0"));
    q.Bind(1, username);
    SUANLI_ASSIGN(const bool row, q.Step());
    if (row) {
      user = ReadUser(q);
      hash = q.Text(7);
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
  SUANLI_ASSIGN(auto q, s.db->Prepare(
                            "SELECT u.id, u.username, u.display_name, u.role, u.org_id, "
                            "u.provider_id, u.org_admin, s.csrf_token, s.expires_at_us FROM "
                            "sessions s JOIN users u ON u.id = s.user_id WHERE s.token_sha256 = "
                            "?1 AND u.disabled = 0"));
  q.Bind(1, security::TokenDigest(token));
  SUANLI_ASSIGN(const bool row, q.Step());
  if (!row) return MakeError(ErrorCode::kUnauthenticated, "", "not signed in");
  Session session;
  session.user = ReadUser(q);
  session.csrf_token = q.Text(7);
  session.expires_at = Instant::FromMicros(q.Int(8));
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

Result<Principal> Platform::AuthenticateApiKey(std::string_view key) {
  if (auto known = state_->api_keys.FindVerified(key)) return *std::move(known);
  const auto parts = security::ParseApiKey(key);
  if (!parts) return MakeError(ErrorCode::kUnauthenticated, "", "malformed API key");
  const auto entry = state_->api_keys.Get(parts->key_id);
  if (!entry || !security::TokenMatchesDigest(key, entry->secret_sha256)) {
    return MakeError(ErrorCode::kUnauthenticated, "", "unknown or revoked API key");
  }
  state_->api_keys.Remember(parts->key_id, entry->secret_sha256, key);
  return entry->principal;
}

Result<ApiKeyIssued> Platform::CreateApiKey(const Principal& actor, std::int64_t user_id) {
  SUANLI_TRY(RequireRole(actor, {Role::kAdmin, Role::kProvider}));
  if (actor.role == Role::kProvider && actor.user_id != user_id) {
    return MakeError(ErrorCode::kForbidden, "user_id", "operators create keys for themselves");
  }
  // A key is issued to a person signed in: a leaked key must not mint the keys that would outlive
  // its revocation.
  if (actor.via_api_key) {
    return MakeError(ErrorCode::kForbidden, "user_id", "an API key cannot issue API keys");
  }
  const security::ApiKey key = security::NewApiKey(security::NewApiKeyId());
  Principal owner;
  SUANLI_TRY(state_->RunStep<Ok>(actor, [&](StepContext& ctx) -> Result<Ok> {
    SUANLI_ASSIGN(auto q, ctx.db.Prepare(std::string(kSelectUser) + "WHERE id = ?1"));
    q.Bind(1, user_id);
    SUANLI_ASSIGN(const bool row, q.Step());
    if (!row) return NotFound("user", user_id);
    owner = ToPrincipal(ReadUser(q));
    owner.via_api_key = true;
    SUANLI_ASSIGN(auto disabled, ctx.db.Prepare("SELECT disabled FROM users WHERE id = ?1"));
    SUANLI_ASSIGN(const bool found, disabled.Bind(1, user_id).Step());
    if (found && disabled.Int(0) != 0) {
      return MakeError(ErrorCode::kStateConflict, "user_id", "the account is disabled");
    }
    if (owner.role != Role::kProvider) {
      return MakeError(ErrorCode::kStateConflict, "user_id",
                       "API keys are for providers' systems");
    }
    SUANLI_ASSIGN(auto ins, ctx.db.Prepare("INSERT INTO api_keys (key_id, secret_sha256, "
                                           "user_id, created_at_us) VALUES (?1,?2,?3,?4)"));
    ins.Bind(1, key.key_id).Bind(2, key.digest).Bind(3, user_id).Bind(4, ctx.now.micros());
    SUANLI_TRY(ins.Run());
    SUANLI_TRY(ctx.Audit("api_key.create", "api_key/" + key.key_id, "",
                         "{\"user_id\":" + std::to_string(user_id) + "}"));
    return Ok{};
  }));
  state_->api_keys.Put(key.key_id, ApiKeyCache::Entry{key.digest, owner});
  return ApiKeyIssued{key.full_key, key.key_id};
}

Status Platform::RevokeApiKey(const Principal& actor, std::int64_t user_id,
                              std::string_view key_id) {
  SUANLI_TRY(RequireRole(actor, {Role::kAdmin, Role::kProvider}));
  if (actor.role == Role::kProvider && actor.user_id != user_id) {
    return MakeError(ErrorCode::kForbidden, "user_id", "operators revoke their own keys");
  }
  SUANLI_TRY(state_->RunStep<Ok>(actor, [&](StepContext& ctx) -> Result<Ok> {
    SUANLI_ASSIGN(auto up, ctx.db.Prepare("UPDATE api_keys SET revoked = 1 WHERE key_id = ?1 AND "
                                          "user_id = ?2 AND revoked = 0"));
    SUANLI_TRY(up.Bind(1, key_id).Bind(2, user_id).Run());
    if (ctx.db.Changes() == 0) {
      return MakeError(ErrorCode::kNotFound, "key_id",
                       "no API key " + std::string(key_id) + " in force for user " +
                           std::to_string(user_id));
    }
    SUANLI_TRY(ctx.Audit("api_key.revoke", "api_key/" + std::string(key_id), "",
                         "{\"user_id\":" + std::to_string(user_id) + "}"));
    // Forgotten with the commit: a failed step leaves the key working, as the table says.
    ctx.OnCommit([this, id = std::string(key_id)] { state_->api_keys.Erase(id); });
    return Ok{};
  }));
  return OkStatus();
}

Result<std::vector<ApiKeyInfo>> Platform::ListApiKeys(const Principal& actor,
                                                     std::int64_t user_id) {
  SUANLI_TRY(RequireRole(actor, {Role::kAdmin, Role::kProvider}));
  if (actor.role == Role::kProvider && actor.user_id != user_id) {
    return MakeError(ErrorCode::kForbidden, "user_id", "operators list their own keys");
  }
  std::lock_guard lock(state_->mu);
  SUANLI_ASSIGN(auto q, state_->db->Prepare("SELECT key_id, created_at_us, revoked FROM api_keys "
                                            "WHERE user_id = ?1 ORDER BY created_at_us, key_id"));
  q.Bind(1, user_id);
  std::vector<ApiKeyInfo> out;
  while (true) {
    SUANLI_ASSIGN(const bool row, q.Step());
    if (!row) break;
    out.push_back(ApiKeyInfo{q.Text(0), Instant::FromMicros(q.Int(1)), q.Int(2) != 0});
  }
  return out;
}

Status Platform::SetUserDisabled(const Principal& actor, std::int64_t user_id, bool disabled) {
  SUANLI_TRY(RequireRole(actor, {Role::kAdmin}));
  if (actor.user_id == user_id) {
    return MakeError(ErrorCode::kStateConflict, "user_id", "an admin cannot disable itself");
  }
  std::vector<std::pair<std::string, ApiKeyCache::Entry>> restored;
  SUANLI_TRY(state_->RunStep<Ok>(actor, [&](StepContext& ctx) -> Result<Ok> {
    SUANLI_ASSIGN(auto q, ctx.db.Prepare(std::string(kSelectUser) + "WHERE id = ?1"));
    SUANLI_ASSIGN(const bool found, q.Bind(1, user_id).Step());
    if (!found) return NotFound("user", user_id);
    Principal owner = ToPrincipal(ReadUser(q));
    owner.via_api_key = true;
    SUANLI_ASSIGN(auto up, ctx.db.Prepare("UPDATE users SET disabled = ?2 WHERE id = ?1"));
    SUANLI_TRY(up.Bind(1, user_id).Bind(2, std::int64_t{disabled ? 1 : 0}).Run());
    if (disabled) {
      SUANLI_ASSIGN(auto end, ctx.db.Prepare("DELETE FROM sessions WHERE user_id = ?1"));
      SUANLI_TRY(end.Bind(1, user_id).Run());
    } else {
      SUANLI_ASSIGN(auto keys, ctx.db.Prepare("SELECT key_id, secret_sha256 FROM api_keys WHERE "
                                              "user_id = ?1 AND revoked = 0"));
      keys.Bind(1, user_id);
      while (true) {
        SUANLI_ASSIGN(const bool row, keys.Step());
        if (!row) break;
        restored.emplace_back(keys.Text(0), ApiKeyCache::Entry{keys.Text(1), owner});
      }
    }
    SUANLI_TRY(ctx.Audit(disabled ? "user.disable" : "user.enable", "user/" + std::to_string(user_id),
                         "", "{}"));
    return Ok{};
  }));
  if (disabled) {
    state_->api_keys.EraseUser(user_id);
  } else {
    for (auto& [id, entry] : restored) state_->api_keys.Put(id, std::move(entry));
  }
  return OkStatus();
}

}  // namespace suanli::workflow
