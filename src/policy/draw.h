// Nanjing's experience vouchers: each week at least `weekly_hours_min` hours are handed out by
// draw, each voucher between `hours_min` and `hours_max` hours. The draw is a pure function of
// the entrants and a seed, so it can be replayed and audited: the same seed and entrants always
// give the same winners and hours.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/result.h"
#include "policy/program.h"

namespace suanli::policy {

struct DrawWinner {
  std::string entrant;
  int hours = 0;
};

struct DrawResult {
  std::vector<DrawWinner> winners;  // in draw order
  int total_hours = 0;
  int shortfall_hours = 0;  // > 0 only when too few entrants to reach the weekly minimum
};

// Entrants are ids (one voucher per entrant per week: duplicates are refused, kContradiction).
// Winners are drawn in a seeded shuffle order, each given hours_min + k × hours_step hours,
// until the total reaches weekly_hours_min. If every entrant has won and the total is still
// short, winners' vouchers are raised toward hours_max in draw order; what remains short is
// reported as shortfall_hours. Every voucher stays within hours_min..hours_max.
Result<DrawResult> DrawExperienceVouchers(const Experience& rule,
                                          const std::vector<std::string>& entrants,
                                          std::uint64_t seed);

// Entrants a single draw accepts: a week's draw is a lottery among applicants, not a census.
inline constexpr std::size_t kDrawEntrantsMax = 100000;

}  // namespace suanli::policy
