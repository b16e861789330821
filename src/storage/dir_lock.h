// One process per data directory: an exclusive flock(2) on DIR/suanli.lock, held while the
// DirLock lives.
//
// The platform keeps state in memory beside its files (the ledger's balances and next batch
// seq, the voucher index, the outbox it drains): a second process on the same directory would
// append ledger batches the first does not know of, run the first's pending moves again and
// leave both in error. flock is released by the kernel when the process dies, however it dies,
// so a crash never leaves a stale lock behind; the file itself stays and means nothing.
#pragma once

#include <filesystem>

#include "core/result.h"

namespace suanli::storage {

class DirLock {
 public:
  DirLock() = default;
  DirLock(DirLock&& other) noexcept : fd_(other.fd_) { other.fd_ = -1; }
  DirLock& operator=(DirLock&& other) noexcept;
  DirLock(const DirLock&) = delete;
  DirLock& operator=(const DirLock&) = delete;
  ~DirLock();

  // Takes DIR/suanli.lock without waiting. kConflict when another process holds it; kIo when
  // the file cannot be opened.
  static Result<DirLock> Acquire(const std::filesystem::path& dir);

  bool held() const { return fd_ >= 0; }

 private:
  explicit DirLock(int fd) : fd_(fd) {}
  int fd_ = -1;
};

}  // namespace suanli::storage
