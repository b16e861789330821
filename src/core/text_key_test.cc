#include "core/text_key.h"

#include <gtest/gtest.h>

namespace suanli {
namespace {

TEST(ComparisonKeyTest, SpacesWidthAndCaseDoNotMakeAnotherName) {
  EXPECT_EQ(ComparisonKey("大模型 训练平台"), ComparisonKey("大模型训练平台"));
  EXPECT_EQ(ComparisonKey(" 大模型训练平台\t"), ComparisonKey("大模型训练平台"));
  EXPECT_EQ(ComparisonKey("大模型\u3000训练平台"), ComparisonKey("大模型训练平台"));  // ideographic space
  EXPECT_EQ(ComparisonKey("ＡＢＣ（成都）"), "ABC(成都)");  // full-width letters and parentheses
  EXPECT_EQ(ComparisonKey("abc(成都)"), "ABC(成都)");
  EXPECT_EQ(ComparisonKey("９１５１０１００ma"), "91510100MA");
  EXPECT_EQ(ComparisonKey("a\u00a0b"), "AB");
  EXPECT_EQ(ComparisonKey("\ufeff大模型\u200b训练\u2002平台"), ComparisonKey("大模型训练平台"));
  EXPECT_EQ(ComparisonKey("a\u2010b"), "A\u2010B");  // a hyphen (U+2010) is not a space
}

TEST(ComparisonKeyTest, DifferentNamesStayDifferent) {
  EXPECT_NE(ComparisonKey("大模型训练平台"), ComparisonKey("大模型推理平台"));
  EXPECT_NE(ComparisonKey("ABC"), ComparisonKey("ABD"));
  EXPECT_EQ(ComparisonKey(""), "");
  // Not valid UTF-8: kept as it is, never read past the end.
  EXPECT_EQ(ComparisonKey(std::string_view("\xEF\xBC", 2)), std::string("\xEF\xBC"));
  EXPECT_EQ(ComparisonKey(std::string_view("\xE3\x80", 2)), std::string("\xE3\x80"));
}

}  // namespace
}  // namespace suanli
