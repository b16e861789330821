// Exact branch and bound for one resource type's share of a batch plan. Resource types never
// share capacity, so a plan is optimal when each type's jobs are; for the small batches where
// the search finishes within its node budget this proves the planner's answer optimal.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "routing/planner.h"

namespace suanli::routing {

struct ExactOutcome {
  bool complete = false;  // the whole tree was searched: `assignment` is optimal for the type
  bool improved = false;  // it found a better assignment than the incumbent
};

// Searches the assignments of the jobs of `resource` (the others are left as they are) in
// depth-first order, largest demand first, pruning by cost so far plus each remaining job's
// cheapest option regardless of capacity. `assignment` is the incumbent on entry (it must
// respect capacity) and the best found on return. Stops after `nodes_max` nodes; requires a
// valid instance.
ExactOutcome SolveResourceExactly(const PlanInstance& instance, std::uint32_t resource,
                                  std::size_t nodes_max, std::vector<std::int32_t>& assignment);

}  // namespace suanli::routing
