#include "security/token.h"

#include <openssl/rand.h>

#include "core/check.h"
#include "security/base64.h"
#include "security/digest.h"

namespace suanli::security {
namespace {

constexpr std::string_view kApiKeyPrefix = "sk_";

}  // namespace

std::string RandomBytes(std::size_t n) {
  SUANLI_CHECK(n <= kTokenBytesMax);
  std::string out(n, '\0');
  if (n == 0) return out;
  SUANLI_CHECK(RAND_bytes(reinterpret_cast<unsigned char*>(out.data()), static_cast<int>(n)) == 1);
  return out;
}

std::string NewToken(std::size_t bytes) {
  SUANLI_CHECK(bytes >= kTokenBytesMin && bytes <= kTokenBytesMax);
  return Base64Encode(RandomBytes(bytes), Base64Alphabet::kUrl);
}

std::string TokenDigest(std::string_view token) { return Sha256Hex(token); }

bool TokenMatchesDigest(std::string_view token, std::string_view stored_digest) {
  if (token.empty() || stored_digest.empty()) return false;
  return ConstantTimeEquals(TokenDigest(token), stored_digest);
}

bool IsValidApiKeyId(std::string_view key_id) {
  if (key_id.empty() || key_id.size() > kApiKeyIdCharsMax) return false;
  for (const char c : key_id) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))) return false;
  }
  return true;
}

std::string NewApiKeyId() {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string id;
  for (const char b : RandomBytes(8)) {
    const auto v = static_cast<unsigned char>(b);
    id += kHex[v >> 4];
    id += kHex[v & 0xf];
  }
  return id;
}

ApiKey NewApiKey(std::string_view key_id) {
  SUANLI_CHECK(IsValidApiKeyId(key_id));
  ApiKey key;
  key.key_id = std::string(key_id);
  key.full_key = std::string(kApiKeyPrefix) + key.key_id + "_" + NewToken(kApiKeySecretBytes);
  key.digest = TokenDigest(key.full_key);
  SUANLI_CHECK(key.full_key.size() ==
               kApiKeyPrefix.size() + key_id.size() + 1 + kApiKeySecretChars);
  return key;
}

std::optional<ApiKeyParts> ParseApiKey(std::string_view key) {
  if (key.substr(0, kApiKeyPrefix.size()) != kApiKeyPrefix) return std::nullopt;
  key.remove_prefix(kApiKeyPrefix.size());
  const std::size_t sep = key.find('_');
  if (sep == std::string_view::npos) return std::nullopt;
  const std::string_view key_id = key.substr(0, sep);
  const std::string_view secret = key.substr(sep + 1);
  if (!IsValidApiKeyId(key_id) || secret.size() != kApiKeySecretChars) return std::nullopt;
  const auto decoded = Base64Decode(secret, Base64Alphabet::kUrl);
  if (!decoded || decoded->size() != kApiKeySecretBytes) return std::nullopt;
  return ApiKeyParts{std::string(key_id), std::string(secret)};
}

}  // namespace suanli::security
