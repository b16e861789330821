// The batch planner's benchmark instance and its timing. From a seed it builds a network and a
// queue of jobs, prices every (job, center) pair with Router::Assess (the router's documented
// score, capacity left to the planner), and then either writes the instance as a CPLEX LP file
// for GLPK (--write-lp) or times PlanBatch on it (--runs), printing one RESULT line.
// planner_bench.sh runs both and compares them.
//
//   planner_bench --jobs 600 --centers 30 --seed 1 --write-lp /tmp/plan.lp
//   planner_bench --jobs 600 --centers 30 --seed 1 --runs 7
#include <CLI/CLI.hpp>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "bench/bench_util.h"
#include "routing/planner.h"
#include "routing/router.h"

namespace suanli::routing {
namespace {

const char* const kTypes[] = {"gpu", "cpu"};
const char* const kRegions[] = {"成都", "贵阳", "庆阳", "乌兰察布", "中卫", "韶关"};
// Leaving a job queued this round costs this many times its cheapest feasible price: a
// stand-in for what the delay is worth to the organisation (docs/benchmarks-routing.md).
constexpr std::int64_t kPenaltyTimesCheapest = 3;

struct Generated {
  PlanInstance instance;
  std::int64_t demand_units[2] = {0, 0};
  std::int64_t capacity_units[2] = {0, 0};
  std::size_t infeasible_pairs = 0;
};

// Centers: GPU cards 16..256 and CPU cores 512..4096 each, prices spread ×3, a third of the
// providers in the voucher program, some domestic-only. Jobs: 1..16 cards or 16..512 cores for
// 1..48 h; demand is about `load_percent` of capacity per type, so cheap centers are
// oversubscribed and some jobs must wait.
Generated Generate(std::size_t job_count, std::size_t center_count, std::uint64_t seed,
                   std::int64_t load_percent) {
  bench::Random random(seed);
  Generated g;
  PlanInstance& in = g.instance;
  in.center_count = center_count;
  in.resource_type_count = 2;
  std::vector<CenterOffer> offers;
  for (std::size_t c = 0; c < center_count; ++c) {
    CenterOffer offer;
    offer.center = CenterId(c + 1);
    offer.provider = ProviderId(1 + c % 12);
    offer.region = ShortName::Of(kRegions[random.Between(0, 5)]);
    offer.latency_class = static_cast<LatencyClass>(random.Between(0, 2));
    for (std::uint32_t t = 0; t < 2; ++t) {
      ResourceOffer r;
      r.type = ShortName::Of(kTypes[t]);
      r.total_units = static_cast<std::uint32_t>(t == 0 ? random.Between(16, 256)
                                                        : random.Between(512, 4096));
      r.free_units = r.total_units;  // capacity is the planner's business, not the price's
      r.price_fen_per_unit_hour = t == 0 ? random.Between(600, 1800) : random.Between(8, 24);
      r.wait_s = random.Between(0, 3) * 1800;
      r.domestic_chip = random.Between(0, 2) == 0;
      SUANLI_CHECK(offer.AddResource(r).ok());
      g.capacity_units[t] += r.total_units;
      in.capacity_units.push_back(r.total_units);
    }
    offers.push_back(offer);
  }
  const Router router;
  const Instant now = Instant::FromUnixSeconds(1'800'000'000);
  // Job sizes are drawn until each type's demand reaches load_percent of its capacity.
  std::int64_t target[2] = {g.capacity_units[0] * load_percent / 100,
                            g.capacity_units[1] * load_percent / 100};
  for (std::size_t j = 0; j < job_count; ++j) {
    JobRequest request;
    const std::uint32_t t = static_cast<std::uint32_t>(j % 2);
    request.resource_type = ShortName::Of(kTypes[t]);
    // Mean size chosen so that job_count jobs make up the target demand.
    const std::int64_t mean = std::max<std::int64_t>(1, target[t] * 2 / static_cast<std::int64_t>(job_count));
    request.units = static_cast<std::uint32_t>(random.Between(1, 2 * mean - 1));
    request.time_limit_s = random.Between(1, 48) * 3600;
    request.data_region = ShortName::Of(kRegions[random.Between(0, 5)]);
    request.domestic_only = random.Between(0, 4) == 0;
    request.discount_bp = static_cast<std::int32_t>(random.Between(0, 2) * 500);
    request.voucher_bp = random.Between(0, 1) == 0 ? 0 : 5'000;
    for (std::uint64_t p = 1; p <= 12; p += 3) request.voucher_providers.push_back(ProviderId(p));
    SUANLI_CHECK(ValidateRequest(request).ok());
    g.demand_units[t] += request.units;
    PlanJob job;
    job.resource = t;
    job.demand_units = request.units;
    std::int64_t cheapest_fen = INT64_MAX;
    for (const CenterOffer& offer : offers) {
      const CenterVerdict verdict = router.Assess(request, offer, now);
      const bool feasible = verdict.reason == Infeasibility::kNone;
      in.cost_fen.push_back(feasible ? verdict.score.total_fen : kInfeasibleCost);
      if (feasible) cheapest_fen = std::min(cheapest_fen, verdict.score.total_fen);
      g.infeasible_pairs += feasible ? 0 : 1;
    }
    job.unplaced_penalty_fen = cheapest_fen == INT64_MAX ? 0 : kPenaltyTimesCheapest * cheapest_fen;
    in.jobs.push_back(job);
  }
  SUANLI_CHECK(ValidateInstance(in).ok());
  return g;
}

// The instance as a CPLEX LP file: binary x_j_c per feasible pair and u_j (job j stays queued),
// one assignment row per job, one capacity row per center and resource type.
void WriteLp(const PlanInstance& in, const std::string& path) {
  std::ofstream out(path);
  SUANLI_CHECK(out.good());
  out << "\\ Suanli batch plan: " << in.jobs.size() << " jobs, " << in.center_count
      << " centers (bench/routing/planner_bench.cc)\nMinimize\n obj:";
  std::size_t terms = 0;
  auto term = [&](std::int64_t coef, const std::string& var) {
    out << " + " << coef << ' ' << var;
    if (++terms % 8 == 0) out << "\n";  // LP lines stay short
  };
  const std::size_t m = in.center_count;
  for (std::size_t j = 0; j < in.jobs.size(); ++j) {
    for (std::size_t c = 0; c < m; ++c) {
      const std::int64_t fen = in.cost_fen[j * m + c];
      if (fen != kInfeasibleCost) term(fen, "x" + std::to_string(j) + "_" + std::to_string(c));
    }
    term(in.jobs[j].unplaced_penalty_fen, "u" + std::to_string(j));
  }
  out << "\nSubject To\n";
  for (std::size_t j = 0; j < in.jobs.size(); ++j) {
    out << " a" << j << ":";
    for (std::size_t c = 0; c < m; ++c) {
      if (in.cost_fen[j * m + c] != kInfeasibleCost) out << " + x" << j << '_' << c;
    }
    out << " + u" << j << " = 1\n";
  }
  for (std::size_t c = 0; c < m; ++c) {
    for (std::size_t r = 0; r < in.resource_type_count; ++r) {
      out << " cap" << c << '_' << r << ":";
      std::size_t n = 0;
      for (std::size_t j = 0; j < in.jobs.size(); ++j) {
        if (in.jobs[j].resource != r || in.cost_fen[j * m + c] == kInfeasibleCost) continue;
        out << " + " << in.jobs[j].demand_units << " x" << j << '_' << c;
        if (++n % 8 == 0) out << "\n";
      }
      if (n == 0) out << " 0 x0_0";  // an empty row still needs a term; never binding
      out << " <= " << in.capacity_units[c * in.resource_type_count + r] << "\n";
    }
  }
  out << "Binary\n";
  for (std::size_t j = 0; j < in.jobs.size(); ++j) {
    for (std::size_t c = 0; c < m; ++c) {
      if (in.cost_fen[j * m + c] != kInfeasibleCost) out << " x" << j << '_' << c << "\n";
    }
    out << " u" << j << "\n";
  }
  out << "End\n";
  SUANLI_CHECK(out.good());
}

}  // namespace
}  // namespace suanli::routing

int main(int argc, char** argv) {
  using namespace suanli;
  using namespace suanli::routing;
  CLI::App app{"The batch planner's benchmark instance: write it for GLPK, or time PlanBatch"};
  std::size_t jobs = 600;
  std::size_t centers = 30;
  std::uint64_t seed = 1;
  std::int64_t load_percent = 110;
  std::string lp_path;
  int runs = 0;
  std::size_t rounds = PlannerOptions{}.perturbation_rounds;
  std::size_t stall_rounds = PlannerOptions{}.stall_rounds;
  app.add_option("--jobs", jobs)->check(CLI::Range(1, 100000));
  app.add_option("--centers", centers)->check(CLI::Range(1, 1000));
  app.add_option("--seed", seed);
  app.add_option("--load-percent", load_percent, "demand as a share of capacity per type")
      ->check(CLI::Range(10, 1000));
  app.add_option("--write-lp", lp_path, "write the instance as a CPLEX LP file and exit");
  app.add_option("--runs", runs, "time PlanBatch this many times")->check(CLI::Range(0, 1000));
  app.add_option("--rounds", rounds, "PlannerOptions::perturbation_rounds");
  app.add_option("--stall-rounds", stall_rounds, "PlannerOptions::stall_rounds (0: never stop early)");
  CLI11_PARSE(app, argc, argv);

  const Generated g = Generate(jobs, centers, seed, load_percent);
  const PlanInstance& in = g.instance;
  std::printf("instance: %zu jobs, %zu centers, seed %llu; demand/capacity gpu %lld/%lld cpu "
              "%lld/%lld; %zu of %zu pairs infeasible\n",
              jobs, centers, static_cast<unsigned long long>(seed),
              static_cast<long long>(g.demand_units[0]), static_cast<long long>(g.capacity_units[0]),
              static_cast<long long>(g.demand_units[1]), static_cast<long long>(g.capacity_units[1]),
              g.infeasible_pairs, jobs * centers);
  if (!lp_path.empty()) {
    WriteLp(in, lp_path);
    std::printf("wrote %s\n", lp_path.c_str());
    return 0;
  }
  const Result<Plan> greedy = PlanGreedy(in);
  SUANLI_CHECK(greedy.ok());
  std::vector<double> times_ms;
  Result<Plan> plan = Plan{};
  for (int run = 0; run < runs; ++run) {
    const auto start = bench::Clock::now();
    plan = PlanBatch(in, {.seed = 1, .perturbation_rounds = rounds, .stall_rounds = stall_rounds});
    times_ms.push_back(bench::Seconds(bench::Clock::now() - start) * 1e3);
    SUANLI_CHECK(plan.ok());
  }
  if (runs == 0) return 0;
  std::sort(times_ms.begin(), times_ms.end());
  std::printf("RESULT objective_fen=%lld placed_cost_fen=%lld unplaced=%zu proven_optimal=%d "
              "median_ms=%.3f min_ms=%.3f max_ms=%.3f greedy_objective_fen=%lld runs=%d\n",
              static_cast<long long>(plan->objective_fen),
              static_cast<long long>(plan->placed_cost_fen), plan->unplaced_count,
              plan->proven_optimal ? 1 : 0, times_ms[times_ms.size() / 2], times_ms.front(),
              times_ms.back(), static_cast<long long>(greedy->objective_fen), runs);
  return 0;
}
