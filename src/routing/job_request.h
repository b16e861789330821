// What an organisation asks of the network for one job: the units it needs, the framework, how
// long it may run, where its data is, what it will pay and by when it must be done, and the
// price shares (its discount class and its voucher) that decide what it pays at each center.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "core/cst_time.h"
#include "core/ids.h"
#include "core/result.h"
#include "routing/short_name.h"

namespace suanli::routing {

// Bounds a request is validated against; with offer.h's they keep every score term far below
// int64's range (docs/routing.md, "Ranges").
inline constexpr std::uint32_t kRequestUnitsMax = 100'000;
inline constexpr std::int64_t kTimeLimitSMax = 30 * 86'400;  // Slurm partitions cap far lower
inline constexpr std::int32_t kBasisPointsOne = 10'000;     // 100 %
// A voucher names the providers it may be spent at; programs list a few dozen at most.
inline constexpr std::size_t kVoucherProvidersMax = 256;
// "No maximum price": above any valid list price.
inline constexpr std::int64_t kNoMaxPrice = INT64_MAX;

struct JobRequest {
  ShortName resource_type;        // "gpu", "npu", "cpu": matched exactly against offers
  std::uint32_t units = 1;        // cards or cores, all at one center
  ShortName framework;            // empty: no framework required
  Version framework_version_min;  // the lowest acceptable version of `framework`
  std::int64_t time_limit_s = 3600;  // the job's run-time limit; it is billed at most this
  ShortName data_region;          // where its input data is; empty: no data to move
  // The most the organisation pays per unit-hour after discount and voucher (what it pays
  // itself, not the list price); kNoMaxPrice for none.
  std::int64_t max_price_fen_per_unit_hour = kNoMaxPrice;
  bool domestic_only = false;     // only centers whose units of this type are domestic chips
  std::optional<Instant> deadline;  // the job must be able to finish by then at its limit
  // The organisation's discount class: this share of the list price is taken off everywhere.
  std::int32_t discount_bp = 0;
  // The voucher's share of the discounted price, paid by the program at the providers below.
  std::int32_t voucher_bp = 0;
  std::vector<ProviderId> voucher_providers;  // sorted ascending, no repeats
};

// Checks the bounds the router relies on: a named resource type, 1..kRequestUnitsMax units,
// a time limit of 1 s..30 days, a max price >= 0, shares in 0..10,000 bp, at most
// kVoucherProvidersMax voucher providers sorted without repeats. Errors name the field.
Status ValidateRequest(const JobRequest& request);

}  // namespace suanli::routing
