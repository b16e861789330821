// Password hashing with argon2id (RFC 9106), stored as a PHC string
// ("$argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>") so that every stored hash carries its own
// parameters and can be upgraded on the next successful login (NeedsRehash).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/result.h"

namespace suanli::security {

// Password length limits, in bytes of the UTF-8 text as given (no normalisation here).
// 8: NIST SP 800-63B's minimum for a user-chosen secret. 1024: generous for pass phrases, and
// it bounds the work an unauthenticated request can ask of argon2's initial hashing.
inline constexpr std::size_t kPasswordBytesMin = 8;
inline constexpr std::size_t kPasswordBytesMax = 1024;
// 16-byte salts and 32-byte hashes: RFC 9106's recommendation.
inline constexpr std::size_t kPasswordSaltBytes = 16;
inline constexpr std::size_t kPasswordHashBytes = 32;

struct PasswordParams {
  // OWASP Password Storage Cheat Sheet's minimum for argon2id: 19 MiB, 2 passes, 1 lane.
  std::uint32_t memory_kib = 19 * 1024;
  std::uint32_t iterations = 2;
  std::uint32_t parallelism = 1;

  // Cheap parameters (256 KiB, 1 pass) so that tests which log in many times stay fast.
  // Never for stored production hashes.
  static PasswordParams ForTests() { return PasswordParams{256, 1, 1}; }

  bool operator==(const PasswordParams&) const = default;
};

// Hashes `password` with a fresh 16-byte salt from RAND_bytes and returns the PHC string.
// Errors: kOutOfRange at "password" when it is shorter than kPasswordBytesMin or longer than
// kPasswordBytesMax (the message never contains the password); kOutOfRange at
// "password_params" for parameters outside what VerifyPassword accepts; kIo if argon2 fails
// (out of memory).
Result<std::string> HashPassword(std::string_view password, const PasswordParams& params = {});

// True iff `encoded` is a well-formed argon2id v19 PHC string within the accepted bounds and
// `password` hashes to it. False for anything else — a malformed or truncated encoding, another
// algorithm, parameters beyond the bounds (up to 256 MiB, 16 passes, 16 lanes; a corrupted
// database row must not be able to exhaust memory or time), or a password outside the length
// limits. The comparison of hashes is constant-time. Never crashes.
bool VerifyPassword(std::string_view encoded, std::string_view password);

// True when `encoded` should be replaced by a new hash after the user's next successful login:
// it is malformed, not argon2id v19, or its memory, passes, lanes, salt or hash length differ
// from `params` and the constants above.
bool NeedsRehash(std::string_view encoded, const PasswordParams& params = {});

}  // namespace suanli::security
