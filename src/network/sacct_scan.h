// One pass over a `sacct --parsable2` line: where its '|' separators are and where it ends.
//
// Why its own piece: splitting was a third of the ingest benchmark's time when it called memchr
// once for the line's end and once per field (thirteen calls a line on fields of ~10 bytes;
// docs/benchmarks-metering.md). Comparing 16 bytes at a time against '|' and '\n' and walking
// the bit masks finds all of a line's separators in about ten vector steps. x86-64 always has
// SSE2; elsewhere a byte loop does the same.
#pragma once

#include <cstddef>
#include <cstdint>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace suanli::network {

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
    auto bar_mask = static_cast<std::uint32_t>(_mm_movemask_epi8(_mm_cmpeq_epi8(v, bar)));
    if (nl_mask != 0) bar_mask &= (nl_mask & (0u - nl_mask)) - 1;  // only the bars before it
    for (; bar_mask != 0; bar_mask &= bar_mask - 1) {
      if (n < max) bars[n] = p + __builtin_ctz(bar_mask);
      ++n;
    }
    if (nl_mask != 0) {
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

}  // namespace suanli::network
