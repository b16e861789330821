#include "http/router.h"

#include <gtest/gtest.h>

namespace suanli::http {
namespace {

Handler Noop() {
  return [](const Request&, Reply reply) { std::move(reply).Send(Response{}); };
}

TEST(Router, MatchesLiteralAndParamSegmentsAndDecodesParams) {
  Router router;
  router.Add(Method::kGet, "/api/v1/vouchers/{id}", Noop(), {"Get a voucher", "vouchers"});
  router.Add(Method::kGet, "/api/v1/orgs/{org}/vouchers/{id}", Noop());
  Request req;
  auto m = router.Find(Method::kGet, "/api/v1/orgs/o%2F1/vouchers/v%201", &req);
  ASSERT_EQ(m.kind, Router::Match::Kind::kFound);
  EXPECT_EQ(m.route->pattern, "/api/v1/orgs/{org}/vouchers/{id}");
  EXPECT_EQ(req.route_pattern(), "/api/v1/orgs/{org}/vouchers/{id}");
  EXPECT_EQ(req.PathParam("org"), "o/1");  // %2F stays inside its segment
  EXPECT_EQ(req.PathParam("id"), "v 1");
  EXPECT_EQ(router.routes().size(), 2u);
  EXPECT_EQ(router.routes()[0].doc.summary, "Get a voucher");
}

TEST(Router, LiteralSegmentBeatsParamWhateverTheOrder) {
  Router router;
  router.Add(Method::kGet, "/v/{id}", Noop());
  router.Add(Method::kGet, "/v/search", Noop());
  Request req;
  auto m = router.Find(Method::kGet, "/v/search", &req);
  ASSERT_EQ(m.kind, Router::Match::Kind::kFound);
  EXPECT_EQ(m.route->pattern, "/v/search");
  m = router.Find(Method::kGet, "/v/42", &req);
  ASSERT_EQ(m.kind, Router::Match::Kind::kFound);
  EXPECT_EQ(m.route->pattern, "/v/{id}");
  EXPECT_EQ(req.PathParam("id"), "42");
}

TEST(Router, NotFoundForOtherShapesEmptyParamsAndBadEscapes) {
  Router router;
  router.Add(Method::kGet, "/v/{id}", Noop());
  Request req;
  EXPECT_EQ(router.Find(Method::kGet, "/v", &req).kind, Router::Match::Kind::kNotFound);
  EXPECT_EQ(router.Find(Method::kGet, "/v/", &req).kind, Router::Match::Kind::kNotFound);
  EXPECT_EQ(router.Find(Method::kGet, "/v/1/x", &req).kind, Router::Match::Kind::kNotFound);
  EXPECT_EQ(router.Find(Method::kGet, "/v/%zz", &req).kind, Router::Match::Kind::kNotFound);
  EXPECT_EQ(router.Find(Method::kGet, "relative", &req).kind, Router::Match::Kind::kNotFound);
}

TEST(Router, MethodNotAllowedListsAllowedMethodsAndHeadFallsBackToGet) {
  Router router;
  router.Add(Method::kGet, "/v/{id}", Noop());
  router.Add(Method::kDelete, "/v/{id}", Noop());
  router.Add(Method::kPost, "/v", Noop());
  Request req;
  auto m = router.Find(Method::kPut, "/v/1", &req);
  ASSERT_EQ(m.kind, Router::Match::Kind::kMethodNotAllowed);
  EXPECT_EQ(m.allow, "GET, HEAD, DELETE");
  m = router.Find(Method::kHead, "/v/1", &req);
  ASSERT_EQ(m.kind, Router::Match::Kind::kFound);
  EXPECT_EQ(m.route->method, Method::kGet);
  m = router.Find(Method::kGet, "/v", &req);
  ASSERT_EQ(m.kind, Router::Match::Kind::kMethodNotAllowed);
  EXPECT_EQ(m.allow, "POST");
}

TEST(Router, RootPathMatchesOnlyRoot) {
  Router router;
  router.Add(Method::kGet, "/", Noop());
  Request req;
  EXPECT_EQ(router.Find(Method::kGet, "/", &req).kind, Router::Match::Kind::kFound);
  EXPECT_EQ(router.Find(Method::kGet, "/x", &req).kind, Router::Match::Kind::kNotFound);
}

TEST(RouterDeathTest, DuplicateRouteIsABug) {
  Router router;
  router.Add(Method::kGet, "/v/{id}", Noop());
  EXPECT_DEATH(router.Add(Method::kGet, "/v/{id}", Noop()), "CHECK failed");
  EXPECT_DEATH(router.Add(Method::kGet, "/v/{i-d}", Noop()), "CHECK failed");
  EXPECT_DEATH(router.Add(Method::kGet, "no-slash", Noop()), "CHECK failed");
}

TEST(Reply, CallbackReplyDeliversOnceAndDroppedReplyAnswers500) {
  Response got;
  int calls = 0;
  {
    Reply reply = Reply::ToCallback([&](Response r) {
      got = std::move(r);
      ++calls;
    });
    EXPECT_TRUE(reply.pending());
    Response r;
    r.status = 201;
    std::move(reply).Send(std::move(r));
    EXPECT_FALSE(reply.pending());  // NOLINT: checking the moved-from state on purpose
  }
  EXPECT_EQ(calls, 1);
  EXPECT_EQ(got.status, 201u);
  {
    Reply dropped = Reply::ToCallback([&](Response r) {
      got = std::move(r);
      ++calls;
    });
  }
  EXPECT_EQ(calls, 2);
  EXPECT_EQ(got.status, 500u);
  EXPECT_EQ(got.content_type, "application/problem+json");
}

}  // namespace
}  // namespace suanli::http
