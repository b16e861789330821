// Routing throughput: placement decisions per second by Router::PlaceBest over a network of
// centers (100 by default), one thread, each decision a different request from a seeded pool
// so the branch predictor cannot learn one answer. Prints each run's rate, then the median and
// its ratio to the 1,000,000 decisions/s target (issue 4 §4), as one RESULT line. The rate is
// per second of this thread's CPU time (what one core does) and, beside it, per second of wall
// time, which on a shared machine also counts the time other processes held the core.
//
//   build/h-route-rel/bench/routing_bench [--centers 100] [--runs 7] [--seconds 1] [--seed 7]
#include <time.h>

#include <CLI/CLI.hpp>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include "bench/bench_util.h"
#include "routing/router.h"

namespace suanli::routing {
namespace {

constexpr double kTargetDecisionsPerS = 1'000'000;
// Requests in the pool: far more than the predictor remembers, few enough to stay in cache.
constexpr std::size_t kRequestPool = 4096;

const char* const kTypes[] = {"cpu", "gpu", "npu", "dcu"};
const char* const kFrameworks[] = {"PyTorch", "TensorFlow", "MindSpore", "PaddlePaddle",
                                   "DeepSpeed", "GROMACS"};
const char* const kRegions[] = {"成都", "贵阳", "庆阳", "乌兰察布", "中卫", "韶关", "芜湖", "和林格尔"};

// A network like the one docs/routing.md describes: every center has CPUs and two or three
// accelerator types (domestic or not), four to eight framework versions, a price and a wait
// per type, ~5 % of centers down.
std::vector<CenterOffer> MakeNetwork(std::size_t centers, bench::Random& random) {
  std::vector<CenterOffer> offers;
  for (std::size_t i = 0; i < centers; ++i) {
    CenterOffer offer;
    offer.center = CenterId(i + 1);
    offer.provider = ProviderId(1 + static_cast<std::uint64_t>(random.Between(0, 29)));
    offer.region = ShortName::Of(kRegions[random.Between(0, 7)]);
    offer.up = random.Between(0, 19) != 0;
    offer.latency_class = static_cast<LatencyClass>(random.Between(0, 2));
    for (std::size_t t = 0; t < 4; ++t) {
      if (t > 0 && random.Between(0, 3) == 0) continue;
      ResourceOffer r;
      r.type = ShortName::Of(kTypes[t]);
      r.total_units = static_cast<std::uint32_t>(t == 0 ? random.Between(512, 8192)
                                                        : random.Between(16, 512));
      r.free_units = static_cast<std::uint32_t>(random.Between(0, r.total_units));
      r.price_fen_per_unit_hour = t == 0 ? random.Between(5, 40) : random.Between(300, 3000);
      r.wait_s = random.Between(0, 4) == 0 ? 0 : random.Between(0, 6 * 3600);
      r.domestic_chip = t >= 2 || random.Between(0, 2) == 0;
      SUANLI_CHECK(offer.AddResource(r).ok());
    }
    const std::int64_t frameworks = random.Between(4, 8);
    for (std::int64_t f = 0; f < frameworks; ++f) {
      (void)offer.AddFramework(
          ShortName::Of(kFrameworks[random.Between(0, 5)]),
          Version::Of(static_cast<std::uint32_t>(random.Between(1, 2)),
                      static_cast<std::uint32_t>(random.Between(0, 12))));  // duplicates skipped
    }
    SUANLI_CHECK(ValidateOffer(offer).ok());
    offers.push_back(offer);
  }
  return offers;
}

std::vector<JobRequest> MakeRequests(Instant now, bench::Random& random) {
  std::vector<JobRequest> requests;
  for (std::size_t i = 0; i < kRequestPool; ++i) {
    JobRequest request;
    const std::int64_t t = random.Between(0, 3);
    request.resource_type = ShortName::Of(kTypes[t]);
    request.units = static_cast<std::uint32_t>(t == 0 ? random.Between(1, 256) : random.Between(1, 16));
    if (random.Between(0, 1) == 0) {
      request.framework = ShortName::Of(kFrameworks[random.Between(0, 5)]);
      request.framework_version_min = Version::Of(static_cast<std::uint32_t>(random.Between(1, 2)));
    }
    request.time_limit_s = random.Between(600, 48 * 3600);
    request.data_region = ShortName::Of(kRegions[random.Between(0, 7)]);
    if (random.Between(0, 3) == 0) request.max_price_fen_per_unit_hour = random.Between(200, 2000);
    request.domestic_only = random.Between(0, 2) == 0;
    if (random.Between(0, 1) == 0) {
      request.deadline = now.AddSeconds(request.time_limit_s + random.Between(0, 8 * 3600));
    }
    request.discount_bp = static_cast<std::int32_t>(random.Between(0, 3) * 500);
    request.voucher_bp = static_cast<std::int32_t>(random.Between(0, 1) * 5000);
    for (std::uint64_t p = 1; p <= 30; p += static_cast<std::uint64_t>(random.Between(3, 9))) {
      request.voucher_providers.push_back(ProviderId(p));
    }
    SUANLI_CHECK(ValidateRequest(request).ok());
    requests.push_back(std::move(request));
  }
  return requests;
}

std::int64_t ThreadCpuNs() {
  timespec ts{};
  SUANLI_CHECK(clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts) == 0);
  return std::int64_t{ts.tv_sec} * 1'000'000'000 + ts.tv_nsec;
}

}  // namespace
}  // namespace suanli::routing

int main(int argc, char** argv) {
  using namespace suanli;
  using namespace suanli::routing;
  CLI::App app{"Router::PlaceBest decisions per second"};
  std::size_t centers = 100;
  int runs = 7;
  double seconds = 1.0;
  std::uint64_t seed = 7;
  app.add_option("--centers", centers, "centers in the network")->check(CLI::Range(1, 10000));
  app.add_option("--runs", runs, "timed runs; the median is reported")->check(CLI::Range(1, 100));
  app.add_option("--seconds", seconds, "length of each run")->check(CLI::Range(0.05, 60.0));
  app.add_option("--seed", seed, "the network's and the requests' seed");
  CLI11_PARSE(app, argc, argv);

  bench::Random random(seed);
  const Instant now = Instant::FromUnixSeconds(1'800'000'000);
  const std::vector<CenterOffer> offers = MakeNetwork(centers, random);
  const std::vector<JobRequest> requests = MakeRequests(now, random);
  const Router router;
  // The index is built once per snapshot of the offers; what a rebuild costs (the mean of 100,
  // warm) is printed, not counted in the decisions' rate.
  const OfferIndex index(offers);
  const auto index_start = bench::Clock::now();
  for (int i = 0; i < 100; ++i) {
    const OfferIndex rebuilt(offers);
    SUANLI_CHECK(rebuilt.offer_count() == offers.size());
  }
  const double index_us = bench::Seconds(bench::Clock::now() - index_start) * 1e6 / 100;

  // How often a decision finds a center at all (a network where nothing fits is no test).
  std::size_t placed = 0;
  for (const JobRequest& request : requests) placed += router.PlaceBest(request, index, now) != kNoCenter;
  std::printf("network: %zu centers, %zu requests in the pool, %.1f %% of them placeable; "
              "index built in %.1f us\n",
              centers, requests.size(),
              100.0 * static_cast<double>(placed) / static_cast<double>(requests.size()), index_us);

  std::vector<double> cpu_rates;
  std::vector<double> wall_rates;
  std::uint64_t checksum = 0;
  for (int run = 0; run < runs; ++run) {
    std::uint64_t decisions = 0;
    const std::int64_t cpu_start_ns = ThreadCpuNs();
    const auto start = bench::Clock::now();
    std::int64_t cpu_ns = 0;
    // Until `seconds` of this thread's CPU time: the clock is read once per pass over the pool.
    while (cpu_ns < static_cast<std::int64_t>(seconds * 1e9)) {
      for (const JobRequest& request : requests) checksum += router.PlaceBest(request, index, now);
      decisions += requests.size();
      cpu_ns = ThreadCpuNs() - cpu_start_ns;
    }
    const double wall_s = bench::Seconds(bench::Clock::now() - start);
    cpu_rates.push_back(static_cast<double>(decisions) / (static_cast<double>(cpu_ns) / 1e9));
    wall_rates.push_back(static_cast<double>(decisions) / wall_s);
    std::printf("run %d: %.0f decisions per CPU second, %.0f per wall second\n", run + 1,
                cpu_rates.back(), wall_rates.back());
  }
  std::sort(cpu_rates.begin(), cpu_rates.end());
  std::sort(wall_rates.begin(), wall_rates.end());
  const double median = cpu_rates[cpu_rates.size() / 2];
  std::printf("RESULT centers=%zu runs=%d median_decisions_per_cpu_s=%.0f min=%.0f max=%.0f "
              "median_decisions_per_wall_s=%.0f ratio_to_target=%.2f checksum=%llu\n",
              centers, runs, median, cpu_rates.front(), cpu_rates.back(),
              wall_rates[wall_rates.size() / 2], median / kTargetDecisionsPerS,
              static_cast<unsigned long long>(checksum));
  return 0;
}
