#include "core/money.h"

#include <gtest/gtest.h>

#include <limits>

namespace suanli {
namespace {

TEST(MoneyTest, ParsesDecimalStrings) {
  EXPECT_EQ(Money::Parse("1500000.00")->fen(), 150000000);
  EXPECT_EQ(Money::Parse("1500000")->fen(), 150000000);
  EXPECT_EQ(Money::Parse("0.5")->fen(), 50);
  EXPECT_EQ(Money::Parse("0.05")->fen(), 5);
  EXPECT_EQ(Money::Parse("-3.05")->fen(), -305);
}

TEST(MoneyTest, RefusesWhatIsNotAnAmount) {
  for (const char* bad : {"", "-", ".5", "1.", "1.234", "1,000", "1e6", " 1", "1 ", "¥1", "1.2.3",
                          "abc", "+1"}) {
    auto r = Money::Parse(bad, "bill");
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.error().field, "bill");
  }
}

TEST(MoneyTest, OverflowIsAnErrorNotAWrap) {
  auto r = Money::Parse("92233720368547758.08");  // INT64_MAX + 1 fen
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kOverflow);
  EXPECT_TRUE(Money::Parse("92233720368547758.07").ok());
  EXPECT_FALSE(Money::FromFen(std::numeric_limits<std::int64_t>::max()).Add(Money::FromFen(1)).ok());
  EXPECT_FALSE(Money::FromFen(std::numeric_limits<std::int64_t>::min()).Sub(Money::FromFen(1)).ok());
  EXPECT_FALSE(Money::FromYuan(std::numeric_limits<std::int64_t>::max() / 10).ok());
}

TEST(MoneyTest, PrintsCanonicalAndForPeople) {
  EXPECT_EQ(Money::FromFen(150000000).ToString(), "1500000.00");
  EXPECT_EQ(Money::FromFen(-305).ToString(), "-3.05");
  EXPECT_EQ(Money::FromFen(0).ToString(), "0.00");
  EXPECT_EQ(Money::FromFen(123456789).FormatYuan(), "¥1,234,567.89");
  EXPECT_EQ(Money::FromFen(123456).FormatYuan(), "¥1,234.56");
  EXPECT_EQ(Money::FromFen(99).FormatYuan(), "¥0.99");
  EXPECT_EQ(Money::FromFen(-100000).FormatYuan(), "-¥1,000.00");
  // Nanning's figures: 83,676 CNY is 8.3676万; 25,102 CNY is 2.5102万.
  EXPECT_EQ(Money::FromFen(8367600).FormatWan(), "8.3676万");
  EXPECT_EQ(Money::FromFen(2510299).FormatWan(), "2.5102万");  // truncated, not rounded
  EXPECT_EQ(Money::FromFen(1000000000).FormatWan(2), "1000.00万");
  EXPECT_EQ(Money::FromFen(std::numeric_limits<std::int64_t>::min()).ToString(),
            "-92233720368547758.08");
}

TEST(MoneyTest, RoundTripsThroughText) {
  for (std::int64_t fen : {0LL, 1LL, 99LL, 100LL, 1000001LL, -7LL, 922337203685477LL}) {
    EXPECT_EQ(Money::Parse(Money::FromFen(fen).ToString())->fen(), fen);
  }
}

}  // namespace
}  // namespace suanli
