#include "core/cst_time.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <random>
#include <string>

namespace suanli {
namespace {

TEST(CstTimeTest, DatesParseAndCount) {
  const Date a = *Date::Parse("2025-03-01");
  const Date b = *Date::Parse("2025-12-31");
  EXPECT_EQ(DaysBetween(a, b), 305);  // Nanning's base period as the bureau counts it
  EXPECT_EQ(DaysBetween(*Date::Parse("2025-01-01"), *Date::Parse("2026-12-31")), 729);
  EXPECT_EQ(a.ToString(), "2025-03-01");
  EXPECT_EQ(b.quarter(), 4);
  EXPECT_FALSE(Date::Parse("2023-02-29").ok());
  EXPECT_TRUE(Date::Parse("2024-02-29").ok());
  EXPECT_FALSE(Date::Parse("2024-2-9").ok());
  EXPECT_FALSE(Date::Parse("2024-13-01").ok());
}

TEST(CstTimeTest, AddMonthsClampsToMonthEnd) {
  EXPECT_EQ(Date::Parse("2024-01-31")->AddMonths(1).ToString(), "2024-02-29");
  EXPECT_EQ(Date::Parse("2024-03-15")->AddMonths(12).ToString(), "2025-03-15");
}

TEST(CstTimeTest, Quarters) {
  const Quarter q = Quarter::Of(*Date::Parse("2024-08-09"));
  EXPECT_EQ(q.ToString(), "2024Q3");
  EXPECT_EQ(q.FirstDay().ToString(), "2024-07-01");
  EXPECT_EQ(q.LastDay().ToString(), "2024-09-30");
}

TEST(CstTimeTest, QuartersParseOnlyRealOnes) {
  auto q = Quarter::Parse("2024Q4");
  ASSERT_TRUE(q.ok());
  EXPECT_EQ(*q, (Quarter{2024, 4}));
  EXPECT_EQ(q->LastDay().ToString(), "2024-12-31");
  // Each refused on the caller's field: not a quarter, quarter 9, a year Date cannot hold (whose
  // FirstDay/LastDay would have no day to return), trailing or missing characters.
  for (const char* bad : {"abcdQz", "2024Q9", "2024Q0", "0000Q1", "2200Q1", "2024Q", "2024Q11",
                          "2024-Q1", "2024q1", ""}) {
    auto r = Quarter::Parse(bad, "period");
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.error().code, ErrorCode::kParse) << bad;
    EXPECT_EQ(r.error().field, "period") << bad;
  }
}

TEST(CstTimeTest, DeadlineAt2400MeansEndOfThatDay) {
  // Chengdu: applications 2024-01-02 to 2024-11-29 (截至24:00).
  const Instant deadline = Instant::EndOfDay(*Date::Parse("2024-11-29"));
  EXPECT_LT(*Instant::Parse("2024-11-29T23:59:59+08:00"), deadline);
  EXPECT_EQ(*Instant::Parse("2024-11-29T24:00:00+08:00"), deadline);
  EXPECT_FALSE(*Instant::Parse("2024-11-30T00:00:00+08:00") < deadline);
  // 23:59 in Beijing is 15:59 UTC the same day.
  EXPECT_EQ(*Instant::Parse("2024-11-29T15:59:59Z"), *Instant::Parse("2024-11-29T23:59:59+08:00"));
}

TEST(CstTimeTest, InstantsPrintInCst) {
  const Instant t = *Instant::Parse("2024-03-15T02:00:00Z");
  EXPECT_EQ(t.ToString(), "2024-03-15T10:00:00+08:00");
  EXPECT_EQ(t.CstDate().ToString(), "2024-03-15");
  EXPECT_EQ(Instant::Parse("2024-03-14T16:00:00Z")->CstDate().ToString(), "2024-03-15");
  EXPECT_EQ(Instant::Parse("2024-03-15T10:00:00.25+08:00")->ToString(),
            "2024-03-15T10:00:00.250000+08:00");
  for (const char* bad : {"2024-03-15T10:00:00", "2024-03-15 10:00:00+08:00",
                          "2024-03-15T25:00:00+08:00", "2024-03-15T24:00:01+08:00", "yesterday"}) {
    EXPECT_FALSE(Instant::Parse(bad).ok()) << bad;
  }
}

// The formatter writes digits by hand (no snprintf); this is the spelling it must keep: the
// civil date of the instant in CST, the year unpadded, microseconds only when not zero.
std::string ReferenceSpelling(std::int64_t us) {
  std::int64_t secs = us / 1'000'000;
  std::int64_t frac = us % 1'000'000;
  if (frac < 0) {
    frac += 1'000'000;
    --secs;
  }
  std::int64_t local = secs + 8 * 3600;
  std::int64_t days = local / 86400;
  std::int64_t sod = local % 86400;
  if (sod < 0) {
    sod += 86400;
    --days;
  }
  const Date d = Date::FromDays(static_cast<std::int32_t>(days));
  char buf[96];
  std::snprintf(buf, sizeof buf, "%d-%02d-%02dT%02lld:%02lld:%02lld", d.year(), d.month(), d.day(),
                static_cast<long long>(sod / 3600), static_cast<long long>(sod % 3600 / 60),
                static_cast<long long>(sod % 60));
  std::string s = buf;
  if (frac != 0) {
    std::snprintf(buf, sizeof buf, ".%06lld", static_cast<long long>(frac));
    s += buf;
  }
  return s + "+08:00";
}

TEST(CstTimeTest, InstantsPrintLikeTheReferenceAcrossEras) {
  EXPECT_EQ(Instant::FromMicros(0).ToString(), "1970-01-01T08:00:00+08:00");
  EXPECT_EQ(Instant::FromMicros(-1).ToString(), "1970-01-01T07:59:59.999999+08:00");
  EXPECT_EQ(Instant::FromMicros(1).ToString(), "1970-01-01T08:00:00.000001+08:00");
  EXPECT_EQ(Date::FromDays(-719528).ToString(), "0-01-01");  // year 0, unpadded as before
  EXPECT_EQ(Date::FromDays(-719529).ToString(), "-1-12-31");
  std::mt19937_64 rng(7);
  // ±3,000 years around 1970, whole seconds and microseconds alike.
  std::uniform_int_distribution<std::int64_t> any(-95'000'000'000'000'000, 95'000'000'000'000'000);
  for (int i = 0; i < 20000; ++i) {
    std::int64_t us = any(rng);
    if (i % 2 == 0) us -= us % 1'000'000;
    ASSERT_EQ(Instant::FromMicros(us).ToString(), ReferenceSpelling(us)) << us;
  }
}

}  // namespace
}  // namespace suanli
