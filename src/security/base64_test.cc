#include "security/base64.h"

#include <gtest/gtest.h>

namespace suanli::security {
namespace {

TEST(Base64, Rfc4648VectorsWithoutPadding) {
  // RFC 4648 §10, with the '=' padding removed.
  const std::pair<std::string_view, std::string_view> kVectors[] = {
      {"", ""},           {"f", "Zg"},          {"fo", "Zm8"},          {"foo", "Zm9v"},
      {"foob", "Zm9vYg"}, {"fooba", "Zm9vYmE"}, {"foobar", "Zm9vYmFy"},
  };
  for (const auto& [plain, encoded] : kVectors) {
    EXPECT_EQ(Base64Encode(plain, Base64Alphabet::kStandard), encoded);
    EXPECT_EQ(Base64Decode(encoded, Base64Alphabet::kStandard), std::string(plain));
  }
}

TEST(Base64, AlphabetsDifferOnlyInTheLastTwoCharacters) {
  const std::string bytes("\xfb\xff\xbf", 3);  // 111110 111111 111110 111111
  EXPECT_EQ(Base64Encode(bytes, Base64Alphabet::kStandard), "+/+/");
  EXPECT_EQ(Base64Encode(bytes, Base64Alphabet::kUrl), "-_-_");
  EXPECT_EQ(Base64Decode("-_-_", Base64Alphabet::kUrl), bytes);
  EXPECT_FALSE(Base64Decode("-_-_", Base64Alphabet::kStandard));
  EXPECT_FALSE(Base64Decode("+/+/", Base64Alphabet::kUrl));
}

TEST(Base64, RoundTripsEveryByteValueAndLength) {
  std::string bytes;
  for (int i = 0; i < 256; ++i) {
    bytes += static_cast<char>(i);
    for (auto alphabet : {Base64Alphabet::kStandard, Base64Alphabet::kUrl}) {
      EXPECT_EQ(Base64Decode(Base64Encode(bytes, alphabet), alphabet), bytes);
    }
  }
}

TEST(Base64, RejectsPaddingForeignCharactersAndImpossibleLengths) {
  EXPECT_FALSE(Base64Decode("Zg==", Base64Alphabet::kStandard));
  EXPECT_FALSE(Base64Decode("Zm9v!", Base64Alphabet::kStandard));
  EXPECT_FALSE(Base64Decode("Zm 9v", Base64Alphabet::kStandard));
  EXPECT_FALSE(Base64Decode("Z", Base64Alphabet::kStandard));
  EXPECT_FALSE(Base64Decode("Zm9vY", Base64Alphabet::kStandard));
  EXPECT_FALSE(Base64Decode(std::string_view("Zm\0v", 4), Base64Alphabet::kStandard));
}

TEST(Base64, RejectsNonCanonicalTrailingBits) {
  // "Zg" is 'f'; "Zh" carries the same byte with a non-zero unused bit.
  EXPECT_EQ(Base64Decode("Zg", Base64Alphabet::kStandard), "f");
  EXPECT_FALSE(Base64Decode("Zh", Base64Alphabet::kStandard));
  EXPECT_EQ(Base64Decode("Zm8", Base64Alphabet::kStandard), "fo");
  EXPECT_FALSE(Base64Decode("Zm9", Base64Alphabet::kStandard));
}

}  // namespace
}  // namespace suanli::security
