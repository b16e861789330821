#include "policy/draw.h"

#include <numeric>
#include <set>

#include "core/check.h"

namespace suanli::policy {
namespace {

// SplitMix64: tiny, well-mixed, and defined by its arithmetic alone, so a draw replays the same
// on every platform (std::mt19937 would too, but std distributions are not portable).
class SplitMix64 {
 public:
  explicit SplitMix64(std::uint64_t seed) : state_(seed) {}
  std::uint64_t Next() {
    std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }
  // Uniform in [0, n) by rejection, so no value is favoured.
  std::uint64_t Below(std::uint64_t n) {
    SUANLI_CHECK(n > 0);
    const std::uint64_t limit = UINT64_MAX - UINT64_MAX % n;
    std::uint64_t x = Next();
    while (x >= limit) x = Next();
    return x % n;
  }

 private:
  std::uint64_t state_;
};

}  // namespace

Result<DrawResult> DrawExperienceVouchers(const Experience& rule,
                                          const std::vector<std::string>& entrants,
                                          std::uint64_t seed) {
  if (entrants.size() > kDrawEntrantsMax) {
    return MakeError(ErrorCode::kOutOfRange, "entrants", "too many entrants for one draw");
  }
  std::set<std::string> seen;
  for (std::size_t i = 0; i < entrants.size(); ++i) {
    if (!seen.insert(entrants[i]).second) {
      return MakeError(ErrorCode::kContradiction, "entrants[" + std::to_string(i) + "]",
                       "entrant '" + entrants[i] + "' appears twice (one voucher per week)");
    }
  }
  SUANLI_CHECK(rule.hours_step > 0 && rule.hours_min <= rule.hours_max);
  SplitMix64 rng(seed);
  std::vector<std::size_t> order(entrants.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  for (std::size_t i = order.size(); i > 1; --i) {  // Fisher–Yates
    std::swap(order[i - 1], order[rng.Below(i)]);
  }
  const auto steps = static_cast<std::uint64_t>((rule.hours_max - rule.hours_min) / rule.hours_step);
  DrawResult out;
  for (std::size_t i = 0; i < order.size() && out.total_hours < rule.weekly_hours_min; ++i) {
    const int hours = rule.hours_min + rule.hours_step * static_cast<int>(rng.Below(steps + 1));
    out.winners.push_back({entrants[order[i]], hours});
    out.total_hours += hours;
  }
  // Too few entrants: raise vouchers toward the maximum, in draw order.
  for (auto& w : out.winners) {
    if (out.total_hours >= rule.weekly_hours_min) break;
    const int raise = std::min(rule.hours_max - w.hours, rule.weekly_hours_min - out.total_hours);
    const int stepped = (raise + rule.hours_step - 1) / rule.hours_step * rule.hours_step;
    const int add = std::min(stepped, rule.hours_max - w.hours);
    w.hours += add;
    out.total_hours += add;
  }
  out.shortfall_hours = std::max(0, rule.weekly_hours_min - out.total_hours);
  for (const auto& w : out.winners) {
    SUANLI_CHECK(w.hours >= rule.hours_min && w.hours <= rule.hours_max);
  }
  return out;
}

}  // namespace suanli::policy
