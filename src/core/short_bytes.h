// Equality and hashing of the short names usage keys are made of (cluster, job id, step,
// account, a TRES text: a few to a few dozen bytes): the usage store, the rater and the sacct
// parser.
//
// Why not memcmp and std::hash: both are out-of-line calls built for long inputs; the usage
// store compares and hashes a few short names per record, millions of times in an ingest,
// where the calls themselves were ~8 % of its time (docs/benchmarks-metering.md). Up to 64
// bytes are compared as words (the last one overlapping), never reading past either string;
// longer ones go through memcmp.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

namespace suanli {

namespace short_bytes_detail {
inline std::uint64_t Load64(const char* p) {
  std::uint64_t v;
  std::memcpy(&v, p, 8);
  return v;
}
inline std::uint32_t Load32(const char* p) {
  std::uint32_t v;
  std::memcpy(&v, p, 4);
  return v;
}
}  // namespace short_bytes_detail

inline bool ShortEqual(std::string_view a, std::string_view b) {
  using short_bytes_detail::Load32;
  using short_bytes_detail::Load64;
  const std::size_t n = a.size();
  if (n != b.size()) return false;
  const char* x = a.data();
  const char* y = b.data();
  if (n >= 8) {
    if (n > 64) return std::memcmp(x, y, n) == 0;
    std::uint64_t diff = Load64(x + n - 8) ^ Load64(y + n - 8);  // the last word, overlapping
    for (std::size_t i = 0; i + 8 < n; i += 8) diff |= Load64(x + i) ^ Load64(y + i);
    return diff == 0;
  }
  if (n >= 4) return ((Load32(x) ^ Load32(y)) | (Load32(x + n - 4) ^ Load32(y + n - 4))) == 0;
  for (std::size_t i = 0; i < n; ++i) {
    if (x[i] != y[i]) return false;
  }
  return true;
}

// A 64-bit hash of the bytes, for tables that mix it further (boost's flat maps do unless a
// hash declares itself avalanching): word-at-a-time multiply and xor-shift.
inline std::uint64_t ShortHash(std::string_view s) {
  using short_bytes_detail::Load32;
  using short_bytes_detail::Load64;
  constexpr std::uint64_t kMul = 0x9e3779b97f4a7c15ULL;
  const char* p = s.data();
  std::size_t n = s.size();
  std::uint64_t h = n * kMul;
  const auto mix = [&h](std::uint64_t w) {
    h = (h ^ w) * kMul;
    h ^= h >> 29;
  };
  while (n > 16) {
    mix(Load64(p));
    p += 8;
    n -= 8;
  }
  if (n >= 8) {
    mix(Load64(p));
    mix(Load64(p + n - 8));
  } else if (n >= 4) {
    mix((std::uint64_t{Load32(p)} << 32) | Load32(p + n - 4));
  } else if (n > 0) {
    mix((std::uint64_t{static_cast<unsigned char>(p[0])} << 16) |
        (std::uint64_t{static_cast<unsigned char>(p[n / 2])} << 8) |
        static_cast<unsigned char>(p[n - 1]));
  }
  return h;
}

// Hash and equality for tables of short std::string keys, looked up by string_view without
// building a string (transparent) and without a library call per probe.
struct ShortStringHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view s) const noexcept { return ShortHash(s); }
};
struct ShortStringEqual {
  using is_transparent = void;
  bool operator()(std::string_view a, std::string_view b) const noexcept {
    return ShortEqual(a, b);
  }
};

}  // namespace suanli
