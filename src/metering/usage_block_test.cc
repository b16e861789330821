// Usage blocks round-trip every field, and a cut or damaged block is refused (usage_block.h).
#include "metering/usage_block.h"

#include <gtest/gtest.h>

#include <cstring>
#include <limits>
#include <memory>
#include <random>
#include <string>
#include <vector>

namespace suanli::metering::codec {
namespace {

// An owning record with its outcome, from which views are made.
struct Sample {
  std::string cluster, job_id, step, account, user, partition;
  std::int64_t submit_us = 0;
  std::optional<std::int64_t> start_us, end_us;
  std::int64_t elapsed_s = 0;
  network::JobState state = network::JobState::kCompleted;
  std::int32_t exit_code = 0, exit_signal = 0;
  std::vector<std::pair<std::string, std::int64_t>> tres;
  RatingKind kind = RatingKind::kStep;
  RatedFigures figures;

  std::vector<network::TresCount> tres_views;
  UsageView View() {
    tres_views.clear();
    for (const auto& [name, count] : tres) tres_views.push_back({name, count});
    UsageView u;
    u.cluster = cluster;
    u.job_id = job_id;
    u.step = step;
    u.account = account;
    u.user = user;
    u.partition = partition;
    u.submit = Instant::FromMicros(submit_us);
    if (start_us) u.start = Instant::FromMicros(*start_us);
    if (end_us) u.end = Instant::FromMicros(*end_us);
    u.elapsed_s = elapsed_s;
    u.state = state;
    u.exit_code = exit_code;
    u.exit_signal = exit_signal;
    u.tres = tres_views;
    return u;
  }
  RatingOutcome Outcome() const {
    RatingOutcome o;
    o.ok = true;
    o.kind = kind;
    if (kind == RatingKind::kBilled) o.figures = figures;
    return o;
  }
};

void ExpectSame(Sample& want, const DecodedUsage& got) {
  const UsageView w = want.View();
  const UsageView& g = got.usage;
  EXPECT_EQ(g.cluster, w.cluster);
  EXPECT_EQ(g.job_id, w.job_id);
  EXPECT_EQ(g.step, w.step);
  EXPECT_EQ(g.account, w.account);
  EXPECT_EQ(g.user, w.user);
  EXPECT_EQ(g.partition, w.partition);
  EXPECT_EQ(g.submit, w.submit);
  EXPECT_EQ(g.start, w.start);
  EXPECT_EQ(g.end, w.end);
  EXPECT_EQ(g.elapsed_s, w.elapsed_s);
  EXPECT_EQ(g.state, w.state);
  EXPECT_EQ(g.exit_code, w.exit_code);
  EXPECT_EQ(g.exit_signal, w.exit_signal);
  ASSERT_EQ(g.tres.size(), w.tres.size());
  for (std::size_t i = 0; i < w.tres.size(); ++i) {
    EXPECT_EQ(g.tres[i].name, w.tres[i].name);
    EXPECT_EQ(g.tres[i].count, w.tres[i].count);
  }
  EXPECT_EQ(got.kind, want.kind);
  ASSERT_EQ(got.figures.has_value(), want.kind == RatingKind::kBilled);
  if (!got.figures) return;
  const RatedFigures& f = *got.figures;
  EXPECT_EQ(f.org, want.figures.org);
  EXPECT_EQ(f.contract, want.figures.contract);
  EXPECT_EQ(f.day, want.figures.day);
  EXPECT_EQ(f.unit, want.figures.unit);
  EXPECT_EQ(f.quantity_unit_s, want.figures.quantity_unit_s);
  EXPECT_EQ(f.unit_price_fen, want.figures.unit_price_fen);
  EXPECT_EQ(f.price_effective_from, want.figures.price_effective_from);
  EXPECT_EQ(f.discount_share.num, want.figures.discount_share.num);
  EXPECT_EQ(f.discount_share.den, want.figures.discount_share.den);
  EXPECT_EQ(f.amount_fen, want.figures.amount_fen);
}

// Jobs with their steps, as sacct prints them, and odd values: times that are and are not
// whole seconds, absent times, negative and extreme numbers, empty names, long names.
std::vector<Sample> Samples(std::uint64_t seed, int jobs) {
  std::mt19937_64 rng(seed);
  const auto pick = [&](std::int64_t lo, std::int64_t hi) {
    return lo + static_cast<std::int64_t>(rng() % static_cast<std::uint64_t>(hi - lo + 1));
  };
  constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();
  constexpr std::int64_t kMin = std::numeric_limits<std::int64_t>::min();
  std::vector<Sample> out;
  for (int j = 0; j < jobs; ++j) {
    Sample job;
    job.cluster = rng() % 3 == 0 ? "cdai" : "cdhpc";
    job.job_id = std::to_string(1000 + j);
    job.account = "acct-" + std::to_string(pick(1, 5));
    job.user = rng() % 10 == 0 ? std::string(300, 'u') : "u" + std::to_string(pick(1, 9));
    job.partition = rng() % 7 == 0 ? "" : "cpu";
    const bool micros = rng() % 4 == 0;
    job.submit_us =
        pick(1'600'000'000, 1'800'000'000) * 1'000'000 + (micros ? pick(1, 999'999) : 0);
    if (rng() % 9 != 0) job.start_us = job.submit_us + pick(-5, 600) * 1'000'000;
    if (rng() % 9 != 0) job.end_us = job.submit_us + pick(0, 86'400) * 1'000'000 + (micros ? 7 : 0);
    job.elapsed_s = rng() % 50 == 0 ? kMax : pick(-3, 86'400);
    job.state = static_cast<network::JobState>(pick(0, 8));
    job.exit_code = rng() % 50 == 0 ? std::numeric_limits<std::int32_t>::min()
                                    : static_cast<std::int32_t>(pick(-1, 255));
    job.exit_signal = static_cast<std::int32_t>(pick(0, 15));
    job.tres = {{"billing", pick(1, 64)}, {"cpu", pick(1, 64)}, {"mem", pick(1, 1) << 40}};
    if (rng() % 5 == 0) job.tres.push_back({"gres/npu", rng() % 20 == 0 ? kMin : pick(1, 8)});
    job.kind = rng() % 8 == 0 ? RatingKind::kNeverRan : RatingKind::kBilled;
    auto& f = job.figures;
    f.org = OrgId(static_cast<std::uint64_t>(pick(1, 1'000'000)));
    if (rng() % 3 != 0) f.contract = ContractId(static_cast<std::uint64_t>(pick(1, 99)));
    f.day = Date::FromDays(static_cast<std::int32_t>(pick(19'000, 21'000)));
    f.unit = static_cast<PriceUnit>(pick(1, 5));
    f.quantity_unit_s = rng() % 40 == 0 ? kMax : pick(0, 1'000'000'000);
    f.unit_price_fen = pick(1, 100'000);
    f.price_effective_from = Instant::FromMicros(
        rng() % 30 == 0 ? kMin : pick(1'500'000'000, 1'700'000'000) * 1'000'000);
    f.discount_share = Rate{pick(1, 100), pick(1, 100)};
    f.amount_fen = rng() % 40 == 0 ? -pick(1, 1'000) : pick(0, 1'000'000'000);
    out.push_back(job);
    const auto steps = pick(0, 3);
    for (std::int64_t s = -2; s < steps; ++s) {
      Sample step = job;
      step.kind = RatingKind::kStep;
      step.step = s == -2 ? "batch" : s == -1 ? "extern" : std::to_string(s);
      if (s == -2) step.tres.erase(step.tres.begin());  // Slurm's batch step lacks billing=
      if (s >= 0 && rng() % 2 == 0) step.elapsed_s = pick(0, 100);
      out.push_back(step);
    }
  }
  return out;
}

// Encodes samples into one buffer as the store does: each block after `header` bytes of
// framing (filled with a marker here), and returns each block's payload.
using Ranges = std::vector<std::pair<std::size_t, std::size_t>>;  // [first, last) sample
std::vector<std::string_view> EncodeBlocks(std::vector<Sample>& samples, std::size_t block_bytes,
                                           LogBuffer* buf, Ranges* ranges) {
  constexpr std::size_t kHeader = 9;
  UsageBlockEncoder enc;
  std::vector<std::pair<std::size_t, std::size_t>> spans;  // payload offset, size
  std::size_t first = 0;
  for (std::size_t i = 0; i < samples.size(); ++i) {
    if (!enc.open()) enc.Begin(buf, kHeader);
    enc.Add(samples[i].View(), samples[i].Outcome());
    if (enc.bytes() > block_bytes || i + 1 == samples.size()) {
      const std::size_t at = enc.Finish();
      std::memset(buf->data() + at - kHeader, 0x5a, kHeader);  // the caller's framing
      spans.emplace_back(at, buf->size() - at);
      ranges->emplace_back(first, i + 1);
      first = i + 1;
    }
  }
  std::vector<std::string_view> blocks;
  for (const auto& [at, size] : spans) blocks.emplace_back(buf->data() + at, size);
  return blocks;
}

TEST(UsageBlockTest, EveryFieldRoundTrips) {
  std::vector<Sample> samples = Samples(1, 400);
  LogBuffer buf;
  buf.append("entries before");
  Ranges ranges;
  const std::vector<std::string_view> blocks = EncodeBlocks(samples, 4000, &buf, &ranges);
  EXPECT_TRUE(buf.view().starts_with("entries before"));
  ASSERT_GT(blocks.size(), 3u);
  for (std::size_t b = 0; b < blocks.size(); ++b) {
    UsageBlockDecoder dec;
    ASSERT_TRUE(dec.Open(blocks[b]));
    EXPECT_EQ(dec.records(), ranges[b].second - ranges[b].first);
    for (std::size_t i = ranges[b].first; i < ranges[b].second; ++i) {
      const DecodedUsage* d = dec.Next();
      ASSERT_NE(d, nullptr) << "record " << i;
      ExpectSame(samples[i], *d);
    }
    EXPECT_EQ(dec.Next(), nullptr);
    EXPECT_TRUE(dec.done());
  }
}

// The point of the format: a job's rows cost far less than their text.
TEST(UsageBlockTest, AJobsRowsAreCodedAgainstEachOther) {
  std::vector<Sample> samples = Samples(2, 1);
  samples.resize(3);  // the job, its batch and extern steps
  LogBuffer buf;
  UsageBlockEncoder enc;
  enc.Begin(&buf, 0);
  enc.Add(samples[0].View(), samples[0].Outcome());
  const std::size_t job_bytes = enc.bytes();
  enc.Add(samples[2].View(), samples[2].Outcome());  // extern: the job's TRES again
  EXPECT_LT(enc.bytes() - job_bytes, 25u);
}

// Times at the ends of the range, whose difference from Submit is -2^63 or wraps: present
// stays present and every value comes back exactly.
TEST(UsageBlockTest, ExtremeTimesRoundTrip) {
  constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();
  constexpr std::int64_t kMin = std::numeric_limits<std::int64_t>::min();
  std::vector<Sample> samples = Samples(5, 2);
  samples[0].submit_us = 1;
  samples[0].start_us = kMin + 1;  // start − submit = −2^63
  samples[0].end_us = kMax;
  samples[1].submit_us = kMin;
  samples[1].start_us = kMax;  // wraps
  samples[1].end_us = std::nullopt;
  samples[2].submit_us = 0;  // whole seconds again after extreme ones
  samples[2].start_us = kMax / 1'000'000 * 1'000'000;
  LogBuffer buf;
  UsageBlockEncoder enc;
  enc.Begin(&buf, 0);
  for (std::size_t i = 0; i < 3; ++i) enc.Add(samples[i].View(), samples[i].Outcome());
  const std::size_t at = enc.Finish();
  UsageBlockDecoder dec;
  ASSERT_TRUE(dec.Open(buf.view().substr(at)));
  for (std::size_t i = 0; i < 3; ++i) {
    const DecodedUsage* d = dec.Next();
    ASSERT_NE(d, nullptr) << i;
    ExpectSame(samples[i], *d);
  }
  EXPECT_TRUE(dec.done());
}

// Every cut of a block and every single damaged byte either decodes to some records or stops
// with done() false; nothing reads past the payload (the ASan build checks that).
TEST(UsageBlockTest, ACutOrDamagedBlockIsRefusedNotOverread) {
  std::vector<Sample> samples = Samples(3, 12);
  LogBuffer buf;
  UsageBlockEncoder enc;
  enc.Begin(&buf, 0);
  for (auto& s : samples) enc.Add(s.View(), s.Outcome());
  const std::size_t at = enc.Finish();  // before taking the view: Finish cuts the buffer
  const std::string block(buf.view().substr(at));
  for (std::size_t cut = 0; cut < block.size(); ++cut) {
    // An exact-size heap copy, so reading one byte past it is an ASan error.
    const std::unique_ptr<char[]> bytes(new char[cut]);
    std::memcpy(bytes.get(), block.data(), cut);
    UsageBlockDecoder dec;
    if (!dec.Open(std::string_view(bytes.get(), cut))) continue;
    while (dec.Next() != nullptr) {
    }
    EXPECT_FALSE(dec.done()) << "cut at " << cut;
  }
  std::mt19937_64 rng(4);
  for (std::size_t i = 4; i < block.size(); ++i) {
    std::string bad = block;
    bad[i] = static_cast<char>(bad[i] ^ static_cast<char>(1 + rng() % 255));
    UsageBlockDecoder dec;
    ASSERT_TRUE(dec.Open(bad));
    std::uint32_t n = 0;
    while (dec.Next() != nullptr) ++n;
    EXPECT_LE(n, dec.records());
  }
}

}  // namespace
}  // namespace suanli::metering::codec
