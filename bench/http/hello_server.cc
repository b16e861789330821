// The HTTP benchmark's first server: Suanli's http::Server with two routes, so its cost per
// request can be compared with nginx's (bench/http/http_bench.sh). GET /hello answers a small
// JSON body inline; POST /deferred hands the Reply to a worker thread that answers it, the way
// the ledger answers settlements from its own thread.
//
//   hello_server --port 8080 --threads 2 [--access-log]
#include <CLI/CLI.hpp>

#include <condition_variable>
#include <cstdio>
#include <deque>
#include <mutex>
#include <thread>

#include "http/metrics.h"
#include "http/router.h"
#include "http/server.h"

namespace {

using suanli::http::Reply;
using suanli::http::Request;
using suanli::http::Response;

constexpr std::string_view kHelloBody = R"({"hello":"world"})";

// One thread answering Replies in arrival order, in batches (like the ledger's writer).
class Answerer {
 public:
  Answerer() : thread_([this] { Run(); }) {}
  ~Answerer() {
    {
      std::lock_guard lock(mu_);
      done_ = true;
    }
    cv_.notify_one();
    thread_.join();
  }
  void Submit(Reply reply) {
    {
      std::lock_guard lock(mu_);
      queue_.push_back(std::move(reply));
    }
    cv_.notify_one();
  }

 private:
  void Run() {
    std::deque<Reply> batch;
    while (true) {
      {
        std::unique_lock lock(mu_);
        cv_.wait(lock, [&] { return done_ || !queue_.empty(); });
        if (done_ && queue_.empty()) return;
        batch.swap(queue_);
      }
      for (Reply& r : batch) {
        Response response;
        response.body = kHelloBody;
        std::move(r).Send(std::move(response));
      }
      batch.clear();
    }
  }

  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Reply> queue_;
  bool done_ = false;
  std::thread thread_;
};

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"hello_server: the HTTP benchmark's Suanli server"};
  suanli::http::ServerOptions options;
  options.stop_on_signal = true;
  app.add_option("--address", options.address, "address to bind");
  app.add_option("--port", options.port, "port (0: any free port)");
  app.add_option("--threads", options.threads, "I/O threads")->check(CLI::Range(1, 64));
  bool access_log = false;
  app.add_flag("--access-log", access_log, "write one JSON line per request to stderr");
  CLI11_PARSE(app, argc, argv);
  options.access_log = access_log;

  Answerer answerer;
  suanli::http::Router router;
  router.Add(suanli::http::Method::kGet, "/hello", [](const Request&, Reply reply) {
    Response response;
    response.body = kHelloBody;
    std::move(reply).Send(std::move(response));
  });
  router.Add(suanli::http::Method::kPost, "/deferred",
             [&answerer](const Request&, Reply reply) { answerer.Submit(std::move(reply)); });

  suanli::metrics::Registry registry;
  suanli::http::Server server(options, router, registry);
  if (auto status = server.Start(); !status.ok()) {
    std::fprintf(stderr, "hello_server: %s\n", status.error().ToString().c_str());
    return 1;
  }
  std::printf("hello_server: listening on %s:%u with %d threads\n", options.address.c_str(),
              static_cast<unsigned>(server.port()), options.threads);
  std::fflush(stdout);
  server.Wait();
  return 0;
}
