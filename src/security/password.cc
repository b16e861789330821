#include "security/password.h"

#include <argon2.h>

#include <optional>

#include "core/check.h"
#include "security/base64.h"
#include "security/digest.h"
#include "security/token.h"

namespace suanli::security {
namespace {

// Bounds on what VerifyPassword will compute, so that a stored string (from a corrupted or
// tampered row) cannot ask for unbounded memory or time. HashPassword keeps within them too.
constexpr std::uint32_t kMemoryKibMax = 256 * 1024;
constexpr std::uint32_t kIterationsMax = 16;
constexpr std::uint32_t kParallelismMax = 16;
// Salt and hash lengths accepted when verifying; the reference test vectors use 8-byte salts.
constexpr std::size_t kSaltBytesMin = 8;
constexpr std::size_t kSaltBytesMax = 64;
constexpr std::size_t kHashBytesMin = 16;
constexpr std::size_t kHashBytesMax = 64;

struct Phc {
  PasswordParams params;
  std::string salt;
  std::string hash;
};

bool ParamsInBounds(const PasswordParams& p) {
  return p.parallelism >= 1 && p.parallelism <= kParallelismMax && p.iterations >= 1 &&
         p.iterations <= kIterationsMax && p.memory_kib >= 8 * p.parallelism &&
         p.memory_kib <= kMemoryKibMax;
}

bool PasswordLengthOk(std::string_view password) {
  return password.size() >= kPasswordBytesMin && password.size() <= kPasswordBytesMax;
}

// Consumes `prefix` from the front of *s.
bool Eat(std::string_view* s, std::string_view prefix) {
  if (s->substr(0, prefix.size()) != prefix) return false;
  s->remove_prefix(prefix.size());
  return true;
}

// Consumes a canonical decimal uint32 (no sign, no leading zero) from the front of *s.
bool EatUint32(std::string_view* s, std::uint32_t* out) {
  std::size_t n = 0;
  std::uint64_t v = 0;
  while (n < s->size() && n < 11 && (*s)[n] >= '0' && (*s)[n] <= '9') {
    v = v * 10 + static_cast<std::uint64_t>((*s)[n] - '0');
    ++n;
  }
  if (n == 0 || n > 10 || v > UINT32_MAX || (n > 1 && (*s)[0] == '0')) return false;
  s->remove_prefix(n);
  *out = static_cast<std::uint32_t>(v);
  return true;
}

// Parses "$argon2id$v=19$m=<m>,t=<t>,p=<p>$<salt b64>$<hash b64>" (standard alphabet, no
// padding), within the bounds above. Anything else is nullopt.
std::optional<Phc> ParsePhc(std::string_view s) {
  Phc phc;
  std::uint32_t version = 0;
  if (!Eat(&s, "$argon2id$v=") || !EatUint32(&s, &version) || version != ARGON2_VERSION_13 ||
      !Eat(&s, "$m=") || !EatUint32(&s, &phc.params.memory_kib) || !Eat(&s, ",t=") ||
      !EatUint32(&s, &phc.params.iterations) || !Eat(&s, ",p=") ||
      !EatUint32(&s, &phc.params.parallelism) || !Eat(&s, "$")) {
    return std::nullopt;
  }
  if (!ParamsInBounds(phc.params)) return std::nullopt;
  const std::size_t dollar = s.find('$');
  if (dollar == std::string_view::npos) return std::nullopt;
  auto salt = Base64Decode(s.substr(0, dollar), Base64Alphabet::kStandard);
  auto hash = Base64Decode(s.substr(dollar + 1), Base64Alphabet::kStandard);
  if (!salt || !hash) return std::nullopt;
  if (salt->size() < kSaltBytesMin || salt->size() > kSaltBytesMax ||
      hash->size() < kHashBytesMin || hash->size() > kHashBytesMax) {
    return std::nullopt;
  }
  phc.salt = std::move(*salt);
  phc.hash = std::move(*hash);
  return phc;
}

}  // namespace

Result<std::string> HashPassword(std::string_view password, const PasswordParams& params) {
  if (!PasswordLengthOk(password)) {
    return MakeError(ErrorCode::kOutOfRange, "password",
                     "a password must be " + std::to_string(kPasswordBytesMin) + " to " +
                         std::to_string(kPasswordBytesMax) + " bytes long; this one is " +
                         std::to_string(password.size()));
  }
  if (!ParamsInBounds(params)) {
    return MakeError(ErrorCode::kOutOfRange, "password_params",
                     "argon2id parameters outside the accepted bounds (memory 8*p..262144 KiB, "
                     "1..16 passes, 1..16 lanes)");
  }
  const std::string salt = RandomBytes(kPasswordSaltBytes);
  const std::size_t encoded_len =
      argon2_encodedlen(params.iterations, params.memory_kib, params.parallelism,
                        static_cast<std::uint32_t>(salt.size()), kPasswordHashBytes, Argon2_id);
  std::string encoded(encoded_len, '\0');
  const int rc = argon2id_hash_encoded(params.iterations, params.memory_kib, params.parallelism,
                                       password.data(), password.size(), salt.data(), salt.size(),
                                       kPasswordHashBytes, encoded.data(), encoded.size());
  if (rc != ARGON2_OK) {
    return MakeError(ErrorCode::kIo, "password",
                     std::string("argon2id failed: ") + argon2_error_message(rc));
  }
  encoded.resize(encoded.find('\0'));  // argon2_encodedlen counts the terminator
  SUANLI_CHECK(ParsePhc(encoded).has_value());
  return encoded;
}

bool VerifyPassword(std::string_view encoded, std::string_view password) {
  if (!PasswordLengthOk(password)) return false;
  const std::optional<Phc> phc = ParsePhc(encoded);
  if (!phc) return false;
  std::string computed(phc->hash.size(), '\0');
  const int rc = argon2id_hash_raw(
      phc->params.iterations, phc->params.memory_kib, phc->params.parallelism, password.data(),
      password.size(), phc->salt.data(), phc->salt.size(), computed.data(), computed.size());
  if (rc != ARGON2_OK) return false;
  return ConstantTimeEquals(computed, phc->hash);
}

bool NeedsRehash(std::string_view encoded, const PasswordParams& params) {
  const std::optional<Phc> phc = ParsePhc(encoded);
  return !phc || phc->params != params || phc->salt.size() != kPasswordSaltBytes ||
         phc->hash.size() != kPasswordHashBytes;
}

}  // namespace suanli::security
