// The disk's durable-write latency right now: appends 4 KiB and fdatasyncs, `--count` times
// (bounded by `--seconds` too), and prints p50/p99 as a RESULT line. ledger_bench.sh runs it
// before each repeat, so a reader can tell a slow disk from a slow system: on a shared virtual
// disk fsync moves between ~0.2 ms and several ms, and every figure here moves with it.
#include <fcntl.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cstring>
#include <string>
#include <vector>

#include "bench/bench_util.h"

int main(int argc, char** argv) {
  std::string path;
  int count = 300;
  double seconds = 3.0;
  CLI::App app{"fdatasync latency of 4 KiB appends"};
  app.add_option("--file", path, "scratch file (created, then removed)")->required();
  app.add_option("--count", count, "fdatasyncs")->check(CLI::Range(1, 100'000));
  app.add_option("--seconds", seconds, "stop after this long")->check(CLI::Range(0.1, 60.0));
  CLI11_PARSE(app, argc, argv);

  using suanli::bench::Clock;
  const int fd = ::open(path.c_str(), O_CREAT | O_TRUNC | O_WRONLY, 0644);
  SUANLI_CHECK(fd >= 0);
  std::vector<char> page(4096);
  std::memset(page.data(), 'x', page.size());
  std::vector<suanli::bench::Latencies> lat(1);
  const auto end = Clock::now() + std::chrono::duration_cast<Clock::duration>(
                                      std::chrono::duration<double>(seconds));
  for (int i = 0; i < count && Clock::now() < end; ++i) {
    const auto t0 = Clock::now();
    SUANLI_CHECK(::pwrite(fd, page.data(), page.size(),
                          static_cast<off_t>(i) * static_cast<off_t>(page.size())) ==
                 static_cast<ssize_t>(page.size()));
    SUANLI_CHECK(::fdatasync(fd) == 0);
    lat[0].Add(Clock::now() - t0);
  }
  ::close(fd);
  ::unlink(path.c_str());
  const auto p = suanli::bench::ComputePercentiles(lat);
  std::printf("RESULT system=fsync vouchers=0 clients=1 k=1 deductions=%zu p50_us=%u p99_us=%u\n",
              lat[0].samples_us().size(), p.p50_us, p.p99_us);
  return 0;
}
