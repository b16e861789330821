// How fast read(2) copies a cached file into a buffer at a given offset from a cache line: the
// figure behind IngestSacctFile's aligned buffer (docs/benchmarks-metering.md). Reads FILE in
// CHUNK-KiB reads into a buffer OFFSET bytes past a 4 KiB boundary and prints the best wall
// time of RUNS passes. Run the file once first so it is in the page cache.
//
//   read_copy_probe FILE [CHUNK_KIB=256] [OFFSET=0] [RUNS=5]
#include <fcntl.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <memory>

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: read_copy_probe FILE [CHUNK_KIB] [OFFSET] [RUNS]\n");
    return 2;
  }
  const std::size_t chunk = (argc > 2 ? std::strtoul(argv[2], nullptr, 10) : 256) << 10;
  const std::size_t offset = argc > 3 ? std::strtoul(argv[3], nullptr, 10) : 0;
  const int runs = argc > 4 ? std::atoi(argv[4]) : 5;
  if (chunk == 0 || offset >= 4096 || runs < 1) return 2;
  struct Free {
    void operator()(char* p) const { std::free(p); }
  };
  const std::unique_ptr<char, Free> raw(static_cast<char*>(std::aligned_alloc(4096, chunk + 4096)));
  char* const buf = raw.get() + offset;
  double best = 1e9;
  unsigned long long bytes = 0;
  for (int r = 0; r < runs; ++r) {
    const int fd = ::open(argv[1], O_RDONLY);
    if (fd < 0) return 2;
    bytes = 0;
    const auto t0 = std::chrono::steady_clock::now();
    for (ssize_t n; (n = ::read(fd, buf, chunk)) > 0;) bytes += static_cast<unsigned long long>(n);
    const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    ::close(fd);
    if (s < best) best = s;
  }
  std::printf("RESULT chunk_kib=%zu offset=%zu bytes=%llu best_s=%.4f gb_per_s=%.2f\n", chunk >> 10,
              offset, bytes, best, static_cast<double>(bytes) / 1e9 / best);
  return 0;
}
