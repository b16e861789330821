// One pass over a `sacct --parsable2` line: where its '|' separators are and where it ends.
//
// Why its own piece: splitting was a third of the ingest benchmark's time when it called memchr
// once for the line's end and once per field (thirteen calls a line on fields of ~10 bytes;
// docs/benchmarks-metering.md). Comparing 16 bytes at a time against '|' and '\n' and walking
// the bit masks finds all of a line's separators in about ten vector steps. x86-64 always has
// SSE2; elsewhere a byte loop does the same. CPUs with AVX2 take 64 bytes a step
// (BestSacctScan; 32 bytes a step: parse+rate 0.321 → 0.311 s; 64: 0.362 → 0.352 s).
#pragma once

#include <cstddef>
#include <cstdint>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif
#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#define SUANLI_SACCT_SCAN_AVX2 1
#endif

namespace suanli::network {

namespace scan_detail {
// One vector step at p, as the masks of its newlines and bars (bit i: byte p + i): records the
// bars before the first newline in bars[*n..max), counts them all in *n, and says whether the
// step holds a newline. Shared by the 16- and 32-byte scans (plain code, so it inlines into
// either).
inline bool TakeStep(const char* p, std::uint32_t nl_mask, std::uint32_t bar_mask,
                     const char** bars, std::size_t max, std::size_t* n) {
  if (nl_mask != 0) bar_mask &= (nl_mask & (0u - nl_mask)) - 1;  // only the bars before it
  for (; bar_mask != 0; bar_mask &= bar_mask - 1) {
    if (*n < max) bars[*n] = p + __builtin_ctz(bar_mask);
    ++*n;
  }
  return nl_mask != 0;
}
// TakeStep for a 64-byte step.
inline bool TakeStep64(const char* p, std::uint64_t nl_mask, std::uint64_t bar_mask,
                       const char** bars, std::size_t max, std::size_t* n) {
  if (nl_mask != 0) bar_mask &= (nl_mask & (0 - nl_mask)) - 1;  // only the bars before it
  for (; bar_mask != 0; bar_mask &= bar_mask - 1) {
    if (*n < max) bars[*n] = p + __builtin_ctzll(bar_mask);
    ++*n;
  }
  return nl_mask != 0;
}
}  // namespace scan_detail

// Scans from `p` to the first '\n' or `end`, whichever comes first, and returns that position
// (the line's end, newline excluded). Records the positions of the '|' before it in bars[0..max)
// and their total count in *count, which may exceed max (the caller reports too many fields;
// positions past max are not stored). Never reads at or past `end`.
inline const char* ScanSacctLine(const char* p, const char* end, const char** bars,
                                 std::size_t max, std::size_t* count) {
  std::size_t n = 0;
#if defined(__SSE2__)
  const __m128i newline = _mm_set1_epi8('\n');
  const __m128i bar = _mm_set1_epi8('|');
  while (end - p >= 16) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
    const auto nl_mask = static_cast<std::uint32_t>(_mm_movemask_epi8(_mm_cmpeq_epi8(v, newline)));
    const auto bar_mask = static_cast<std::uint32_t>(_mm_movemask_epi8(_mm_cmpeq_epi8(v, bar)));
    if (scan_detail::TakeStep(p, nl_mask, bar_mask, bars, max, &n)) {
      *count = n;
      return p + __builtin_ctz(nl_mask);
    }
    p += 16;
  }
#endif
  for (; p < end && *p != '\n'; ++p) {
    if (*p != '|') continue;
    if (n < max) bars[n] = p;
    ++n;
  }
  *count = n;
  return p;
}

using SacctScanFn = const char* (*)(const char*, const char*, const char**, std::size_t,
                                    std::size_t*);

#if defined(SUANLI_SACCT_SCAN_AVX2)
// The same scan with AVX2, 64 bytes a step while they last and then 32 (BestSacctScan checks at
// run time; the build itself targets plain x86-64). A line of ~150 bytes takes three steps
// instead of ten.
[[gnu::target("avx2")]] inline const char* ScanSacctLineAvx2(const char* p, const char* end,
                                                             const char** bars, std::size_t max,
                                                             std::size_t* count) {
  std::size_t n = 0;
  const __m256i newline = _mm256_set1_epi8('\n');
  const __m256i bar = _mm256_set1_epi8('|');
  // 64 bytes a step while they last: a line of ~150 bytes in three steps, and so three exits
  // of TakeStep's bar loop (each a likely mispredicted branch) instead of five.
  while (end - p >= 64) {
    const __m256i lo = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p));
    const __m256i hi = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + 32));
    const std::uint64_t nl_mask =
        static_cast<std::uint32_t>(_mm256_movemask_epi8(_mm256_cmpeq_epi8(lo, newline))) |
        std::uint64_t{static_cast<std::uint32_t>(
            _mm256_movemask_epi8(_mm256_cmpeq_epi8(hi, newline)))} << 32;
    const std::uint64_t bar_mask =
        static_cast<std::uint32_t>(_mm256_movemask_epi8(_mm256_cmpeq_epi8(lo, bar))) |
        std::uint64_t{static_cast<std::uint32_t>(_mm256_movemask_epi8(_mm256_cmpeq_epi8(hi, bar)))}
            << 32;
    if (scan_detail::TakeStep64(p, nl_mask, bar_mask, bars, max, &n)) {
      *count = n;
      return p + __builtin_ctzll(nl_mask);
    }
    p += 64;
  }
  while (end - p >= 32) {
    const __m256i v = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p));
    const auto nl_mask =
        static_cast<std::uint32_t>(_mm256_movemask_epi8(_mm256_cmpeq_epi8(v, newline)));
    const auto bar_mask =
        static_cast<std::uint32_t>(_mm256_movemask_epi8(_mm256_cmpeq_epi8(v, bar)));
    if (scan_detail::TakeStep(p, nl_mask, bar_mask, bars, max, &n)) {
      *count = n;
      return p + __builtin_ctz(nl_mask);
    }
    p += 32;
  }
  // The last 0–31 bytes: the narrow scan, its bars after these.
  std::size_t rest = 0;
  const char* stop =
      ScanSacctLine(p, end, n < max ? bars + n : bars, n < max ? max - n : 0, &rest);
  *count = n + rest;
  return stop;
}
#endif

// The widest scan this CPU runs.
inline SacctScanFn BestSacctScan() {
#if defined(SUANLI_SACCT_SCAN_AVX2)
  if (__builtin_cpu_supports("avx2")) return &ScanSacctLineAvx2;
#endif
  return &ScanSacctLine;
}

}  // namespace suanli::network
