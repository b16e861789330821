#include "ledger/segmented_vector.h"

#include <gtest/gtest.h>

#include <cstdint>

namespace suanli::ledger {
namespace {

struct Row {
  std::uint64_t a = 0;
  std::uint32_t b = 0;
};

// Small segments so that the spare segment (allocated and touched on another thread once the
// vector has grown past kSegmentsBeforeSpare segments) is taken many times.
using Small = SegmentedVector<Row, 64>;

TEST(SegmentedVectorTest, RowsSurviveGrowthThroughSpareSegments) {
  Small v;
  constexpr std::uint64_t kRows = 64 * 40 + 17;
  for (std::uint64_t i = 0; i < kRows; ++i) v.push_back(Row{i * 3, static_cast<std::uint32_t>(i)});
  ASSERT_EQ(v.size(), kRows);
  for (std::uint64_t i = 0; i < kRows; ++i) {
    ASSERT_EQ(v[i].a, i * 3) << i;
    ASSERT_EQ(v[i].b, static_cast<std::uint32_t>(i)) << i;
  }
  EXPECT_EQ(v.back().a, (kRows - 1) * 3);
}

TEST(SegmentedVectorTest, ShrinkThenGrowReusesKeptSegments) {
  Small v;
  for (std::uint64_t i = 0; i < 64 * 5; ++i) v.push_back(Row{i, 0});
  const Row* kept = &v[64 * 2];
  v.resize(64 * 2 + 1);  // a rollback
  EXPECT_EQ(v.size(), 64u * 2 + 1);
  for (std::uint64_t i = 0; i < 64 * 3; ++i) v.push_back(Row{1000 + i, 1});
  EXPECT_EQ(&v[64 * 2], kept);  // no segment was replaced
  EXPECT_EQ(v[64 * 2].a, 64u * 2);
  EXPECT_EQ(v[64 * 2 + 1].a, 1000u);
  EXPECT_EQ(v.back().a, 1000u + 64 * 3 - 1);
}

}  // namespace
}  // namespace suanli::ledger
