// Idempotency keys in memory: a chunked arena holding the key bytes, and an index from a
// key's 64-bit hash to the dense index of the account or transfer that used it. A hit is
// confirmed by comparing the full key, so the index is exact.
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/check.h"
#include "core/limits.h"
#include "core/prefetch.h"

namespace suanli::ledger {

inline std::uint64_t HashKey(std::string_view key) { return std::hash<std::string_view>{}(key); }

// Append-only storage of key bytes in 1 MiB chunks (never moved, so no copy when it grows).
// Truncate() undoes the latest additions (rollback of a failed chain or batch).
class KeyArena {
 public:
  static constexpr std::uint64_t kChunkBytes = 1 << 20;

  std::uint64_t Add(std::string_view key) {
    SUANLI_CHECK(key.size() <= limits::kIdempotencyKeyBytesMax);
    if (size_ % kChunkBytes + key.size() > kChunkBytes) size_ += kChunkBytes - size_ % kChunkBytes;
    const std::uint64_t chunk = size_ / kChunkBytes;
    if (chunk >= chunks_.size()) chunks_.push_back(std::make_unique_for_overwrite<char[]>(kChunkBytes));
    const std::uint64_t ref = size_;
    std::copy(key.begin(), key.end(), chunks_[chunk].get() + ref % kChunkBytes);
    size_ += key.size();
    return ref;
  }
  std::string_view Get(std::uint64_t ref, std::size_t len) const {
    return std::string_view(chunks_[ref / kChunkBytes].get() + ref % kChunkBytes, len);
  }
  std::uint64_t size() const { return size_; }
  void Truncate(std::uint64_t size) {
    SUANLI_CHECK(size <= size_);
    size_ = size;
  }

 private:
  std::vector<std::unique_ptr<char[]>> chunks_;
  std::uint64_t size_ = 0;
};

// Maps a key to a uint32 dense index. KeyOf(index) -> string_view gives the stored key.
//
// Open addressing with linear probing, written here rather than taken from a library because
// the writer needs one thing no library map offers: to prefetch a key's slot a few events
// before it looks the key up. Every new transfer's lookup misses (its key is new), and in a
// table of millions of keys that miss is a trip to memory; boost::unordered_flat_map's two
// misses per new key (its group metadata on find, its element array on insert) were 38 % of
// the writer's samples at K = 64 (docs/benchmarks.md). A slot is 8 bytes, the dense index and a
// 32-bit tag taken from the hash, so the probe, the tag compare and the insert share one cache
// line, which Prefetch() fetches ahead. A tag match is confirmed by comparing the full key, so
// the index is exact whatever the hashes.
//
// The table is split into kShards independent tables chosen by the hash's top byte. A table
// grows by rehashing everything at once; with one table of 10^7 keys that stalled the writer
// (and every client waiting on it) for about a second. With 256 shards each growth moves 1/256
// of the keys, so the worst stall is milliseconds, and nothing needs to be sized up front.
class KeyIndex {
 public:
  static constexpr std::uint32_t kNone = UINT32_MAX;
  static constexpr std::size_t kShards = 256;

  // Starts loading the slot where `hash` would be found or inserted.
  void Prefetch(std::uint64_t hash) const {
    const Shard& s = shards_[ShardOf(hash)];
    // A shard not yet allocated has mask 0: this names nullptr, which a prefetch may.
    PrefetchLine(s.slots.get() + (TagOf(hash) & s.mask));
  }

  template <typename KeyOf>
  std::uint32_t Find(std::string_view key, std::uint64_t hash, const KeyOf& key_of) const {
    const Shard& s = shards_[ShardOf(hash)];
    if (s.size == 0) return kNone;
    const std::uint32_t tag = TagOf(hash);
    // Ends at an empty slot: the load factor stays below 1 (Insert grows first).
    for (std::uint64_t pos = tag & s.mask;; pos = (pos + 1) & s.mask) {
      const Slot slot = s.slots[pos];
      if (slot.index == kNone) return kNone;
      if (slot.tag == tag && key_of(slot.index) == key) return slot.index;
    }
  }

  // Precondition: Find(key) == kNone.
  void Insert(std::uint64_t hash, std::uint32_t index) {
    SUANLI_CHECK(index != kNone);
    Shard& s = shards_[ShardOf(hash)];
    if ((s.size + 1) * kLoadDen > (s.mask + 1) * kLoadNum) Rehash(s, s.size + 1);
    Place(s, Slot{TagOf(hash), index});
    ++s.size;
    ++size_;
  }

  // Undoes Insert(hash, index).
  void Erase(std::uint64_t hash, std::uint32_t index) {
    Shard& s = shards_[ShardOf(hash)];
    SUANLI_CHECK(s.size > 0);
    std::uint64_t hole = TagOf(hash) & s.mask;
    // Bounded by the table: the entry is in the probe run that starts at its home slot.
    while (s.slots[hole].index != index) {
      SUANLI_CHECK(s.slots[hole].index != kNone);
      hole = (hole + 1) & s.mask;
    }
    // Backward-shift deletion: pull each later entry of the run whose home slot is not
    // between the hole and itself into the hole, so no probe run is cut short.
    for (std::uint64_t next = (hole + 1) & s.mask; s.slots[next].index != kNone;
         next = (next + 1) & s.mask) {
      const std::uint64_t home = s.slots[next].tag & s.mask;
      if (((next - hole) & s.mask) <= ((next - home) & s.mask)) {
        s.slots[hole] = s.slots[next];
        hole = next;
      }
    }
    s.slots[hole] = Slot{};
    --s.size;
    --size_;
  }

  void Reserve(std::size_t n) {
    for (Shard& s : shards_) {
      const std::size_t want = n / kShards + 1;
      if (want * kLoadDen > (s.mask + 1) * kLoadNum) Rehash(s, want);
    }
  }
  std::size_t size() const { return size_; }

 private:
  struct Slot {
    std::uint32_t tag = 0;
    std::uint32_t index = kNone;  // kNone: empty
  };
  struct Shard {
    std::unique_ptr<Slot[]> slots;
    std::uint64_t mask = 0;  // capacity - 1 once allocated (capacity is a power of two)
    std::uint64_t size = 0;
  };
  // At most 7/10 of a shard's slots are used: a probe that misses reads ~3 slots on average.
  static constexpr std::uint64_t kLoadNum = 7, kLoadDen = 10;
  static constexpr std::uint64_t kCapacityMin = 16;

  // The top byte picks the shard; the 32 bits below it are the tag, whose low bits are the
  // home slot (so a rehash needs no key). They are disjoint bits of a well-mixed hash.
  static std::size_t ShardOf(std::uint64_t hash) { return hash >> 56; }
  static std::uint32_t TagOf(std::uint64_t hash) { return static_cast<std::uint32_t>(hash >> 24); }

  static void Place(Shard& s, Slot slot) {
    std::uint64_t pos = slot.tag & s.mask;
    // Ends at an empty slot: the caller made room.
    while (s.slots[pos].index != kNone) pos = (pos + 1) & s.mask;
    s.slots[pos] = slot;
  }

  // Moves the shard into a table with room for `entries` (and empty ones).
  static void Rehash(Shard& s, std::uint64_t entries) {
    std::uint64_t capacity = std::max<std::uint64_t>(kCapacityMin, (s.mask + 1) * 2);
    while (entries * kLoadDen > capacity * kLoadNum) capacity *= 2;
    SUANLI_CHECK(capacity <= (std::uint64_t{1} << 32));  // the tag's bits pick the home slot
    Shard grown;
    grown.slots = std::make_unique<Slot[]>(capacity);
    grown.mask = capacity - 1;
    grown.size = s.size;
    if (s.slots != nullptr) {
      for (std::uint64_t i = 0; i <= s.mask; ++i) {
        if (s.slots[i].index != kNone) Place(grown, s.slots[i]);
      }
    }
    s = std::move(grown);
  }

  std::array<Shard, kShards> shards_;
  std::size_t size_ = 0;
};

}  // namespace suanli::ledger
