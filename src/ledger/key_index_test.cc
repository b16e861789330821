#include "ledger/key_index.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <string>
#include <unordered_map>
#include <vector>

namespace suanli::ledger {
namespace {

// Keys live in a vector here; the ledger keeps them in a KeyArena.
struct Keys {
  std::vector<std::string> keys;
  std::string_view operator()(std::uint32_t i) const { return keys[i]; }
};

TEST(KeyIndexTest, EqualHashesOfDifferentKeysStayExact) {
  KeyIndex index;
  Keys k{{"bill/1", "bill/2"}};
  const std::uint64_t same_hash = 0xAB00000000000001ULL;  // a forced collision
  index.Insert(same_hash, 0);
  index.Insert(same_hash, 1);
  EXPECT_EQ(index.size(), 2u);
  EXPECT_EQ(index.Find("bill/1", same_hash, k), 0u);
  EXPECT_EQ(index.Find("bill/2", same_hash, k), 1u);
  EXPECT_EQ(index.Find("bill/3", same_hash, k), KeyIndex::kNone);
  index.Erase(same_hash, 1);
  EXPECT_EQ(index.Find("bill/2", same_hash, k), KeyIndex::kNone);
  EXPECT_EQ(index.Find("bill/1", same_hash, k), 0u);
  index.Erase(same_hash, 0);
  EXPECT_EQ(index.Find("bill/1", same_hash, k), KeyIndex::kNone);
  EXPECT_EQ(index.size(), 0u);
}

TEST(KeyIndexTest, ManyKeysAcrossShardsAreAllFound) {
  KeyIndex index;
  Keys k;
  constexpr std::uint32_t kCount = 100000;
  for (std::uint32_t i = 0; i < kCount; ++i) {
    k.keys.push_back("transfer/" + std::to_string(i));
    index.Prefetch(HashKey(k.keys.back()));
    index.Insert(HashKey(k.keys.back()), i);
  }
  EXPECT_EQ(index.size(), kCount);
  for (std::uint32_t i = 0; i < kCount; ++i) {
    ASSERT_EQ(index.Find(k.keys[i], HashKey(k.keys[i]), k), i) << k.keys[i];
  }
  EXPECT_EQ(index.Find("transfer/x", HashKey("transfer/x"), k), KeyIndex::kNone);
}

// Rollbacks erase the newest entries first, but erasing from the middle of a probe run must
// keep every later entry of the run reachable (backward-shift deletion). Hashes are drawn from
// a few home slots of one shard, so runs are long and wrap around the table's end; the index
// is checked against a plain map after every step.
TEST(KeyIndexTest, ErasingInsideLongProbeRunsKeepsEveryOtherKeyReachable) {
  std::mt19937_64 rng(20261125);
  KeyIndex index;
  Keys k;
  std::vector<std::uint64_t> hashes;                       // of every key ever inserted
  std::unordered_map<std::uint32_t, std::uint64_t> live;  // index → hash
  const auto hash_for = [&](std::uint32_t i) {
    // Shard 0x42; the tag's low 4 bits (the home slot in a 16-slot table) from {0, 13, 14, 15},
    // so runs start near the end and wrap; the tag's high bits vary, so tags mostly differ.
    static constexpr std::uint64_t kHomes[] = {0, 13, 14, 15};
    return (std::uint64_t{0x42} << 56) | (std::uint64_t{i % 4096} << 32) |
           (kHomes[rng() % 4] << 24) | i;
  };
  for (int step = 0; step < 4000; ++step) {
    if (live.empty() || rng() % 3 != 0) {
      const auto i = static_cast<std::uint32_t>(k.keys.size());
      k.keys.push_back("key/" + std::to_string(i));
      const std::uint64_t h = hash_for(i);
      hashes.push_back(h);
      ASSERT_EQ(index.Find(k.keys[i], h, k), KeyIndex::kNone);
      index.Insert(h, i);
      live[i] = h;
    } else {
      auto it = live.begin();
      std::advance(it, static_cast<long>(rng() % live.size()));
      index.Erase(it->second, it->first);
      live.erase(it);
    }
    ASSERT_EQ(index.size(), live.size());
    if (step % 97 == 0 || live.size() < 40) {
      for (const auto& [i, h] : live) ASSERT_EQ(index.Find(k.keys[i], h, k), i) << "step " << step;
    }
  }
  for (std::uint32_t i = 0; i < k.keys.size(); ++i) {
    EXPECT_EQ(index.Find(k.keys[i], hashes[i], k), live.contains(i) ? i : KeyIndex::kNone);
  }
}

TEST(KeyIndexTest, ReserveKeepsWhatIsIndexed) {
  KeyIndex index;
  Keys k{{"a", "b", "c"}};
  for (std::uint32_t i = 0; i < 3; ++i) index.Insert(HashKey(k.keys[i]), i);
  index.Reserve(1 << 16);
  for (std::uint32_t i = 0; i < 3; ++i) EXPECT_EQ(index.Find(k.keys[i], HashKey(k.keys[i]), k), i);
  EXPECT_EQ(index.size(), 3u);
}

}  // namespace
}  // namespace suanli::ledger
