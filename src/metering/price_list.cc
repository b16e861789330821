// PriceList validation and lookup (price_list.h).
#include "metering/price_list.h"

#include <algorithm>
#include <numeric>

#include "core/limits.h"
#include "core/short_bytes.h"

namespace suanli::metering {
namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

// r × 1/div, reduced: a weight per GB becomes per MB.
Result<Rate> DivideRate(Rate r, std::int64_t div, std::string_view field) {
  std::int64_t den = 0;
  if (__builtin_mul_overflow(r.den, div, &den)) {
    return MakeError(ErrorCode::kOverflow, std::string(field), "weight too precise");
  }
  const std::int64_t g = std::gcd(r.num, den);
  return g > 1 ? Rate{r.num / g, den / g} : Rate{r.num, den};
}

Status ValidateEntry(const PriceEntry& e, const std::string& f) {
  if (e.center.empty()) return MakeError(ErrorCode::kMissingField, f + ".center", "required");
  if (e.price_fen <= 0 || e.price_fen > limits::kAmountFenMax) {
    return MakeError(ErrorCode::kOutOfRange, f + ".price_fen",
                     "must be above 0 and at most 10^15 fen, is " + std::to_string(e.price_fen));
  }
  if (e.unit == PriceUnit::kBillingHour) {
    if (e.weights.empty()) {
      return MakeError(ErrorCode::kMissingField, f + ".weights",
                       "a billing_hour price needs TRES billing weights");
    }
    for (std::size_t i = 0; i < e.weights.size(); ++i) {
      const auto& w = e.weights[i];
      const std::string wf = f + ".weights[" + std::to_string(i) + "]";
      if (w.tres.empty()) return MakeError(ErrorCode::kMissingField, wf + ".tres", "required");
      if (w.weight.num < 0 || w.weight.den <= 0) {
        return MakeError(ErrorCode::kOutOfRange, wf + ".weight", "must be >= 0");
      }
    }
  } else if (!e.weights.empty()) {
    return MakeError(
        ErrorCode::kContradiction, f + ".weights",
        "weights apply only to unit billing_hour, not " + std::string(PriceUnitName(e.unit)));
  }
  if (e.unit == PriceUnit::kCardHour && !e.tres.empty() && !e.tres.starts_with("gres/")) {
    return MakeError(
        ErrorCode::kOutOfRange, f + ".tres",
        "a card is counted by a gres TRES (\"gres/gpu\", \"gres/npu\"), not '" + e.tres + "'");
  }
  return OkStatus();
}

}  // namespace

std::string_view PriceUnitName(PriceUnit unit) {
  switch (unit) {
    case PriceUnit::kCardHour:
      return "card_hour";
    case PriceUnit::kCoreHour:
      return "core_hour";
    case PriceUnit::kNodeHour:
      return "node_hour";
    case PriceUnit::kBillingHour:
      return "billing_hour";
    case PriceUnit::kGbMonth:
      return "gb_month";
  }
  return "unknown";
}

Result<PriceUnit> ParsePriceUnit(std::string_view text, std::string_view field) {
  for (PriceUnit u : {PriceUnit::kCardHour, PriceUnit::kCoreHour, PriceUnit::kNodeHour,
                      PriceUnit::kBillingHour, PriceUnit::kGbMonth}) {
    if (text == PriceUnitName(u)) return u;
  }
  return MakeError(ErrorCode::kParse, std::string(field),
                   "'" + std::string(text) +
                       "' is not one of card_hour, core_hour, node_hour, billing_hour, gb_month");
}

Result<std::vector<TresWeight>> ParseTresBillingWeights(std::string_view text,
                                                        std::string_view field) {
  std::vector<TresWeight> out;
  const std::string f(field);
  while (!text.empty()) {
    const auto comma = text.find(',');
    const std::string_view item = text.substr(0, comma);
    text = comma == std::string_view::npos ? std::string_view{} : text.substr(comma + 1);
    const auto eq = item.find('=');
    if (eq == std::string_view::npos || eq == 0 || eq + 1 == item.size()) {
      return MakeError(ErrorCode::kParse, f, "'" + std::string(item) + "' is not NAME=WEIGHT");
    }
    std::string_view value = item.substr(eq + 1);
    std::int64_t per_mb_div = 1;  // weight per (per_mb_div) MB; K means per KB: ×1024
    std::int64_t per_mb_mul = 1;
    switch (value.back()) {
      case 'K':
        per_mb_mul = 1024;
        value.remove_suffix(1);
        break;
      case 'M':
        value.remove_suffix(1);
        break;
      case 'G':
        per_mb_div = 1024;
        value.remove_suffix(1);
        break;
      case 'T':
        per_mb_div = 1024 * 1024;
        value.remove_suffix(1);
        break;
      default:
        break;
    }
    // Slurm writes ".25G"; Rate::Parse wants a leading digit.
    const std::string decimal =
        value.starts_with('.') ? "0" + std::string(value) : std::string(value);
    SUANLI_ASSIGN(Rate weight, Rate::Parse(decimal, f));
    SUANLI_ASSIGN(weight, DivideRate(weight, per_mb_div, f));
    if (__builtin_mul_overflow(weight.num, per_mb_mul, &weight.num)) {
      return MakeError(ErrorCode::kOverflow, f, "weight too large");
    }
    out.push_back(TresWeight{Lower(item.substr(0, eq)), weight});
  }
  if (out.empty()) return MakeError(ErrorCode::kMissingField, f, "no weights");
  return out;
}

Result<PriceList> PriceList::Build(PriceListSpec spec) {
  PriceList list;
  const Rate hundred = Rate::One();
  if (spec.floor_share.num < 0 || spec.floor_share.den <= 0 || hundred.LessThan(spec.floor_share)) {
    return MakeError(ErrorCode::kOutOfRange, "floor_share", "must be between 0 % and 100 %");
  }
  std::array<bool, 5> seen{};
  for (std::size_t i = 0; i < spec.classes.size(); ++i) {
    const auto& c = spec.classes[i];
    const std::string f = "classes[" + std::to_string(i) + "]";
    if (c.id < 'A' || c.id > 'E') {
      return MakeError(ErrorCode::kOutOfRange, f + ".id", "a discount class is A, B, C, D or E");
    }
    auto& s = seen[static_cast<std::size_t>(c.id - 'A')];
    if (s)
      return MakeError(ErrorCode::kDuplicate, f + ".id", std::string("class ") + c.id + " twice");
    s = true;
    if (c.share.den <= 0 || c.share.LessThan(spec.floor_share)) {
      return MakeError(ErrorCode::kOutOfRange, f + ".share",
                       "class " + std::string(1, c.id) + " pays " + c.share.ToString() +
                           " of the base price, below the floor of " + spec.floor_share.ToString());
    }
    if (hundred.LessThan(c.share)) {
      return MakeError(
          ErrorCode::kOutOfRange, f + ".share",
          "a discount class pays at most 100 % of the base price, not " + c.share.ToString());
    }
  }
  for (std::size_t i = 0; i < spec.prices.size(); ++i) {
    auto& e = spec.prices[i];
    SUANLI_TRY(ValidateEntry(e, "prices[" + std::to_string(i) + "]"));
    if (e.unit == PriceUnit::kCardHour && e.tres.empty()) e.tres = "gres/gpu";
    list.by_partition_[PartitionKey{e.center, e.partition}].push_back(i);
  }
  for (auto& [key, indexes] : list.by_partition_) {
    std::stable_sort(indexes.begin(), indexes.end(), [&](std::size_t a, std::size_t b) {
      return spec.prices[a].effective_from < spec.prices[b].effective_from;
    });
    for (std::size_t k = 1; k < indexes.size(); ++k) {
      if (spec.prices[indexes[k]].effective_from == spec.prices[indexes[k - 1]].effective_from) {
        return MakeError(ErrorCode::kDuplicate,
                         "prices[" + std::to_string(indexes[k]) + "].effective_from",
                         "prices[" + std::to_string(indexes[k - 1]) +
                             "] already takes effect then for the same center and partition");
      }
    }
  }
  list.spec_ = std::move(spec);
  return list;
}

const PriceEntry* PriceList::Find(std::string_view center, std::string_view partition,
                                  Instant start) const {
  for (const std::string_view part : {partition, std::string_view{}}) {
    const auto it = by_partition_.find(PartitionKeyView{center, part});
    if (it == by_partition_.end()) continue;
    const PriceEntry* best = nullptr;
    for (std::size_t index : it->second) {
      const PriceEntry& e = spec_.prices[index];
      if (start < e.effective_from) break;
      best = &e;
    }
    if (best != nullptr) return best;
    if (part.empty()) break;
  }
  return nullptr;
}

Result<Rate> PriceList::ShareFor(std::optional<char> discount_class) const {
  if (!discount_class) return Rate::One();
  for (const auto& c : spec_.classes) {
    if (c.id == *discount_class) {
      return c.share.LessThan(spec_.floor_share) ? spec_.floor_share : c.share;
    }
  }
  return MakeError(ErrorCode::kNotFound, "discount_class",
                   std::string("class ") + *discount_class + " is not in the price list");
}

}  // namespace suanli::metering
