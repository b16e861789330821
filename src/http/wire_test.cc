#include "http/wire.h"

#include <gtest/gtest.h>

#include "http/access_log.h"

namespace suanli::http {
namespace {

TEST(Wire, HeadHasStatusFramingAndExtraHeaders) {
  Response r;
  r.status = 404;
  r.content_type = "application/problem+json";
  r.headers = {{"Set-Cookie", "sid=1; HttpOnly"}};
  std::string head;
  ASSERT_TRUE(AppendResponseHead(r, {false, false, 12}, &head));
  EXPECT_TRUE(head.starts_with("HTTP/1.1 404 Not Found\r\n")) << head;
  EXPECT_NE(head.find("\r\nContent-Type: application/problem+json\r\n"), std::string::npos);
  EXPECT_NE(head.find("\r\nContent-Length: 12\r\n"), std::string::npos);
  EXPECT_NE(head.find("\r\nConnection: close\r\n"), std::string::npos);
  EXPECT_NE(head.find("\r\nSet-Cookie: sid=1; HttpOnly\r\n"), std::string::npos);
  EXPECT_NE(head.find("\r\nDate: "), std::string::npos);
  EXPECT_TRUE(head.ends_with("\r\n\r\n"));
}

TEST(Wire, KeepAliveDefaultsPerVersion) {
  Response r;
  std::string head;
  ASSERT_TRUE(AppendResponseHead(r, {false, true, 0}, &head));
  EXPECT_EQ(head.find("Connection:"), std::string::npos);
  head.clear();
  ASSERT_TRUE(AppendResponseHead(r, {true, true, 0}, &head));
  EXPECT_TRUE(head.starts_with("HTTP/1.0 200 OK\r\n"));
  EXPECT_NE(head.find("\r\nConnection: keep-alive\r\n"), std::string::npos);
}

TEST(Wire, UnsafeHeadersAreLeftOutAndReported) {
  Response r;
  r.headers = {{"X-Evil", "a\r\nSet-Cookie: x=1"}, {"Content-Length", "5"}, {"Bad Name", "v"},
               {"X-Ok", "fine"}};
  std::string head;
  EXPECT_FALSE(AppendResponseHead(r, {false, true, 0}, &head));
  EXPECT_EQ(head.find("X-Evil"), std::string::npos);
  EXPECT_EQ(head.find("Set-Cookie"), std::string::npos);
  EXPECT_EQ(head.find("Content-Length: 5"), std::string::npos);
  EXPECT_EQ(head.find("Bad Name"), std::string::npos);
  EXPECT_NE(head.find("X-Ok: fine"), std::string::npos);
}

TEST(Wire, HttpDateFormat) {
  EXPECT_EQ(FormatHttpDate(784111777), "Sun, 06 Nov 1994 08:49:37 GMT");
  EXPECT_EQ(ReasonPhrase(413), "Content Too Large");
}

TEST(AccessLog, OneJsonLineWithoutSecrets) {
  std::string line;
  AccessRecord rec{"POST", "/api/v1/vouchers/{id}", 201, 1234, 56, "127.0.0.1"};
  AppendAccessLine(rec, std::chrono::system_clock::time_point(std::chrono::microseconds(
                            784111777LL * 1000000 + 123456)),
                   &line);
  EXPECT_EQ(line,
            R"({"ts":"1994-11-06T08:49:37.123456Z","method":"POST","route":"/api/v1/vouchers/{id}",)"
            R"("status":201,"duration_us":1234,"bytes":56,"remote":"127.0.0.1"})");
}

}  // namespace
}  // namespace suanli::http
