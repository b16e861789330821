// The server over real loopback sockets: routing, problem+json errors, limits, keep-alive,
// replies from other threads, dropped replies, graceful stop, static files, metrics, health.
#include "http/server.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <future>
#include <thread>

#include "http/problem.h"
#include "http/test_client.h"

namespace suanli::http {
namespace {

using namespace std::chrono_literals;
using testing::Fetch;
using testing::RawClient;
using testing::RequestText;

Response Json(unsigned status, std::string body) {
  Response r;
  r.status = status;
  r.body = std::move(body);
  return r;
}

struct TestServer {
  Router router;
  metrics::Registry registry;
  std::unique_ptr<Server> server;

  // Access lines are off (quiet tests) unless asked for.
  void Start(ServerOptions options = {}, bool access_log = false) {
    options.port = 0;
    options.access_log = access_log;
    server = std::make_unique<Server>(std::move(options), router, registry);
    Status s = server->Start();
    ASSERT_TRUE(s.ok()) << s.error().ToString();
  }
  std::uint16_t port() const { return server->port(); }
};

TEST(Server, RoutesWithParamsQueryHeadersAndCookies) {
  TestServer t;
  t.router.Add(Method::kGet, "/api/v1/orgs/{org}/vouchers/{id}",
               [](const Request& req, Reply reply) {
                 std::string body = std::string(req.PathParam("org")) + "|" +
                                    std::string(req.PathParam("id")) + "|" +
                                    req.QueryParam("q").value_or("-") + "|" +
                                    std::string(req.Header("x-trace").value_or("-")) + "|" +
                                    req.Cookie("sid").value_or("-") + "|" + req.path + "|" +
                                    req.remote_ip + "|" + std::string(req.route_pattern());
                 std::move(reply).Send(Json(200, body));
               });
  t.Start();
  auto r = Fetch(t.port(), "GET", "/api/v1/orgs/o%2F1/vouchers/v%201?q=a+b",
                 {}, "X-Trace: t-9\r\nCookie: theme=dark; sid=s1\r\n");
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->status, 200u);
  EXPECT_EQ(r->Header("content-type"), "application/json");
  EXPECT_EQ(r->body,
            "o/1|v 1|a b|t-9|s1|/api/v1/orgs/o/1/vouchers/v 1|127.0.0.1|"
            "/api/v1/orgs/{org}/vouchers/{id}");
}

TEST(Server, PostBodyReachesTheHandlerAndHeadSendsNoBody) {
  TestServer t;
  t.router.Add(Method::kPost, "/echo", [](const Request& req, Reply reply) {
    std::move(reply).Send(Json(201, req.body));
  });
  t.router.Add(Method::kGet, "/thing", [](const Request&, Reply reply) {
    std::move(reply).Send(Json(200, R"({"thing":1})"));
  });
  t.Start();
  auto r = Fetch(t.port(), "POST", "/echo", R"({"amount_fen":"100"})");
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->status, 201u);
  EXPECT_EQ(r->body, R"({"amount_fen":"100"})");
  auto head = Fetch(t.port(), "HEAD", "/thing");
  ASSERT_TRUE(head.has_value());
  EXPECT_EQ(head->status, 200u);
  EXPECT_EQ(head->Header("content-length"), "11");
  EXPECT_EQ(head->body, "");
}

TEST(Server, NotFoundAndMethodNotAllowedAreProblemJson) {
  TestServer t;
  t.router.Add(Method::kGet, "/api/v1/vouchers/{id}", [](const Request&, Reply reply) {
    std::move(reply).Send(Json(200, "{}"));
  });
  t.Start();
  auto nf = Fetch(t.port(), "GET", "/api/v1/nothing");
  ASSERT_TRUE(nf.has_value());
  EXPECT_EQ(nf->status, 404u);
  EXPECT_EQ(nf->Header("content-type"), "application/problem+json");
  EXPECT_NE(nf->body.find(R"("type":"https://suanli.dev/problems/not_found")"), std::string::npos);
  EXPECT_NE(nf->body.find(R"("status":404)"), std::string::npos);
  EXPECT_NE(nf->body.find(R"("code":901)"), std::string::npos);
  auto na = Fetch(t.port(), "DELETE", "/api/v1/vouchers/7");
  ASSERT_TRUE(na.has_value());
  EXPECT_EQ(na->status, 405u);
  EXPECT_EQ(na->Header("allow"), "GET, HEAD");
  EXPECT_EQ(na->Header("content-type"), "application/problem+json");
  EXPECT_NE(na->body.find(R"("code":902)"), std::string::npos);
}

TEST(Server, TooLargeBodyIs413AndCloses) {
  TestServer t;
  bool called = false;
  t.router.Add(Method::kPost, "/upload", [&called](const Request&, Reply reply) {
    called = true;
    std::move(reply).Send(Json(200, "{}"));
  });
  ServerOptions o;
  o.body_limit_bytes = 1024;
  t.Start(o);
  RawClient c(t.port());
  ASSERT_TRUE(c.connected());
  ASSERT_TRUE(c.Send(RequestText("POST", "/upload", std::string(4096, 'x'))));
  auto r = c.Read();
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->status, 413u);
  EXPECT_EQ(r->Header("connection"), "close");
  EXPECT_NE(r->body.find(R"("code":903)"), std::string::npos);
  EXPECT_TRUE(c.WaitClosed());
  EXPECT_FALSE(called);
  // At the limit exactly is fine.
  auto ok = Fetch(t.port(), "POST", "/upload", std::string(1024, 'y'));
  ASSERT_TRUE(ok.has_value());
  EXPECT_EQ(ok->status, 200u);
}

TEST(Server, TooLargeHeaderIs431AndMalformedIs400ThenClose) {
  TestServer t;
  ServerOptions o;
  o.header_limit_bytes = 512;
  t.Start(o);
  {
    RawClient c(t.port());
    ASSERT_TRUE(c.Send(RequestText("GET", "/healthz", {},
                                   "X-Big: " + std::string(2048, 'a') + "\r\n")));
    auto r = c.Read();
    ASSERT_TRUE(r.has_value());
    EXPECT_EQ(r->status, 431u);
    EXPECT_TRUE(c.WaitClosed());
  }
  {
    RawClient c(t.port());
    ASSERT_TRUE(c.Send("GARBAGE\r\n\r\n"));
    auto r = c.Read();
    ASSERT_TRUE(r.has_value());
    EXPECT_EQ(r->status, 400u);
    EXPECT_EQ(r->Header("content-type"), "application/problem+json");
    EXPECT_NE(r->body.find(R"("code":900)"), std::string::npos);
    EXPECT_TRUE(c.WaitClosed());
  }
  {
    RawClient c(t.port());
    ASSERT_TRUE(c.Send("GET /a%zz HTTP/1.1\r\nHost: t\r\n\r\n"));
    auto r = c.Read();
    ASSERT_TRUE(r.has_value());
    EXPECT_EQ(r->status, 400u);
    EXPECT_NE(r->body.find(R"("code":907)"), std::string::npos);
  }
}

TEST(Server, KeepAliveServesSeveralAndPipelinedRequestsOnOneConnection) {
  TestServer t;
  std::atomic<int> n{0};
  t.router.Add(Method::kGet, "/n", [&n](const Request&, Reply reply) {
    std::move(reply).Send(Json(200, std::to_string(++n)));
  });
  t.Start();
  RawClient c(t.port());
  ASSERT_TRUE(c.connected());
  for (int i = 1; i <= 3; ++i) {
    ASSERT_TRUE(c.Send(RequestText("GET", "/n")));
    auto r = c.Read();
    ASSERT_TRUE(r.has_value()) << "request " << i;
    EXPECT_EQ(r->body, std::to_string(i));
    EXPECT_FALSE(r->Header("connection").has_value());
  }
  ASSERT_TRUE(c.Send(RequestText("GET", "/n") + RequestText("GET", "/n")));
  auto a = c.Read();
  auto b = c.Read();
  ASSERT_TRUE(a.has_value() && b.has_value());
  EXPECT_EQ(a->body, "4");
  EXPECT_EQ(b->body, "5");
  // HTTP/1.0 without keep-alive: answered, then closed.
  ASSERT_TRUE(c.Send("GET /n HTTP/1.0\r\n\r\n"));
  auto old = c.Read();
  ASSERT_TRUE(old.has_value());
  EXPECT_EQ(old->version, "HTTP/1.0");
  EXPECT_TRUE(c.WaitClosed());
}

TEST(Server, ExpectContinueIsAnswered) {
  TestServer t;
  t.router.Add(Method::kPost, "/echo", [](const Request& req, Reply reply) {
    std::move(reply).Send(Json(200, req.body));
  });
  t.Start();
  RawClient c(t.port());
  ASSERT_TRUE(c.Send("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\n"
                     "Expect: 100-continue\r\n\r\n"));
  auto cont = c.Read(false, 2000);
  ASSERT_TRUE(cont.has_value());
  EXPECT_EQ(cont->status, 100u);
  ASSERT_TRUE(c.Send("hello"));
  auto r = c.Read();
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->status, 200u);
  EXPECT_EQ(r->body, "hello");
}

TEST(Server, ReplySentLaterFromAnotherThread) {
  TestServer t;
  std::vector<std::thread> workers;
  std::mutex mu;
  t.router.Add(Method::kPost, "/settle", [&](const Request& req, Reply reply) {
    std::lock_guard lock(mu);
    workers.emplace_back([reply = std::move(reply), body = req.body]() mutable {
      std::this_thread::sleep_for(50ms);
      std::move(reply).Send(Json(200, "settled " + body));
    });
  });
  ServerOptions o;
  o.threads = 2;
  t.Start(o);
  RawClient c(t.port());
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(c.Send(RequestText("POST", "/settle", "b" + std::to_string(i))));
    auto r = c.Read();
    ASSERT_TRUE(r.has_value());
    EXPECT_EQ(r->body, "settled b" + std::to_string(i));
  }
  for (auto& w : workers) w.join();
}

TEST(Server, ABurstOfRepliesFromOneThreadReachesEveryConnection) {
  // The ledger's shape: park many Replies, then answer them all from one thread at once.
  TestServer t;
  std::mutex mu;
  std::vector<std::pair<std::string, Reply>> parked;
  t.router.Add(Method::kPost, "/settle", [&](const Request& req, Reply reply) {
    std::lock_guard lock(mu);
    parked.emplace_back(req.body, std::move(reply));
  });
  ServerOptions o;
  o.threads = 2;
  t.Start(o);
  constexpr int kClients = 24;
  std::vector<std::unique_ptr<RawClient>> clients;
  for (int i = 0; i < kClients; ++i) {
    clients.push_back(std::make_unique<RawClient>(t.port()));
    ASSERT_TRUE(clients.back()->Send(RequestText("POST", "/settle", "c" + std::to_string(i))));
  }
  for (int spins = 0; spins < 500; ++spins) {
    {
      std::lock_guard lock(mu);
      if (parked.size() == kClients) break;
    }
    std::this_thread::sleep_for(5ms);
  }
  std::thread ledger([&] {
    std::lock_guard lock(mu);
    ASSERT_EQ(parked.size(), static_cast<std::size_t>(kClients));
    for (auto& [body, reply] : parked) std::move(reply).Send(Json(200, "ok " + body));
  });
  ledger.join();
  for (int i = 0; i < kClients; ++i) {
    auto r = clients[static_cast<std::size_t>(i)]->Read();
    ASSERT_TRUE(r.has_value()) << i;
    EXPECT_EQ(r->body, "ok c" + std::to_string(i));
  }
}

TEST(Server, DroppedReplyOrThrowingHandlerAnswers500) {
  TestServer t;
  t.router.Add(Method::kGet, "/forgets", [](const Request&, Reply) {});
  t.router.Add(Method::kGet, "/throws",
               [](const Request&, Reply) { throw std::runtime_error("boom"); });
  t.Start();
  RawClient c(t.port());
  for (const char* path : {"/forgets", "/throws"}) {
    ASSERT_TRUE(c.Send(RequestText("GET", path)));
    auto r = c.Read();
    ASSERT_TRUE(r.has_value()) << path;
    EXPECT_EQ(r->status, 500u);
    EXPECT_EQ(r->Header("content-type"), "application/problem+json");
    EXPECT_NE(r->body.find(R"("code":905)"), std::string::npos);
  }
}

TEST(Server, GracefulStopFinishesTheRequestInFlightAndClosesIdleConnections) {
  TestServer t;
  std::promise<void> entered;
  std::thread worker;
  t.router.Add(Method::kGet, "/slow", [&](const Request&, Reply reply) {
    worker = std::thread([reply = std::move(reply)]() mutable {
      std::this_thread::sleep_for(300ms);
      std::move(reply).Send(Json(200, "done"));
    });
    entered.set_value();
  });
  t.Start();
  RawClient idle(t.port());
  ASSERT_TRUE(idle.Send(RequestText("GET", "/healthz")));
  ASSERT_TRUE(idle.Read().has_value());
  RawClient busy(t.port());
  ASSERT_TRUE(busy.Send(RequestText("GET", "/slow")));
  entered.get_future().wait();

  auto began = std::chrono::steady_clock::now();
  std::thread stopper([&] { t.server->Stop(5s); });
  EXPECT_TRUE(idle.WaitClosed(1000));  // closed at once, not after the slow request
  auto r = busy.Read(false, 3000);
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->status, 200u);
  EXPECT_EQ(r->body, "done");
  EXPECT_EQ(r->Header("connection"), "close");
  stopper.join();
  worker.join();
  EXPECT_LT(std::chrono::steady_clock::now() - began, 3s);  // did not sit out the grace
  RawClient late(t.port());
  EXPECT_FALSE(late.connected() && late.Send(RequestText("GET", "/healthz")) &&
               late.Read(false, 500).has_value());
  t.server->Wait();  // returns at once: stopped
}

TEST(Server, StopAfterGraceClosesAndAReplyOutlivingTheServerIsDropped) {
  auto t = std::make_unique<TestServer>();
  std::promise<Reply> parked;
  t->router.Add(Method::kGet, "/never", [&](const Request&, Reply reply) {
    parked.set_value(std::move(reply));
  });
  t->Start();
  RawClient c(t->port());
  ASSERT_TRUE(c.Send(RequestText("GET", "/never")));
  Reply reply = parked.get_future().get();
  t->server->Stop(100ms);
  EXPECT_TRUE(c.WaitClosed(1000));
  t.reset();  // server, router and registry gone
  std::move(reply).Send(Json(200, "too late"));  // must neither crash nor leak
}

TEST(Server, StaticFilesWithSpaFallbackAndNoTraversal) {
  namespace fs = std::filesystem;
  fs::path base = fs::temp_directory_path() / ("suanli-http-static-" + std::to_string(::getpid()));
  fs::remove_all(base);
  fs::create_directories(base / "www" / "assets");
  std::ofstream(base / "www" / "index.html") << "<html>console</html>";
  std::ofstream(base / "www" / "assets" / "app-1a2b3c4d.js") << "run()";
  std::ofstream(base / "secret.txt") << "TOP SECRET";

  TestServer t;
  t.router.Add(Method::kGet, "/api/v1/ping", [](const Request&, Reply reply) {
    std::move(reply).Send(Json(200, "pong"));
  });
  ServerOptions o;
  o.static_dir = (base / "www").string();
  t.Start(o);

  auto js = Fetch(t.port(), "GET", "/assets/app-1a2b3c4d.js");
  ASSERT_TRUE(js.has_value());
  EXPECT_EQ(js->status, 200u);
  EXPECT_EQ(js->body, "run()");
  EXPECT_EQ(js->Header("content-type"), "text/javascript; charset=utf-8");
  EXPECT_EQ(js->Header("cache-control"), "public, max-age=31536000, immutable");
  auto spa = Fetch(t.port(), "GET", "/vouchers/42");
  ASSERT_TRUE(spa.has_value());
  EXPECT_EQ(spa->status, 200u);
  EXPECT_EQ(spa->body, "<html>console</html>");
  EXPECT_EQ(spa->Header("cache-control"), "no-cache");
  EXPECT_EQ(Fetch(t.port(), "GET", "/api/v1/ping")->body, "pong");
  auto api_miss = Fetch(t.port(), "GET", "/api/v1/missing");
  ASSERT_TRUE(api_miss.has_value());
  EXPECT_EQ(api_miss->status, 404u);  // no SPA fallback under /api/
  EXPECT_EQ(api_miss->Header("content-type"), "application/problem+json");
  for (const char* evil : {"/../secret.txt", "/assets/../../secret.txt", "/%2e%2e/secret.txt",
                           "/assets/%2E%2E/%2E%2E/secret.txt", "/..%2fsecret.txt"}) {
    auto r = Fetch(t.port(), "GET", evil);
    ASSERT_TRUE(r.has_value()) << evil;
    EXPECT_EQ(r->body.find("TOP SECRET"), std::string::npos) << evil;
    EXPECT_NE(r->status, 200u) << evil;
  }
  t.server->Stop(1s);
  fs::remove_all(base);
}

TEST(Server, MetricsCountRequestsByRoutePatternAndStatus) {
  TestServer t;
  t.router.Add(Method::kGet, "/api/v1/vouchers/{id}", [](const Request&, Reply reply) {
    std::move(reply).Send(Json(200, "{}"));
  });
  ServerOptions o;
  o.threads = 2;
  t.Start(o, /*access_log=*/true);  // exercises the access log path (stderr)
  for (int i = 0; i < 3; ++i) {
    ASSERT_EQ(Fetch(t.port(), "GET", "/api/v1/vouchers/v" + std::to_string(i))->status, 200u);
  }
  ASSERT_EQ(Fetch(t.port(), "GET", "/no/such/path")->status, 404u);
  auto m = Fetch(t.port(), "GET", "/metrics");
  ASSERT_TRUE(m.has_value());
  EXPECT_EQ(m->status, 200u);
  EXPECT_EQ(m->Header("content-type"), "text/plain; version=0.0.4; charset=utf-8");
  const std::string& text = m->body;
  EXPECT_NE(text.find("suanli_http_requests_total{method=\"GET\",route=\"/api/v1/vouchers/{id}\","
                      "status=\"200\"} 3\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("suanli_http_requests_total{method=\"GET\",route=\"unmatched\","
                      "status=\"404\"} 1\n"),
            std::string::npos)
      << text;
  EXPECT_EQ(text.find("/no/such/path"), std::string::npos);  // raw paths never become labels
  EXPECT_NE(text.find("suanli_http_request_duration_seconds_count{route=\"/api/v1/vouchers/{id}\"}"
                      " 3\n"),
            std::string::npos)
      << text;
  // Only the /metrics connection itself stays open — once the server has seen the earlier
  // clients' closes, which arrive asynchronously (a loaded machine sees them late): poll.
  bool one_open = text.find("suanli_http_connections_open 1\n") != std::string::npos;
  for (int i = 0; i < 100 && !one_open; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    auto again = Fetch(t.port(), "GET", "/metrics");
    one_open = again && again->body.find("suanli_http_connections_open 1\n") != std::string::npos;
  }
  EXPECT_TRUE(one_open) << text;
}

TEST(Server, HealthzAndReadyz) {
  TestServer t;
  std::atomic<bool> ready{false};
  ServerOptions o;
  o.ready = [&ready] { return ready.load(); };
  t.Start(o);
  auto h = Fetch(t.port(), "GET", "/healthz");
  ASSERT_TRUE(h.has_value());
  EXPECT_EQ(h->status, 200u);
  EXPECT_EQ(h->body, R"({"status":"ok"})");
  EXPECT_EQ(Fetch(t.port(), "GET", "/readyz")->status, 503u);
  ready = true;
  EXPECT_EQ(Fetch(t.port(), "GET", "/readyz")->status, 200u);
  EXPECT_EQ(Fetch(t.port(), "POST", "/healthz")->status, 405u);
}

TEST(Server, IdleConnectionsTimeOut) {
  TestServer t;
  ServerOptions o;
  o.idle_timeout_s = 1;
  t.Start(o);
  RawClient c(t.port());
  ASSERT_TRUE(c.connected());
  EXPECT_TRUE(c.WaitClosed(4000));
}

TEST(Server, StartFailsWithTheReasonWhenThePortIsTaken) {
  TestServer a;
  a.Start();
  Router router;
  metrics::Registry registry;
  ServerOptions o;
  o.port = a.port();
  o.access_log = false;
  Server b(o, router, registry);
  Status s = b.Start();
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, ErrorCode::kIo);
  EXPECT_EQ(s.error().field, "port");
  EXPECT_NE(s.error().message.find("in use"), std::string::npos) << s.error().message;
}

}  // namespace
}  // namespace suanli::http
