#include "http/url.h"

#include <gtest/gtest.h>

#include "http/message.h"

namespace suanli::http {
namespace {

TEST(PercentDecode, DecodesEscapesAndKeepsPlusInPaths) {
  std::string out;
  ASSERT_TRUE(PercentDecode("/a%20b/c+d/%E7%AE%97", false, &out));
  EXPECT_EQ(out, "/a b/c+d/\xE7\xAE\x97");
  out.clear();
  ASSERT_TRUE(PercentDecode("x+y%2Bz", true, &out));
  EXPECT_EQ(out, "x y+z");
}

TEST(PercentDecode, RejectsTruncatedBadHexAndNul) {
  std::string out;
  EXPECT_FALSE(PercentDecode("%", false, &out));
  EXPECT_FALSE(PercentDecode("%4", false, &out));
  EXPECT_FALSE(PercentDecode("ab%zz", false, &out));
  EXPECT_FALSE(PercentDecode("a%00b", false, &out));
}

TEST(FindQueryParam, FindsFirstDecodedMatch) {
  EXPECT_EQ(FindQueryParam("a=1&b=x%20y&b=2", "b"), "x y");
  EXPECT_EQ(FindQueryParam("flag&a=1", "flag"), "");
  EXPECT_EQ(FindQueryParam("na%6De=v", "name"), "v");
  EXPECT_EQ(FindQueryParam("q=a+b", "q"), "a b");
  EXPECT_FALSE(FindQueryParam("a=1", "b").has_value());
  EXPECT_FALSE(FindQueryParam("", "a").has_value());
  EXPECT_FALSE(FindQueryParam("a=%zz", "a").has_value());
}

TEST(FindCookie, ParsesPairsTrimsAndUnquotes) {
  EXPECT_EQ(FindCookie("sid=abc; theme=\"dark\"", "theme"), "dark");
  EXPECT_EQ(FindCookie("  sid = abc ;x=1", "sid"), "abc");
  EXPECT_EQ(FindCookie("a=1; a=2", "a"), "1");
  EXPECT_FALSE(FindCookie("sidx=1; xsid=2", "sid").has_value());
  EXPECT_FALSE(FindCookie("", "sid").has_value());
}

TEST(Request, HeaderLookupIsCaseInsensitiveAndCookieSearchesEveryField) {
  Request r;
  r.headers_ = {{"Content-Type", "text/plain"}, {"Cookie", "a=1"}, {"cookie", "b=2"}};
  EXPECT_EQ(r.Header("content-type"), "text/plain");
  EXPECT_FALSE(r.Header("accept").has_value());
  EXPECT_EQ(r.Cookie("b"), "2");
  r.query = "page=2&size=%31%30";
  EXPECT_EQ(r.QueryParam("size"), "10");
}

TEST(Request, PathParamsSurviveResetWithoutLeaking) {
  Request r;
  r.AddPathParam("id", "v-1");
  EXPECT_EQ(r.PathParam("id"), "v-1");
  r.Reset();
  EXPECT_EQ(r.PathParam("id"), "");
  r.AddPathParam("org", "o-9");
  EXPECT_EQ(r.PathParam("org"), "o-9");
  EXPECT_EQ(r.PathParam("id"), "");
}

}  // namespace
}  // namespace suanli::http
