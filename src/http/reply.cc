#include "http/reply.h"

#include <spdlog/spdlog.h>

#include <utility>

#include "core/check.h"
#include "http/problem.h"

namespace suanli::http {
namespace {

class CallbackSink final : public internal::ReplySink {
 public:
  explicit CallbackSink(std::function<void(Response)> fn) : fn_(std::move(fn)) {}
  void Deliver(std::uint64_t /*seq*/, Response response) override { fn_(std::move(response)); }

 private:
  std::function<void(Response)> fn_;
};

}  // namespace

Reply::Reply(std::shared_ptr<internal::ReplySink> sink, std::uint64_t seq) noexcept
    : sink_(std::move(sink)), seq_(seq) {}

Reply Reply::ToCallback(std::function<void(Response)> on_send) {
  return Reply(std::make_shared<CallbackSink>(std::move(on_send)), 0);
}

Reply::Reply(Reply&& other) noexcept : sink_(std::move(other.sink_)), seq_(other.seq_) {}

Reply& Reply::operator=(Reply&& other) noexcept {
  if (this != &other) {
    if (sink_) DropWithError();
    sink_ = std::move(other.sink_);
    seq_ = other.seq_;
  }
  return *this;
}

Reply::~Reply() {
  if (sink_) DropWithError();
}

void Reply::Send(Response response) && {
  SUANLI_CHECK(sink_ != nullptr);  // sent twice, or sent after a move: a handler bug
  auto sink = std::move(sink_);
  sink->Deliver(seq_, std::move(response));
}

void Reply::DropWithError() noexcept {
  auto sink = std::move(sink_);
  try {
    spdlog::error("http: a handler dropped its Reply without sending; answering 500");
    sink->Deliver(seq_, Problem(500, "reply_dropped", kCodeReplyDropped, "Internal Server Error",
                                "the handler finished without answering the request"));
  } catch (...) {
    // Destructors must not throw. Only allocation can fail here; the connection then waits
    // until Server::Stop closes it.
  }
}

}  // namespace suanli::http
