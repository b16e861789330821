// ShortName's bounds and equality, Version's parsing and order.
#include "routing/short_name.h"

#include <gtest/gtest.h>

#include <string>

namespace suanli::routing {
namespace {

TEST(ShortNameTest, HoldsUpToTwentyFourBytesAndComparesByContent) {
  const Result<ShortName> region = ShortName::Make("乌兰察布");  // 12 bytes of UTF-8
  ASSERT_TRUE(region.ok());
  EXPECT_EQ(region->view(), "乌兰察布");
  EXPECT_EQ(*region, ShortName::Of("乌兰察布"));
  EXPECT_FALSE(*region == ShortName::Of("乌兰察"));
  EXPECT_TRUE(ShortName::Make(std::string(24, 'x')).ok());
  EXPECT_EQ(ShortName::Of(std::string(24, 'x')).view().size(), 24u);
  const Result<ShortName> too_long = ShortName::Make(std::string(25, 'x'), "region");
  ASSERT_FALSE(too_long.ok());
  EXPECT_EQ(too_long.error().code, ErrorCode::kOutOfRange);
  EXPECT_EQ(too_long.error().field, "region");
  EXPECT_EQ(ShortName::Make(std::string("a\0b", 3)).error().code, ErrorCode::kParse);
  EXPECT_TRUE(ShortName().empty());
  EXPECT_FALSE(ShortName::Of("gpu").empty());
}

TEST(VersionTest, ParsesOneToThreePartsAndOrdersNumerically) {
  EXPECT_EQ(*Version::Parse("2.1.0"), Version::Of(2, 1, 0));
  EXPECT_EQ(*Version::Parse("2.1"), Version::Of(2, 1, 0));
  EXPECT_EQ(*Version::Parse("2"), Version::Of(2, 0, 0));
  EXPECT_LT(*Version::Parse("2.9"), *Version::Parse("2.10"));  // numbers, not text
  EXPECT_LT(*Version::Parse("1.1023.1023"), *Version::Parse("2"));
  for (const char* bad : {"", "2.", ".1", "2.1.0.1", "2.1rc1", "1024", "-1", "2..1", "v2"}) {
    EXPECT_EQ(Version::Parse(bad).error().code, ErrorCode::kParse) << bad;
  }
}

}  // namespace
}  // namespace suanli::routing
