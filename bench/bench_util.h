// What every program in bench/ shares: a seeded random source, a latency recorder with exact
// percentiles, process CPU time, and the one-line RESULT format that ledger_bench.sh parses
// (key=value pairs, so PostgreSQL's pgbench wrapper can print the same line from a shell).
#pragma once

#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include "core/check.h"

namespace suanli::bench {

using Clock = std::chrono::steady_clock;

// SplitMix64: tiny, fast and good enough to pick vouchers and bills; seeded per client so a
// run is reproducible from its seed.
class Random {
 public:
  explicit Random(std::uint64_t seed) : state_(seed) {}
  std::uint64_t Next() {
    std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }
  // Uniform in [lo, hi]; the modulo bias is below 2^-40 for the ranges used here.
  std::int64_t Between(std::int64_t lo, std::int64_t hi) {
    SUANLI_CHECK(lo <= hi);
    const auto span = static_cast<std::uint64_t>(hi - lo) + 1;
    return lo + static_cast<std::int64_t>(Next() % span);
  }

 private:
  std::uint64_t state_;
};

// Bills are 0.02–100.00 CNY; the deduction is 50 % of the bill rounded down to the fen, so
// every system in bench/ does the same arithmetic on the same distribution.
inline constexpr std::int64_t kBillFenMin = 2;  // so that 50 % of it is at least 1 fen
inline constexpr std::int64_t kBillFenMax = 10'000;
// Every voucher starts with 1,000,000.00 CNY, so no run can exhaust one: a deduction never
// fails for lack of funds, and the comparison is of the durable path only.
inline constexpr std::int64_t kVoucherFenInitial = 100'000'000;

// Latencies of one client, in µs. Bounded: a client stops recording (and the run stops) at
// kSamplesPerClientMax, far above what 60 s at this machine's rates produces.
class Latencies {
 public:
  static constexpr std::size_t kSamplesPerClientMax = 20'000'000;
  void Reserve(std::size_t n) { samples_us_.reserve(std::min(n, kSamplesPerClientMax)); }
  bool Full() const { return samples_us_.size() >= kSamplesPerClientMax; }
  void Add(Clock::duration d) {
    samples_us_.push_back(
        static_cast<std::uint32_t>(std::chrono::duration_cast<std::chrono::microseconds>(d)
                                       .count()));
  }
  const std::vector<std::uint32_t>& samples_us() const { return samples_us_; }

 private:
  std::vector<std::uint32_t> samples_us_;
};

struct Percentiles {
  std::uint32_t p50_us = 0;
  std::uint32_t p99_us = 0;
  std::uint32_t max_us = 0;
};

// Nearest-rank percentiles over every client's samples.
inline Percentiles ComputePercentiles(const std::vector<Latencies>& clients) {
  std::vector<std::uint32_t> all;
  for (const auto& c : clients) all.insert(all.end(), c.samples_us().begin(), c.samples_us().end());
  if (all.empty()) return {};
  std::sort(all.begin(), all.end());
  auto rank = [&](std::size_t pct) { return all[(all.size() * pct + 99) / 100 - 1]; };
  return {rank(50), rank(99), all.back()};
}

// User + system CPU time of the whole process (every thread), in µs.
inline std::int64_t ProcessCpuUs() {
  rusage ru{};
  SUANLI_CHECK(getrusage(RUSAGE_SELF, &ru) == 0);
  auto us = [](const timeval& tv) {
    return static_cast<std::int64_t>(tv.tv_sec) * 1'000'000 + tv.tv_usec;
  };
  return us(ru.ru_utime) + us(ru.ru_stime);
}

inline double Seconds(Clock::duration d) { return std::chrono::duration<double>(d).count(); }

}  // namespace suanli::bench
