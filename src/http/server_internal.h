// What the server's two halves share: the acceptor and threads (server.cc, Asio only) and the
// connections (connection.cc, the only Beast TU). Not part of the public interface.
#pragma once

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>

#include <atomic>
#include <chrono>
#include <cstddef>
#include <functional>
#include <list>
#include <memory>
#include <mutex>
#include <optional>
#include <string_view>
#include <thread>
#include <unordered_map>
#include <vector>

#include "http/metrics.h"
#include "http/server.h"
#include "http/static_files.h"

namespace spdlog {
class logger;
}

namespace suanli::http::internal {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using SteadyTime = std::chrono::steady_clock::time_point;

// Route labels that are not route patterns. String literals, so their addresses are stable
// keys for the per-thread metric caches.
inline constexpr std::string_view kRouteUnmatched = "unmatched";
inline constexpr std::string_view kRouteStatic = "static";
inline constexpr std::string_view kRouteMalformed = "malformed";
inline constexpr std::string_view kRouteHealthz = "/healthz";
inline constexpr std::string_view kRouteReadyz = "/readyz";
inline constexpr std::string_view kRouteMetrics = "/metrics";

// A closing connection waits this long for the peer to finish sending before it is closed, so
// the peer reads our last response instead of a reset.
inline constexpr std::chrono::seconds kLingerTimeout{2};
// ... and discards at most this much of what the peer still sends.
inline constexpr std::size_t kLingerDiscardBytesMax = 4 << 20;

// Read-only after Start, shared by every connection of a server.
struct ServerShared {
  ServerOptions options;
  Router* router = nullptr;
  metrics::Registry* registry = nullptr;
  std::optional<StaticFiles> static_files;
  std::shared_ptr<spdlog::logger> access_logger;  // null when options.access_log is false
  metrics::Family<metrics::Counter>* requests_total = nullptr;
  metrics::Family<metrics::Histogram>* request_duration = nullptr;
  metrics::Gauge* connections_open = nullptr;
  std::atomic<int> live_connections{0};  // not yet lingering; Stop waits for 0
};

class Connection;

// A response sent from another thread, waiting for its connection's I/O thread.
struct PendingReply {
  std::weak_ptr<Connection> connection;
  std::uint64_t seq = 0;
  Response response;
};

// Lets a Reply reach an I/O thread from any thread for as long as that thread's io_context
// accepts work: Stop closes the gate before the io_context goes away. Replies from other
// threads collect in `pending`; only the first into an empty mailbox posts a drain task, so a
// ledger answering a batch after one fsync wakes each I/O thread once, not once per reply.
struct IoGate {
  std::mutex mu;
  bool open = true;
  asio::io_context* ctx = nullptr;
  std::vector<PendingReply> pending;
};

// The metric children one I/O thread has looked up, so a request touches atomics only.
struct MetricKey {
  const char* route;  // address of the route label's characters (stable, see above)
  Method method;
  unsigned status;
  bool operator==(const MetricKey&) const = default;
};
struct MetricKeyHash {
  std::size_t operator()(const MetricKey& k) const {
    std::size_t h = std::hash<const void*>()(k.route);
    h = h * 31 + static_cast<std::size_t>(k.method);
    return h * 1009 + k.status;
  }
};

struct IoThread {
  asio::io_context ctx{1};  // one thread runs it
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> work;
  std::shared_ptr<IoGate> gate = std::make_shared<IoGate>();
  asio::steady_timer sweep_timer{ctx};
  std::thread thread;
  // Touched only on this thread:
  bool stopping = false;
  std::list<std::shared_ptr<Connection>> connections;
  std::unordered_map<MetricKey, metrics::Counter*, MetricKeyHash> request_counters;
  std::unordered_map<const char*, metrics::Histogram*> durations;
};

// The I/O thread the calling thread runs, or null on any other thread.
IoThread* CurrentIoThread();
void SetCurrentIoThread(IoThread* io);

// Connection lifecycle, implemented in connection.cc; all called on the connection's thread.
void StartConnection(IoThread& io, ServerShared& shared, tcp::socket socket);
// Graceful stop: an idle connection closes now, one with a request in flight after answering.
void StopConnectionGracefully(Connection& connection);
void CloseConnection(Connection& connection);
// Closes the connection when it has been silent longer than its state allows.
void SweepConnection(Connection& connection, SteadyTime now);

}  // namespace suanli::http::internal
