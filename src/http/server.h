// The HTTP/1.1 server: binds, accepts, parses with Boost.Beast on one io_context per thread,
// routes to handlers, answers the built-ins (/healthz, /readyz, /metrics), serves static files,
// records metrics and one JSON access line per request. Beast stays behind this header (pimpl).
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "core/result.h"
#include "http/metrics.h"
#include "http/router.h"

namespace suanli::http {

struct ServerOptions {
  std::string address = "127.0.0.1";
  std::uint16_t port = 8080;                  // 0: pick a free port (tests)
  int threads = 2;                            // I/O threads, one io_context each; >= 1
  std::size_t body_limit_bytes = 1 << 20;     // larger → 413 problem+json, then close
  std::size_t header_limit_bytes = 16 << 10;  // larger → 431 problem+json, then close
  int idle_timeout_s = 30;                    // a connection silent (or stuck writing) this long
                                              // is closed; checked once a second
  std::string static_dir;                     // when set: files for GET/HEAD of non-/api/ paths
                                              // that no route takes (static_files.h)
  std::function<bool()> ready;                // /readyz: 200 when it returns true (or is unset),
                                              // else 503. Called on an I/O thread: keep it quick
  bool access_log = true;                     // one JSON line per request (access_log.h)
  bool stop_on_signal = false;                // Wait() also returns after SIGINT/SIGTERM, having
                                              // called Stop(signal_grace)
  std::chrono::milliseconds signal_grace{5000};
};

class Server {
 public:
  // `router` and `metrics` must outlive the server; the router is not changed after Start.
  Server(ServerOptions options, Router& router, metrics::Registry& metrics);
  ~Server();  // Stop(0) when still running
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds and starts the I/O threads. Errors (kIo, field "port" or "address") name the reason:
  // the port is taken, the address is not local, static_dir is not a directory. Call once.
  Status Start();
  // The bound port (the chosen one when options.port was 0). Valid after a successful Start.
  std::uint16_t port() const;

  // Graceful stop: stops accepting, closes idle keep-alive connections, lets requests in flight
  // finish (their responses carry "Connection: close") for up to `grace`, then closes the rest
  // and joins the I/O threads. A Reply sent after that is dropped. Idempotent; callable from any
  // thread except an I/O thread (from a handler, which would join itself).
  void Stop(std::chrono::milliseconds grace);

  // Blocks until the server has stopped: after Stop() returns on another thread or, when
  // options.stop_on_signal is set, after SIGINT or SIGTERM (handled here: Wait then runs
  // Stop(options.signal_grace) itself). Returns at once when the server never started.
  void Wait();

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace suanli::http
