// The batch planner: assigns many queued jobs at once, each to at most one center, so that the
// total cost is lowest within every center's capacity (a generalised assignment problem).
// Deterministic: regret greedy, local search (shift, swap, an exact knapsack per center) and
// seeded ruin-and-recreate rounds, then an exact branch and bound per resource type that proves
// small batches optimal (docs/routing.md, "Batch planning", states what it guarantees and what
// not).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "core/result.h"

namespace suanli::routing {

// In PlanInstance::cost_fen: the job cannot run at that center.
inline constexpr std::int64_t kInfeasibleCost = -1;
// In Plan::center_of_job: the job stays queued.
inline constexpr std::int32_t kUnplaced = -1;
// Bounds a plan is validated against: every cost and penalty at most 10^12 fen (10 billion
// CNY), at most 10^6 jobs, so an objective (a sum of at most 10^6 such figures) fits in int64.
inline constexpr std::int64_t kPlanFenMax = 1'000'000'000'000;
inline constexpr std::size_t kPlanJobsMax = 1'000'000;
inline constexpr std::size_t kPlanCentersMax = 10'000;

struct PlanJob {
  std::uint32_t resource = 0;      // resource type index, < resource_type_count
  std::uint32_t demand_units = 1;  // units of that type it occupies wherever it runs
  // What leaving it queued this round costs, in fen. The objective charges it for every
  // unplaced job: set it above every total cost (LexicographicPenaltyFen) for "place as many
  // jobs as possible, then cheapest"; lower, and running a job dearer than its penalty is
  // judged worse than letting it wait.
  std::int64_t unplaced_penalty_fen = 0;
};

struct PlanInstance {
  std::size_t center_count = 0;
  std::size_t resource_type_count = 1;
  std::vector<std::int64_t> capacity_units;  // [center * resource_type_count + resource]
  std::vector<PlanJob> jobs;
  std::vector<std::int64_t> cost_fen;  // [job * center_count + center], or kInfeasibleCost
};

struct Plan {
  std::vector<std::int32_t> center_of_job;  // per job: a center index or kUnplaced
  std::int64_t placed_cost_fen = 0;         // Σ cost of placed jobs
  std::int64_t unplaced_penalty_fen = 0;    // Σ penalty of unplaced jobs
  std::int64_t objective_fen = 0;           // their sum: what the planner minimises
  std::size_t unplaced_count = 0;
  // True when the exact search finished for every resource type: no plan costs less.
  bool proven_optimal = false;
};

struct PlannerOptions {
  std::uint64_t seed = 1;  // the perturbations' seed; same seed, same plan
  // Perturbation rounds after the first local optimum at most; each costs about one local
  // search. 0 gives regret greedy plus local search alone.
  std::size_t perturbation_rounds = 1000;
  // Stop early once this many rounds in a row found no cheaper plan (0: never stop early).
  // Easy instances settle within a few dozen rounds; 100 spares them the rest without
  // cutting short the hard ones (docs/benchmarks-routing.md has the measurements).
  std::size_t stall_rounds = 100;
  // Nodes the exact search may visit per resource type after the heuristic (0: skip it).
  // Batches of about a dozen jobs per type finish well within the default and are then
  // proven optimal; larger ones stop at the budget and keep the heuristic's plan.
  std::size_t exact_nodes_max = 1'000'000;
};

// Checks sizes agree, capacities >= 0, demands >= 1, resources in range, costs in
// {kInfeasibleCost} ∪ [0, kPlanFenMax], penalties in [0, kPlanFenMax]. Errors name the field.
Status ValidateInstance(const PlanInstance& instance);

// 1 + Σ over jobs of its dearest feasible cost: as every job's penalty it makes the objective
// "most jobs placed, then least cost". Requires a valid instance.
std::int64_t LexicographicPenaltyFen(const PlanInstance& instance);

// The best plan the heuristic finds (validates the instance first). A job with no feasible
// center that has capacity for it is always unplaced. Deterministic for a given seed.
Result<Plan> PlanBatch(const PlanInstance& instance, const PlannerOptions& options = {});

// The baseline the planner must never lose to: jobs in index order, each to its cheapest center
// with room left, or unplaced when that is cheaper or nothing has room.
Result<Plan> PlanGreedy(const PlanInstance& instance);

// Costs an assignment and checks it: every placed job on a feasible center, no capacity
// exceeded (kExceedsLimit names the center and resource). For tests and for checking plans
// that came from elsewhere (e.g. GLPK's).
Result<Plan> EvaluatePlan(const PlanInstance& instance, std::span<const std::int32_t> center_of_job);

}  // namespace suanli::routing
