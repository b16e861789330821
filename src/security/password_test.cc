#include "security/password.h"

#include <gtest/gtest.h>

#include <string>

namespace suanli::security {
namespace {

// The reference implementation's argon2id vectors (phc-winner-argon2): "password", salt
// "somesalt", 2 passes, 1 lane, 32-byte hash.
constexpr std::string_view kReference64MiB =
    "$argon2id$v=19$m=65536,t=2,p=1$c29tZXNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc";
constexpr std::string_view kReference256KiB =
    "$argon2id$v=19$m=256,t=2,p=1$c29tZXNhbHQ$nf65EOgLrQMR/uIPnA4rEsF5h7TKyQwu9U1bMCHGi/4";

TEST(Password, VerifiesTheReferenceImplementationsVectors) {
  EXPECT_TRUE(VerifyPassword(kReference64MiB, "password"));
  EXPECT_TRUE(VerifyPassword(kReference256KiB, "password"));
  EXPECT_FALSE(VerifyPassword(kReference256KiB, "passwore"));
  EXPECT_FALSE(VerifyPassword(kReference256KiB, "password "));
}

TEST(Password, DefaultsAreOwaspsMinimumForArgon2id) {
  const PasswordParams p;
  EXPECT_EQ(p.memory_kib, 19456u);
  EXPECT_EQ(p.iterations, 2u);
  EXPECT_EQ(p.parallelism, 1u);
  auto encoded = HashPassword("correct horse battery staple");
  ASSERT_TRUE(encoded.ok()) << encoded.error().ToString();
  EXPECT_EQ(encoded->rfind("$argon2id$v=19$m=19456,t=2,p=1$", 0), 0u) << *encoded;
  EXPECT_TRUE(VerifyPassword(*encoded, "correct horse battery staple"));
  EXPECT_FALSE(VerifyPassword(*encoded, "correct horse battery stapler"));
  EXPECT_FALSE(NeedsRehash(*encoded));
}

TEST(Password, EachHashHasItsOwnSalt) {
  const auto params = PasswordParams::ForTests();
  auto a = HashPassword("same password", params);
  auto b = HashPassword("same password", params);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_NE(*a, *b);
  EXPECT_TRUE(VerifyPassword(*a, "same password"));
  EXPECT_TRUE(VerifyPassword(*b, "same password"));
  // 16-byte salt (22 characters), 32-byte hash (43 characters).
  const std::string prefix = "$argon2id$v=19$m=256,t=1,p=1$";
  ASSERT_EQ(a->rfind(prefix, 0), 0u);
  EXPECT_EQ(a->size(), prefix.size() + 22 + 1 + 43);
}

TEST(Password, RefusesTooShortAndTooLongWithoutEchoingThem) {
  const auto params = PasswordParams::ForTests();
  auto short_one = HashPassword("seven77", params);
  ASSERT_FALSE(short_one.ok());
  EXPECT_EQ(short_one.error().code, ErrorCode::kOutOfRange);
  EXPECT_EQ(short_one.error().field, "password");
  EXPECT_EQ(short_one.error().ToString().find("seven77"), std::string::npos);

  const std::string long_one(kPasswordBytesMax + 1, 'x');
  auto too_long = HashPassword(long_one, params);
  ASSERT_FALSE(too_long.ok());
  EXPECT_EQ(too_long.error().field, "password");
  EXPECT_EQ(too_long.error().ToString().find("xxxxxxxx"), std::string::npos);

  EXPECT_TRUE(HashPassword("eight888", params).ok());
  EXPECT_TRUE(HashPassword(std::string(kPasswordBytesMax, 'y'), params).ok());
}

TEST(Password, RefusesParametersOutsideTheBounds) {
  EXPECT_FALSE(HashPassword("long enough", PasswordParams{4, 1, 1}).ok());
  EXPECT_FALSE(HashPassword("long enough", PasswordParams{256, 0, 1}).ok());
  EXPECT_FALSE(HashPassword("long enough", PasswordParams{256, 1, 0}).ok());
  EXPECT_FALSE(HashPassword("long enough", PasswordParams{512 * 1024, 1, 1}).ok());
}

TEST(Password, EveryAlteredCharacterFailsVerification) {
  auto encoded = HashPassword("hunter2hunter2", PasswordParams::ForTests());
  ASSERT_TRUE(encoded.ok());
  for (std::size_t i = 0; i < encoded->size(); ++i) {
    std::string altered = *encoded;
    altered[i] = altered[i] == 'A' ? 'B' : 'A';
    EXPECT_FALSE(VerifyPassword(altered, "hunter2hunter2")) << altered;
  }
}

TEST(Password, MalformedEncodingsAreFalseNotCrashes) {
  // kTail: the reference 256 KiB vector's salt and hash.
  const std::string kTail = "$c29tZXNhbHQ$nf65EOgLrQMR/uIPnA4rEsF5h7TKyQwu9U1bMCHGi/4";
  ASSERT_TRUE(VerifyPassword("$argon2id$v=19$m=256,t=2,p=1" + kTail, "password"));
  const std::string kBad[] = {
      "",
      "$",
      "password",
      "$argon2i$v=19$m=256,t=2,p=1" + kTail,
      "$argon2id$v=16$m=256,t=2,p=1" + kTail,
      "$argon2id$m=256,t=2,p=1" + kTail,
      "$argon2id$v=19$m=0256,t=2,p=1" + kTail,
      "$argon2id$v=19$m=256,t=2,p=1" + kTail + "=",
      "$argon2id$v=19$m=256,t=2,p=1$c29tZXNhbHQ",
      "$argon2id$v=19$m=256,t=2,p=1$c29tZXNhbHQ$",
      "$argon2id$v=19$m=256,t=2,p=1$$nf65EOgLrQMR/uIPnA4rEsF5h7TKyQwu9U1bMCHGi/4",
      "$argon2id$v=19$m=256,t=2,p=1" + kTail + "$x",
      "$argon2id$v=19$m=256,t=2,p=1,data=x" + kTail,
      "$argon2id$v=19$m=256,t=2" + kTail,
      "$argon2id$v=19$m=99999999999,t=2,p=1" + kTail,
      // Bounds that protect the server from a corrupted row: 4 GiB, 2^32-1 passes, 2^24 lanes.
      "$argon2id$v=19$m=4194304,t=2,p=1" + kTail,
      "$argon2id$v=19$m=256,t=4294967295,p=1" + kTail,
      "$argon2id$v=19$m=256,t=2,p=16777215" + kTail,
      "$argon2id$v=19$m=7,t=2,p=1" + kTail,
      // Salt shorter than 8 bytes, hash shorter than 16.
      "$argon2id$v=19$m=256,t=2,p=1$c29tZQ$nf65EOgLrQMR/uIPnA4rEsF5h7TKyQwu9U1bMCHGi/4",
      "$argon2id$v=19$m=256,t=2,p=1$c29tZXNhbHQ$nf65EOgLrQMR/uIPnA4r",
  };
  for (const std::string& bad : kBad) {
    EXPECT_FALSE(VerifyPassword(bad, "password")) << bad;
    EXPECT_TRUE(NeedsRehash(bad)) << bad;
  }
  // Passwords outside the length limits never verify, whatever the encoding.
  EXPECT_FALSE(VerifyPassword(kReference256KiB, "passwor"));
  EXPECT_FALSE(VerifyPassword(kReference256KiB, std::string(kPasswordBytesMax + 1, 'p')));
}

TEST(Password, NeedsRehashWhenParametersDiffer) {
  const auto test_params = PasswordParams::ForTests();
  auto encoded = HashPassword("upgrade me please", test_params);
  ASSERT_TRUE(encoded.ok());
  EXPECT_FALSE(NeedsRehash(*encoded, test_params));
  EXPECT_TRUE(NeedsRehash(*encoded));  // the defaults are stronger
  EXPECT_TRUE(NeedsRehash(*encoded, PasswordParams{256, 2, 1}));
  EXPECT_TRUE(NeedsRehash(*encoded, PasswordParams{512, 1, 1}));
  EXPECT_TRUE(NeedsRehash(*encoded, PasswordParams{256, 1, 2}));
  // The reference vector uses an 8-byte salt: verifiable, but due for an upgrade.
  EXPECT_TRUE(NeedsRehash(kReference256KiB, PasswordParams{256, 2, 1}));
}

}  // namespace
}  // namespace suanli::security
