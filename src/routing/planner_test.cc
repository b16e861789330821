// The batch planner: plans respect capacity, never lose to the plain greedy, match the brute
// force optimum on small instances, leave jobs that fit nowhere queued, and are deterministic.
#include "routing/planner.h"

#include <gtest/gtest.h>

#include <vector>

namespace suanli::routing {
namespace {

std::uint64_t Mix(std::uint64_t& state) {
  std::uint64_t z = (state += 0x9E3779B97F4A7C15ULL);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

// A random instance with tight capacity (about 70 % of demand fits), two resource types,
// prices that differ by center and ~10 % infeasible pairs; penalties lexicographic or not.
PlanInstance RandomInstance(std::uint64_t seed, std::size_t jobs, std::size_t centers,
                            bool lexicographic) {
  std::uint64_t state = seed;
  PlanInstance in;
  in.center_count = centers;
  in.resource_type_count = 2;
  std::int64_t demand[2] = {0, 0};
  for (std::size_t j = 0; j < jobs; ++j) {
    PlanJob job;
    job.resource = static_cast<std::uint32_t>(Mix(state) % 2);
    job.demand_units = 1 + static_cast<std::uint32_t>(Mix(state) % 8);
    job.unplaced_penalty_fen = 2'000 + static_cast<std::int64_t>(Mix(state) % 20'000);
    demand[job.resource] += job.demand_units;
    in.jobs.push_back(job);
    const std::int64_t hours = 1 + static_cast<std::int64_t>(Mix(state) % 4);
    for (std::size_t c = 0; c < centers; ++c) {
      const std::int64_t price = 100 + static_cast<std::int64_t>((c * 37 + Mix(state) % 50) % 120);
      in.cost_fen.push_back(Mix(state) % 10 == 0 ? kInfeasibleCost
                                                 : price * job.demand_units * hours);
    }
  }
  for (std::size_t c = 0; c < centers; ++c) {
    for (int r = 0; r < 2; ++r) {
      in.capacity_units.push_back(demand[r] * 7 / 10 / static_cast<std::int64_t>(centers) +
                                  static_cast<std::int64_t>(Mix(state) % 4));
    }
  }
  if (lexicographic) {
    const std::int64_t penalty = LexicographicPenaltyFen(in);
    for (PlanJob& job : in.jobs) job.unplaced_penalty_fen = penalty;
  }
  return in;
}

// The optimum by enumerating every assignment, (centers + 1)^jobs of them, depth first with
// the residual capacities carried along.
void Enumerate(const PlanInstance& in, std::size_t j, std::vector<std::int64_t>& residual,
               std::int64_t objective_fen, std::int64_t* best_fen) {
  if (j == in.jobs.size()) {
    *best_fen = std::min(*best_fen, objective_fen);
    return;
  }
  const PlanJob& job = in.jobs[j];
  Enumerate(in, j + 1, residual, objective_fen + job.unplaced_penalty_fen, best_fen);
  for (std::size_t c = 0; c < in.center_count; ++c) {
    const std::int64_t fen = in.cost_fen[j * in.center_count + c];
    std::int64_t& room = residual[c * in.resource_type_count + job.resource];
    if (fen == kInfeasibleCost || room < job.demand_units) continue;
    room -= job.demand_units;
    Enumerate(in, j + 1, residual, objective_fen + fen, best_fen);
    room += job.demand_units;
  }
}

std::int64_t BruteForceOptimum(const PlanInstance& in) {
  std::vector<std::int64_t> residual = in.capacity_units;
  std::int64_t best_fen = INT64_MAX;
  Enumerate(in, 0, residual, 0, &best_fen);
  return best_fen;
}

TEST(PlannerTest, FillsTheCheapCenterWithTheJobsThatSaveMostThere) {
  // Center 0 is cheap but holds 4 units; center 1 is dear and large. Job 1 saves the most per
  // unit at center 0, so it goes there even though job 0 comes first.
  PlanInstance in;
  in.center_count = 2;
  in.capacity_units = {4, 100};
  in.jobs = {{0, 4, 1'000'000}, {0, 4, 1'000'000}};
  in.cost_fen = {100, 150,    // job 0 saves 50 at center 0
                 100, 400};   // job 1 saves 300
  Result<Plan> plan = PlanBatch(in);
  ASSERT_TRUE(plan.ok());
  EXPECT_EQ(plan->center_of_job, (std::vector<std::int32_t>{1, 0}));
  EXPECT_EQ(plan->objective_fen, 250);
  Result<Plan> greedy = PlanGreedy(in);
  ASSERT_TRUE(greedy.ok());
  EXPECT_EQ(greedy->objective_fen, 500);  // index order puts job 0 on the cheap center
}

TEST(PlannerTest, AJobThatFitsNowhereStaysQueued) {
  PlanInstance in;
  in.center_count = 2;
  in.capacity_units = {8, 8};
  in.jobs = {{0, 9, 5'000}, {0, 2, 5'000}, {0, 2, 5'000}};
  in.cost_fen = {100, 100,                      // 9 units: no center has 9
                 kInfeasibleCost, kInfeasibleCost,  // may run nowhere
                 300, 200};
  Result<Plan> plan = PlanBatch(in);
  ASSERT_TRUE(plan.ok());
  EXPECT_EQ(plan->center_of_job, (std::vector<std::int32_t>{kUnplaced, kUnplaced, 1}));
  EXPECT_EQ(plan->unplaced_count, 2u);
  EXPECT_EQ(plan->placed_cost_fen, 200);
  EXPECT_EQ(plan->objective_fen, 10'200);
}

TEST(PlannerTest, RunningDearerThanThePenaltyIsWorseThanWaiting) {
  PlanInstance in;
  in.center_count = 1;
  in.capacity_units = {8};
  in.jobs = {{0, 1, 500}};
  in.cost_fen = {600};
  EXPECT_EQ(PlanBatch(in)->center_of_job[0], kUnplaced);
  in.jobs[0].unplaced_penalty_fen = LexicographicPenaltyFen(in);
  EXPECT_EQ(PlanBatch(in)->center_of_job[0], 0);
}

TEST(PlannerTest, RespectsCapacityAndNeverLosesToGreedy) {
  int strictly_better = 0;
  for (std::uint64_t seed = 1; seed <= 40; ++seed) {
    const PlanInstance in = RandomInstance(seed, 60, 6, seed % 2 == 0);
    // Fewer rounds than the default keep the sanitizer build quick; the claim holds for any.
    Result<Plan> plan = PlanBatch(in, {.perturbation_rounds = 100});
    Result<Plan> greedy = PlanGreedy(in);
    ASSERT_TRUE(plan.ok() && greedy.ok());
    // Re-evaluated independently: a capacity breach would be kExceedsLimit.
    Result<Plan> checked = EvaluatePlan(in, plan->center_of_job);
    ASSERT_TRUE(checked.ok()) << checked.error().ToString();
    EXPECT_EQ(checked->objective_fen, plan->objective_fen);
    EXPECT_LE(plan->objective_fen, greedy->objective_fen) << "seed " << seed;
    if (plan->objective_fen < greedy->objective_fen) ++strictly_better;
  }
  EXPECT_GE(strictly_better, 30);  // tight capacity: the index-order greedy is rarely optimal
}

TEST(PlannerTest, FindsTheBruteForceOptimumOnSmallInstances) {
  for (std::uint64_t seed = 1; seed <= 100; ++seed) {
    const PlanInstance in = RandomInstance(seed * 7919, 8, 3, seed % 2 == 0);
    Result<Plan> plan = PlanBatch(in);
    ASSERT_TRUE(plan.ok());
    EXPECT_TRUE(plan->proven_optimal);
    EXPECT_EQ(plan->objective_fen, BruteForceOptimum(in)) << "seed " << seed;
  }
}

// Without the exact search the heuristic is not always optimal: what it reaches on the same
// instances is recorded here so that a change that weakens it fails (92 of 100 when written,
// 96 with the knapsack repack and the stop after 100 rounds without a gain, 99 with all 1,000
// rounds).
TEST(PlannerTest, TheHeuristicAloneReachesTheOptimumOnMostSmallInstances) {
  int optimal = 0;
  for (std::uint64_t seed = 1; seed <= 100; ++seed) {
    const PlanInstance in = RandomInstance(seed * 7919, 8, 3, seed % 2 == 0);
    Result<Plan> plan = PlanBatch(in, {.seed = 1, .exact_nodes_max = 0});
    ASSERT_TRUE(plan.ok());
    EXPECT_FALSE(plan->proven_optimal);
    if (plan->objective_fen == BruteForceOptimum(in)) ++optimal;
  }
  EXPECT_GE(optimal, 90);
}

TEST(PlannerTest, StoppingEarlyRunsAPrefixOfTheSameRounds) {
  // The rounds are the same sequence whether or not the search stops early, and the best plan
  // only improves along it: stopping early can cost quality, never break a plan.
  int cut_short = 0;
  for (std::uint64_t seed = 1; seed <= 10; ++seed) {
    const PlanInstance in = RandomInstance(seed, 120, 6, false);
    Result<Plan> early = PlanBatch(in, {.perturbation_rounds = 400, .stall_rounds = 5});
    Result<Plan> full = PlanBatch(in, {.perturbation_rounds = 400, .stall_rounds = 0});
    ASSERT_TRUE(early.ok() && full.ok());
    EXPECT_LE(full->objective_fen, early->objective_fen) << "seed " << seed;
    EXPECT_TRUE(EvaluatePlan(in, early->center_of_job).ok());
    if (full->objective_fen < early->objective_fen) ++cut_short;
  }
  EXPECT_GE(cut_short, 1);  // five rounds without a gain do stop some searches too soon
}

TEST(PlannerTest, IsDeterministicForASeed) {
  const PlanInstance in = RandomInstance(99, 200, 8, true);
  Result<Plan> a = PlanBatch(in, {.seed = 5, .perturbation_rounds = 50});
  Result<Plan> b = PlanBatch(in, {.seed = 5, .perturbation_rounds = 50});
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(a->center_of_job, b->center_of_job);
}

TEST(PlannerTest, RefusesMalformedInstances) {
  PlanInstance in;
  in.center_count = 2;
  in.capacity_units = {1, 1};
  in.jobs = {{0, 1, 0}};
  in.cost_fen = {1};  // one cost for two centers
  EXPECT_EQ(PlanBatch(in).error().field, "cost_fen");
  in.cost_fen = {1, -5};
  EXPECT_EQ(PlanBatch(in).error().field, "cost_fen[1]");
  in.cost_fen = {1, 1};
  in.jobs[0].resource = 1;
  EXPECT_EQ(PlanBatch(in).error().field, "jobs[0].resource");
  in.jobs[0].resource = 0;
  EXPECT_EQ(EvaluatePlan(in, std::vector<std::int32_t>{2}).error().code, ErrorCode::kOutOfRange);
  in.jobs[0].demand_units = 2;
  EXPECT_EQ(EvaluatePlan(in, std::vector<std::int32_t>{0}).error().code,
            ErrorCode::kExceedsLimit);
}

}  // namespace
}  // namespace suanli::routing
