// The exact search (planner_exact.h).
#include "routing/planner_exact.h"

#include <algorithm>

namespace suanli::routing {
namespace {

class BranchAndBound {
 public:
  BranchAndBound(const PlanInstance& in, std::uint32_t resource, std::size_t nodes_max)
      : in_(in), resource_(resource), nodes_max_(nodes_max) {
    for (std::size_t j = 0; j < in.jobs.size(); ++j) {
      if (in.jobs[j].resource == resource) jobs_.push_back(j);
    }
    // Large jobs first: they are the hardest to fit, so infeasible branches die early.
    std::stable_sort(jobs_.begin(), jobs_.end(), [&](std::size_t a, std::size_t b) {
      return in.jobs[a].demand_units > in.jobs[b].demand_units;
    });
    // cheapest_after_[i]: Σ over jobs_[i..] of the cheapest option ignoring capacity.
    cheapest_after_.assign(jobs_.size() + 1, 0);
    for (std::size_t i = jobs_.size(); i-- > 0;) {
      const std::size_t j = jobs_[i];
      std::int64_t low = in.jobs[j].unplaced_penalty_fen;
      for (std::size_t c = 0; c < in.center_count; ++c) {
        const std::int64_t fen = in.cost_fen[j * in.center_count + c];
        if (fen != kInfeasibleCost) low = std::min(low, fen);
      }
      cheapest_after_[i] = cheapest_after_[i + 1] + low;
    }
    for (std::size_t c = 0; c < in.center_count; ++c) {
      residual_.push_back(in.capacity_units[c * in.resource_type_count + resource]);
    }
  }

  ExactOutcome Run(std::vector<std::int32_t>& assignment) {
    best_fen_ = 0;
    for (const std::size_t j : jobs_) best_fen_ += Cost(j, assignment[j]);
    current_.assign(in_.jobs.size(), kUnplaced);
    best_ = assignment;
    Dive(0, 0);
    ExactOutcome outcome;
    outcome.complete = nodes_ <= nodes_max_;
    outcome.improved = improved_;
    if (improved_) assignment = best_;
    return outcome;
  }

 private:
  std::int64_t Cost(std::size_t j, std::int32_t c) const {
    return c == kUnplaced ? in_.jobs[j].unplaced_penalty_fen
                          : in_.cost_fen[j * in_.center_count + static_cast<std::size_t>(c)];
  }

  void Dive(std::size_t i, std::int64_t so_far_fen) {
    if (++nodes_ > nodes_max_) return;
    if (so_far_fen + cheapest_after_[i] >= best_fen_) return;  // cannot beat the incumbent
    if (i == jobs_.size()) {
      best_fen_ = so_far_fen;
      for (const std::size_t j : jobs_) best_[j] = current_[j];
      improved_ = true;
      return;
    }
    const std::size_t j = jobs_[i];
    const std::int64_t demand = in_.jobs[j].demand_units;
    for (std::size_t c = 0; c < in_.center_count; ++c) {
      const std::int64_t fen = in_.cost_fen[j * in_.center_count + c];
      if (fen == kInfeasibleCost || residual_[c] < demand) continue;
      residual_[c] -= demand;
      current_[j] = static_cast<std::int32_t>(c);
      Dive(i + 1, so_far_fen + fen);
      residual_[c] += demand;
    }
    current_[j] = kUnplaced;
    Dive(i + 1, so_far_fen + in_.jobs[j].unplaced_penalty_fen);
  }

  const PlanInstance& in_;
  const std::uint32_t resource_;
  const std::size_t nodes_max_;
  std::vector<std::size_t> jobs_;
  std::vector<std::int64_t> cheapest_after_;
  std::vector<std::int64_t> residual_;
  std::vector<std::int32_t> current_;
  std::vector<std::int32_t> best_;
  std::int64_t best_fen_ = 0;
  std::size_t nodes_ = 0;
  bool improved_ = false;
};

}  // namespace

ExactOutcome SolveResourceExactly(const PlanInstance& instance, std::uint32_t resource,
                                  std::size_t nodes_max, std::vector<std::int32_t>& assignment) {
  BranchAndBound search(instance, resource, nodes_max);
  return search.Run(assignment);
}

}  // namespace suanli::routing
