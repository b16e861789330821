// Nanjing's weekly draw: at least 2,400 hours a week, each voucher 24–96 hours, replayable.
#include "policy/draw.h"

#include <gtest/gtest.h>

#include <set>

#include "policy/policy_testing.h"

namespace suanli::policy {
namespace {

std::vector<std::string> Entrants(int n) {
  std::vector<std::string> out;
  for (int i = 0; i < n; ++i) out.push_back("entrant-" + std::to_string(i));
  return out;
}

Experience NanjingRule() {
  const Program p = testing::Shipped("nanjing-experience");
  EXPECT_TRUE(p.experience.has_value());
  return p.experience.value_or(Experience{});
}

TEST(DrawTest, WeeklyMinimumAndBoundsOverManySeeds) {
  const Experience rule = NanjingRule();
  EXPECT_EQ(rule.weekly_hours_min, 2400);
  EXPECT_EQ(rule.hours_min, 24);
  EXPECT_EQ(rule.hours_max, 96);
  EXPECT_EQ(rule.valid_days, 30);  // assumed (programs/nanjing-experience.toml)
  for (std::uint64_t seed = 0; seed < 200; ++seed) {
    auto r = DrawExperienceVouchers(rule, Entrants(500), seed);
    ASSERT_TRUE(r.ok());
    EXPECT_GE(r->total_hours, 2400) << seed;
    EXPECT_EQ(r->shortfall_hours, 0);
    int sum = 0;
    std::set<std::string> winners;
    for (const auto& w : r->winners) {
      EXPECT_GE(w.hours, 24);
      EXPECT_LE(w.hours, 96);
      EXPECT_EQ((w.hours - 24) % rule.hours_step, 0);
      EXPECT_TRUE(winners.insert(w.entrant).second) << "one voucher per entrant";
      sum += w.hours;
    }
    EXPECT_EQ(sum, r->total_hours);
    // No more winners than needed: without the last one the total was short.
    EXPECT_LT(sum - r->winners.back().hours, 2400);
  }
}

TEST(DrawTest, SameSeedSameDraw) {
  const Experience rule = NanjingRule();
  auto a = DrawExperienceVouchers(rule, Entrants(300), 42);
  auto b = DrawExperienceVouchers(rule, Entrants(300), 42);
  auto c = DrawExperienceVouchers(rule, Entrants(300), 43);
  ASSERT_TRUE(a.ok() && b.ok() && c.ok());
  ASSERT_EQ(a->winners.size(), b->winners.size());
  for (std::size_t i = 0; i < a->winners.size(); ++i) {
    EXPECT_EQ(a->winners[i].entrant, b->winners[i].entrant);
    EXPECT_EQ(a->winners[i].hours, b->winners[i].hours);
  }
  bool differs = a->winners.size() != c->winners.size();
  for (std::size_t i = 0; !differs && i < a->winners.size(); ++i) {
    differs = a->winners[i].entrant != c->winners[i].entrant || a->winners[i].hours != c->winners[i].hours;
  }
  EXPECT_TRUE(differs);
}

TEST(DrawTest, FewEntrantsAreRaisedTowardTheMaximum) {
  const Experience rule = NanjingRule();
  auto r = DrawExperienceVouchers(rule, Entrants(25), 7);  // 25 × 96 = 2,400 exactly
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->total_hours, 2400);
  EXPECT_EQ(r->shortfall_hours, 0);
  r = DrawExperienceVouchers(rule, Entrants(10), 7);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->total_hours, 960);
  EXPECT_EQ(r->shortfall_hours, 1440);
  for (const auto& w : r->winners) EXPECT_EQ(w.hours, 96);
  r = DrawExperienceVouchers(rule, {}, 7);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->shortfall_hours, 2400);
}

TEST(DrawTest, DuplicateEntrantRefused) {
  auto r = DrawExperienceVouchers(NanjingRule(), {"a", "b", "a"}, 1);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().field, "entrants[2]");
}

}  // namespace
}  // namespace suanli::policy
