// One HTTP/1.1 connection: reads a request with Beast's parser, dispatches it (built-ins,
// router, static files), waits for the handler's Reply, writes the response (head and body as
// two buffers), then reads the next request or closes. One request at a time per connection;
// everything here runs on the connection's I/O thread except ConnectionSink::Deliver.
#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <spdlog/spdlog.h>

#include <array>
#include <exception>
#include <string>
#include <utility>
#include <vector>

#include "http/access_log.h"
#include "http/problem.h"
#include "http/server_internal.h"
#include "http/url.h"
#include "http/wire.h"

namespace suanli::http::internal {
namespace {

namespace beast = boost::beast;
namespace bhttp = boost::beast::http;

thread_local IoThread* tls_io_thread = nullptr;

constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";

Method FromVerb(bhttp::verb v) {
  switch (v) {
    case bhttp::verb::get: return Method::kGet;
    case bhttp::verb::head: return Method::kHead;
    case bhttp::verb::post: return Method::kPost;
    case bhttp::verb::put: return Method::kPut;
    case bhttp::verb::patch: return Method::kPatch;
    case bhttp::verb::delete_: return Method::kDelete;
    case bhttp::verb::options: return Method::kOptions;
    default: return Method::kOther;
  }
}

Response JsonResponse(unsigned status, std::string body) {
  Response r;
  r.status = status;
  r.body = std::move(body);
  return r;
}

}  // namespace

IoThread* CurrentIoThread() { return tls_io_thread; }
void SetCurrentIoThread(IoThread* io) { tls_io_thread = io; }

class Connection : public std::enable_shared_from_this<Connection> {
 public:
  Connection(IoThread& io, ServerShared& shared, tcp::socket socket)
      : io_(io), shared_(shared), socket_(std::move(socket)) {}

  void Start(std::list<std::shared_ptr<Connection>>::iterator self_pos);
  void StopGracefully();
  void Close();
  void Sweep(SteadyTime now);
  // The handler's answer to request `seq`; on this connection's thread.
  void Deliver(std::uint64_t seq, Response response);

 private:
  enum class State { kReadingHeader, kReadingBody, kHandling, kWriting, kLingering, kClosed };

  void ReadRequest();
  void OnHeader(beast::error_code ec);
  void ReadBody();
  void OnRequestRead(beast::error_code ec);
  void OnReadError(beast::error_code ec);
  void Dispatch();
  bool DispatchBuiltin(std::string_view path);
  void CallHandler(const Route& route);
  void Finish(Response response, std::string_view route, bool close);
  void RecordRequest(std::string_view route, unsigned status, std::size_t bytes,
                     SteadyTime now);
  void OnWritten(beast::error_code ec);
  void Linger();
  void UncountInFlight();

  IoThread& io_;
  ServerShared& shared_;
  tcp::socket socket_;
  std::list<std::shared_ptr<Connection>>::iterator self_pos_;
  std::shared_ptr<ReplySink> sink_;
  std::string remote_ip_;

  State state_ = State::kReadingHeader;
  SteadyTime last_activity_{};
  beast::flat_buffer buffer_;
  std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
  Request request_;
  std::uint64_t seq_ = 0;
  SteadyTime started_{};
  std::string_view route_;  // label of the request being handled
  bool keep_alive_ = true;
  bool http10_ = false;
  bool close_after_write_ = false;
  bool head_only_ = false;

  std::string head_;    // response head being written
  Response response_;   // its body stays alive for the write
  bool counted_in_flight_ = true;  // in shared_.live_connections, which Stop waits to drain
  std::array<char, 4096> discard_{};
  std::size_t discarded_bytes_ = 0;
};

namespace {

// A Reply's way back to its connection. Inline when sent on the connection's own thread (the
// common, synchronous handler), posted to that thread otherwise.
class ConnectionSink final : public ReplySink {
 public:
  ConnectionSink(std::weak_ptr<Connection> connection, IoThread* io)
      : connection_(std::move(connection)), io_(io), gate_(io->gate) {}

  void Deliver(std::uint64_t seq, Response response) override {
    if (tls_io_thread == io_) {
      if (auto c = connection_.lock()) c->Deliver(seq, std::move(response));
      return;
    }
    std::lock_guard lock(gate_->mu);
    if (!gate_->open) return;  // the server has stopped; nobody is waiting any more
    bool first = gate_->pending.empty();
    gate_->pending.push_back(PendingReply{connection_, seq, std::move(response)});
    if (first) asio::post(*gate_->ctx, [gate = gate_] { DrainPendingReplies(*gate); });
  }

 private:
  // On the gate's I/O thread: delivers everything in the mailbox.
  static void DrainPendingReplies(IoGate& gate) {
    thread_local std::vector<PendingReply> batch;
    {
      std::lock_guard lock(gate.mu);
      batch.swap(gate.pending);  // the mailbox keeps the emptied vector's capacity
    }
    for (PendingReply& p : batch) {
      if (auto c = p.connection.lock()) c->Deliver(p.seq, std::move(p.response));
    }
    batch.clear();
  }

  std::weak_ptr<Connection> connection_;
  IoThread* io_;  // compared, never dereferenced: the thread may be gone
  std::shared_ptr<IoGate> gate_;
};

}  // namespace

void Connection::Start(std::list<std::shared_ptr<Connection>>::iterator self_pos) {
  self_pos_ = self_pos;
  sink_ = std::make_shared<ConnectionSink>(weak_from_this(), &io_);
  beast::error_code ec;
  auto endpoint = socket_.remote_endpoint(ec);
  remote_ip_ = ec ? std::string("unknown") : endpoint.address().to_string();
  request_.remote_ip = remote_ip_;
  socket_.set_option(tcp::no_delay(true), ec);
  buffer_.reserve(4096);
  ReadRequest();
}

void Connection::ReadRequest() {
  if (io_.stopping) return Close();
  state_ = State::kReadingHeader;
  last_activity_ = std::chrono::steady_clock::now();
  parser_.emplace();
  parser_->header_limit(static_cast<std::uint32_t>(shared_.options.header_limit_bytes));
  parser_->body_limit(shared_.options.body_limit_bytes);
  bhttp::async_read_header(socket_, buffer_, *parser_,
                           [self = shared_from_this()](beast::error_code ec, std::size_t) {
                             self->OnHeader(ec);
                           });
}

void Connection::OnHeader(beast::error_code ec) {
  if (state_ == State::kClosed) return;
  if (ec) return OnReadError(ec);
  if (parser_->is_done()) return Dispatch();
  state_ = State::kReadingBody;
  last_activity_ = std::chrono::steady_clock::now();
  auto expect = parser_->get()[bhttp::field::expect];
  if (EqualsIgnoreCase(expect, "100-continue")) {
    // The client waits for this before sending the body (curl does for bodies over 1 KiB).
    asio::async_write(socket_, asio::buffer(kContinue.data(), kContinue.size()),
                      [self = shared_from_this()](beast::error_code wec, std::size_t) {
                        if (self->state_ == State::kClosed) return;
                        if (wec) return self->Close();
                        self->ReadBody();
                      });
    return;
  }
  ReadBody();
}

void Connection::ReadBody() {
  bhttp::async_read(socket_, buffer_, *parser_,
                    [self = shared_from_this()](beast::error_code ec, std::size_t) {
                      self->OnRequestRead(ec);
                    });
}

void Connection::OnRequestRead(beast::error_code ec) {
  if (state_ == State::kClosed) return;
  if (ec) return OnReadError(ec);
  Dispatch();
}

void Connection::OnReadError(beast::error_code ec) {
  // The peer went away, or we closed the socket: nothing to answer.
  if (ec == bhttp::error::end_of_stream || ec == bhttp::error::partial_message ||
      ec == asio::error::eof || ec == asio::error::operation_aborted ||
      ec == asio::error::connection_reset || ec == asio::error::bad_descriptor) {
    return Close();
  }
  keep_alive_ = false;
  http10_ = false;
  head_only_ = false;
  request_.method = Method::kOther;
  started_ = std::chrono::steady_clock::now();
  if (ec == bhttp::error::body_limit) {
    return Finish(Problem(413, "body_too_large", kCodeBodyTooLarge, "Content Too Large",
                          "the request body exceeds " +
                              std::to_string(shared_.options.body_limit_bytes) + " bytes"),
                  kRouteMalformed, true);
  }
  if (ec == bhttp::error::header_limit) {
    return Finish(Problem(431, "headers_too_large", kCodeHeadersTooLarge,
                          "Request Header Fields Too Large",
                          "the request header exceeds " +
                              std::to_string(shared_.options.header_limit_bytes) + " bytes"),
                  kRouteMalformed, true);
  }
  Finish(Problem(400, "malformed_request", kCodeMalformedRequest, "Bad Request",
                 "the request is not valid HTTP/1.1: " + ec.message()),
         kRouteMalformed, true);
}

void Connection::Dispatch() {
  auto& message = parser_->get();
  request_.Reset();
  request_.method = FromVerb(message.method());
  http10_ = message.version() == 10;
  keep_alive_ = message.keep_alive();
  head_only_ = request_.method == Method::kHead;
  started_ = std::chrono::steady_clock::now();
  state_ = State::kHandling;
  ++seq_;

  std::string_view target = message.target();
  std::size_t question = target.find('?');
  std::string_view raw_path = target.substr(0, question);
  if (question != std::string_view::npos) request_.query.assign(target.substr(question + 1));
  if (raw_path.empty() || raw_path.front() != '/' ||
      !PercentDecode(raw_path, false, &request_.path)) {
    return Finish(Problem(400, "bad_path", kCodeBadPath, "Bad Request",
                          "the request target is not an origin-form path with valid escapes"),
                  kRouteMalformed, true);
  }
  request_.body = std::move(message.body());
  for (const auto& field : message) {
    request_.headers_.emplace_back(field.name_string(), field.value());
  }

  if (DispatchBuiltin(request_.path)) return;

  Router::Match match = shared_.router->Find(request_.method, raw_path, &request_);
  switch (match.kind) {
    case Router::Match::Kind::kFound:
      return CallHandler(*match.route);
    case Router::Match::Kind::kMethodNotAllowed: {
      Response r = Problem(405, "method_not_allowed", kCodeMethodNotAllowed, "Method Not Allowed",
                           std::string(MethodName(request_.method)) + " is not allowed here");
      r.headers.emplace_back("Allow", std::move(match.allow));
      return Finish(std::move(r), kRouteUnmatched, false);
    }
    case Router::Match::Kind::kNotFound:
      break;
  }
  bool is_read = request_.method == Method::kGet || request_.method == Method::kHead;
  bool is_api = request_.path == "/api" || request_.path.starts_with("/api/");
  if (shared_.static_files && is_read && !is_api) {
    if (auto file = shared_.static_files->Serve(request_.path)) {
      return Finish(std::move(*file), kRouteStatic, false);
    }
  }
  Finish(Problem(404, "not_found", kCodeRouteNotFound, "Not Found", "no resource at this path"),
         kRouteUnmatched, false);
}

bool Connection::DispatchBuiltin(std::string_view path) {
  std::string_view route;
  if (path == kRouteHealthz) {
    route = kRouteHealthz;
  } else if (path == kRouteReadyz) {
    route = kRouteReadyz;
  } else if (path == kRouteMetrics) {
    route = kRouteMetrics;
  } else {
    return false;
  }
  if (request_.method != Method::kGet && request_.method != Method::kHead) {
    Response r = Problem(405, "method_not_allowed", kCodeMethodNotAllowed, "Method Not Allowed",
                         std::string(MethodName(request_.method)) + " is not allowed here");
    r.headers.emplace_back("Allow", "GET, HEAD");
    Finish(std::move(r), route, false);
    return true;
  }
  if (route == kRouteHealthz) {
    Finish(JsonResponse(200, R"({"status":"ok"})"), route, false);
  } else if (route == kRouteReadyz) {
    bool ready = !shared_.options.ready || shared_.options.ready();
    Finish(ready ? JsonResponse(200, R"({"status":"ready"})")
                 : JsonResponse(503, R"({"status":"not_ready"})"),
           route, false);
  } else {
    Response r;
    r.content_type = "text/plain; version=0.0.4; charset=utf-8";
    r.body = shared_.registry->RenderPrometheus();
    Finish(std::move(r), route, false);
  }
  return true;
}

void Connection::CallHandler(const Route& route) {
  route_ = route.pattern;
  Reply reply(sink_, seq_);
  try {
    route.handler(request_, std::move(reply));
  } catch (const std::exception& e) {
    // The Reply, destroyed while unwinding unless the handler moved it away, answers 500.
    spdlog::error("http: handler for {} {} threw: {}", MethodName(request_.method), route.pattern,
                  e.what());
  } catch (...) {
    spdlog::error("http: handler for {} {} threw a non-exception", MethodName(request_.method),
                  route.pattern);
  }
}

void Connection::Deliver(std::uint64_t seq, Response response) {
  if (state_ == State::kClosed) return;  // the client left; the answer has nowhere to go
  if (state_ != State::kHandling || seq != seq_) {
    spdlog::error("http: a Reply arrived for a request this connection is not waiting on");
    return;
  }
  Finish(std::move(response), route_, false);
}

void Connection::Finish(Response response, std::string_view route, bool close) {
  SteadyTime now = std::chrono::steady_clock::now();
  RecordRequest(route, response.status, response.body.size(), now);
  close_after_write_ = close || !keep_alive_ || io_.stopping;
  response_ = std::move(response);
  head_.clear();
  HeadOptions options{http10_, !close_after_write_, response_.body.size()};
  if (!AppendResponseHead(response_, options, &head_)) {
    spdlog::error("http: response to {} dropped a header that was unsafe to send", route);
  }
  state_ = State::kWriting;
  last_activity_ = now;
  std::array<asio::const_buffer, 2> buffers = {
      asio::buffer(head_), head_only_ ? asio::const_buffer() : asio::buffer(response_.body)};
  asio::async_write(socket_, buffers,
                    [self = shared_from_this()](beast::error_code ec, std::size_t) {
                      self->OnWritten(ec);
                    });
}

void Connection::RecordRequest(std::string_view route, unsigned status, std::size_t bytes,
                               SteadyTime now) {
  auto duration = now - started_;
  MetricKey key{route.data(), request_.method, status};
  auto it = io_.request_counters.find(key);
  if (it == io_.request_counters.end()) {
    metrics::Counter& c = shared_.requests_total->With(
        {MethodName(request_.method), route, std::string_view(std::to_string(status))});
    it = io_.request_counters.emplace(key, &c).first;
  }
  it->second->Inc();
  auto hit = io_.durations.find(route.data());
  if (hit == io_.durations.end()) {
    hit = io_.durations.emplace(route.data(), &shared_.request_duration->With({route})).first;
  }
  hit->second->Observe(std::chrono::duration<double>(duration).count());

  if (shared_.access_logger) {
    thread_local std::string line;
    line.clear();
    AccessRecord record{MethodName(request_.method), route, status,
                        std::chrono::duration_cast<std::chrono::microseconds>(duration).count(),
                        bytes, remote_ip_};
    AppendAccessLine(record, std::chrono::system_clock::now(), &line);
    shared_.access_logger->info(std::string_view(line));
  }
}

void Connection::OnWritten(beast::error_code ec) {
  if (state_ == State::kClosed) return;
  if (ec) return Close();
  if (close_after_write_ || io_.stopping) return Linger();
  ReadRequest();
}

void Connection::Linger() {
  // Half-close, then drain what the peer still sends until it closes: closing with unread
  // bytes would reset the connection and could destroy our response before the peer reads it.
  beast::error_code ec;
  socket_.shutdown(tcp::socket::shutdown_send, ec);
  if (ec) return Close();
  // Our last answer is out: a graceful Stop need not wait for the peer to hang up.
  UncountInFlight();
  state_ = State::kLingering;
  last_activity_ = std::chrono::steady_clock::now();
  socket_.async_read_some(asio::buffer(discard_),
                          [self = shared_from_this()](beast::error_code rec, std::size_t n) {
                            if (self->state_ == State::kClosed) return;
                            self->discarded_bytes_ += n;
                            if (rec || self->discarded_bytes_ > kLingerDiscardBytesMax) {
                              return self->Close();
                            }
                            self->Linger();
                          });
}

void Connection::StopGracefully() {
  // Idle (or still receiving a request's header): close now. Otherwise the request in flight
  // finishes and its response says "Connection: close" (io_.stopping is already set).
  if (state_ == State::kReadingHeader) Close();
}

void Connection::Close() {
  if (state_ == State::kClosed) return;
  auto self = shared_from_this();  // erasing our list entry must not destroy us mid-call
  state_ = State::kClosed;
  beast::error_code ec;
  socket_.shutdown(tcp::socket::shutdown_both, ec);
  socket_.close(ec);
  io_.connections.erase(self_pos_);
  shared_.connections_open->Sub(1);
  UncountInFlight();
}

void Connection::UncountInFlight() {
  if (!counted_in_flight_) return;
  counted_in_flight_ = false;
  shared_.live_connections.fetch_sub(1, std::memory_order_acq_rel);
}

void Connection::Sweep(SteadyTime now) {
  auto silent = now - last_activity_;
  switch (state_) {
    case State::kReadingHeader:
    case State::kReadingBody:
    case State::kWriting:
      if (silent > std::chrono::seconds(shared_.options.idle_timeout_s)) Close();
      break;
    case State::kLingering:
      if (silent > kLingerTimeout) Close();
      break;
    case State::kHandling:  // the handler owns the pace (a ledger fsync); Reply never hangs
    case State::kClosed:
      break;
  }
}

void StartConnection(IoThread& io, ServerShared& shared, tcp::socket socket) {
  auto connection = std::make_shared<Connection>(io, shared, std::move(socket));
  shared.connections_open->Add(1);
  shared.live_connections.fetch_add(1, std::memory_order_acq_rel);
  io.connections.push_front(connection);
  connection->Start(io.connections.begin());
}

void StopConnectionGracefully(Connection& connection) { connection.StopGracefully(); }
void CloseConnection(Connection& connection) { connection.Close(); }
void SweepConnection(Connection& connection, SteadyTime now) { connection.Sweep(now); }

}  // namespace suanli::http::internal
