// What compute costs: per-center, per-partition prices in integer fen per unit (card-hour,
// core-hour, node-hour, billing-unit-hour with Slurm TRES billing weights, GB-month of storage),
// each with the instant it takes effect, and the discount classes A–E with their floor. A
// PriceList is built once from a spec and validated as a whole; it is immutable afterwards.
#pragma once

#include <boost/unordered/unordered_flat_map.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/cst_time.h"
#include "core/rate.h"
#include "core/result.h"
#include "core/short_bytes.h"

namespace suanli::metering {

// What one priced unit is. Stored in the usage store (numbers are part of the format).
enum class PriceUnit : std::uint8_t {
  kCardHour = 1,     // one accelerator card (a gres TRES, e.g. "gres/gpu", "gres/npu") for 1 h
  kCoreHour = 2,     // one allocated CPU ("cpu" TRES) for 1 h
  kNodeHour = 3,     // one whole node ("node" TRES) for 1 h
  kBillingHour = 4,  // one Slurm billing unit (Σ weight × TRES, see TresWeight) for 1 h
  kGbMonth = 5,      // one GB of storage for one calendar month (not from sacct; RateStorage)
};
// "card_hour", "core_hour", "node_hour", "billing_hour", "gb_month": the price file's names.
std::string_view PriceUnitName(PriceUnit unit);
Result<PriceUnit> ParsePriceUnit(std::string_view text, std::string_view field = "unit");

// One term of Slurm's TRESBillingWeights: `weight` billing units per unit of `tres` as counted
// in AllocTRES (mem in MB). Exact fraction, never floating point.
struct TresWeight {
  std::string tres;  // lower case: "cpu", "mem", "node", "gres/gpu"
  Rate weight;
};

// Parses Slurm's spelling "CPU=1.0,Mem=0.25G,GRES/gpu=2": names are folded to lower case; a
// K/M/G/T suffix on a weight means "per KB/MB/GB/TB" and is converted to per MB (Mem=0.25G is
// 0.25/1024 per MB). kParse naming `field` and the offending item on any other text.
Result<std::vector<TresWeight>> ParseTresBillingWeights(std::string_view text,
                                                        std::string_view field = "billing_weights");

// One price: from `effective_from` on (until the next entry for the same center and partition
// takes effect), a job on `center`'s `partition` that STARTED at or after `effective_from` is
// priced at `price_fen` per unit-hour (per GB-month for kGbMonth). The price in force is the
// one at the job's start, never its end: a job is quoted when it is admitted.
struct PriceEntry {
  std::string center;     // Slurm cluster name
  std::string partition;  // "" = every partition of the center without its own entry
  PriceUnit unit = PriceUnit::kCoreHour;
  std::string tres;            // the counted TRES for kCardHour ("gres/gpu" if empty); else unused
  std::int64_t price_fen = 0;  // per unit-hour (per GB-month for kGbMonth); > 0
  Instant effective_from;
  std::vector<TresWeight> weights;  // kBillingHour only; at least one
};

// A customer's discount class: the share of the base price the customer pays.
struct DiscountClass {
  char id = 'A';  // 'A'..'E'
  Rate share;     // 30 % … 100 %
};

// Everything a PriceList is built from.
struct PriceListSpec {
  std::vector<PriceEntry> prices;
  std::vector<DiscountClass> classes;
  // No class may pay less than this share of the base price (seed 002, Nanjing: 30 %).
  Rate floor_share = Rate::Percent(30);
};

class PriceList {
 public:
  PriceList() = default;

  // Validates the whole spec and builds the lookup tables. Errors (kind, field, reason):
  //   prices[i].center        empty                                   kMissingField
  //   prices[i].price_fen     <= 0 or above limits::kAmountFenMax      kOutOfRange
  //   prices[i].weights       missing for billing_hour, or on another unit; negative weight
  //   prices[i].tres          not "gres/..." for card_hour               kOutOfRange
  //   prices[i].effective_from  same center, partition and instant as an earlier entry
  //                                                                   kDuplicate
  //   classes[i].id           not A–E, or named twice                  kOutOfRange/kDuplicate
  //   classes[i].share        below floor_share, or above 100 %        kOutOfRange
  //   floor_share             above 100 %                              kOutOfRange
  static Result<PriceList> Build(PriceListSpec spec);

  // The entry in force for a job on (center, partition) that started at `start`: the latest
  // entry with effective_from <= start for that exact partition, else for partition "".
  // nullptr when none is in force (no entry, or every entry takes effect later). The pointer
  // lives as long as the PriceList.
  const PriceEntry* Find(std::string_view center, std::string_view partition, Instant start) const;

  // The share a customer of `discount_class` pays: max(class share, floor). No class (nullopt)
  // pays the base price (100 %). A class the list does not define → kNotFound.
  Result<Rate> ShareFor(std::optional<char> discount_class) const;

  const PriceListSpec& spec() const { return spec_; }

 private:
  // (center, partition), looked up by views: Find used to join the two into a stack buffer
  // byte by byte and hash it as words, and the word loads waited on those byte stores (a third
  // of Find's time, ≈ 9 % of rating job rows).
  struct PartitionKey {
    std::string center;
    std::string partition;
  };
  struct PartitionKeyView {
    std::string_view center;
    std::string_view partition;
  };
  struct PartitionKeyHash {
    using is_transparent = void;
    static std::size_t Hash(std::string_view center, std::string_view partition) {
      return (ShortHash(center) * 0x9e3779b97f4a7c15ULL) ^ ShortHash(partition);
    }
    std::size_t operator()(const PartitionKey& k) const { return Hash(k.center, k.partition); }
    std::size_t operator()(const PartitionKeyView& k) const { return Hash(k.center, k.partition); }
  };
  struct PartitionKeyEqual {
    using is_transparent = void;
    template <typename A, typename B>
    bool operator()(const A& a, const B& b) const {
      return ShortEqual(a.center, b.center) && ShortEqual(a.partition, b.partition);
    }
  };
  using Table = boost::unordered_flat_map<PartitionKey, std::vector<std::size_t>, PartitionKeyHash,
                                          PartitionKeyEqual>;

  PriceListSpec spec_;
  // (center, partition) → indexes into spec_.prices, sorted by effective_from.
  Table by_partition_;
};

}  // namespace suanli::metering
