#include "workflow/api_key_cache.h"

#include <algorithm>
#include <mutex>

#include "security/digest.h"

namespace suanli::workflow {

void ApiKeyCache::RecordUse(Slot& slot, Instant now) {
  // A maximum, so two threads storing out of order never move it back.
  std::int64_t seen = slot.used_us.load(std::memory_order_relaxed);
  while (now.micros() >= seen + kUseResolutionUs &&
         !slot.used_us.compare_exchange_weak(seen, now.micros(), std::memory_order_relaxed)) {
  }
}

void ApiKeyCache::Put(const std::string& key_id, Entry entry, std::int64_t stored_use_us) {
  std::unique_lock lock(mu_);
  auto [it, added] = entries_.try_emplace(key_id);
  Slot& slot = it->second;
  slot.entry = std::move(entry);
  slot.verified_key.clear();
  if (added) {
    // Back after EraseUser (an account enabled again): its unwritten use is still owed.
    if (auto f = forgotten_.find(key_id); f != forgotten_.end()) {
      stored_use_us = std::max(stored_use_us, f->second);
    }
    slot.used_us.store(stored_use_us, std::memory_order_relaxed);
    slot.written_use_us = stored_use_us;
  }
}

std::optional<ApiKeyCache::Entry> ApiKeyCache::Get(std::string_view key_id) const {
  std::shared_lock lock(mu_);
  auto it = entries_.find(key_id);
  if (it == entries_.end()) return std::nullopt;
  return it->second.entry;
}

std::optional<Principal> ApiKeyCache::FindVerified(std::string_view full_key, Instant now) {
  // "sk_<key id>_<secret>": the id is all this needs; a remembered key passed ParseApiKey, so a
  // text equal to it is well formed.
  constexpr std::string_view kPrefix = "sk_";
  if (full_key.substr(0, kPrefix.size()) != kPrefix) return std::nullopt;
  const std::size_t end = full_key.find('_', kPrefix.size());
  if (end == std::string_view::npos) return std::nullopt;
  const std::string_view key_id = full_key.substr(kPrefix.size(), end - kPrefix.size());
  std::shared_lock lock(mu_);
  auto it = entries_.find(key_id);
  if (it == entries_.end() || it->second.verified_key.empty() ||
      !security::ConstantTimeEquals(it->second.verified_key, full_key)) {
    return std::nullopt;
  }
  RecordUse(it->second, now);
  return it->second.entry.principal;
}

void ApiKeyCache::Remember(std::string_view key_id, std::string_view digest,
                           std::string_view full_key, Instant now) {
  std::unique_lock lock(mu_);
  auto it = entries_.find(key_id);
  if (it == entries_.end() || it->second.entry.secret_sha256 != digest) return;
  it->second.verified_key.assign(full_key);
  RecordUse(it->second, now);
}

void ApiKeyCache::KeepUnwritten(const std::string& key_id, const Slot& slot) {
  const std::int64_t used = slot.used_us.load(std::memory_order_relaxed);
  if (used <= slot.written_use_us) return;
  std::int64_t& kept = forgotten_[key_id];
  kept = std::max(kept, used);
}

void ApiKeyCache::Erase(std::string_view key_id) {
  std::unique_lock lock(mu_);
  if (auto it = entries_.find(key_id); it != entries_.end()) {
    KeepUnwritten(it->first, it->second);
    entries_.erase(it);
  }
}

void ApiKeyCache::EraseUser(std::int64_t user_id) {
  std::unique_lock lock(mu_);
  for (auto it = entries_.begin(); it != entries_.end();) {
    if (it->second.entry.principal.user_id == user_id) {
      KeepUnwritten(it->first, it->second);
      it = entries_.erase(it);
    } else {
      ++it;
    }
  }
}

std::optional<Instant> ApiKeyCache::LastUse(std::string_view key_id) const {
  std::shared_lock lock(mu_);
  std::int64_t used = 0;
  if (auto it = entries_.find(key_id); it != entries_.end()) {
    used = it->second.used_us.load(std::memory_order_relaxed);
  }
  if (auto f = forgotten_.find(key_id); f != forgotten_.end()) used = std::max(used, f->second);
  if (used == 0) return std::nullopt;
  return Instant::FromMicros(used);
}

std::vector<ApiKeyCache::Use> ApiKeyCache::UsesToWrite(Instant now, bool all) const {
  std::shared_lock lock(mu_);
  std::vector<Use> out;
  for (const auto& [key_id, slot] : entries_) {
    const std::int64_t used = slot.used_us.load(std::memory_order_relaxed);
    if (used <= slot.written_use_us) continue;
    if (!all && slot.written_at_us != 0 &&
        now.micros() - slot.written_at_us < kUseWriteIntervalUs) {
      continue;
    }
    out.push_back(Use{key_id, used});
  }
  for (const auto& [key_id, used] : forgotten_) out.push_back(Use{key_id, used});
  return out;
}

void ApiKeyCache::Written(const std::vector<Use>& uses, Instant now) {
  std::unique_lock lock(mu_);
  for (const Use& u : uses) {
    if (auto f = forgotten_.find(u.key_id); f != forgotten_.end() && f->second <= u.used_us) {
      forgotten_.erase(f);
    }
    if (auto it = entries_.find(u.key_id); it != entries_.end()) {
      it->second.written_use_us = std::max(it->second.written_use_us, u.used_us);
      it->second.written_at_us = now.micros();
    }
  }
}

}  // namespace suanli::workflow
