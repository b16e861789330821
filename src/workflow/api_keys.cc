// API keys of providers' systems: issuing (shown once), revoking, listing, authenticating, and
// writing when each key was last used. Authentication is on the settlement hot path: it reads
// ApiKeyCache only, and a use is recorded there, never written to SQLite by the request;
// WriteApiKeyUse does that for all keys at once, each at most once a minute.
#include "security/token.h"
#include "workflow/platform_state.h"
#include "workflow/user_rows.h"

namespace suanli::workflow {
namespace {

// A key's name: absent, or 1..kApiKeyNameBytesMax bytes without control characters (a label in
// a table row).
Status ValidateApiKeyName(std::string_view name) {
  if (name.empty() || name.size() > kApiKeyNameBytesMax) {
    return MakeError(ErrorCode::kOutOfRange, "name",
                     "1 to " + std::to_string(kApiKeyNameBytesMax) + " bytes");
  }
  for (const char ch : name) {
    const auto c = static_cast<unsigned char>(ch);
    if (c < 0x20 || c == 0x7f) {
      return MakeError(ErrorCode::kParse, "name", "no control characters (line breaks, tabs)");
    }
  }
  return OkStatus();
}

}  // namespace

Result<Principal> Platform::AuthenticateApiKey(std::string_view key) {
  const Instant now = state_->clock->Now();
  if (auto known = state_->api_keys.FindVerified(key, now)) return *std::move(known);
  const auto parts = security::ParseApiKey(key);
  if (!parts) return MakeError(ErrorCode::kUnauthenticated, "", "malformed API key");
  const auto entry = state_->api_keys.Get(parts->key_id);
  if (!entry || !security::TokenMatchesDigest(key, entry->secret_sha256)) {
    return MakeError(ErrorCode::kUnauthenticated, "", "unknown or revoked API key");
  }
  state_->api_keys.Remember(parts->key_id, entry->secret_sha256, key, now);
  return entry->principal;
}

Result<ApiKeyIssued> Platform::CreateApiKey(const Principal& actor, std::int64_t user_id,
                                            std::optional<std::string> name) {
  SUANLI_TRY(RequireRole(actor, {Role::kAdmin, Role::kProvider}));
  if (actor.role == Role::kProvider && actor.user_id != user_id) {
    return MakeError(ErrorCode::kForbidden, "user_id", "operators create keys for themselves");
  }
  // A key is issued to a person signed in: a leaked key must not mint the keys that would outlive
  // its revocation.
  if (actor.via_api_key) {
    return MakeError(ErrorCode::kForbidden, "user_id", "an API key cannot issue API keys");
  }
  if (name) SUANLI_TRY(ValidateApiKeyName(*name));
  const security::ApiKey key = security::NewApiKey(security::NewApiKeyId());
  Principal owner;
  SUANLI_TRY(state_->RunStep<Ok>(actor, [&](StepContext& ctx) -> Result<Ok> {
    SUANLI_ASSIGN(const User user, LoadUser(ctx.db, user_id));
    if (user.disabled) {
      return MakeError(ErrorCode::kStateConflict, "user_id", "the account is disabled");
    }
    if (user.role != Role::kProvider) {
      return MakeError(ErrorCode::kStateConflict, "user_id",
                       "API keys are for providers' systems");
    }
    owner = ToPrincipal(user);
    owner.via_api_key = true;
    SUANLI_ASSIGN(auto ins, ctx.db.Prepare("INSERT INTO api_keys (key_id, secret_sha256, "
                                           "user_id, created_at_us, name) VALUES "
                                           "(?1,?2,?3,?4,?5)"));
    ins.Bind(1, key.key_id).Bind(2, key.digest).Bind(3, user_id).Bind(4, ctx.now.micros());
    SUANLI_TRY(ins.Bind(5, name.value_or("")).Run());
    // The key's state form (audited_state.h); until state forms version 3 this detail was
    // passed as the entry's after-state.
    SUANLI_TRY(ctx.AuditChange("api_key.create", "api_key/" + key.key_id, "",
                               "{\"user_id\":" + std::to_string(user_id) +
                                   ",\"name\":" + Quoted(name.value_or("")) + "}"));
    return Ok{};
  }));
  state_->api_keys.Put(key.key_id, ApiKeyCache::Entry{key.digest, owner});
  return ApiKeyIssued{key.full_key, key.key_id, name.value_or("")};
}

Status Platform::RevokeApiKey(const Principal& actor, std::int64_t user_id,
                              std::string_view key_id) {
  SUANLI_TRY(RequireRole(actor, {Role::kAdmin, Role::kProvider}));
  if (actor.role == Role::kProvider && actor.user_id != user_id) {
    return MakeError(ErrorCode::kForbidden, "user_id", "operators revoke their own keys");
  }
  SUANLI_TRY(state_->RunStep<Ok>(actor, [&](StepContext& ctx) -> Result<Ok> {
    const std::string object = "api_key/" + std::string(key_id);
    // A key id no key can have (it is part of a path: kOutOfRange) finds no row either.
    Result<std::string> state_before = ctx.StateOf(object);
    if (!state_before.ok() && state_before.error().code != ErrorCode::kNotFound &&
        state_before.error().code != ErrorCode::kOutOfRange) {
      return state_before.error();
    }
    SUANLI_ASSIGN(auto up, ctx.db.Prepare("UPDATE api_keys SET revoked = 1 WHERE key_id = ?1 AND "
                                          "user_id = ?2 AND revoked = 0"));
    SUANLI_TRY(up.Bind(1, key_id).Bind(2, user_id).Run());
    if (ctx.db.Changes() == 0 || !state_before.ok()) {
      return MakeError(ErrorCode::kNotFound, "key_id",
                       "no API key " + std::string(key_id) + " in force for user " +
                           std::to_string(user_id));
    }
    SUANLI_TRY(ctx.AuditChange("api_key.revoke", object, *std::move(state_before),
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
  SUANLI_ASSIGN(auto q, state_->db->Prepare("SELECT key_id, name, created_at_us, revoked, "
                                            "last_used_at_us FROM api_keys WHERE user_id = ?1 "
                                            "ORDER BY created_at_us, key_id"));
  q.Bind(1, user_id);
  std::vector<ApiKeyInfo> out;
  while (true) {
    SUANLI_ASSIGN(const bool row, q.Step());
    if (!row) break;
    ApiKeyInfo k{q.Text(0), q.Text(1), Instant::FromMicros(q.Int(2)), q.Int(3) != 0, {}};
    if (auto stored = q.OptInt(4)) k.last_used_at = Instant::FromMicros(*stored);
    // The time kept in memory is fresher than the one written (at most a minute old).
    if (auto kept = state_->api_keys.LastUse(k.key_id);
        kept && (!k.last_used_at || *k.last_used_at < *kept)) {
      k.last_used_at = kept;
    }
    out.push_back(std::move(k));
  }
  return out;
}

Status Platform::WriteApiKeyUse(bool all) {
  State& s = *state_;
  // At shutdown the clock may be gone already (it is not owned): every use is written then, so
  // the time of the write matters no more.
  const Instant now = all ? Instant() : s.clock->Now();
  const std::vector<ApiKeyCache::Use> uses = s.api_keys.UsesToWrite(now, all);
  if (uses.empty()) return OkStatus();
  {
    // Not a workflow step: nobody acts, nothing is audited (as a sign-out's session delete).
    std::lock_guard lock(s.mu);
    SUANLI_ASSIGN(auto tx, storage::Transaction::Begin(*s.db));
    // Never back in time: a use written by an earlier process may be the later one.
    SUANLI_ASSIGN(auto up, s.db->Prepare("UPDATE api_keys SET last_used_at_us = "
                                         "MAX(COALESCE(last_used_at_us, 0), ?2) WHERE "
                                         "key_id = ?1"));
    for (const ApiKeyCache::Use& u : uses) {
      up.Reset();
      SUANLI_TRY(up.Bind(1, u.key_id).Bind(2, u.used_us).Run());
    }
    SUANLI_TRY(tx.Commit());
  }
  s.api_keys.Written(uses, now);
  return OkStatus();
}

}  // namespace suanli::workflow
