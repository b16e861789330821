#include "security/digest.h"

#include <gtest/gtest.h>

namespace suanli::security {
namespace {

TEST(Digest, Sha256OfKnownVectors) {
  // FIPS 180-2 appendix B.1 and the empty string.
  EXPECT_EQ(Sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(Sha256Hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST(Digest, FieldsKeepTheirBoundaries) {
  Sha256Builder a, b;
  a.AddField("ab").AddField("c");
  b.AddField("a").AddField("bc");
  EXPECT_NE(ToHex(a.Finish()), ToHex(b.Finish()));
}

TEST(Digest, ConstantTimeEquals) {
  EXPECT_TRUE(ConstantTimeEquals("secret", "secret"));
  EXPECT_FALSE(ConstantTimeEquals("secret", "secreT"));
  EXPECT_FALSE(ConstantTimeEquals("secret", "secrets"));
}

}  // namespace
}  // namespace suanli::security
