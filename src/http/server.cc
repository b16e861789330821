// The server's frame: the acceptor (on the first I/O thread, handing sockets round-robin to
// every thread's io_context), the I/O threads, the once-a-second idle sweep, signal handling
// and the graceful stop. Connections themselves live in connection.cc.
#include "http/server.h"

#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <condition_variable>
#include <filesystem>
#include <vector>

#include "core/check.h"
#include "http/access_log.h"
#include "http/server_internal.h"

namespace suanli::http {

using internal::IoThread;
using internal::tcp;
namespace asio = boost::asio;

class Server::Impl {
 public:
  Impl(ServerOptions options, Router& router, metrics::Registry& registry) {
    shared_.options = std::move(options);
    shared_.router = &router;
    shared_.registry = &registry;
  }
  ~Impl() { Stop(std::chrono::milliseconds(0)); }

  Status Start();
  std::uint16_t port() const { return port_; }
  void Stop(std::chrono::milliseconds grace);
  void Wait();

 private:
  enum class RunState { kIdle, kRunning, kStopping, kStopped };

  Status Bind();
  void SetUpMetricsAndLog();
  void Accept();
  void ScheduleSweep(IoThread& io);
  void OnSignal();
  // Runs fn on each I/O thread and returns when all have run it.
  void OnEachThread(const std::function<void(IoThread&)>& fn);

  internal::ServerShared shared_;
  std::vector<std::unique_ptr<IoThread>> threads_;
  std::optional<tcp::acceptor> acceptor_;
  std::optional<asio::signal_set> signals_;
  std::size_t next_thread_ = 0;
  std::uint16_t port_ = 0;

  std::mutex mu_;
  std::condition_variable cv_;
  RunState run_state_ = RunState::kIdle;
  bool signal_received_ = false;
};

Status Server::Impl::Start() {
  const ServerOptions& o = shared_.options;
  {
    std::lock_guard lock(mu_);
    SUANLI_CHECK(run_state_ == RunState::kIdle);  // Start is called once
  }
  if (o.threads < 1) return MakeError(ErrorCode::kOutOfRange, "threads", "threads must be >= 1");
  if (!o.static_dir.empty()) {
    std::error_code ec;
    if (!std::filesystem::is_directory(o.static_dir, ec)) {
      return MakeError(ErrorCode::kNotFound, "static_dir",
                       "static_dir is not a directory: " + o.static_dir);
    }
    shared_.static_files.emplace(o.static_dir);
  }
  for (int i = 0; i < o.threads; ++i) {
    auto io = std::make_unique<IoThread>();
    io->gate->ctx = &io->ctx;
    io->work.emplace(io->ctx.get_executor());
    threads_.push_back(std::move(io));
  }
  SUANLI_TRY(Bind());
  SetUpMetricsAndLog();
  if (o.stop_on_signal) {
    signals_.emplace(threads_[0]->ctx, SIGINT, SIGTERM);
    signals_->async_wait([this](const boost::system::error_code& ec, int) {
      if (!ec) OnSignal();
    });
  }
  Accept();
  for (auto& io : threads_) {
    ScheduleSweep(*io);
    IoThread* raw = io.get();
    io->thread = std::thread([raw] {
      internal::SetCurrentIoThread(raw);
      raw->ctx.run();
      internal::SetCurrentIoThread(nullptr);
    });
  }
  std::lock_guard lock(mu_);
  run_state_ = RunState::kRunning;
  return OkStatus();
}

Status Server::Impl::Bind() {
  const ServerOptions& o = shared_.options;
  boost::system::error_code ec;
  auto address = asio::ip::make_address(o.address, ec);
  if (ec) return MakeError(ErrorCode::kParse, "address", "not an IP address: " + o.address);
  tcp::endpoint endpoint(address, o.port);
  acceptor_.emplace(threads_[0]->ctx);
  std::string where = o.address + ":" + std::to_string(o.port);
  if (acceptor_->open(endpoint.protocol(), ec); ec) {
    return MakeError(ErrorCode::kIo, "address", "cannot open a socket: " + ec.message());
  }
  acceptor_->set_option(tcp::acceptor::reuse_address(true), ec);
  if (acceptor_->bind(endpoint, ec); ec) {
    return MakeError(ErrorCode::kIo, "port", "cannot bind " + where + ": " + ec.message());
  }
  if (acceptor_->listen(asio::socket_base::max_listen_connections, ec); ec) {
    return MakeError(ErrorCode::kIo, "port", "cannot listen on " + where + ": " + ec.message());
  }
  port_ = acceptor_->local_endpoint(ec).port();
  return OkStatus();
}

void Server::Impl::SetUpMetricsAndLog() {
  metrics::Registry& r = *shared_.registry;
  shared_.requests_total = &r.AddCounter("suanli_http_requests_total",
                                         "HTTP requests answered, by method, route and status",
                                         {"method", "route", "status"});
  shared_.request_duration = &r.AddHistogram(
      "suanli_http_request_duration_seconds",
      "Time from a request fully read to its response handed to the socket", {"route"});
  shared_.connections_open =
      &r.AddGauge("suanli_http_connections_open", "Open HTTP connections").With(std::vector<std::string>{});
  if (shared_.options.access_log) {
    std::string name(kAccessLoggerName);
    shared_.access_logger = spdlog::get(name);
    if (!shared_.access_logger) {
      // Another server in this process may register it between get and create; reuse it then.
      try {
        shared_.access_logger = spdlog::stderr_logger_mt(name);
        shared_.access_logger->set_pattern("%v");
      } catch (const spdlog::spdlog_ex&) {
        shared_.access_logger = spdlog::get(name);
      }
    }
  }
}

void Server::Impl::Accept() {
  IoThread& target = *threads_[next_thread_];
  next_thread_ = (next_thread_ + 1) % threads_.size();
  acceptor_->async_accept(target.ctx, [this, &target](const boost::system::error_code& ec,
                                                      tcp::socket socket) {
    if (ec == asio::error::operation_aborted || !acceptor_->is_open()) return;
    if (ec) {
      // Out of descriptors or similar: say so and keep accepting; the connections that hold
      // descriptors will close.
      spdlog::warn("http: accept failed: {}", ec.message());
    } else {
      asio::post(target.ctx, [this, &target, s = std::move(socket)]() mutable {
        internal::StartConnection(target, shared_, std::move(s));
      });
    }
    Accept();
  });
}

void Server::Impl::ScheduleSweep(IoThread& io) {
  io.sweep_timer.expires_after(std::chrono::seconds(1));
  io.sweep_timer.async_wait([this, &io](const boost::system::error_code& ec) {
    if (ec) return;
    auto now = std::chrono::steady_clock::now();
    // Copy first: a swept connection removes itself from the list.
    std::vector<std::shared_ptr<internal::Connection>> all(io.connections.begin(),
                                                           io.connections.end());
    for (auto& c : all) internal::SweepConnection(*c, now);
    ScheduleSweep(io);
  });
}

void Server::Impl::OnSignal() {
  std::lock_guard lock(mu_);
  signal_received_ = true;
  cv_.notify_all();
}

void Server::Impl::OnEachThread(const std::function<void(IoThread&)>& fn) {
  std::mutex done_mu;
  std::condition_variable done_cv;
  std::size_t done = 0;
  for (auto& io : threads_) {
    IoThread* raw = io.get();
    asio::post(raw->ctx, [&, raw] {
      fn(*raw);
      std::lock_guard lock(done_mu);
      ++done;
      done_cv.notify_all();
    });
  }
  std::unique_lock lock(done_mu);
  done_cv.wait(lock, [&] { return done == threads_.size(); });
}

void Server::Impl::Stop(std::chrono::milliseconds grace) {
  {
    std::unique_lock lock(mu_);
    if (run_state_ == RunState::kIdle || run_state_ == RunState::kStopped) return;
    if (run_state_ == RunState::kStopping) {
      cv_.wait(lock, [&] { return run_state_ == RunState::kStopped; });
      return;
    }
    run_state_ = RunState::kStopping;
  }
  SUANLI_CHECK(internal::CurrentIoThread() == nullptr);  // Stop from a handler would self-join

  // 1. Stop accepting; close idle connections; mark the rest to close after their response.
  OnEachThread([this](IoThread& io) {
    if (&io == threads_[0].get()) {
      boost::system::error_code ec;
      acceptor_->close(ec);
      if (signals_) signals_->cancel(ec);
    }
    io.stopping = true;
    std::vector<std::shared_ptr<internal::Connection>> all(io.connections.begin(),
                                                           io.connections.end());
    for (auto& c : all) internal::StopConnectionGracefully(*c);
  });
  // 2. Let requests in flight finish, up to the grace period.
  auto deadline = std::chrono::steady_clock::now() + grace;
  while (shared_.live_connections.load(std::memory_order_acquire) > 0 &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  // 3. Close what is left and stop each io_context; handlers still queued are destroyed with
  //    it (in ~Impl), never run.
  OnEachThread([](IoThread& io) {
    std::vector<std::shared_ptr<internal::Connection>> all(io.connections.begin(),
                                                           io.connections.end());
    for (auto& c : all) internal::CloseConnection(*c);
    io.sweep_timer.cancel();
    io.work.reset();
    io.ctx.stop();
  });
  for (auto& io : threads_) {
    if (io->thread.joinable()) io->thread.join();
    std::lock_guard lock(io->gate->mu);
    io->gate->open = false;  // a Reply sent from now on is dropped
    io->gate->pending.clear();
  }
  std::lock_guard lock(mu_);
  run_state_ = RunState::kStopped;
  cv_.notify_all();
}

void Server::Impl::Wait() {
  std::unique_lock lock(mu_);
  if (run_state_ == RunState::kIdle) return;
  cv_.wait(lock, [&] { return run_state_ == RunState::kStopped || signal_received_; });
  if (run_state_ == RunState::kStopped) return;
  lock.unlock();
  spdlog::info("http: signal received; stopping (grace {} ms)",
               shared_.options.signal_grace.count());
  Stop(shared_.options.signal_grace);
}

Server::Server(ServerOptions options, Router& router, metrics::Registry& metrics)
    : impl_(std::make_unique<Impl>(std::move(options), router, metrics)) {}
Server::~Server() = default;
Status Server::Start() { return impl_->Start(); }
std::uint16_t Server::port() const { return impl_->port(); }
void Server::Stop(std::chrono::milliseconds grace) { impl_->Stop(grace); }
void Server::Wait() { impl_->Wait(); }

}  // namespace suanli::http
