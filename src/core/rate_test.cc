#include "core/rate.h"

#include <gtest/gtest.h>

namespace suanli {
namespace {

Money M(const char* s) { return *Money::Parse(s); }

TEST(RateTest, ParsesPercentDecimalAndRatio) {
  EXPECT_EQ(*Rate::Parse("50%"), (Rate{1, 2}));
  EXPECT_EQ(*Rate::Parse("0.3"), (Rate{3, 10}));
  EXPECT_EQ(*Rate::Parse("12.5%"), (Rate{1, 8}));
  EXPECT_EQ(*Rate::Parse("305/729"), (Rate{305, 729}));
  EXPECT_EQ(Rate::Parse("50%")->ToString(), "50%");
  EXPECT_EQ(Rate::Parse("12.5%")->ToString(), "12.5%");
  EXPECT_EQ(Rate::Parse("305/729")->ToString(), "305/729");
  for (const char* bad : {"", "%", "-5%", "1/0", "abc", "0.5.5", "1/-2"}) {
    EXPECT_FALSE(Rate::Parse(bad).ok()) << bad;
  }
}

TEST(RateTest, WritesAnExactDecimalOrNone) {
  EXPECT_EQ(Rate::Parse("20%")->ToDecimal(), "0.20");
  EXPECT_EQ(Rate::Parse("50%")->ToDecimal(), "0.50");
  EXPECT_EQ(Rate::Parse("12.5%")->ToDecimal(), "0.125");
  EXPECT_EQ(Rate::Parse("0.3")->ToDecimal(), "0.30");
  EXPECT_EQ(Rate::One().ToDecimal(), "1.00");
  EXPECT_EQ((Rate{0, 1}).ToDecimal(), "0.00");
  EXPECT_EQ((Rate{3, 2}).ToDecimal(), "1.50");
  EXPECT_EQ((Rate{1, 1'000'000'000}).ToDecimal(), "0.000000001");
  // No exact decimal: none, never a rounded figure a client would compute money from.
  EXPECT_EQ((Rate{305, 729}).ToDecimal(), std::nullopt);
  EXPECT_EQ((Rate{1, 3}).ToDecimal(), std::nullopt);
  EXPECT_EQ((Rate{1, 10'000'000'000}).ToDecimal(), std::nullopt);
}

TEST(RateTest, ComparesExactly) {
  EXPECT_TRUE(Rate::Parse("20%")->LessThan(*Rate::Parse("30%")));
  EXPECT_FALSE(Rate::Parse("30%")->LessThan(*Rate::Parse("0.3")));
}

TEST(RateTest, EveryRoundingIsNamedAndExact) {
  // 50 % of 0.03 CNY = 1.5 fen.
  const Money odd = Money::FromFen(3);
  const Rate half{1, 2};
  EXPECT_EQ(MulRate(odd, half, *Rounding::Parse("down_fen"))->fen(), 1);
  EXPECT_EQ(MulRate(odd, half, *Rounding::Parse("half_up_fen"))->fen(), 2);
  EXPECT_EQ(MulRate(odd, half, *Rounding::Parse("half_even_fen"))->fen(), 2);
  EXPECT_EQ(MulRate(Money::FromFen(5), half, *Rounding::Parse("half_even_fen"))->fen(), 2);
  EXPECT_EQ(MulRate(Money::FromFen(5), half, *Rounding::Parse("half_up_fen"))->fen(), 3);
  EXPECT_EQ(MulRate(Money::FromFen(-3), half, *Rounding::Parse("down_fen"))->fen(), -2);
  EXPECT_EQ(MulRate(Money::FromFen(-3), half, *Rounding::Parse("truncate_fen"))->fen(), -1);
  EXPECT_FALSE(Rounding::Parse("nearest").ok());
}

TEST(RateTest, NanningWorkedExampleTruncatesWanAtFourDecimals) {
  // Source: reference/voucher-programs.md, Nanning: a 2025-01-01 -> 2026-12-31 contract fully
  // settled at 200,000 CNY -> base = 305/729 x 20万 = 8.3676万 -> subsidy 30 % = 2.5102万.
  const Money base = *MulRate(M("200000.00"), Rate{305, 729}, kTruncateWan4dp);
  EXPECT_EQ(base.ToString(), "83676.00");
  EXPECT_EQ(base.FormatWan(), "8.3676万");
  const Money subsidy = *MulRate(base, *Rate::Parse("30%"), kTruncateWan4dp);
  EXPECT_EQ(subsidy.ToString(), "25102.00");
  EXPECT_EQ(subsidy.FormatWan(), "2.5102万");
  // Rounding half-up instead would have given 2.5103万 (2.51028): the truncation matters.
  EXPECT_EQ(MulRate(base, *Rate::Parse("30%"), *Rounding::Parse("half_up_yuan"))->ToString(),
            "25103.00");
}

TEST(RateTest, OverflowIsAnError) {
  EXPECT_FALSE(MulRate(Money::FromFen(INT64_MAX), Rate{3, 2}, kDownToFen).ok());
  EXPECT_EQ(MulRate(Money::FromFen(INT64_MAX), Rate{1, 2}, kDownToFen)->fen(), INT64_MAX / 2);
}

}  // namespace
}  // namespace suanli
