#include "core/codes.h"

#include <gtest/gtest.h>

namespace suanli {
namespace {

TEST(UsccTest, AcceptsValidCodes) {
  for (const char* ok : {"91350100M000100Y43", "91510100MA61R1234W", "12510000450717000J",
                         "52510100MJ00000016"}) {
    EXPECT_TRUE(ValidateUscc(ok).ok()) << ok;
  }
}

TEST(UsccTest, RefusesWithTheReason) {
  auto r = ValidateUscc("91350100M000100Y44");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kInvalidCode);
  EXPECT_NE(r.error().message.find("expected '3'"), std::string::npos);
  EXPECT_FALSE(ValidateUscc("91350100M000100Y4").ok());           // 17 characters
  EXPECT_FALSE(ValidateUscc("91350100I000100Y43").ok());          // I is not in the alphabet
  EXPECT_FALSE(ValidateUscc("913501o0M000100Y43").ok());          // lower case
  EXPECT_FALSE(ValidateUscc("91A50100M000100Y43").ok());          // division code not digits
}

TEST(ResidentIdTest, ValidatesCheckDigitAndBirthDate) {
  EXPECT_TRUE(ValidateResidentId("11010519491231002X").ok());  // GB 11643-1999's example
  EXPECT_TRUE(ValidateResidentId("510104198001010014").ok());
  EXPECT_FALSE(ValidateResidentId("110105194912310021").ok());
  EXPECT_FALSE(ValidateResidentId("11010519491331002X").ok());  // month 13
  EXPECT_FALSE(ValidateResidentId("11010519491231002x").ok());  // lower-case x
  EXPECT_FALSE(ValidateResidentId("1101051949123100").ok());
  EXPECT_EQ(MaskResidentId("11010519491231002X"), "110105********002X");
}

}  // namespace
}  // namespace suanli
