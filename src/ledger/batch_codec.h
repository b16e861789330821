// The binary encoding of a batch body: a version byte, then records (account creation,
// transfer, auto-void) in the order they were applied. Integers are LEB128 varints (signed ones
// zigzag), so a typical transfer record is ~40 bytes plus its key. Written out in
// docs/ledger.md; changing it needs a new version byte.
#pragma once

#include <algorithm>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "core/check.h"

namespace suanli::ledger::codec {

inline constexpr std::uint8_t kBodyVersion = 1;

enum RecordTag : std::uint8_t {
  kTagAccount = 1,   // an account creation
  kTagTransfer = 2,  // a transfer (posted, pending, post-pending or void-pending)
  kTagAutoVoid = 3,  // a pending transfer voided by its timeout
};

// Encodes one record into a fixed buffer and appends it to the body when destroyed: one
// memcpy per record instead of a capacity check per byte.
class Writer {
 public:
  // tag + key (1 + 64) + at most 14 varints of 10 bytes: the largest record.
  static constexpr std::size_t kRecordBytesMax = 256;

  explicit Writer(std::vector<std::uint8_t>* out) : out_(out) {}
  ~Writer() { out_->insert(out_->end(), buf_, buf_ + n_); }
  Writer(const Writer&) = delete;
  Writer& operator=(const Writer&) = delete;

  void U8(std::uint8_t v) {
    SUANLI_CHECK(n_ < kRecordBytesMax);
    buf_[n_++] = v;
  }
  void Var(std::uint64_t v) {
    SUANLI_CHECK(n_ + 10 <= kRecordBytesMax);
    while (v >= 0x80) {
      buf_[n_++] = static_cast<std::uint8_t>(v | 0x80);
      v >>= 7;
    }
    buf_[n_++] = static_cast<std::uint8_t>(v);
  }
  void SVar(std::int64_t v) {
    Var((static_cast<std::uint64_t>(v) << 1) ^ static_cast<std::uint64_t>(v >> 63));
  }
  void Bytes(std::string_view s) {
    Var(s.size());
    SUANLI_CHECK(n_ + s.size() <= kRecordBytesMax);
    std::copy(s.begin(), s.end(), buf_ + n_);
    n_ += s.size();
  }

 private:
  std::vector<std::uint8_t>* out_;
  std::uint8_t buf_[kRecordBytesMax];
  std::size_t n_ = 0;
};

// Reads a body; any malformation sets a sticky failure (ok() false) and yields zeros.
class Reader {
 public:
  explicit Reader(std::span<const std::uint8_t> in) : in_(in) {}
  bool ok() const { return ok_; }
  bool done() const { return pos_ == in_.size(); }
  std::uint8_t U8() {
    if (pos_ >= in_.size()) return Fail();
    return in_[pos_++];
  }
  std::uint64_t Var() {
    std::uint64_t v = 0;
    // A 64-bit varint has at most 10 bytes: the loop limit.
    for (int shift = 0; shift < 70; shift += 7) {
      if (pos_ >= in_.size()) return Fail();
      const std::uint8_t b = in_[pos_++];
      v |= std::uint64_t{b & 0x7fu} << shift;
      if ((b & 0x80) == 0) return v;
    }
    return Fail();
  }
  std::int64_t SVar() {
    const std::uint64_t u = Var();
    return static_cast<std::int64_t>(u >> 1) ^ -static_cast<std::int64_t>(u & 1);
  }
  std::string_view Bytes(std::size_t max_bytes) {
    const std::uint64_t n = Var();
    if (!ok_ || n > max_bytes || n > in_.size() - pos_) {
      Fail();
      return {};
    }
    std::string_view s(reinterpret_cast<const char*>(in_.data() + pos_), n);
    pos_ += n;
    return s;
  }

 private:
  std::uint8_t Fail() {
    ok_ = false;
    pos_ = in_.size();
    return 0;
  }
  std::span<const std::uint8_t> in_;
  std::size_t pos_ = 0;
  bool ok_ = true;
};

}  // namespace suanli::ledger::codec
