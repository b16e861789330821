#include "security/token.h"

#include <gtest/gtest.h>

#include <set>

#include "security/base64.h"

namespace suanli::security {
namespace {

TEST(Token, IsUnpaddedBase64UrlOfTheRequestedSize) {
  const std::string t = NewToken();
  EXPECT_EQ(t.size(), 43u);
  EXPECT_EQ(t.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
            std::string::npos);
  EXPECT_EQ(Base64Decode(t, Base64Alphabet::kUrl)->size(), 32u);
  EXPECT_EQ(NewToken(16).size(), 22u);
  EXPECT_EQ(NewToken(48).size(), 64u);
}

TEST(Token, DoesNotRepeat) {
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) EXPECT_TRUE(seen.insert(NewToken()).second);
}

TEST(TokenDeathTest, RefusesTokensTooShortToBeSafe) { EXPECT_DEATH(NewToken(8), "CHECK failed"); }

TEST(Token, DigestIsHexSha256) {
  // FIPS 180-2's "abc" vector: the digest is exactly SHA-256, nothing added.
  EXPECT_EQ(TokenDigest("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  const std::string t = NewToken();
  EXPECT_EQ(TokenDigest(t).size(), 64u);
  EXPECT_TRUE(TokenMatchesDigest(t, TokenDigest(t)));
  std::string altered = t;
  altered[0] = altered[0] == 'A' ? 'B' : 'A';
  EXPECT_FALSE(TokenMatchesDigest(altered, TokenDigest(t)));
  EXPECT_FALSE(TokenMatchesDigest("", TokenDigest("")));
  EXPECT_FALSE(TokenMatchesDigest(t, ""));
}

TEST(ApiKey, RoundTripsThroughParse) {
  const ApiKey key = NewApiKey("k7f3a9");
  EXPECT_EQ(key.key_id, "k7f3a9");
  EXPECT_EQ(key.full_key.rfind("sk_k7f3a9_", 0), 0u);
  EXPECT_EQ(key.full_key.size(), 3 + 6 + 1 + kApiKeySecretChars);
  EXPECT_EQ(key.digest, TokenDigest(key.full_key));
  EXPECT_EQ(key.digest.find(key.full_key.substr(10)), std::string::npos);

  const auto parts = ParseApiKey(key.full_key);
  ASSERT_TRUE(parts.has_value());
  EXPECT_EQ(parts->key_id, "k7f3a9");
  EXPECT_EQ(key.full_key, "sk_k7f3a9_" + parts->secret);
  EXPECT_TRUE(TokenMatchesDigest(key.full_key, key.digest));
}

TEST(ApiKey, SecretsMayContainUnderscores) {
  // The key id holds no '_', so the first '_' after "sk_" always separates; the base64url
  // secret may contain more.
  const std::string secret = Base64Encode(std::string(32, '\xff'), Base64Alphabet::kUrl);
  ASSERT_NE(secret.find('_'), std::string::npos);
  const auto parts = ParseApiKey("sk_abc_" + secret);
  ASSERT_TRUE(parts.has_value());
  EXPECT_EQ(parts->key_id, "abc");
  EXPECT_EQ(parts->secret, secret);
}

TEST(ApiKey, RejectsAlteredShapes) {
  const std::string full = NewApiKey("abc123").full_key;
  const std::string secret = full.substr(10);
  EXPECT_FALSE(ParseApiKey(""));
  EXPECT_FALSE(ParseApiKey("sk_"));
  EXPECT_FALSE(ParseApiKey("sk_abc123"));
  EXPECT_FALSE(ParseApiKey("sk_abc123_"));
  EXPECT_FALSE(ParseApiKey("pk_abc123_" + secret));
  EXPECT_FALSE(ParseApiKey("SK_abc123_" + secret));
  EXPECT_FALSE(ParseApiKey("sk__" + secret));                              // empty key id
  EXPECT_FALSE(ParseApiKey("sk_ABC123_" + secret));                        // upper case key id
  EXPECT_FALSE(ParseApiKey("sk_abc-123_" + secret));                       // '-' in key id
  EXPECT_FALSE(ParseApiKey("sk_" + std::string(33, 'a') + "_" + secret));  // key id too long
  EXPECT_FALSE(ParseApiKey(full.substr(0, full.size() - 1)));              // secret too short
  EXPECT_FALSE(ParseApiKey(full + "A"));                                   // secret too long
  EXPECT_FALSE(ParseApiKey("sk_abc123_" + secret.substr(0, 42) + "="));
  EXPECT_FALSE(ParseApiKey(" " + full));
  EXPECT_TRUE(ParseApiKey("sk_" + std::string(32, 'a') + "_" + secret));
}

TEST(ApiKey, KeyIdsAreValidAndDistinct) {
  const std::string a = NewApiKeyId();
  const std::string b = NewApiKeyId();
  EXPECT_EQ(a.size(), 16u);
  EXPECT_TRUE(IsValidApiKeyId(a));
  EXPECT_NE(a, b);
  EXPECT_FALSE(IsValidApiKeyId(""));
  EXPECT_FALSE(IsValidApiKeyId("a_b"));
}

}  // namespace
}  // namespace suanli::security
