// Random bearer secrets: session tokens, API keys and CSRF tokens. The database stores only
// TokenDigest(token) (hex SHA-256), never the token, so a leaked table cannot be replayed;
// a plain (unsalted, fast) hash suffices because the tokens carry 256 random bits.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace suanli::security {

// Bounds on NewToken's size: under 128 bits a token can be guessed; over 1024 bytes is a bug.
inline constexpr std::size_t kTokenBytesMin = 16;
inline constexpr std::size_t kTokenBytesMax = 1024;
// An API key's secret: 32 random bytes, 43 base64url characters.
inline constexpr std::size_t kApiKeySecretBytes = 32;
inline constexpr std::size_t kApiKeySecretChars = 43;
// A key id is 1..32 characters of [a-z0-9] (so '_' can separate it from the secret).
inline constexpr std::size_t kApiKeyIdCharsMax = 32;

// `n` bytes from OpenSSL's CSPRNG. Aborts (CHECK) if RAND_bytes fails: with no entropy there
// is no safe way to continue.
std::string RandomBytes(std::size_t n);

// A fresh token of `bytes` random bytes, base64url without padding (43 characters for the
// default 32 bytes). Requires kTokenBytesMin <= bytes <= kTokenBytesMax (CHECK).
std::string NewToken(std::size_t bytes = 32);

// Lower-case hex SHA-256 of `token` (64 characters): the form stored for session ids and
// API keys.
std::string TokenDigest(std::string_view token);

// True iff TokenDigest(token) equals `stored_digest`, compared in constant time. False when
// either is empty.
bool TokenMatchesDigest(std::string_view token, std::string_view stored_digest);

// A new API key: `full_key` ("sk_<key id>_<secret>") is shown to its owner once and never
// stored; `digest` is TokenDigest(full_key), stored beside `key_id`.
struct ApiKey {
  std::string key_id;
  std::string full_key;
  std::string digest;
};

// The two parts of a presented API key: look the key up by `key_id`, then compare
// TokenMatchesDigest(presented full key, stored digest).
struct ApiKeyParts {
  std::string key_id;
  std::string secret;
};

// True iff `key_id` is 1..kApiKeyIdCharsMax characters of [a-z0-9].
bool IsValidApiKeyId(std::string_view key_id);

// A random key id: 16 lower-case hex characters (64 bits), unique enough to be a row key.
std::string NewApiKeyId();

// A new key "sk_<key_id>_<43 base64url characters>". Requires IsValidApiKeyId(key_id) (CHECK).
ApiKey NewApiKey(std::string_view key_id);

// Splits "sk_<key id>_<secret>"; nullopt unless the prefix, a valid key id and a secret of
// exactly kApiKeySecretChars canonical base64url characters are all present.
std::optional<ApiKeyParts> ParseApiKey(std::string_view key);

}  // namespace suanli::security
