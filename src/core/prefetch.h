// A cache-line prefetch that the compiler cannot drop.
#pragma once

namespace suanli {

// Starts loading the cache line holding `p` into all cache levels. A hint: it never faults,
// whatever `p` is (nullptr included), and changes nothing a program can observe.
//
// Why not __builtin_prefetch: GCC 12 at -O2 silently drops some of them. Seen in the ledger's
// key index: a prefetch of `slots + (uint32 tag & uint64 mask)`, and one guarded by `if
// (slots)`, left no instruction at all, so every new key's lookup missed the cache (about half
// of the ledger writer's time at K = 64; docs/benchmarks.md). An asm volatile statement is
// never removed.
inline void PrefetchLine(const void* p) {
#if defined(__x86_64__)
  asm volatile("prefetcht0 (%0)" : : "r"(p));
#else
  __builtin_prefetch(p);
#endif
}

}  // namespace suanli
