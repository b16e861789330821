// Idempotency keys in memory: a chunked arena holding the key bytes, and an index from a
// key's 64-bit hash to the dense index of the account or transfer that used it. A hit is
// confirmed by comparing the full key; the rare different key with an equal hash goes to a
// small overflow map, so the index is exact.
#pragma once

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
class KeyIndex {
 public:
  static constexpr std::uint32_t kNone = UINT32_MAX;

  template <typename KeyOf>
  std::uint32_t Find(std::string_view key, std::uint64_t hash, const KeyOf& key_of) const {
    const auto it = by_hash_.find(hash);
    if (it == by_hash_.end()) return kNone;
    if (key_of(it->second) == key) return it->second;
    if (overflow_.empty()) return kNone;
    const auto o = overflow_.find(std::string(key));
    return o == overflow_.end() ? kNone : o->second;
  }

  // Precondition: Find(key) == kNone.
  void Insert(std::string_view key, std::uint64_t hash, std::uint32_t index) {
    const auto [it, inserted] = by_hash_.try_emplace(hash, index);
    if (!inserted) {
      const bool added = overflow_.emplace(std::string(key), index).second;
      SUANLI_CHECK(added);
    }
  }

  // Undoes Insert(key, hash, index).
  void Erase(std::string_view key, std::uint64_t hash, std::uint32_t index) {
    const auto it = by_hash_.find(hash);
    SUANLI_CHECK(it != by_hash_.end());
    if (it->second == index) {
      by_hash_.erase(it);
      return;
    }
    const std::size_t erased = overflow_.erase(std::string(key));
    SUANLI_CHECK(erased == 1);
  }

  void Reserve(std::size_t n) { by_hash_.reserve(n); }
  std::size_t size() const { return by_hash_.size() + overflow_.size(); }

 private:
  boost::unordered_flat_map<std::uint64_t, std::uint32_t> by_hash_;
  std::unordered_map<std::string, std::uint32_t> overflow_;
};

}  // namespace suanli::ledger
