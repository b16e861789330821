// What a compute center offers the router at one moment: whether it is up, its region and
// latency class, and per resource type the units free and total, the list price and the
// expected queue wait, plus the frameworks it runs. A snapshot is plain data with fixed-size
// arrays, so routing over many snapshots allocates nothing.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/ids.h"
#include "core/result.h"
#include "routing/short_name.h"

namespace suanli::routing {

struct CenterTag {};
// A center of the network; the platform assigns it. Ties in routing are broken by it.
using CenterId = StrongId<CenterTag>;

// How far a center is from the backbone, in network/center_spec.h's spelling.
enum class LatencyClass : std::uint8_t { kMetro = 0, kProvince = 1, kNational = 2 };
// "metro", "province", "national" → the class; anything else is kParse.
Result<LatencyClass> ParseLatencyClass(std::string_view text, std::string_view field = "latency_class");
std::string_view LatencyClassName(LatencyClass latency_class);

// Bounds every offer is validated against, chosen so that no score term can overflow int64
// (docs/routing.md, "Ranges").
inline constexpr std::int64_t kPriceFenPerUnitHourMax = 1'000'000;  // 10,000 CNY per unit-hour
inline constexpr std::int64_t kWaitSMax = 366 * 86'400;             // a year's queue
inline constexpr std::uint32_t kUnitsMax = 1'000'000;               // per resource type
// Resource types and frameworks per center: the largest centers in the network list four
// kinds of unit and about a dozen framework versions; fixed arrays keep a snapshot flat.
inline constexpr std::size_t kResourcesPerOfferMax = 6;
inline constexpr std::size_t kFrameworksPerOfferMax = 12;

// One kind of unit at a center ("cpu" cores, "gpu" or "npu" cards), priced per unit-hour.
struct ResourceOffer {
  ShortName type;
  std::int64_t price_fen_per_unit_hour = 0;  // the list price, before any discount or voucher
  std::int64_t wait_s = 0;                   // expected wait before a job of this type starts
  std::uint32_t free_units = 0;
  std::uint32_t total_units = 0;
  bool domestic_chip = false;                // 国产芯片: the units are domestic chips
};

struct FrameworkOffer {
  ShortName name;  // "PyTorch", "MindSpore"
  Version version;
};

struct CenterOffer {
  CenterId center;
  ProviderId provider;  // whose voucher share applies is decided by provider
  ShortName region;     // where the center is, e.g. "成都"
  bool up = true;       // false: the last health check failed; routing skips it
  LatencyClass latency_class = LatencyClass::kMetro;
  std::uint8_t resource_count = 0;
  std::uint8_t framework_count = 0;
  std::array<ResourceOffer, kResourcesPerOfferMax> resources{};
  std::array<FrameworkOffer, kFrameworksPerOfferMax> frameworks{};

  // Appends a resource type. kOutOfRange when the offer already holds kResourcesPerOfferMax,
  // kDuplicate when it already offers this type; the offer is unchanged on error.
  Status AddResource(const ResourceOffer& resource);
  // Appends a framework version; several versions of one framework are several entries.
  // kOutOfRange when full, kDuplicate for the same name and version twice.
  Status AddFramework(ShortName name, Version version);

  // The offer of `type`, or nullptr.
  const ResourceOffer* FindResource(ShortName type) const {
    for (std::size_t i = 0; i < resource_count; ++i) {
      if (resources[i].type == type) return &resources[i];
    }
    return nullptr;
  }
  // True when some offered version of `name` is at least `version_min`.
  bool OffersFramework(ShortName name, Version version_min) const {
    for (std::size_t i = 0; i < framework_count; ++i) {
      if (frameworks[i].name == name && frameworks[i].version >= version_min) return true;
    }
    return false;
  }
};

// Checks what the router relies on: a valid center id, counts within the arrays, every
// resource type named and within the bounds above with free <= total and total > 0, every
// framework named. Errors name the field ("resources[1].free_units"). Offers built with
// AddResource/AddFramework from validated parts pass; validate offers built otherwise.
Status ValidateOffer(const CenterOffer& offer);

}  // namespace suanli::routing
