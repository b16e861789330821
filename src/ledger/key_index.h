// Idempotency keys in memory: a chunked arena holding the key bytes, and an index from a
// key's 64-bit hash to the dense index of the account or transfer that used it. A hit is
// confirmed by comparing the full key; the rare different key with an equal hash goes to a
// small overflow map, so the index is exact.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <boost/unordered/unordered_flat_map.hpp>

#include "core/check.h"
#include "core/limits.h"

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
// The hash index is split into kShards independent flat maps chosen by the hash's top bits.
// A flat map grows by rehashing everything at once; with one map of 10^7 keys that stalled
// the writer (and every client waiting on it) for about a second. With 256 shards each growth
// moves 1/256 of the keys, so the worst stall is milliseconds, and nothing needs to be sized
// up front (a huge pre-sized table costs a page fault on first touch of every page instead).
class KeyIndex {
 public:
  static constexpr std::uint32_t kNone = UINT32_MAX;
  static constexpr std::size_t kShards = 256;

  template <typename KeyOf>
  std::uint32_t Find(std::string_view key, std::uint64_t hash, const KeyOf& key_of) const {
    const auto& shard = Shard(hash);
    const auto it = shard.find(hash);
    if (it == shard.end()) return kNone;
    if (key_of(it->second) == key) return it->second;
    if (overflow_.empty()) return kNone;
    const auto o = overflow_.find(std::string(key));
    return o == overflow_.end() ? kNone : o->second;
  }

  // Precondition: Find(key) == kNone.
  void Insert(std::string_view key, std::uint64_t hash, std::uint32_t index) {
    const auto [it, inserted] = Shard(hash).try_emplace(hash, index);
    if (!inserted) {
      const bool added = overflow_.emplace(std::string(key), index).second;
      SUANLI_CHECK(added);
    }
    ++size_;
  }

  // Undoes Insert(key, hash, index).
  void Erase(std::string_view key, std::uint64_t hash, std::uint32_t index) {
    auto& shard = Shard(hash);
    const auto it = shard.find(hash);
    SUANLI_CHECK(it != shard.end());
    --size_;
    if (it->second == index) {
      shard.erase(it);
      return;
    }
    const std::size_t erased = overflow_.erase(std::string(key));
    SUANLI_CHECK(erased == 1);
  }

  void Reserve(std::size_t n) {
    for (auto& shard : shards_) shard.reserve(n / kShards + 1);
  }
  std::size_t size() const { return size_; }

 private:
  using Map = boost::unordered_flat_map<std::uint64_t, std::uint32_t>;
  // The top byte picks the shard; the map itself mixes the full hash for its buckets.
  Map& Shard(std::uint64_t hash) { return shards_[hash >> 56]; }
  const Map& Shard(std::uint64_t hash) const { return shards_[hash >> 56]; }

  std::array<Map, kShards> shards_;
  std::unordered_map<std::string, std::uint32_t> overflow_;
  std::size_t size_ = 0;
};

}  // namespace suanli::ledger
