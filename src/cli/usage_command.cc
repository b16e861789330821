// `suanli usage ingest FILE`: reads a `sacct --parsable2` file, rates every line with a price
// file and stores it durably and idempotently in a usage store (docs/metering.md). Prints each
// refused line (line, column, reason), the counts and the rated total; a progress bar on stderr
// when stderr is a terminal and the file is large. Exit codes: 0 every line ingested or already
// ingested; 2 some lines refused (the good ones are stored), a bad price file, an unreadable
// input or bad usage; 3 the store failed (what it committed before stays committed).
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

#include "cli/commands.h"
#include "core/money.h"
#include "metering/ingest.h"
#include "metering/price_file.h"
#include "metering/usage_store.h"

namespace suanli::cli {
namespace {

constexpr int kExitRejected = 2;
constexpr int kExitStore = 3;
// Below this a file ingests in well under a second: no bar.
constexpr std::uint64_t kProgressBytesMin = 16 << 20;
// Refused lines printed one per line; past this only counted (a garbage file is one mistake).
constexpr std::size_t kRejectsPrintedMax = 1000;

struct Options {
  std::string file;
  std::string data = "data/usage";
  std::string cluster;
  std::string prices;  // default: DATA/prices.toml
  bool dry_run = false;
};

// The input file, open for reading; closed on destruction.
class InputFile {
 public:
  static Result<std::unique_ptr<InputFile>> Open(const std::string& path) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return MakeError(ErrorCode::kNotFound, path, "cannot open the usage file");
    auto f = std::unique_ptr<InputFile>(new InputFile(fd));
    struct stat st {};
    if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
      return MakeError(ErrorCode::kIo, path, "not a regular file");
    }
    f->size_ = static_cast<std::uint64_t>(st.st_size);
    ::posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
    return f;
  }
  ~InputFile() { ::close(fd_); }
  int fd() const { return fd_; }
  std::uint64_t size() const { return size_; }

 private:
  explicit InputFile(int fd) : fd_(fd) {}
  int fd_;
  std::uint64_t size_ = 0;
};

// "[#########...........]  45%  120/266 MB" redrawn in place at most ten times a second.
class ProgressBar {
 public:
  explicit ProgressBar(std::uint64_t total_bytes) : total_(total_bytes) {}
  void Update(std::uint64_t done) {
    const auto now = std::chrono::steady_clock::now();
    if (done < total_ && now - last_ < std::chrono::milliseconds(100)) return;
    last_ = now;
    constexpr int kWidth = 30;
    const auto filled = static_cast<int>(done * kWidth / std::max<std::uint64_t>(total_, 1));
    std::string bar(static_cast<std::size_t>(filled), '#');
    bar.resize(kWidth, '.');
    std::fprintf(stderr, "\r[%s] %3d%%  %llu/%llu MB", bar.c_str(),
                 static_cast<int>(done * 100 / std::max<std::uint64_t>(total_, 1)),
                 static_cast<unsigned long long>(done >> 20),
                 static_cast<unsigned long long>(total_ >> 20));
    if (done >= total_) std::fprintf(stderr, "\n");
  }

 private:
  std::uint64_t total_;
  std::chrono::steady_clock::time_point last_{};
};

void PrintReport(const metering::IngestReport& r, const std::string& file) {
  const std::size_t shown = std::min(r.rejects.size(), kRejectsPrintedMax);
  for (std::size_t i = 0; i < shown; ++i) {
    std::printf("%s: %s\n", file.c_str(), r.rejects[i].ToString().c_str());
  }
  if (r.rejected > shown) {
    std::printf("%s: ... and %llu more refused lines\n", file.c_str(),
                static_cast<unsigned long long>(r.rejected - shown));
  }
  std::printf(
      "%llu lines: %llu ingested (%llu billed, %llu steps, %llu never ran), "
      "%llu already ingested, %llu rejected\n",
      static_cast<unsigned long long>(r.lines), static_cast<unsigned long long>(r.ingested),
      static_cast<unsigned long long>(r.billed), static_cast<unsigned long long>(r.steps),
      static_cast<unsigned long long>(r.never_ran), static_cast<unsigned long long>(r.already),
      static_cast<unsigned long long>(r.rejected));
  std::printf("rated amount of the newly ingested lines: %s (%lld fen)\n",
              Money::FromFen(r.amount_fen).FormatYuan().c_str(),
              static_cast<long long>(r.amount_fen));
}

int Ingest(const Options& o) {
  const std::string prices =
      o.prices.empty() ? (std::filesystem::path(o.data) / "prices.toml").string() : o.prices;
  auto rater = metering::LoadRater(prices);
  if (!rater.ok()) {
    std::fprintf(stderr, "price file: %s\n", rater.error().ToString().c_str());
    return 2;
  }
  metering::Rater rating = std::move(rater).value();
  SystemClock clock;  // usage cannot have ended after now
  rating.set_not_after(clock.Now().AddSeconds(metering::Rater::kFutureToleranceS));
  auto file = InputFile::Open(o.file);
  if (!file.ok()) {
    std::fprintf(stderr, "%s\n", file.error().ToString().c_str());
    return 2;
  }
  std::unique_ptr<metering::UsageStore> store;
  if (!o.dry_run) {
    auto opened = metering::UsageStore::Open({o.data, true});
    if (!opened.ok()) {
      std::fprintf(stderr, "usage store: %s\n", opened.error().ToString().c_str());
      return kExitStore;
    }
    store = std::move(opened).value();
    if (store->truncated_bytes() > 0) {
      std::fprintf(stderr, "usage store: cut %llu bytes of an unacknowledged batch off %s\n",
                   static_cast<unsigned long long>(store->truncated_bytes()),
                   store->path().c_str());
    }
  }
  const std::uint64_t size = (*file)->size();
  metering::IngestOptions options;
  options.sacct.default_cluster = o.cluster;
  std::unique_ptr<ProgressBar> bar;
  if (::isatty(STDERR_FILENO) == 1 && size >= kProgressBytesMin) {
    bar = std::make_unique<ProgressBar>(size);
    options.progress = [&bar](std::uint64_t done) { bar->Update(done); };
  }
  auto report = metering::IngestSacctFile(store.get(), rating, (*file)->fd(), size, options);
  if (!report.ok()) {
    std::fprintf(stderr, "ingest failed: %s\n", report.error().ToString().c_str());
    return kExitStore;
  }
  PrintReport(*report, o.file);
  if (o.dry_run) std::printf("dry run: nothing was stored\n");
  return report->rejected > 0 ? kExitRejected : 0;
}

}  // namespace

void RegisterUsageCommand(CLI::App& app, int* exit_code) {
  CLI::App* cmd = app.add_subcommand("usage", "metered usage: ingest sacct files, rate them");
  cmd->require_subcommand(1);
  auto o = std::make_shared<Options>();
  CLI::App* ingest = cmd->add_subcommand(
      "ingest", "parse, rate and durably store a `sacct --parsable2` file (idempotent)");
  ingest->add_option("FILE", o->file, "the sacct --parsable2 file")->required();
  ingest->add_option("--data", o->data, "usage store directory (created if missing)")
      ->capture_default_str();
  ingest->add_option("--cluster", o->cluster, "cluster of lines without a Cluster column or value");
  ingest->add_option("--prices", o->prices,
                     "price file (TOML, docs/metering.md); default DATA/prices.toml");
  ingest->add_flag("--dry-run", o->dry_run, "parse and rate only; store nothing");
  ingest->callback([o, exit_code] { *exit_code = Ingest(*o); });
}

}  // namespace suanli::cli
