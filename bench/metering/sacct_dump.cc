// Differential check of the sacct parser and the rater between two builds: prints every row (all
// its fields), every line error and every rating outcome of a file, fed to SacctStream in chunks
// of a chosen size. Two builds that print the same text for the same inputs behave the same.
//   sacct_dump FILE PRICES [CHUNK_BYTES]      (default chunk: 256 KiB, as ingest reads)
// Used for the parser's rewrites (docs/benchmarks-metering.md): run it from the old and the new
// build over the benchmark file and over damaged copies of it, and diff the outputs.
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>

#include "metering/price_file.h"
#include "metering/rating.h"
#include "network/sacct_parser.h"

namespace {

using suanli::network::SacctLineError;
using suanli::network::SacctRow;

void PrintRow(const SacctRow& r, std::uint64_t line, std::string* out) {
  char buf[256];
  std::snprintf(buf, sizeof buf, "%llu R %lld %lld %lld %lld %d %d %d |",
                static_cast<unsigned long long>(line),
                static_cast<long long>(r.submit.micros()),
                r.start ? static_cast<long long>(r.start->micros()) : -1LL,
                r.end ? static_cast<long long>(r.end->micros()) : -1LL,
                static_cast<long long>(r.elapsed_s), static_cast<int>(r.state), r.exit_code,
                r.exit_signal);
  *out += buf;
  for (std::string_view s : {r.cluster, r.job_id, r.step, r.account, r.user, r.partition}) {
    out->append(s).append("|");
  }
  for (std::size_t i = 0; i < r.tres_count; ++i) {
    out->append(r.tres[i].name).append("=").append(std::to_string(r.tres[i].count)).append(",");
  }
}

void PrintOutcome(const suanli::metering::RatingOutcome& o, std::string* out) {
  if (!o.ok) {
    *out += " reject " + std::to_string(static_cast<int>(o.reject)) + " " + o.detail + "\n";
    return;
  }
  const auto& f = o.figures;
  *out += " kind " + std::to_string(static_cast<int>(o.kind));
  if (o.kind == suanli::metering::RatingKind::kBilled) {
    *out += " org " + std::to_string(f.org.value) + " day " + f.day.ToString() + " unit " +
            std::to_string(static_cast<int>(f.unit)) + " q " + std::to_string(f.quantity_unit_s) +
            " p " + std::to_string(f.unit_price_fen) + " from " +
            std::to_string(f.price_effective_from.micros()) + " share " +
            std::to_string(f.discount_share.num) + "/" + std::to_string(f.discount_share.den) +
            " fen " + std::to_string(f.amount_fen);
    if (f.contract) *out += " contract " + std::to_string(f.contract->value);
  }
  *out += "\n";
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: sacct_dump FILE PRICES [CHUNK_BYTES]\n");
    return 2;
  }
  auto rater = suanli::metering::LoadRater(argv[2]);
  if (!rater.ok()) {
    std::fprintf(stderr, "%s\n", rater.error().ToString().c_str());
    return 2;
  }
  const std::size_t chunk = argc > 3 ? std::stoul(argv[3]) : std::size_t{256} << 10;
  std::ifstream in(argv[1], std::ios::binary);
  std::ostringstream text_stream;
  text_stream << in.rdbuf();
  const std::string text = text_stream.str();
  suanli::metering::Rater::Memo memo;
  std::string out;
  suanli::network::SacctStream stream(
      {},
      [&](const SacctRow& row, std::uint64_t line) {
        PrintRow(row, line, &out);
        PrintOutcome(rater->Rate(suanli::metering::UsageView::FromRow(row), &memo), &out);
      },
      [&](const SacctLineError& e) { out += e.ToString() + "\n"; });
  for (std::size_t i = 0; i < text.size(); i += chunk) {
    stream.Feed(std::string_view(text).substr(i, std::min(chunk, text.size() - i)));
    std::fwrite(out.data(), 1, out.size(), stdout);
    out.clear();
  }
  const auto stats = stream.Finish();
  std::fwrite(out.data(), 1, out.size(), stdout);
  std::printf("lines %llu rows %llu errors %llu\n", static_cast<unsigned long long>(stats.lines),
              static_cast<unsigned long long>(stats.rows),
              static_cast<unsigned long long>(stats.errors));
  return 0;
}
