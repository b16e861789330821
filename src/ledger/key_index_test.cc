#include "ledger/key_index.h"

#include <gtest/gtest.h>

#include <string>
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
  index.Insert(k.keys[0], same_hash, 0);
  index.Insert(k.keys[1], same_hash, 1);
  EXPECT_EQ(index.size(), 2u);
  EXPECT_EQ(index.Find("bill/1", same_hash, k), 0u);
  EXPECT_EQ(index.Find("bill/2", same_hash, k), 1u);
  EXPECT_EQ(index.Find("bill/3", same_hash, k), KeyIndex::kNone);
  index.Erase(k.keys[1], same_hash, 1);  // the overflow entry
  EXPECT_EQ(index.Find("bill/2", same_hash, k), KeyIndex::kNone);
  EXPECT_EQ(index.Find("bill/1", same_hash, k), 0u);
  index.Erase(k.keys[0], same_hash, 0);
  EXPECT_EQ(index.Find("bill/1", same_hash, k), KeyIndex::kNone);
  EXPECT_EQ(index.size(), 0u);
}

TEST(KeyIndexTest, ManyKeysAcrossShardsAreAllFound) {
  KeyIndex index;
  Keys k;
  constexpr std::uint32_t kCount = 100000;
  for (std::uint32_t i = 0; i < kCount; ++i) {
    k.keys.push_back("transfer/" + std::to_string(i));
    index.Insert(k.keys.back(), HashKey(k.keys.back()), i);
  }
  EXPECT_EQ(index.size(), kCount);
  for (std::uint32_t i = 0; i < kCount; i += 997) {
    EXPECT_EQ(index.Find(k.keys[i], HashKey(k.keys[i]), k), i);
  }
  EXPECT_EQ(index.Find("transfer/x", HashKey("transfer/x"), k), KeyIndex::kNone);
}

}  // namespace
}  // namespace suanli::ledger
