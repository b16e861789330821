// The usage key index against a plain set of whole keys (usage_key_index.h).
#include "metering/usage_key_index.h"

#include <gtest/gtest.h>

#include <map>
#include <random>
#include <string>
#include <tuple>
#include <vector>

namespace suanli::metering {
namespace {

using Key = std::tuple<std::string, std::string, std::string>;

TEST(UsageKeyIndexTest, AKeyIsStoredOnceAndFoundByAllThreeParts) {
  UsageKeyIndex index;
  EXPECT_TRUE(index.Insert("cdhpc", "100", ""));
  EXPECT_TRUE(index.Insert("cdhpc", "100", "batch"));
  EXPECT_FALSE(index.Insert("cdhpc", "100", ""));
  EXPECT_FALSE(index.Insert("cdhpc", "100", "batch"));
  EXPECT_TRUE(index.Insert("cdai", "100", ""));        // same job id, other center
  EXPECT_TRUE(index.Insert("cdhpc", "1000", ""));      // a job id that extends another
  EXPECT_TRUE(index.Insert("cdhp", "c\x1f" "100", ""));  // never a real name; a distinct key still
  EXPECT_TRUE(index.Insert("cdhpc", "10", "0"));
  EXPECT_EQ(index.size(), 6u);
  EXPECT_NE(index.Find("cdhpc", "100", "batch"), UsageKeyIndex::kNone);
  EXPECT_EQ(index.Find("cdhpc", "100", "extern"), UsageKeyIndex::kNone);
  EXPECT_EQ(index.Find("cdhpc", "101", ""), UsageKeyIndex::kNone);
  EXPECT_EQ(index.Find("", "", ""), UsageKeyIndex::kNone);
  EXPECT_TRUE(index.Insert("", "", ""));  // empty parts are just short names
  EXPECT_FALSE(index.Insert("", "", ""));
}

TEST(UsageKeyIndexTest, RevisionsBelongToTheirSlot) {
  UsageKeyIndex index;
  index.Insert("c", "1", "");
  index.Insert("c", "2", "");
  const std::uint32_t one = index.Find("c", "1", "");
  EXPECT_EQ(index.revision(one), 0u);
  index.set_revision(one, 3);
  EXPECT_EQ(index.revision(index.Find("c", "1", "")), 3u);
  EXPECT_EQ(index.revision(index.Find("c", "2", "")), 0u);
}

// A job with more steps than a chain holds moves them to the second table; every key stays
// findable and unique across the move, and Truncate undoes keys on both sides of it.
TEST(UsageKeyIndexTest, AJobWithManyStepsSpillsAndTruncatesBack) {
  UsageKeyIndex index;
  index.Insert("c", "7", "");
  const std::size_t before = index.size();
  constexpr int kSteps = UsageKeyIndex::kChainStepsMax * 3;
  for (int i = 0; i < kSteps; ++i) {
    ASSERT_TRUE(index.Insert("c", "7", std::to_string(i)));
    index.Insert("c", "8", std::to_string(i));  // another job in between: memo must switch
  }
  for (int i = 0; i < kSteps; ++i) {
    EXPECT_FALSE(index.Insert("c", "7", std::to_string(i))) << i;
    EXPECT_NE(index.Find("c", "7", std::to_string(i)), UsageKeyIndex::kNone) << i;
  }
  EXPECT_EQ(index.Find("c", "7", std::to_string(kSteps)), UsageKeyIndex::kNone);
  index.Truncate(before + 10);  // "7"'s steps 0–4 and "8"'s 0–4 stay
  EXPECT_EQ(index.size(), before + 10);
  EXPECT_NE(index.Find("c", "7", "4"), UsageKeyIndex::kNone);
  EXPECT_EQ(index.Find("c", "7", "5"), UsageKeyIndex::kNone);
  EXPECT_NE(index.Find("c", "8", "4"), UsageKeyIndex::kNone);
  EXPECT_EQ(index.Find("c", "8", "5"), UsageKeyIndex::kNone);
  EXPECT_TRUE(index.Insert("c", "7", "50"));
  index.Truncate(before);
  EXPECT_EQ(index.Find("c", "8", "0"), UsageKeyIndex::kNone);  // job "8" is gone entirely
  EXPECT_NE(index.Find("c", "7", ""), UsageKeyIndex::kNone);
  EXPECT_TRUE(index.Insert("c", "8", "0"));
}

// Many jobs taken back at once: every job left is still found (the job table closes the gaps
// that erased jobs leave in its probe runs), every job taken back is gone and can come back.
TEST(UsageKeyIndexTest, TruncatingManyJobsKeepsTheRestFindable) {
  UsageKeyIndex index;
  constexpr int kJobs = 20'000;
  for (int round = 0; round < 3; ++round) {
    for (int i = 0; i < kJobs; ++i) {
      const bool fresh = index.Insert(i % 3 == 0 ? "cdai" : "cdhpc", std::to_string(i), "");
      ASSERT_EQ(fresh, round == 0 || i >= kJobs / 2 - round * 1000) << round << " " << i;
    }
    index.Truncate(static_cast<std::size_t>(kJobs / 2 - (round + 1) * 1000));
    for (int i = 0; i < kJobs; ++i) {
      const bool kept = i < kJobs / 2 - (round + 1) * 1000;
      EXPECT_EQ(index.Find(i % 3 == 0 ? "cdai" : "cdhpc", std::to_string(i), "") !=
                    UsageKeyIndex::kNone,
                kept)
          << round << " " << i;
    }
  }
}

// Random keys in runs by job, as ingest sees them, with repeats; checked against std::map.
TEST(UsageKeyIndexTest, AgreesWithASetOfWholeKeys) {
  std::mt19937_64 rng(7);
  UsageKeyIndex index;
  std::map<Key, std::uint32_t> model;  // key → revision
  std::vector<Key> order;
  const std::vector<std::string> steps = {"", "batch", "extern", "0", "1", "2"};
  for (int round = 0; round < 20'000; ++round) {
    const std::string center = rng() % 2 == 0 ? "cdhpc" : "cdai";
    const std::string job = std::to_string(rng() % 3000);
    const auto n = 1 + rng() % 4;
    for (std::size_t s = 0; s < n; ++s) {
      Key key{center, job, steps[rng() % steps.size()]};
      const bool fresh = model.emplace(key, 0).second;
      ASSERT_EQ(index.Insert(std::get<0>(key), std::get<1>(key), std::get<2>(key)), fresh);
      if (fresh) order.push_back(key);
    }
    if (round % 5000 == 4999) {  // take back the newest keys now and then
      const std::size_t keep = order.size() - order.size() / 10;
      for (std::size_t i = keep; i < order.size(); ++i) model.erase(order[i]);
      order.resize(keep);
      index.Truncate(keep);
    }
    if (rng() % 50 == 0) {
      const auto& key = order[rng() % order.size()];
      const std::uint32_t slot = index.Find(std::get<0>(key), std::get<1>(key), std::get<2>(key));
      ASSERT_NE(slot, UsageKeyIndex::kNone);
      index.set_revision(slot, ++model[key]);
    }
  }
  ASSERT_EQ(index.size(), model.size());
  for (const auto& [key, revision] : model) {
    const std::uint32_t slot = index.Find(std::get<0>(key), std::get<1>(key), std::get<2>(key));
    ASSERT_NE(slot, UsageKeyIndex::kNone);
    EXPECT_EQ(index.revision(slot), revision);
  }
}

}  // namespace
}  // namespace suanli::metering
