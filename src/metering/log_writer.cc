// The usage log's writer thread (log_writer.h).
#include "metering/log_writer.h"

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

#include "core/check.h"

namespace suanli::metering {

LogWriter::LogWriter(int fd, bool sync, std::string path)
    : fd_(fd), sync_(sync), path_(std::move(path)), thread_([this] { Run(); }) {}

LogWriter::~LogWriter() {
  (void)Wait();  // a batch nobody waited for was never acknowledged; open decides its fate
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  thread_.join();
}

void LogWriter::Start(LogBuffer* batch, std::uint64_t offset) {
  SUANLI_CHECK(!busy_);
  {
    std::lock_guard lock(mu_);
    batch_.swap(*batch);
    offset_ = offset;
    has_batch_ = true;
    done_ = false;
  }
  batch->clear();
  busy_ = true;
  cv_.notify_all();
}

Status LogWriter::Wait() {
  if (!busy_) return OkStatus();
  std::unique_lock lock(mu_);
  cv_.wait(lock, [this] { return done_; });
  busy_ = false;
  return std::exchange(outcome_, OkStatus());
}

void LogWriter::Run() {
  std::unique_lock lock(mu_);
  while (true) {
    cv_.wait(lock, [this] { return has_batch_ || stop_; });
    if (!has_batch_) return;  // stop_, and nothing in flight
    const std::uint64_t offset = offset_;
    lock.unlock();
    // batch_ is not touched by the caller while a batch is in flight (Start CHECKs).
    Status outcome = WriteAndSync(batch_, offset);
    lock.lock();
    outcome_ = std::move(outcome);
    has_batch_ = false;
    done_ = true;
    cv_.notify_all();
  }
}

Status LogWriter::WriteAndSync(const LogBuffer& bytes, std::uint64_t offset) const {
  std::size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = ::pwrite(fd_, bytes.data() + done, bytes.size() - done,
                               static_cast<off_t>(offset + done));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      return MakeError(ErrorCode::kIoUncertain, path_,
                       std::string("write failed: ") + std::strerror(n < 0 ? errno : ENOSPC));
    }
    done += static_cast<std::size_t>(n);
  }
  if (sync_ && ::fdatasync(fd_) != 0) {
    return MakeError(ErrorCode::kIoUncertain, path_,
                     std::string("fdatasync failed: ") + std::strerror(errno));
  }
  return OkStatus();
}

}  // namespace suanli::metering
