// The anchor file: one line of JSON, {"seq":123,"hash":"<64 hex>"}, replaced atomically.
#include <fcntl.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <fstream>

#include "audit/audit_log.h"

namespace suanli::audit {
namespace {

// An anchor is one short line; anything larger is not an anchor (and is not read whole).
constexpr std::size_t kAnchorBytesMax = 4096;

Error IoError(const std::filesystem::path& file, const std::string& what) {
  return MakeError(ErrorCode::kIo, file.string(), what + ": " + std::strerror(errno));
}

Status WriteAll(int fd, const std::string& text, const std::filesystem::path& file) {
  std::size_t done = 0;
  while (done < text.size()) {
    const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return IoError(file, "write");
    done += static_cast<std::size_t>(n);
  }
  return OkStatus();
}

Status FsyncDirectory(const std::filesystem::path& dir) {
  const int fd = ::open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return IoError(dir, "open directory");
  const int rc = ::fsync(fd);
  ::close(fd);
  if (rc != 0) return IoError(dir, "fsync directory");
  return OkStatus();
}

bool IsHex64(const std::string& s) {
  if (s.size() != kGenesisHash.size()) return false;
  for (const char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

}  // namespace

Status WriteAnchor(const std::filesystem::path& file, const Anchor& anchor) {
  boost::json::object o;
  o["seq"] = anchor.seq;
  o["hash"] = anchor.hash;
  const std::string text = boost::json::serialize(o) + "\n";
  // The temporary name carries the pid and a per-process count, so that neither two processes
  // nor two threads of one (the platform's steps and its settlement journal) share it.
  static std::atomic<std::uint64_t> writes{0};
  std::filesystem::path tmp = file;
  tmp += ".tmp." + std::to_string(::getpid()) + "." + std::to_string(writes.fetch_add(1));
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return IoError(tmp, "create");
  Status written = WriteAll(fd, text, tmp);
  if (written.ok() && ::fsync(fd) != 0) written = IoError(tmp, "fsync");
  if (::close(fd) != 0 && written.ok()) written = IoError(tmp, "close");
  if (written.ok() && ::rename(tmp.c_str(), file.c_str()) != 0) written = IoError(file, "rename");
  if (!written.ok()) {
    ::unlink(tmp.c_str());
    return written;
  }
  return FsyncDirectory(file.parent_path());
}

Status AnchorFile::Advance(const Anchor& anchor) {
  std::lock_guard lock(mu_);
  if (anchor.seq <= written_seq_) return OkStatus();
  SUANLI_TRY(WriteAnchor(file_, anchor));
  written_seq_ = anchor.seq;
  return OkStatus();
}

Result<std::optional<Anchor>> ReadAnchor(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    std::error_code ec;
    if (!std::filesystem::exists(file, ec) && !ec) return std::optional<Anchor>();
    return MakeError(ErrorCode::kIo, file.string(), "cannot open the anchor file");
  }
  std::string text(kAnchorBytesMax + 1, '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  text.resize(static_cast<std::size_t>(in.gcount()));
  const auto bad = [&](const std::string& why) {
    return MakeError(ErrorCode::kParse, file.string(), "not an audit anchor: " + why);
  };
  if (text.size() > kAnchorBytesMax)
    return bad("larger than " + std::to_string(kAnchorBytesMax) + " bytes");
  boost::system::error_code ec;
  const boost::json::value v = boost::json::parse(text, ec);
  if (ec) return bad(ec.message());
  const auto* o = v.if_object();
  const auto* seq = o ? o->if_contains("seq") : nullptr;
  const auto* hash = o ? o->if_contains("hash") : nullptr;
  if (!seq || !seq->is_int64() || seq->as_int64() < 0)
    return bad("\"seq\" must be an integer >= 0");
  if (!hash || !hash->is_string() || !IsHex64(std::string(hash->as_string()))) {
    return bad("\"hash\" must be 64 lower-case hex digits");
  }
  return std::optional<Anchor>(Anchor{seq->as_int64(), std::string(hash->as_string())});
}

}  // namespace suanli::audit
