// The batch planner (planner.h). A Search holds one assignment with its residual capacities and
// objective; the heuristic is regret greedy for a start, then local search (shift one job, swap
// two jobs of a resource type, repack one center's share of a type) to a local optimum, then
// seeded perturbation rounds that keep the best assignment seen. Every step keeps the
// residuals >= 0, checked at the end by EvaluatePlan.
#include "routing/planner.h"

#include <algorithm>
#include <string>

#include "core/check.h"
#include "routing/planner_exact.h"

namespace suanli::routing {
namespace {

// SplitMix64: a seeded, portable source for the perturbations (same seed, same plan).
class Random {
 public:
  explicit Random(std::uint64_t seed) : state_(seed) {}
  std::uint64_t Next() {
    std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }
  std::size_t Below(std::size_t n) { return static_cast<std::size_t>(Next() % n); }

 private:
  std::uint64_t state_;
};

class Search {
 public:
  explicit Search(const PlanInstance& in)
      : in_(in),
        centers_(static_cast<std::int32_t>(in.center_count)),
        assign_(in.jobs.size(), kUnplaced),
        residual_(in.capacity_units),
        jobs_of_resource_(in.resource_type_count) {
    for (std::size_t j = 0; j < in.jobs.size(); ++j) {
      objective_ += in.jobs[j].unplaced_penalty_fen;
      jobs_of_resource_[in.jobs[j].resource].push_back(j);
    }
  }

  std::int64_t objective() const { return objective_; }
  const std::vector<std::int32_t>& assignment() const { return assign_; }

  // The regret greedy start: repeatedly places the job that would lose most if it missed its
  // cheapest option (the gap to its second cheapest, "unplaced" counting as an option).
  void RegretGreedy();
  // Shift and swap passes until neither improves, then a repack pass, until none improves.
  // Returns when at a local optimum.
  void LocalSearch() {
    for (std::size_t pass = 0; pass < kPassesMax; ++pass) {
      const bool shifted = ShiftPass();
      const bool swapped = SwapPass();
      if (shifted || swapped) continue;
      if (!RepackPass()) return;
    }
  }
  // Ruin and recreate: unplaces `count` random jobs, then puts them back by regret greedy.
  void Perturb(Random& random, std::size_t count);
  void Restore(const std::vector<std::int32_t>& assignment);

 private:
  // Local search passes per call: each strictly lowers the objective, so this is a safety
  // bound, far above the handful of passes instances take.
  static constexpr std::size_t kPassesMax = 10'000;

  std::int64_t Cost(std::size_t j, std::int32_t c) const {
    return c == kUnplaced ? in_.jobs[j].unplaced_penalty_fen
                          : in_.cost_fen[j * in_.center_count + static_cast<std::size_t>(c)];
  }
  std::int64_t& Residual(std::int32_t c, std::uint32_t r) {
    return residual_[static_cast<std::size_t>(c) * in_.resource_type_count + r];
  }
  // True when job j could move to c now: c is unplaced, or j may run there and it has room.
  bool Fits(std::size_t j, std::int32_t c) {
    if (c == kUnplaced) return true;
    const PlanJob& job = in_.jobs[j];
    return Cost(j, c) != kInfeasibleCost && Residual(c, job.resource) >= job.demand_units;
  }
  void Move(std::size_t j, std::int32_t to) {
    const PlanJob& job = in_.jobs[j];
    const std::int32_t from = assign_[j];
    if (from != kUnplaced) Residual(from, job.resource) += job.demand_units;
    if (to != kUnplaced) Residual(to, job.resource) -= job.demand_units;
    objective_ += Cost(j, to) - Cost(j, from);
    assign_[j] = to;
  }
  struct Choice {
    std::int32_t best = kUnplaced;
    std::int64_t best_fen = 0;
    std::int64_t second_fen = 0;
  };
  Choice Choose(std::size_t j);
  // Places the jobs in `open` (all unplaced) by regret greedy; empties `open`.
  void InsertByRegret(std::vector<std::size_t>& open);
  bool ShiftPass();
  bool SwapPass();
  // For each center and resource type, the set of that type's jobs the center should hold,
  // chosen exactly as a 0-1 knapsack (RepackCenter). It finds the moves shift and swap cannot:
  // two small jobs out so that one large job fits, or three in for two out. Costlier than
  // shift and swap, so it runs only when they are stuck.
  bool RepackPass();
  bool RepackCenter(std::int32_t c, std::uint32_t r);
  struct KnapsackItem {
    std::size_t job = 0;
    std::int64_t demand_units = 0;
    std::int64_t saving_fen = 0;  // what the objective gains if the job runs at the center
  };
  // Depth-first over items_ (densest first) from item i with `room` units left and `value`
  // gained so far; records a better selection in best_pick_. Pruned by Dantzig's bound.
  void KnapsackDive(std::size_t i, std::int64_t room, std::int64_t value);

  const PlanInstance& in_;
  const std::int32_t centers_;
  std::vector<std::int32_t> assign_;
  std::vector<std::int64_t> residual_;
  std::vector<std::vector<std::size_t>> jobs_of_resource_;
  std::int64_t objective_ = 0;
  // The knapsack's state, kept between calls to spare the allocations.
  std::vector<KnapsackItem> items_;
  std::vector<std::uint8_t> pick_;
  std::vector<std::uint8_t> best_pick_;
  std::int64_t knapsack_best_fen_ = 0;
  std::size_t knapsack_nodes_ = 0;
  std::vector<std::int32_t> saved_;
};

Search::Choice Search::Choose(std::size_t j) {
  Choice choice;
  choice.best_fen = Cost(j, kUnplaced);
  choice.second_fen = INT64_MAX;
  for (std::int32_t c = 0; c < centers_; ++c) {
    if (!Fits(j, c)) continue;
    const std::int64_t fen = Cost(j, c);
    if (fen < choice.best_fen) {
      choice.second_fen = choice.best_fen;
      choice.best_fen = fen;
      choice.best = c;
    } else if (fen < choice.second_fen) {
      choice.second_fen = fen;
    }
  }
  return choice;
}

void Search::RegretGreedy() {
  std::vector<std::size_t> open(in_.jobs.size());
  for (std::size_t j = 0; j < open.size(); ++j) open[j] = j;
  InsertByRegret(open);
}

void Search::InsertByRegret(std::vector<std::size_t>& jobs) {
  std::vector<Choice> choice(jobs.size());
  std::vector<std::size_t> open;  // positions in `jobs` whose cheapest option is a center
  for (std::size_t i = 0; i < jobs.size(); ++i) {
    SUANLI_CHECK(assign_[jobs[i]] == kUnplaced);
    choice[i] = Choose(jobs[i]);
    if (choice[i].best != kUnplaced) open.push_back(i);
  }
  while (!open.empty()) {
    std::size_t pick = 0;
    for (std::size_t i = 1; i < open.size(); ++i) {
      const Choice& a = choice[open[i]];
      const Choice& b = choice[open[pick]];
      const std::int64_t regret_a = a.second_fen - a.best_fen;
      const std::int64_t regret_b = b.second_fen - b.best_fen;
      if (regret_a > regret_b || (regret_a == regret_b && open[i] < open[pick])) {
        pick = i;
      }
    }
    const std::size_t at = open[pick];
    const std::size_t j = jobs[at];
    open[pick] = open.back();
    open.pop_back();
    const std::int32_t c = choice[at].best;
    SUANLI_CHECK(Fits(j, c));
    Move(j, c);
    // Only jobs of the same type that no longer fit at c can have a new best or second
    // choice: capacity only shrinks while inserting.
    const std::uint32_t r = in_.jobs[j].resource;
    for (std::size_t i = 0; i < open.size();) {
      const std::size_t k = jobs[open[i]];
      if (in_.jobs[k].resource == r && Residual(c, r) < in_.jobs[k].demand_units) {
        choice[open[i]] = Choose(k);
        if (choice[open[i]].best == kUnplaced) {
          open[i] = open.back();
          open.pop_back();
          continue;
        }
      }
      ++i;
    }
  }
  jobs.clear();
}

bool Search::ShiftPass() {
  bool improved = false;
  for (std::size_t j = 0; j < in_.jobs.size(); ++j) {
    const std::int32_t from = assign_[j];
    const std::int64_t from_fen = Cost(j, from);
    std::int32_t best = from;
    std::int64_t best_fen = from_fen;
    if (from != kUnplaced && Cost(j, kUnplaced) < best_fen) {
      best = kUnplaced;
      best_fen = Cost(j, kUnplaced);
    }
    for (std::int32_t c = 0; c < centers_; ++c) {
      if (c == from || !Fits(j, c)) continue;
      const std::int64_t fen = Cost(j, c);
      if (fen < best_fen) {
        best = c;
        best_fen = fen;
      }
    }
    if (best != from) {
      Move(j, best);
      improved = true;
    }
  }
  return improved;
}

bool Search::SwapPass() {
  bool improved = false;
  for (const std::vector<std::size_t>& jobs : jobs_of_resource_) {
    for (std::size_t x = 0; x < jobs.size(); ++x) {
      const std::size_t j = jobs[x];
      for (std::size_t y = x + 1; y < jobs.size(); ++y) {
        const std::size_t k = jobs[y];
        const std::int32_t a = assign_[j];
        const std::int32_t b = assign_[k];
        if (a == b) continue;
        const std::int64_t to_a = Cost(k, a);
        const std::int64_t to_b = Cost(j, b);
        if (to_a == kInfeasibleCost || to_b == kInfeasibleCost) continue;
        const std::int64_t delta = to_a + to_b - Cost(j, a) - Cost(k, b);
        if (delta >= 0) continue;
        const std::int64_t dj = in_.jobs[j].demand_units;
        const std::int64_t dk = in_.jobs[k].demand_units;
        const std::uint32_t r = in_.jobs[j].resource;
        if (a != kUnplaced && Residual(a, r) + dj - dk < 0) continue;
        if (b != kUnplaced && Residual(b, r) + dk - dj < 0) continue;
        // The first move may take a residual below zero for an instant; the second restores
        // it, as checked above.
        Move(j, b);
        Move(k, a);
        improved = true;
      }
    }
  }
  return improved;
}

// Nodes one knapsack may visit. A center's share of a type is rarely more than a few dozen
// candidate jobs, which Dantzig's bound settles in far fewer; the cap only bounds the rare
// instance where it does not, and then the best selection found so far is used.
constexpr std::size_t kKnapsackNodesMax = 20'000;

bool Search::RepackPass() {
  bool improved = false;
  for (std::uint32_t r = 0; r < in_.resource_type_count; ++r) {
    for (std::int32_t c = 0; c < centers_; ++c) improved |= RepackCenter(c, r);
  }
  return improved;
}

bool Search::RepackCenter(std::int32_t c, std::uint32_t r) {
  const std::int64_t capacity =
      in_.capacity_units[static_cast<std::size_t>(c) * in_.resource_type_count + r];
  if (capacity <= 0) return false;
  // Every job of type r that may run at c is an item worth what moving it to c saves: against
  // where it is now, or, for a job c holds, against the cheapest place it could go instead
  // (queued, or another center with room now). The center's present share is one selection.
  items_.clear();
  std::int64_t present_fen = 0;
  for (const std::size_t j : jobs_of_resource_[r]) {
    const std::int64_t here_fen = Cost(j, c);
    const std::int64_t demand = in_.jobs[j].demand_units;
    if (here_fen == kInfeasibleCost || demand > capacity) continue;
    std::int64_t elsewhere_fen = Cost(j, assign_[j]);
    if (assign_[j] == c) {
      elsewhere_fen = Cost(j, kUnplaced);
      for (std::int32_t e = 0; e < centers_; ++e) {
        if (e != c && Fits(j, e)) elsewhere_fen = std::min(elsewhere_fen, Cost(j, e));
      }
      present_fen += elsewhere_fen - here_fen;
    }
    if (elsewhere_fen > here_fen) items_.push_back({j, demand, elsewhere_fen - here_fen});
  }
  if (items_.empty()) return false;
  std::sort(items_.begin(), items_.end(), [](const KnapsackItem& a, const KnapsackItem& b) {
    // a.saving / a.demand > b.saving / b.demand, exactly: both products fit in 128 bits.
    return static_cast<__int128>(a.saving_fen) * b.demand_units >
           static_cast<__int128>(b.saving_fen) * a.demand_units;
  });
  knapsack_best_fen_ = present_fen;
  knapsack_nodes_ = 0;
  pick_.assign(items_.size(), 0);
  best_pick_.clear();
  KnapsackDive(0, capacity, 0);
  if (best_pick_.empty()) return false;  // nothing beats what c holds now

  // Apply: the jobs c should no longer hold go to the queue, the chosen ones move in, and the
  // ones sent away take their cheapest option with room. The savings of jobs c held assumed
  // each could have the room it saw on its own; when two wanted the same room the result can
  // be worse, so it is kept only if the objective fell, and undone otherwise.
  const std::vector<std::size_t>& jobs = jobs_of_resource_[r];
  const std::int64_t before_fen = objective_;
  saved_.clear();
  for (const std::size_t j : jobs) saved_.push_back(assign_[j]);
  std::vector<std::uint8_t> chosen(in_.jobs.size(), 0);
  for (std::size_t i = 0; i < items_.size(); ++i) chosen[items_[i].job] = best_pick_[i];
  std::vector<std::size_t> sent_away;
  for (const std::size_t j : jobs) {
    if (assign_[j] == c && !chosen[j]) {
      Move(j, kUnplaced);
      sent_away.push_back(j);
    }
  }
  for (const std::size_t j : jobs) {
    if (chosen[j] && assign_[j] != c) Move(j, c);
  }
  for (const std::size_t j : sent_away) Move(j, Choose(j).best);
  if (objective_ < before_fen) return true;
  for (std::size_t x = 0; x < jobs.size(); ++x) {
    if (assign_[jobs[x]] != saved_[x]) Move(jobs[x], kUnplaced);
  }
  for (std::size_t x = 0; x < jobs.size(); ++x) {
    if (assign_[jobs[x]] != saved_[x]) Move(jobs[x], saved_[x]);
  }
  return false;
}

void Search::KnapsackDive(std::size_t i, std::int64_t room, std::int64_t value) {
  if (++knapsack_nodes_ > kKnapsackNodesMax) return;
  if (value > knapsack_best_fen_) {
    knapsack_best_fen_ = value;
    best_pick_ = pick_;
  }
  // Dantzig's bound: the remaining items by density while they fit, then a share of the next.
  std::int64_t bound = value;
  std::int64_t left = room;
  for (std::size_t k = i; k < items_.size(); ++k) {
    if (items_[k].demand_units > left) {
      bound += static_cast<std::int64_t>(static_cast<__int128>(items_[k].saving_fen) * left /
                                         items_[k].demand_units);
      break;
    }
    left -= items_[k].demand_units;
    bound += items_[k].saving_fen;
  }
  if (bound <= knapsack_best_fen_) return;
  while (i < items_.size() && items_[i].demand_units > room) ++i;
  if (i == items_.size()) return;
  pick_[i] = 1;
  KnapsackDive(i + 1, room - items_[i].demand_units, value + items_[i].saving_fen);
  pick_[i] = 0;
  KnapsackDive(i + 1, room, value);
}

void Search::Perturb(Random& random, std::size_t count) {
  const std::size_t n = in_.jobs.size();
  if (random.Below(2) == 0) {
    // Random jobs anywhere.
    for (std::size_t i = 0; i < count; ++i) Move(random.Below(n), kUnplaced);
  } else {
    // Related jobs: everything one center holds of one resource type, so that it can be
    // packed anew.
    const std::size_t j = random.Below(n);
    const std::int32_t c = assign_[j];
    const std::uint32_t r = in_.jobs[j].resource;
    for (const std::size_t k : jobs_of_resource_[r]) {
      if (c != kUnplaced && assign_[k] == c) Move(k, kUnplaced);
    }
    Move(j, kUnplaced);
  }
  // Recreate with every unplaced job competing, not only the ruined ones: a job that was
  // queued may be the one the freed room is best spent on. Shuffled, so that regret ties fall
  // differently each round.
  std::vector<std::size_t> open;
  for (std::size_t k = 0; k < n; ++k) {
    if (assign_[k] == kUnplaced) open.push_back(k);
  }
  for (std::size_t i = open.size(); i > 1; --i) std::swap(open[i - 1], open[random.Below(i)]);
  if (random.Below(2) == 0) {
    InsertByRegret(open);
    return;
  }
  // Or in that random order, each to its cheapest option with room: packings the regret
  // order never tries.
  for (const std::size_t k : open) Move(k, Choose(k).best);
}

void Search::Restore(const std::vector<std::int32_t>& assignment) {
  for (std::size_t j = 0; j < assignment.size(); ++j) {
    if (assign_[j] != assignment[j]) Move(j, kUnplaced);
  }
  for (std::size_t j = 0; j < assignment.size(); ++j) {
    if (assign_[j] != assignment[j]) Move(j, assignment[j]);
  }
}

// Jobs of one resource type up to which the exact search is tried (see PlanBatch).
constexpr std::size_t kExactJobsMax = 24;

Error Invalid(ErrorCode code, std::string field, std::string message) {
  return MakeError(code, std::move(field), std::move(message));
}

}  // namespace

Status ValidateInstance(const PlanInstance& in) {
  if (in.center_count > kPlanCentersMax) {
    return Invalid(ErrorCode::kOutOfRange, "center_count", "above 10,000");
  }
  if (in.jobs.size() > kPlanJobsMax) {
    return Invalid(ErrorCode::kOutOfRange, "jobs", "more than 1,000,000 jobs");
  }
  if (in.resource_type_count == 0 || in.resource_type_count > 1024) {
    return Invalid(ErrorCode::kOutOfRange, "resource_type_count", "outside 1..1024");
  }
  if (in.capacity_units.size() != in.center_count * in.resource_type_count) {
    return Invalid(ErrorCode::kContradiction, "capacity_units",
                   "size is not center_count × resource_type_count");
  }
  if (in.cost_fen.size() != in.jobs.size() * in.center_count) {
    return Invalid(ErrorCode::kContradiction, "cost_fen", "size is not jobs × center_count");
  }
  for (std::size_t i = 0; i < in.capacity_units.size(); ++i) {
    if (in.capacity_units[i] < 0 || in.capacity_units[i] > INT32_MAX) {
      return Invalid(ErrorCode::kOutOfRange, "capacity_units[" + std::to_string(i) + "]",
                     "outside 0..2^31-1");
    }
  }
  for (std::size_t j = 0; j < in.jobs.size(); ++j) {
    const PlanJob& job = in.jobs[j];
    const std::string at = "jobs[" + std::to_string(j) + "].";
    if (job.resource >= in.resource_type_count) {
      return Invalid(ErrorCode::kOutOfRange, at + "resource", "no such resource type");
    }
    if (job.demand_units == 0) return Invalid(ErrorCode::kOutOfRange, at + "demand_units", "0");
    if (job.unplaced_penalty_fen < 0 || job.unplaced_penalty_fen > kPlanFenMax) {
      return Invalid(ErrorCode::kOutOfRange, at + "unplaced_penalty_fen", "outside 0..10^12");
    }
    for (std::size_t c = 0; c < in.center_count; ++c) {
      const std::int64_t fen = in.cost_fen[j * in.center_count + c];
      if (fen != kInfeasibleCost && (fen < 0 || fen > kPlanFenMax)) {
        return Invalid(ErrorCode::kOutOfRange,
                       "cost_fen[" + std::to_string(j * in.center_count + c) + "]",
                       "neither kInfeasibleCost nor 0..10^12");
      }
    }
  }
  return OkStatus();
}

std::int64_t LexicographicPenaltyFen(const PlanInstance& in) {
  std::int64_t sum_fen = 1;
  for (std::size_t j = 0; j < in.jobs.size(); ++j) {
    std::int64_t dearest_fen = 0;
    for (std::size_t c = 0; c < in.center_count; ++c) {
      dearest_fen = std::max(dearest_fen, in.cost_fen[j * in.center_count + c]);
    }
    sum_fen += dearest_fen;
  }
  return sum_fen;
}

Result<Plan> EvaluatePlan(const PlanInstance& in, std::span<const std::int32_t> center_of_job) {
  if (center_of_job.size() != in.jobs.size()) {
    return Invalid(ErrorCode::kContradiction, "center_of_job", "one entry per job expected");
  }
  std::vector<std::int64_t> residual = in.capacity_units;
  Plan plan;
  plan.center_of_job.assign(center_of_job.begin(), center_of_job.end());
  for (std::size_t j = 0; j < in.jobs.size(); ++j) {
    const std::int32_t c = center_of_job[j];
    const PlanJob& job = in.jobs[j];
    if (c == kUnplaced) {
      plan.unplaced_penalty_fen += job.unplaced_penalty_fen;
      ++plan.unplaced_count;
      continue;
    }
    if (c < 0 || static_cast<std::size_t>(c) >= in.center_count) {
      return Invalid(ErrorCode::kOutOfRange, "center_of_job[" + std::to_string(j) + "]",
                     "no such center");
    }
    const std::size_t center = static_cast<std::size_t>(c);
    const std::int64_t fen = in.cost_fen[j * in.center_count + center];
    if (fen == kInfeasibleCost) {
      return Invalid(ErrorCode::kContradiction, "center_of_job[" + std::to_string(j) + "]",
                     "the job cannot run at that center");
    }
    plan.placed_cost_fen += fen;
    residual[center * in.resource_type_count + job.resource] -= job.demand_units;
  }
  for (std::size_t i = 0; i < residual.size(); ++i) {
    if (residual[i] < 0) {
      return Invalid(ErrorCode::kExceedsLimit,
                     "center " + std::to_string(i / in.resource_type_count) + " resource " +
                         std::to_string(i % in.resource_type_count),
                     "over capacity");
    }
  }
  plan.objective_fen = plan.placed_cost_fen + plan.unplaced_penalty_fen;
  return plan;
}

Result<Plan> PlanGreedy(const PlanInstance& in) {
  SUANLI_TRY(ValidateInstance(in));
  std::vector<std::int64_t> residual = in.capacity_units;
  std::vector<std::int32_t> assign(in.jobs.size(), kUnplaced);
  for (std::size_t j = 0; j < in.jobs.size(); ++j) {
    const PlanJob& job = in.jobs[j];
    std::int64_t best_fen = job.unplaced_penalty_fen;
    for (std::size_t c = 0; c < in.center_count; ++c) {
      const std::int64_t fen = in.cost_fen[j * in.center_count + c];
      const std::int64_t room = residual[c * in.resource_type_count + job.resource];
      if (fen != kInfeasibleCost && room >= job.demand_units && fen < best_fen) {
        best_fen = fen;
        assign[j] = static_cast<std::int32_t>(c);
      }
    }
    if (assign[j] != kUnplaced) {
      residual[static_cast<std::size_t>(assign[j]) * in.resource_type_count + job.resource] -=
          job.demand_units;
    }
  }
  return EvaluatePlan(in, assign);
}

Result<Plan> PlanBatch(const PlanInstance& in, const PlannerOptions& options) {
  SUANLI_TRY(ValidateInstance(in));
  Search search(in);
  search.RegretGreedy();
  search.LocalSearch();
  std::vector<std::int32_t> best = search.assignment();
  std::int64_t best_fen = search.objective();
  Random random(options.seed);
  // A tenth of the jobs per kick (3..30): on the benchmark instances kicks of 2% of the jobs
  // left the search ~1% above GLPK; a tenth reached it (docs/benchmarks-routing.md).
  const std::size_t kick = std::clamp<std::size_t>(in.jobs.size() / 10, 3, 30);
  std::size_t last_gain = 0;  // the last round that found a strictly cheaper plan
  for (std::size_t round = 1; round <= options.perturbation_rounds && !in.jobs.empty(); ++round) {
    if (options.stall_rounds != 0 && round - last_gain > options.stall_rounds) break;
    search.Perturb(random, kick);
    search.LocalSearch();
    if (search.objective() < best_fen) last_gain = round;
    // Equal objectives are accepted too, so the search can walk across plateaus.
    if (search.objective() <= best_fen) {
      best = search.assignment();
      best_fen = search.objective();
    } else {
      search.Restore(best);
    }
  }
  // The exact search, where it can finish: beyond kExactJobsMax jobs of a type the tree is
  // too large for any budget worth spending.
  std::vector<std::size_t> jobs_of_type(in.resource_type_count, 0);
  for (const PlanJob& job : in.jobs) ++jobs_of_type[job.resource];
  bool proven_optimal = true;
  for (std::uint32_t r = 0; r < in.resource_type_count; ++r) {
    if (options.exact_nodes_max == 0 || jobs_of_type[r] > kExactJobsMax) {
      proven_optimal = false;
      continue;
    }
    proven_optimal &= SolveResourceExactly(in, r, options.exact_nodes_max, best).complete;
  }
  Result<Plan> plan = EvaluatePlan(in, best);
  SUANLI_CHECK(plan.ok() && plan->objective_fen <= best_fen);
  plan.value().proven_optimal = proven_optimal;
  return plan;
}

}  // namespace suanli::routing
