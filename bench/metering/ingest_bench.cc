// The metering benchmark's program (bench/metering/metering_bench.sh, docs/benchmarks-metering.md):
//   ingest_bench generate --lines N --seed S --out FILE --prices-in P --prices-out P2
//       writes a deterministic `sacct --parsable2` file of about N lines (jobs with their batch,
//       extern and numbered steps, two Chengdu centers, 500 accounts) and a price file mapping
//       its accounts (P's centers, classes and prices plus generated [[accounts]]).
//   ingest_bench rate FILE --prices P        parse and rate in memory (nothing stored)
//   ingest_bench durable FILE --prices P --data DIR
//       parse, rate and store durably in a fresh usage store (one fdatasync per batch, and the
//       last before it returns)
// rate and durable print one RESULT line (key=value) with the wall time of the whole pass,
// reading the (page-cached) file included.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>

#include "bench/bench_util.h"
#include "metering/ingest.h"
#include "metering/price_file.h"

namespace {

using suanli::bench::Random;

constexpr int kAccounts = 500;

// "2024-03-15T09:00:00" of a Unix second in CST.
void AppendTime(std::string* out, std::int64_t unix_s) {
  const std::int64_t local = unix_s + suanli::kCstOffsetSeconds;
  const auto day = suanli::Date::FromDays(static_cast<std::int32_t>(local / 86400));
  const std::int64_t sod = local % 86400;
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02lld:%02lld:%02lld", day.year(), day.month(),
                day.day(), static_cast<long long>(sod / 3600),
                static_cast<long long>(sod / 60 % 60), static_cast<long long>(sod % 60));
  out->append(buf);
}

struct Job {
  std::string cluster, account, user, partition, tres, state, exit;
  std::int64_t submit = 0, start = 0, elapsed = 0;
  bool started = true;
};

Job MakeJob(Random* rng) {
  Job j;
  const std::int64_t t0 = 1704038400;  // 2024-01-01T00:00:00+08:00
  j.submit = t0 + rng->Between(0, 180LL * 86400);
  j.start = j.submit + rng->Between(0, 600);
  j.elapsed = rng->Between(60, 86400);
  const int acct = static_cast<int>(rng->Between(1, kAccounts));
  char name[32];
  std::snprintf(name, sizeof name, "acct-%04d", acct);
  j.account = name;
  std::snprintf(name, sizeof name, "u%05d", static_cast<int>(rng->Between(1, 20000)));
  j.user = name;
  const auto kind = rng->Between(0, 99);
  if (kind < 40) {
    const auto cards = std::int64_t{1} << rng->Between(0, 3);
    const auto nodes = cards == 8 ? rng->Between(1, 4) : 1;
    j.cluster = "cdai";
    j.partition = "ascend";
    j.tres = "billing=" + std::to_string(cards * nodes * 24) +
             ",cpu=" + std::to_string(cards * nodes * 24) +
             ",gres/npu=" + std::to_string(cards * nodes) +
             ",mem=" + std::to_string(cards * nodes * 64) + "G,node=" + std::to_string(nodes);
  } else {
    j.cluster = "cdhpc";
    const auto cpus = rng->Between(1, 128);
    if (kind < 82) {
      j.partition = "cpu";
      j.tres = "billing=" + std::to_string(cpus) + ",cpu=" + std::to_string(cpus) +
               ",mem=" + std::to_string(cpus * 4000) + "M,node=1";
    } else if (kind < 90) {
      const auto nodes = rng->Between(1, 16);
      j.partition = "fat";
      j.tres = "billing=" + std::to_string(nodes * 256) + ",cpu=" + std::to_string(nodes * 256) +
               ",mem=" + std::to_string(nodes * 2) + "T,node=" + std::to_string(nodes);
    } else {
      const auto gpus = rng->Between(1, 8);
      j.partition = "gpu";
      j.tres = "billing=" + std::to_string(cpus + gpus * 2) + ",cpu=" + std::to_string(cpus) +
               ",gres/gpu=" + std::to_string(gpus) + ",mem=" + std::to_string(cpus * 8) +
               "G,node=1";
    }
  }
  const auto s = rng->Between(0, 99);
  j.state = "COMPLETED";
  j.exit = "0:0";
  if (s >= 85 && s < 92) {
    j.state = "FAILED";
    j.exit = "1:0";
  } else if (s >= 92 && s < 97) {
    j.state = "CANCELLED by " + std::to_string(rng->Between(1000, 60000));
    j.exit = "0:15";
    if (s >= 95) {  // cancelled while pending: never started, nothing allocated
      j.started = false;
      j.elapsed = 0;
      j.tres.clear();
    }
  } else if (s >= 97) {
    j.state = "TIMEOUT";
    j.exit = "0:1";
  }
  return j;
}

// A step's AllocTRES as Slurm 22.05 prints it: the extern step repeats the job's, the batch and
// numbered steps lack its billing= item (the lab's real sacct output, docs/slurm.md).
std::string_view StepTres(const Job& j, std::string_view step) {
  std::string_view tres = j.tres;
  if (step.empty() || step == "extern" || !tres.starts_with("billing=")) return tres;
  const auto comma = tres.find(',');
  return comma == std::string_view::npos ? std::string_view{} : tres.substr(comma + 1);
}

void AppendRow(std::string* out, const Job& j, std::string_view job_id, std::string_view step,
               bool job_row, std::int64_t start, std::int64_t elapsed, std::string_view state,
               std::string_view exit) {
  out->append(job_id);
  if (!step.empty()) out->append(".").append(step);
  out->append("|").append(j.cluster).append("|").append(j.account).append("|");
  if (job_row)
    out->append(j.user).append("|").append(j.partition);
  else
    out->append("|");
  out->append("|");
  AppendTime(out, j.submit);
  out->append("|");
  if (j.started)
    AppendTime(out, start);
  else
    out->append("None");
  out->append("|");
  AppendTime(out, j.started ? start + elapsed : j.submit + 300);
  out->append("|").append(std::to_string(elapsed)).append("|").append(StepTres(j, step));
  out->append("|");
  out->append(state).append("|").append(exit).append("\n");
}

int Generate(std::uint64_t lines, std::uint64_t seed, const std::string& out_path,
             const std::string& prices_in, const std::string& prices_out) {
  Random rng(seed);
  std::FILE* f = std::fopen(out_path.c_str(), "w");
  if (f == nullptr) return 2;
  std::string buf =
      "JobID|Cluster|Account|User|Partition|Submit|Start|End|ElapsedRaw|AllocTRES|State|ExitCode\n";
  std::uint64_t written = 1;
  std::uint64_t job_id = 1'000'000;
  while (written < lines) {
    const Job j = MakeJob(&rng);
    const std::string id = std::to_string(job_id++);
    AppendRow(&buf, j, id, "", true, j.start, j.elapsed, j.state, j.exit);
    ++written;
    if (j.started) {
      AppendRow(&buf, j, id, "batch", false, j.start, j.elapsed,
                j.state.starts_with("CANCELLED") ? "CANCELLED" : j.state, j.exit);
      ++written;
      if (rng.Between(0, 9) < 8) {
        AppendRow(&buf, j, id, "extern", false, j.start, j.elapsed, "COMPLETED", "0:0");
        ++written;
      }
      const auto steps = rng.Between(0, 3);
      for (std::int64_t s = 0; s < steps; ++s) {
        const auto st = j.start + rng.Between(0, j.elapsed / 2);
        AppendRow(&buf, j, id, std::to_string(s), false, st, rng.Between(0, j.elapsed / 2),
                  "COMPLETED", "0:0");
        ++written;
      }
    }
    if (buf.size() > (1 << 20)) {
      std::fwrite(buf.data(), 1, buf.size(), f);
      buf.clear();
    }
  }
  std::fwrite(buf.data(), 1, buf.size(), f);
  std::fclose(f);
  // The price file: the example's centers, classes and prices, and every generated account
  // (classes cycle A–E and none, contracts on every third).
  std::ifstream in(prices_in);
  std::ostringstream text;
  text << in.rdbuf();
  std::string prices = text.str();
  prices = prices.substr(0, prices.find("[[accounts]]"));
  for (int a = 1; a <= kAccounts; ++a) {
    char block[160];
    std::snprintf(block, sizeof block, "[[accounts]]\naccount = \"acct-%04d\"\norg = %d\n", a,
                  100 + a);
    prices += block;
    if (a % 3 == 0) prices += "contract = " + std::to_string(1000 + a) + "\n";
    if (a % 6 != 0)
      prices += std::string("class = \"") + static_cast<char>('A' + a % 6 - 1) + "\"\n";
  }
  std::ofstream(prices_out) << prices;
  std::printf("wrote %llu lines, %llu jobs to %s\n", static_cast<unsigned long long>(written),
              static_cast<unsigned long long>(job_id - 1'000'000), out_path.c_str());
  return 0;
}

int Run(const std::string& mode, const std::string& file, const std::string& prices,
        const std::string& data) {
  auto rater = suanli::metering::LoadRater(prices);
  if (!rater.ok()) {
    std::fprintf(stderr, "%s\n", rater.error().ToString().c_str());
    return 2;
  }
  const auto t0 = std::chrono::steady_clock::now();
  const int fd = ::open(file.c_str(), O_RDONLY);
  struct stat st {};
  if (fd < 0 || ::fstat(fd, &st) != 0) return 2;
  const auto size = static_cast<std::size_t>(st.st_size);
  std::unique_ptr<suanli::metering::UsageStore> store;
  if (mode == "durable") {
    auto opened = suanli::metering::UsageStore::Open({data, true});
    if (!opened.ok()) {
      std::fprintf(stderr, "%s\n", opened.error().ToString().c_str());
      return 3;
    }
    store = std::move(opened).value();
  }
  // As `suanli usage ingest` reads it: read(2) in chunks.
  auto report = suanli::metering::IngestSacctFile(store.get(), *rater, fd, size, {});
  store.reset();
  ::close(fd);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  if (!report.ok()) {
    std::fprintf(stderr, "%s\n", report.error().ToString().c_str());
    return 3;
  }
  std::printf(
      "RESULT system=suanli_%s lines=%llu ingested=%llu already=%llu rejected=%llu "
      "amount_fen=%lld seconds=%.4f lines_per_s=%.0f mb_per_s=%.1f\n",
      mode.c_str(), static_cast<unsigned long long>(report->lines),
      static_cast<unsigned long long>(report->ingested),
      static_cast<unsigned long long>(report->already),
      static_cast<unsigned long long>(report->rejected), static_cast<long long>(report->amount_fen),
      seconds, static_cast<double>(report->lines) / seconds,
      static_cast<double>(size) / 1e6 / seconds);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"metering benchmark: generate a sacct file, rate it, ingest it durably"};
  app.require_subcommand(1);
  std::uint64_t lines = 2'000'000, seed = 42;
  std::string out, prices_in = "bench/metering/prices.toml", prices_out, file, prices, data;
  int rc = 0;
  auto* gen = app.add_subcommand("generate", "write a deterministic sacct file and price file");
  gen->add_option("--lines", lines);
  gen->add_option("--seed", seed);
  gen->add_option("--out", out)->required();
  gen->add_option("--prices-in", prices_in);
  gen->add_option("--prices-out", prices_out)->required();
  gen->callback([&] { rc = Generate(lines, seed, out, prices_in, prices_out); });
  for (const char* mode : {"rate", "durable"}) {
    auto* cmd =
        app.add_subcommand(mode, mode == std::string("rate") ? "parse and rate in memory"
                                                             : "parse, rate and store durably");
    cmd->add_option("FILE", file)->required();
    cmd->add_option("--prices", prices)->required();
    if (mode == std::string("durable")) cmd->add_option("--data", data)->required();
    cmd->callback([&, mode] { rc = Run(mode, file, prices, data); });
  }
  CLI11_PARSE(app, argc, argv);
  return rc;
}
