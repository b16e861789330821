// API keys: a provider's system authenticates with "sk_<id>_<secret>". The first request hashes
// the key against its stored digest; later ones compare it with the key remembered then
// (ApiKeyCache::FindVerified). Both paths must refuse a key that differs in any character.
#include <algorithm>
#include <string>

#include <gtest/gtest.h>

#include "security/token.h"
#include "workflow/demo.h"
#include "workflow/demo_voucher_fixture.h"
#include "workflow/platform_state.h"

namespace suanli::workflow {
namespace {

class ApiKeyTest : public testing::DemoVoucherTest {
 protected:
  // A key for the demo AI center's operator, created by the admin.
  ApiKeyIssued IssueKey() {
    EXPECT_TRUE(SeedDemo(*platform_).ok());
    auto key = platform_->CreateApiKey(As("admin"), As("op-ai").user_id);
    EXPECT_TRUE(key.ok()) << key.error().ToString();
    return key.ok() ? *key : ApiKeyIssued{};
  }
  // `key` with the first character of its secret changed to another base64url character (the
  // last one carries 2 padding bits, so not every change of it stays canonical).
  static std::string Altered(std::string key) {
    char& c = key[key.size() - security::kApiKeySecretChars];  // the secret may hold '_' too
    c = c == 'A' ? 'B' : 'A';
    return key;
  }
  void ExpectRefused(const std::string& key, const std::string& reason) {
    auto who = platform_->AuthenticateApiKey(key);
    ASSERT_FALSE(who.ok()) << key;
    EXPECT_EQ(who.error().code, ErrorCode::kUnauthenticated);
    EXPECT_NE(who.error().message.find(reason), std::string::npos) << who.error().ToString();
  }
};

TEST_F(ApiKeyTest, AKeyActsForItsOperatorOnEveryRequest) {
  const ApiKeyIssued key = IssueKey();
  for (int i = 0; i < 3; ++i) {  // the first request hashes; the next two find it remembered
    auto who = platform_->AuthenticateApiKey(key.key);
    ASSERT_TRUE(who.ok()) << who.error().ToString();
    EXPECT_EQ(who->username, "op-ai");
    EXPECT_EQ(who->role, Role::kProvider);
    EXPECT_EQ(who->provider_id, As("op-ai").provider_id);
    EXPECT_TRUE(who->via_api_key);
  }
  Reopen();  // the digest is loaded from the database; nothing remembered survives
  auto who = platform_->AuthenticateApiKey(key.key);
  ASSERT_TRUE(who.ok()) << who.error().ToString();
  EXPECT_EQ(who->username, "op-ai");
}

TEST_F(ApiKeyTest, AnAlteredKeyIsRefusedBeforeAndAfterTheRealOneWasSeen) {
  const ApiKeyIssued key = IssueKey();
  ExpectRefused(Altered(key.key), "unknown or revoked");
  ASSERT_TRUE(platform_->AuthenticateApiKey(key.key).ok());
  ExpectRefused(Altered(key.key), "unknown or revoked");  // the remembered key does not match
  ExpectRefused(key.key + "A", "malformed");               // longer than any key
  ExpectRefused(key.key.substr(0, key.key.size() - 1), "malformed");
  ExpectRefused("sk_" + key.key_id, "malformed");
  ExpectRefused("sk_" + key.key_id + "_", "malformed");
  // The secret of this key under another key's id.
  const ApiKeyIssued other = platform_->CreateApiKey(As("admin"), As("op-ai").user_id).value();
  const std::string secret = key.key.substr(key.key.size() - security::kApiKeySecretChars);
  ExpectRefused("sk_" + other.key_id + "_" + secret, "unknown or revoked");
  EXPECT_TRUE(platform_->AuthenticateApiKey(other.key).ok());
}

TEST(ApiKeyCacheTest, AKeyVerifiedAgainstAReplacedEntryIsNotRemembered) {
  ApiKeyCache cache;
  Principal op;
  op.username = "op";
  const Instant now = Instant::FromUnixSeconds(1'700'000'000);
  cache.Put("k1", ApiKeyCache::Entry{"digest-old", op});
  cache.Put("k1", ApiKeyCache::Entry{"digest-new", op});
  cache.Remember("k1", "digest-old", "sk_k1_secret", now);  // verified against the old entry
  EXPECT_FALSE(cache.FindVerified("sk_k1_secret", now).has_value());
  cache.Remember("k1", "digest-new", "sk_k1_secret", now);
  EXPECT_EQ(cache.FindVerified("sk_k1_secret", now)->username, "op");
  EXPECT_FALSE(cache.FindVerified("sk_k1_secreT", now).has_value());
  EXPECT_FALSE(cache.FindVerified("sk_k2_secret", now).has_value());
  cache.Put("k1", ApiKeyCache::Entry{"digest-newer", op});  // a new digest forgets the key
  EXPECT_FALSE(cache.FindVerified("sk_k1_secret", now).has_value());
}

// A use is kept in memory at every request (to the second); what is to be written is each
// key's use since its last write, a key at most once a minute, and a revoked key's use too.
TEST(ApiKeyCacheTest, UsesAreWrittenAtMostOnceAMinutePerKey) {
  ApiKeyCache cache;
  Principal op;
  op.user_id = 7;
  const Instant t0 = Instant::FromUnixSeconds(1'700'000'000);
  cache.Put("k1", ApiKeyCache::Entry{"d1", op});
  cache.Put("k2", ApiKeyCache::Entry{"d2", op}, t0.AddSeconds(-3600).micros());  // used before
  EXPECT_EQ(cache.LastUse("k1"), std::nullopt);
  EXPECT_EQ(cache.LastUse("k2"), t0.AddSeconds(-3600));
  EXPECT_TRUE(cache.UsesToWrite(t0, false).empty());  // nothing used since it was written

  cache.Remember("k1", "d1", "sk_k1_s", t0);
  cache.FindVerified("sk_k1_s", t0.AddMicros(400'000));  // within the second: not stored again
  EXPECT_EQ(cache.LastUse("k1"), t0);
  auto uses = cache.UsesToWrite(t0, false);
  ASSERT_EQ(uses.size(), 1u);
  EXPECT_EQ(uses[0].key_id, "k1");
  EXPECT_EQ(uses[0].used_us, t0.micros());
  cache.Written(uses, t0);

  // Used again 10 s later: kept (and listed) at once, written only a minute after the last write.
  cache.FindVerified("sk_k1_s", t0.AddSeconds(10));
  EXPECT_EQ(cache.LastUse("k1"), t0.AddSeconds(10));
  EXPECT_TRUE(cache.UsesToWrite(t0.AddSeconds(59), false).empty());
  ASSERT_EQ(cache.UsesToWrite(t0.AddSeconds(59), true).size(), 1u);  // at shutdown, all of them
  uses = cache.UsesToWrite(t0.AddSeconds(60), false);
  ASSERT_EQ(uses.size(), 1u);
  EXPECT_EQ(uses[0].used_us, t0.AddSeconds(10).micros());
  // Not written (the write failed): still owed.
  EXPECT_EQ(cache.UsesToWrite(t0.AddSeconds(61), false).size(), 1u);
  cache.Written(uses, t0.AddSeconds(61));
  EXPECT_TRUE(cache.UsesToWrite(t0.AddSeconds(200), false).empty());

  // A use, then the key revoked before it was written: still written, then forgotten.
  cache.FindVerified("sk_k1_s", t0.AddSeconds(70));
  cache.Erase("k1");
  EXPECT_FALSE(cache.FindVerified("sk_k1_s", t0.AddSeconds(71)).has_value());
  EXPECT_EQ(cache.LastUse("k1"), t0.AddSeconds(70));
  uses = cache.UsesToWrite(t0.AddSeconds(72), false);  // a forgotten key waits for no minute
  ASSERT_EQ(uses.size(), 1u);
  EXPECT_EQ(uses[0].used_us, t0.AddSeconds(70).micros());
  cache.Written(uses, t0.AddSeconds(72));
  EXPECT_TRUE(cache.UsesToWrite(t0.AddSeconds(500), true).empty());
  EXPECT_EQ(cache.LastUse("k1"), std::nullopt);  // the database has it now
}

// A revoked key, or any key of a disabled account, is refused from the next request on. There
// was no way to revoke, and the cache filled at start-up kept such keys working until a restart
// (and a key could mint the keys that would outlive it).
TEST_F(ApiKeyTest, RevokedKeysAndDisabledAccountsAreRefusedAtOnce) {
  const ApiKeyIssued first = IssueKey();
  const Principal admin = As("admin");
  const std::int64_t op = As("op-ai").user_id;
  ASSERT_TRUE(platform_->AuthenticateApiKey(first.key).ok());  // remembered now
  // A key cannot issue keys.
  auto by_key = platform_->AuthenticateApiKey(first.key);
  ASSERT_TRUE(by_key.ok());
  auto minted = platform_->CreateApiKey(*by_key, op);
  ASSERT_FALSE(minted.ok());
  EXPECT_EQ(minted.error().code, ErrorCode::kForbidden);
  // Revoked by its operator: refused, also after a restart; revoking again is not found.
  ASSERT_TRUE(platform_->RevokeApiKey(As("op-ai"), op, first.key_id).ok());
  ExpectRefused(first.key, "unknown or revoked");
  EXPECT_EQ(platform_->RevokeApiKey(admin, op, first.key_id).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(platform_->RevokeApiKey(As("op-hpc"), op, first.key_id).error().code, ErrorCode::kForbidden);
  Reopen();
  ExpectRefused(first.key, "unknown or revoked");

  // Disabled: its keys and sessions end at once, no key is issued; enabled: its keys work again.
  auto second = platform_->CreateApiKey(admin, op);
  ASSERT_TRUE(second.ok()) << second.error().ToString();
  ASSERT_TRUE(platform_->AuthenticateApiKey(second->key).ok());
  auto session = platform_->Login("op-ai", kDemoPassword, "test");
  ASSERT_TRUE(session.ok());
  ASSERT_TRUE(platform_->SetUserDisabled(admin, op, true).ok());
  ExpectRefused(second->key, "unknown or revoked");
  EXPECT_FALSE(platform_->ResumeSession(session->token).ok());
  EXPECT_FALSE(platform_->Login("op-ai", kDemoPassword, "test").ok());
  auto refused = platform_->CreateApiKey(admin, op);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, ErrorCode::kStateConflict);
  Reopen();
  ExpectRefused(second->key, "unknown or revoked");
  ASSERT_TRUE(platform_->SetUserDisabled(As("admin"), op, false).ok());
  auto back = platform_->AuthenticateApiKey(second->key);
  ASSERT_TRUE(back.ok()) << back.error().ToString();
  EXPECT_EQ(back->username, "op-ai");
  EXPECT_EQ(platform_->SetUserDisabled(As("admin"), As("admin").user_id, true).error().code,
            ErrorCode::kStateConflict);
}

TEST_F(ApiKeyTest, AKeyCarriesItsNameAndItsLastUseIsListedThenWritten) {
  ASSERT_TRUE(SeedDemo(*platform_).ok());
  const Principal admin = As("admin");
  const std::int64_t op = As("op-ai").user_id;
  // Refused names leave no key.
  for (const std::string& bad : {std::string(), std::string(65, 'x'), std::string("a\nb")}) {
    auto refused = platform_->CreateApiKey(admin, op, bad);
    ASSERT_FALSE(refused.ok()) << bad;
    EXPECT_EQ(refused.error().field, "name");
  }
  EXPECT_TRUE(platform_->ListApiKeys(admin, op)->empty());
  auto key = platform_->CreateApiKey(admin, op, std::string("计费系统 billing"));
  ASSERT_TRUE(key.ok()) << key.error().ToString();
  EXPECT_EQ(key->name, "计费系统 billing");
  auto unnamed = platform_->CreateApiKey(admin, op);
  ASSERT_TRUE(unnamed.ok());
  auto listed = platform_->ListApiKeys(admin, op);
  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed->size(), 2u);
  const auto find = [&](const std::string& id) {
    auto keys = platform_->ListApiKeys(admin, op).value();
    return *std::find_if(keys.begin(), keys.end(), [&](const auto& k) { return k.key_id == id; });
  };
  EXPECT_EQ(find(key->key_id).name, "计费系统 billing");
  EXPECT_EQ(find(unnamed->key_id).name, "");
  EXPECT_FALSE(find(key->key_id).last_used_at.has_value());

  const std::string stored = "SELECT COALESCE(last_used_at_us, -1) FROM api_keys WHERE key_id = '" +
                             key->key_id + "'";
  const Instant t0 = clock_.Now();
  ASSERT_TRUE(platform_->AuthenticateApiKey(key->key).ok());
  EXPECT_EQ(find(key->key_id).last_used_at, t0);  // listed at once
  EXPECT_EQ(SqlInt(stored), -1);                   // the request wrote nothing
  ASSERT_TRUE(platform_->WriteApiKeyUse().ok());
  EXPECT_EQ(SqlInt(stored), t0.micros());
  EXPECT_FALSE(find(unnamed->key_id).last_used_at.has_value());

  // Used again 10 s later: listed, but not written again within the minute.
  clock_.Set(t0.AddSeconds(10));
  ASSERT_TRUE(platform_->AuthenticateApiKey(key->key).ok());
  ASSERT_TRUE(platform_->WriteApiKeyUse().ok());
  EXPECT_EQ(SqlInt(stored), t0.micros());
  EXPECT_EQ(find(key->key_id).last_used_at, t0.AddSeconds(10));
  clock_.Set(t0.AddSeconds(60));
  ASSERT_TRUE(platform_->WriteApiKeyUse().ok());
  EXPECT_EQ(SqlInt(stored), t0.AddSeconds(10).micros());

  // Closing writes what is left; a revoked key's last use is written too.
  clock_.Set(t0.AddSeconds(70));
  ASSERT_TRUE(platform_->AuthenticateApiKey(key->key).ok());
  Reopen();
  EXPECT_EQ(SqlInt(stored), t0.AddSeconds(70).micros());
  EXPECT_EQ(find(key->key_id).last_used_at, t0.AddSeconds(70));
  clock_.Set(t0.AddSeconds(80));
  ASSERT_TRUE(platform_->AuthenticateApiKey(key->key).ok());
  ASSERT_TRUE(platform_->RevokeApiKey(admin, op, key->key_id).ok());
  ASSERT_TRUE(platform_->WriteApiKeyUse().ok());
  EXPECT_EQ(SqlInt(stored), t0.AddSeconds(80).micros());
  EXPECT_EQ(find(key->key_id).last_used_at, t0.AddSeconds(80));
}

}  // namespace
}  // namespace suanli::workflow
