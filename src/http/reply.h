// Reply: the one way a handler answers a request — exactly once, from any thread, now or later
// (the ledger answers settlements from its own thread after fsync). Move-only. A Reply destroyed
// without Send answers 500 problem+json and logs an error: a handler bug never hangs a client.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>

#include "http/message.h"

namespace suanli::http {
namespace internal {

// What a Reply delivers into: a connection (server internals) or a callback (tests, callers
// outside HTTP). Implementations must accept Deliver from any thread.
class ReplySink {
 public:
  virtual ~ReplySink() = default;
  // Hands over the response to request number `seq` of this sink. Called at most once per seq.
  virtual void Deliver(std::uint64_t seq, Response response) = 0;
};

}  // namespace internal

class Reply {
 public:
  // Used by the server: answers request `seq` through `sink`.
  Reply(std::shared_ptr<internal::ReplySink> sink, std::uint64_t seq) noexcept;
  // A Reply whose response goes to `on_send`, called once on the thread that sends (or on the
  // thread that drops the Reply, with the 500). For unit tests of handlers without sockets.
  static Reply ToCallback(std::function<void(Response)> on_send);

  Reply(Reply&& other) noexcept;
  // Assigning over a Reply that has not been sent answers it with 500 first (a bug, logged).
  Reply& operator=(Reply&& other) noexcept;
  Reply(const Reply&) = delete;
  Reply& operator=(const Reply&) = delete;
  ~Reply();

  // Answers the request. Thread-safe; returns without waiting for the bytes to be written.
  // Calling Send on a Reply that was already sent or moved from is a bug (CHECK).
  void Send(Response response) &&;

  // True until Send (or a move) hands the obligation on.
  bool pending() const { return sink_ != nullptr; }

 private:
  void DropWithError() noexcept;

  std::shared_ptr<internal::ReplySink> sink_;
  std::uint64_t seq_ = 0;
};

}  // namespace suanli::http
