#include "storage/dir_lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

namespace suanli::storage {

DirLock& DirLock::operator=(DirLock&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = other.fd_;
    other.fd_ = -1;
  }
  return *this;
}

DirLock::~DirLock() {
  if (fd_ >= 0) ::close(fd_);  // releases the flock
}

Result<DirLock> DirLock::Acquire(const std::filesystem::path& dir) {
  const std::filesystem::path file = dir / "suanli.lock";
  const int fd = ::open(file.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) {
    return MakeError(ErrorCode::kIo, file.string(), std::string("cannot open: ") + std::strerror(errno));
  }
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    const int err = errno;
    ::close(fd);
    if (err == EWOULDBLOCK) {
      return MakeError(ErrorCode::kConflict, dir.string(),
                       "another Suanli process has this data directory open (stop it first)");
    }
    return MakeError(ErrorCode::kIo, file.string(), std::string("cannot lock: ") + std::strerror(err));
  }
  return DirLock(fd);
}

}  // namespace suanli::storage
