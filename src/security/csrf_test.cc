#include "security/csrf.h"

#include <gtest/gtest.h>

#include "security/token.h"

namespace suanli::security {
namespace {

TEST(Csrf, MatchesOnlyTheSameNonEmptyToken) {
  const std::string token = NewToken();
  EXPECT_TRUE(CsrfMatches(token, token));
  EXPECT_FALSE(CsrfMatches(token, NewToken()));
  EXPECT_FALSE(CsrfMatches(token, token.substr(1)));
  EXPECT_FALSE(CsrfMatches(token, token + "x"));
  EXPECT_FALSE(CsrfMatches(token, ""));
  EXPECT_FALSE(CsrfMatches("", ""));
  EXPECT_FALSE(CsrfMatches("", token));
  std::string altered = token;
  altered.back() = altered.back() == 'A' ? 'B' : 'A';
  EXPECT_FALSE(CsrfMatches(token, altered));
}

}  // namespace
}  // namespace suanli::security
