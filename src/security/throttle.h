// Brute-force protection for logins: failures are counted per account name and per client
// address separately, and a key with too many recent failures is locked for a time that
// doubles with each lock. Counting by account stops a guesser spread over many addresses;
// counting by address stops one address guessing across many accounts.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <list>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "core/cst_time.h"

namespace suanli::security {

// The most failures a lock may wait for; fixes the per-key memory.
inline constexpr int kThrottleFailuresMaxLimit = 10;

struct LoginThrottleOptions {
  // A key is locked at its failures_max-th failure within window_s (OWASP: a handful of tries
  // per quarter hour leaves online guessing hopeless and a forgetful user little bothered).
  int failures_max = 5;
  std::int64_t window_s = 15 * 60;
  // The first lock lasts lock_first_s; each further lock doubles it, up to lock_max_s.
  std::int64_t lock_first_s = 60;
  std::int64_t lock_max_s = 60 * 60;
  // A key's lock count returns to zero after this long without a failure.
  std::int64_t forget_after_s = 24 * 60 * 60;
  // Keys tracked at most (accounts and addresses together); the key that failed least
  // recently is evicted first. About 200 bytes each: 100,000 keys is ~20 MB.
  std::size_t tracked_keys_max = 100'000;
};

// Thread-safe: every method takes one internal mutex.
class LoginThrottle {
 public:
  enum class LockedBy : std::uint8_t { kNone, kAccount, kAddress };

  struct Decision {
    bool allowed = true;
    std::int64_t retry_after_s = 0;  // > 0 when refused: whole seconds, rounded up
    LockedBy locked_by = LockedBy::kNone;
  };

  // Requires 1 <= failures_max <= kThrottleFailuresMaxLimit, positive durations with
  // lock_first_s <= lock_max_s, and tracked_keys_max >= 1 (CHECK).
  explicit LoginThrottle(LoginThrottleOptions options = {});

  // Whether a login attempt for `account` from `address` may go ahead at `now` (pass the
  // injected Clock's Now()). Refused while either key is locked; retry_after_s is then the
  // longer of the two remaining lock times. Empty names are not tracked. Changes nothing.
  Decision Check(std::string_view account, std::string_view address, Instant now) const;

  // A failed login: counts against both keys, locking either that reaches failures_max
  // within window_s. Failures while a key is locked are not counted (Check refused them).
  void RecordFailure(std::string_view account, std::string_view address, Instant now);

  // A successful login: forgets the account key entirely (failures and lock count). The
  // address key is kept, so an attacker cannot reset its address count by logging in to an
  // account of its own between guesses.
  void RecordSuccess(std::string_view account, std::string_view address, Instant now);

  // Keys currently tracked (<= tracked_keys_max); for tests and metrics.
  std::size_t tracked_keys() const;

 private:
  // The first 128 bits of SHA-256 over a one-byte kind and the name: fixed memory per key
  // whatever the length of the name, names not kept in memory, and collisions beyond reach.
  using Key = std::array<unsigned char, 16>;
  struct KeyHash {
    std::size_t operator()(const Key& k) const;
  };

  struct Entry {
    std::array<Instant, kThrottleFailuresMaxLimit> failures{};  // recent, oldest first
    int failure_count = 0;
    int lock_count = 0;
    Instant locked_until;
    Instant last_failure;
    std::list<Key>::iterator lru;  // position in lru_
  };

  static Key KeyOf(char kind, std::string_view name);
  std::int64_t RemainingUs(const Key& key, Instant now) const;  // requires mu_
  void Fail(const Key& key, Instant now);                       // requires mu_
  Entry& FindOrInsert(const Key& key);                          // requires mu_
  std::int64_t LockDurationS(int lock_count) const;

  const LoginThrottleOptions options_;
  mutable std::mutex mu_;
  std::unordered_map<Key, Entry, KeyHash> entries_;  // guarded by mu_
  // Keys by their last failure, most recent first; the back is evicted. Guarded by mu_.
  std::list<Key> lru_;
};

}  // namespace suanli::security
