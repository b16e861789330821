#include "security/throttle.h"

#include <cstring>

#include "core/check.h"
#include "security/digest.h"

namespace suanli::security {
namespace {

constexpr char kAccountKind = 'a';
constexpr char kAddressKind = 'i';

}  // namespace

LoginThrottle::LoginThrottle(LoginThrottleOptions options) : options_(options) {
  SUANLI_CHECK(options_.failures_max >= 1 && options_.failures_max <= kThrottleFailuresMaxLimit);
  SUANLI_CHECK(options_.window_s > 0 && options_.forget_after_s > 0);
  SUANLI_CHECK(options_.lock_first_s > 0 && options_.lock_first_s <= options_.lock_max_s);
  SUANLI_CHECK(options_.tracked_keys_max >= 1);
}

LoginThrottle::Key LoginThrottle::KeyOf(char kind, std::string_view name) {
  Sha256Builder b;
  b.Add(std::string_view(&kind, 1)).Add(name);
  const Sha256 digest = b.Finish();
  Key key;
  std::memcpy(key.data(), digest.data(), key.size());
  return key;
}

std::size_t LoginThrottle::KeyHash::operator()(const Key& k) const {
  std::size_t h;  // the key is already uniformly distributed: any 8 bytes of it will do
  static_assert(sizeof h <= sizeof(Key));
  std::memcpy(&h, k.data(), sizeof h);
  return h;
}

std::int64_t LoginThrottle::LockDurationS(int lock_count) const {
  std::int64_t s = options_.lock_first_s;
  for (int i = 0; i < lock_count && s < options_.lock_max_s; ++i) s *= 2;  // at most ~62 turns
  return s < options_.lock_max_s ? s : options_.lock_max_s;
}

std::int64_t LoginThrottle::RemainingUs(const Key& key, Instant now) const {
  const auto it = entries_.find(key);
  if (it == entries_.end() || now >= it->second.locked_until) return 0;
  return it->second.locked_until.micros() - now.micros();
}

LoginThrottle::Decision LoginThrottle::Check(std::string_view account, std::string_view address,
                                             Instant now) const {
  const Key account_key = KeyOf(kAccountKind, account);
  const Key address_key = KeyOf(kAddressKind, address);
  std::lock_guard<std::mutex> lock(mu_);
  const std::int64_t account_us = account.empty() ? 0 : RemainingUs(account_key, now);
  const std::int64_t address_us = address.empty() ? 0 : RemainingUs(address_key, now);
  Decision d;
  if (account_us == 0 && address_us == 0) return d;
  const std::int64_t us = account_us >= address_us ? account_us : address_us;
  d.allowed = false;
  d.retry_after_s = (us + kMicrosPerSecond - 1) / kMicrosPerSecond;
  d.locked_by = account_us >= address_us ? LockedBy::kAccount : LockedBy::kAddress;
  SUANLI_CHECK(d.retry_after_s >= 1 && d.retry_after_s <= options_.lock_max_s);
  return d;
}

LoginThrottle::Entry& LoginThrottle::FindOrInsert(const Key& key) {
  auto it = entries_.find(key);
  if (it != entries_.end()) {
    lru_.splice(lru_.begin(), lru_, it->second.lru);  // now the most recent
    return it->second;
  }
  if (entries_.size() >= options_.tracked_keys_max) {
    SUANLI_CHECK(!lru_.empty());
    entries_.erase(lru_.back());
    lru_.pop_back();
  }
  lru_.push_front(key);
  Entry& e = entries_[key];
  e.lru = lru_.begin();
  SUANLI_CHECK(entries_.size() == lru_.size() && entries_.size() <= options_.tracked_keys_max);
  return e;
}

void LoginThrottle::Fail(const Key& key, Instant now) {
  Entry& e = FindOrInsert(key);
  if (now < e.locked_until) return;
  if (e.failure_count > 0 || e.lock_count > 0) {
    if (now.micros() - e.last_failure.micros() >= options_.forget_after_s * kMicrosPerSecond) {
      e.lock_count = 0;
    }
  }
  // Drop failures that have left the window (they are oldest first).
  const Instant window_start = now.AddSeconds(-options_.window_s);
  int kept = 0;
  for (int i = 0; i < e.failure_count; ++i) {
    if (e.failures[static_cast<std::size_t>(i)] > window_start) {
      e.failures[static_cast<std::size_t>(kept++)] = e.failures[static_cast<std::size_t>(i)];
    }
  }
  e.failure_count = kept;
  SUANLI_CHECK(e.failure_count < options_.failures_max);
  e.failures[static_cast<std::size_t>(e.failure_count++)] = now;
  e.last_failure = now;
  if (e.failure_count == options_.failures_max) {
    e.locked_until = now.AddSeconds(LockDurationS(e.lock_count));
    if (e.lock_count < 64) ++e.lock_count;
    e.failure_count = 0;  // after the lock, counting starts afresh
  }
}

void LoginThrottle::RecordFailure(std::string_view account, std::string_view address, Instant now) {
  const Key account_key = KeyOf(kAccountKind, account);
  const Key address_key = KeyOf(kAddressKind, address);
  std::lock_guard<std::mutex> lock(mu_);
  if (!account.empty()) Fail(account_key, now);
  if (!address.empty()) Fail(address_key, now);
}

void LoginThrottle::RecordSuccess(std::string_view account, std::string_view /*address*/,
                                  Instant /*now*/) {
  if (account.empty()) return;
  const Key key = KeyOf(kAccountKind, account);
  std::lock_guard<std::mutex> lock(mu_);
  const auto it = entries_.find(key);
  if (it == entries_.end()) return;
  lru_.erase(it->second.lru);
  entries_.erase(it);
}

std::size_t LoginThrottle::tracked_keys() const {
  std::lock_guard<std::mutex> lock(mu_);
  return entries_.size();
}

}  // namespace suanli::security
