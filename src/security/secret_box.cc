#include "security/secret_box.h"

#include <fcntl.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <stdio.h>  // renameat2 (glibc >= 2.28)
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>

#include "core/check.h"
#include "security/base64.h"
#include "security/token.h"

namespace suanli::security {
namespace {

constexpr std::string_view kSealPrefix = "v1.";
constexpr std::string_view kKeyField = "key_file";

struct CipherCtxFree {
  void operator()(EVP_CIPHER_CTX* ctx) const { EVP_CIPHER_CTX_free(ctx); }
};
using CipherCtx = std::unique_ptr<EVP_CIPHER_CTX, CipherCtxFree>;

// Closes a file descriptor on every path out of a function.
class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }
  // Closes now, reporting failure (a close error after write can mean lost data).
  bool Close() {
    const int rc = ::close(fd_);
    fd_ = -1;
    return rc == 0;
  }

 private:
  int fd_;
};

// 32 key bytes that wipe themselves.
struct KeyBytes {
  std::array<unsigned char, kSecretBoxKeyBytes> bytes{};
  ~KeyBytes() { OPENSSL_cleanse(bytes.data(), bytes.size()); }
};

Error FileError(const std::filesystem::path& path, std::string what, int err) {
  std::string message = "key file " + path.string() + ": " + std::move(what);
  if (err != 0) message += std::string(": ") + std::strerror(err);
  return MakeError(ErrorCode::kIo, std::string(kKeyField), std::move(message));
}

std::string OctalMode(mode_t mode) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "%04o", static_cast<unsigned>(mode & 07777));
  return buf;
}

// Reads the key from an open key file, checking type, permissions and size on the open file
// itself (fstat), so that what is checked is what is read.
Status ReadKey(int fd, const std::filesystem::path& path, KeyBytes* key) {
  struct stat st {};
  if (::fstat(fd, &st) != 0) return FileError(path, "cannot stat", errno);
  if (!S_ISREG(st.st_mode)) return FileError(path, "is not a regular file", 0);
  if ((st.st_mode & 077) != 0) {
    return FileError(path,
                     "grants access to group or others (mode " + OctalMode(st.st_mode) +
                         "); it must be readable by its owner only: chmod 600 it",
                     0);
  }
  if (st.st_size != static_cast<off_t>(kSecretBoxKeyBytes)) {
    return FileError(path,
                     "must hold exactly " + std::to_string(kSecretBoxKeyBytes) +
                         " bytes; it holds " + std::to_string(st.st_size),
                     0);
  }
  std::size_t got = 0;
  while (got < key->bytes.size()) {
    const ssize_t n = ::read(fd, key->bytes.data() + got, key->bytes.size() - got);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return FileError(path, "cannot read", errno);
    if (n == 0) return FileError(path, "ended early while reading", 0);
    got += static_cast<std::size_t>(n);
  }
  return OkStatus();
}

Status WriteAll(int fd, const unsigned char* data, std::size_t size,
                const std::filesystem::path& path) {
  std::size_t done = 0;
  while (done < size) {
    const ssize_t n = ::write(fd, data + done, size - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return FileError(path, "cannot write", errno);
    done += static_cast<std::size_t>(n);
  }
  return OkStatus();
}

// Moves `from` to `to` unless `to` exists (then false with errno EEXIST).
bool RenameNoReplace(const std::filesystem::path& from, const std::filesystem::path& to) {
  if (::renameat2(AT_FDCWD, from.c_str(), AT_FDCWD, to.c_str(), RENAME_NOREPLACE) == 0) {
    return true;
  }
  if (errno != EINVAL && errno != ENOSYS) return false;
  // The file system lacks RENAME_NOREPLACE: link() also refuses to replace.
  if (::link(from.c_str(), to.c_str()) != 0) return false;
  ::unlink(from.c_str());
  return true;
}

Status SyncFolder(const std::filesystem::path& file) {
  std::filesystem::path folder = file.parent_path();
  if (folder.empty()) folder = ".";
  Fd dir(::open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (dir.get() < 0) return FileError(file, "cannot open its folder to sync", errno);
  if (::fsync(dir.get()) != 0) return FileError(file, "cannot sync its folder", errno);
  return OkStatus();
}

// Creates `path` holding a new random key. Returns false (and no error) if another process
// created it first; the caller then loads that one.
Result<bool> CreateKeyFile(const std::filesystem::path& path, KeyBytes* key) {
  const std::string random = RandomBytes(kSecretBoxKeyBytes);
  std::memcpy(key->bytes.data(), random.data(), key->bytes.size());
  OPENSSL_cleanse(const_cast<char*>(random.data()), random.size());

  std::filesystem::path tmp = path;
  tmp += ".tmp-" + NewApiKeyId();  // 64 random bits: no clash with another creator
  Fd fd(::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600));
  if (fd.get() < 0) return FileError(path, "cannot create " + tmp.string(), errno);
  Status written = WriteAll(fd.get(), key->bytes.data(), key->bytes.size(), path);
  if (written.ok() && ::fsync(fd.get()) != 0) written = FileError(path, "cannot fsync", errno);
  if (written.ok() && !fd.Close()) written = FileError(path, "cannot close", errno);
  if (!written.ok()) {
    ::unlink(tmp.c_str());
    return written.error();
  }
  if (!RenameNoReplace(tmp, path)) {
    const int err = errno;
    ::unlink(tmp.c_str());
    if (err == EEXIST) return false;
    return FileError(path, "cannot move " + tmp.string() + " into place", err);
  }
  SUANLI_TRY(SyncFolder(path));
  return true;
}

Result<std::string> Decode(std::string_view sealed) {
  const auto parse_error = [] {
    return MakeError(ErrorCode::kParse, "sealed",
                     "not a sealed value (expected \"v1.\" and base64url)");
  };
  if (sealed.substr(0, kSealPrefix.size()) != kSealPrefix) return parse_error();
  auto bytes = Base64Decode(sealed.substr(kSealPrefix.size()), Base64Alphabet::kUrl);
  if (!bytes || bytes->size() < kSecretBoxNonceBytes + kSecretBoxTagBytes) return parse_error();
  return std::move(*bytes);
}

const unsigned char* U(const char* p) { return reinterpret_cast<const unsigned char*>(p); }
unsigned char* U(char* p) { return reinterpret_cast<unsigned char*>(p); }

}  // namespace

Result<SecretBox> SecretBox::LoadOrCreate(const std::filesystem::path& key_file) {
  KeyBytes key;
  // At most two rounds: a creation race lost to another process means its file now exists.
  for (int round = 0; round < 2; ++round) {
    Fd fd(::open(key_file.c_str(), O_RDONLY | O_CLOEXEC));
    if (fd.get() >= 0) {
      SUANLI_TRY(ReadKey(fd.get(), key_file, &key));
      return SecretBox(key.bytes.data());
    }
    if (errno != ENOENT) return FileError(key_file, "cannot open", errno);
    SUANLI_ASSIGN(const bool created, CreateKeyFile(key_file, &key));
    if (created) return SecretBox(key.bytes.data());
  }
  return FileError(key_file, "appeared and vanished while being created", 0);
}

Result<SecretBox> SecretBox::FromKey(std::string_view key) {
  if (key.size() != kSecretBoxKeyBytes) {
    return MakeError(ErrorCode::kOutOfRange, "key",
                     "a key must be exactly " + std::to_string(kSecretBoxKeyBytes) + " bytes");
  }
  return SecretBox(U(key.data()));
}

SecretBox::SecretBox(const unsigned char* key) { std::memcpy(key_.data(), key, key_.size()); }

SecretBox::SecretBox(SecretBox&& other) noexcept : key_(other.key_) {
  OPENSSL_cleanse(other.key_.data(), other.key_.size());
}

SecretBox& SecretBox::operator=(SecretBox&& other) noexcept {
  if (this != &other) {
    key_ = other.key_;
    OPENSSL_cleanse(other.key_.data(), other.key_.size());
  }
  return *this;
}

SecretBox::~SecretBox() { OPENSSL_cleanse(key_.data(), key_.size()); }

Result<std::string> SecretBox::Seal(std::string_view plaintext,
                                    std::string_view associated_data) const {
  if (plaintext.size() > kSecretBoxPlaintextBytesMax) {
    return MakeError(ErrorCode::kOutOfRange, "plaintext",
                     "longer than " + std::to_string(kSecretBoxPlaintextBytesMax) + " bytes");
  }
  if (associated_data.size() > kSecretBoxAssociatedBytesMax) {
    return MakeError(ErrorCode::kOutOfRange, "associated_data",
                     "longer than " + std::to_string(kSecretBoxAssociatedBytesMax) + " bytes");
  }
  // Layout: nonce | ciphertext (same length as the plaintext) | tag.
  std::string out = RandomBytes(kSecretBoxNonceBytes);
  out.resize(kSecretBoxNonceBytes + plaintext.size() + kSecretBoxTagBytes);
  unsigned char* nonce = U(out.data());
  unsigned char* ciphertext = nonce + kSecretBoxNonceBytes;
  unsigned char* tag = ciphertext + plaintext.size();

  CipherCtx ctx(EVP_CIPHER_CTX_new());
  SUANLI_CHECK(ctx != nullptr);
  int n = 0;
  SUANLI_CHECK(EVP_EncryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, key_.data(), nonce) == 1);
  SUANLI_CHECK(EVP_EncryptUpdate(ctx.get(), nullptr, &n, U(associated_data.data()),
                                 static_cast<int>(associated_data.size())) == 1);
  SUANLI_CHECK(EVP_EncryptUpdate(ctx.get(), ciphertext, &n, U(plaintext.data()),
                                 static_cast<int>(plaintext.size())) == 1);
  SUANLI_CHECK(static_cast<std::size_t>(n) == plaintext.size());
  SUANLI_CHECK(EVP_EncryptFinal_ex(ctx.get(), ciphertext + n, &n) == 1 && n == 0);
  SUANLI_CHECK(EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG,
                                   static_cast<int>(kSecretBoxTagBytes), tag) == 1);
  return std::string(kSealPrefix) + Base64Encode(out, Base64Alphabet::kUrl);
}

Result<std::string> SecretBox::Open(std::string_view sealed,
                                    std::string_view associated_data) const {
  if (sealed.size() > kSealPrefix.size() + (kSecretBoxPlaintextBytesMax + 64) * 4 / 3 ||
      associated_data.size() > kSecretBoxAssociatedBytesMax) {
    return MakeError(ErrorCode::kOutOfRange, "sealed", "longer than any sealed value");
  }
  SUANLI_ASSIGN(std::string bytes, Decode(sealed));
  const std::size_t text_size = bytes.size() - kSecretBoxNonceBytes - kSecretBoxTagBytes;
  const unsigned char* nonce = U(bytes.data());
  const unsigned char* ciphertext = nonce + kSecretBoxNonceBytes;
  const unsigned char* tag = ciphertext + text_size;

  std::string plaintext(text_size, '\0');
  CipherCtx ctx(EVP_CIPHER_CTX_new());
  SUANLI_CHECK(ctx != nullptr);
  int n = 0;
  SUANLI_CHECK(EVP_DecryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, key_.data(), nonce) == 1);
  SUANLI_CHECK(EVP_DecryptUpdate(ctx.get(), nullptr, &n, U(associated_data.data()),
                                 static_cast<int>(associated_data.size())) == 1);
  SUANLI_CHECK(EVP_DecryptUpdate(ctx.get(), U(plaintext.data()), &n, ciphertext,
                                 static_cast<int>(text_size)) == 1);
  SUANLI_CHECK(static_cast<std::size_t>(n) == text_size);
  // EVP_CIPHER_CTX_ctrl takes a non-const pointer even to set the expected tag.
  SUANLI_CHECK(EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG,
                                   static_cast<int>(kSecretBoxTagBytes),
                                   const_cast<unsigned char*>(tag)) == 1);
  if (EVP_DecryptFinal_ex(ctx.get(), U(plaintext.data()) + n, &n) != 1) {
    OPENSSL_cleanse(plaintext.data(), plaintext.size());
    return MakeError(ErrorCode::kInvalidCode, "sealed",
                     "authentication failed: the value was altered, or sealed under another key "
                     "or other associated data");
  }
  return plaintext;
}

}  // namespace suanli::security
