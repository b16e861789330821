// The API keys of providers' systems in memory, checked on every settlement: key id → digest
// and principal, the key itself once it matched, and when each key was last used. A use is an
// atomic store here, never a database write; Platform::WriteApiKeyUse (api_keys.cc) writes the
// uses to api_keys.last_used_at_us in one transaction, each key at most once a minute.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/cst_time.h"
#include "workflow/principal.h"

namespace suanli::workflow {

class ApiKeyCache {
 public:
  struct Entry {
    std::string secret_sha256;
    Principal principal;
  };
  // A key's last use is written at most this often (a list shows it to the minute at worst
  // after a crash; while the server runs, lists read the time kept here).
  static constexpr std::int64_t kUseWriteIntervalUs = 60 * kMicrosPerSecond;
  // The time of a use is kept to the second: a key used by many threads at once stores it once
  // a second, not on every request.
  static constexpr std::int64_t kUseResolutionUs = kMicrosPerSecond;

  // Adds or replaces key_id's entry (a replaced entry forgets the key it remembered, keeps its
  // uses). `stored_use_us`: the last use the database holds, 0 for none.
  void Put(const std::string& key_id, Entry entry, std::int64_t stored_use_us = 0);
  std::optional<Entry> Get(std::string_view key_id) const;

  // A key that has matched its digest once is remembered whole, so its later requests cost a
  // constant-time compare instead of base64 and SHA-256 again (7 % of a voucher read's CPU,
  // docs/benchmarks-http.md). The principal of `full_key` if this exact key was remembered,
  // recording a use at `now`.
  std::optional<Principal> FindVerified(std::string_view full_key, Instant now);
  // Remembers `full_key`, which matched `digest`, for key_id's entry and records a use at
  // `now`; nothing if the entry was replaced meanwhile (its digest differs).
  void Remember(std::string_view key_id, std::string_view digest, std::string_view full_key,
                Instant now);
  // Forgets a revoked key, or every key of a disabled user: refused from the next request on.
  // A use not yet written is kept until written.
  void Erase(std::string_view key_id);
  void EraseUser(std::int64_t user_id);

  // The last use of key_id known here (written or not), or none.
  std::optional<Instant> LastUse(std::string_view key_id) const;

  struct Use {
    std::string key_id;
    std::int64_t used_us = 0;
  };
  // The uses to write at `now`: every key used since its last write, whose last write is
  // kUseWriteIntervalUs old or more (every one with `all`, at shutdown), and every forgotten
  // key's unwritten use. Nothing is marked: call Written once they are durable.
  std::vector<Use> UsesToWrite(Instant now, bool all) const;
  // Marks `uses` (from UsesToWrite) written at `now`; a later use stays unwritten.
  void Written(const std::vector<Use>& uses, Instant now);

 private:
  struct Slot {
    Entry entry;
    std::string verified_key;  // empty until a presented key matches entry.secret_sha256
    std::atomic<std::int64_t> used_us{0};  // last use, to kUseResolutionUs; 0: none
    // Guarded by the unique lock: the use last written, and when.
    std::int64_t written_use_us = 0;
    std::int64_t written_at_us = 0;
  };
  struct Hash {
    using is_transparent = void;  // finds by string_view: no string built per request
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  static void RecordUse(Slot& slot, Instant now);
  // Keeps an erased slot's unwritten use in forgotten_. Caller holds the unique lock.
  void KeepUnwritten(const std::string& key_id, const Slot& slot);

  mutable std::shared_mutex mu_;
  // Slots are built in place and never move (an unordered_map's nodes are stable).
  std::unordered_map<std::string, Slot, Hash, std::equal_to<>> entries_;
  // Erased keys' uses not yet written: at most the keys erased since the last write.
  std::unordered_map<std::string, std::int64_t, Hash, std::equal_to<>> forgotten_;
};

}  // namespace suanli::workflow
