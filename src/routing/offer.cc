// CenterOffer's builders and validation (offer.h).
#include "routing/offer.h"

#include <string>

namespace suanli::routing {
namespace {

Error FieldError(ErrorCode code, std::string field, std::string message) {
  return MakeError(code, std::move(field), std::move(message));
}

}  // namespace

Result<LatencyClass> ParseLatencyClass(std::string_view text, std::string_view field) {
  if (text == "metro") return LatencyClass::kMetro;
  if (text == "province") return LatencyClass::kProvince;
  if (text == "national") return LatencyClass::kNational;
  return FieldError(ErrorCode::kParse, std::string(field),
                    "expected metro, province or national");
}

std::string_view LatencyClassName(LatencyClass latency_class) {
  switch (latency_class) {
    case LatencyClass::kMetro: return "metro";
    case LatencyClass::kProvince: return "province";
    case LatencyClass::kNational: return "national";
  }
  return "unknown";
}

Status CenterOffer::AddResource(const ResourceOffer& resource) {
  if (resource_count >= kResourcesPerOfferMax) {
    return FieldError(ErrorCode::kOutOfRange, "resources", "more resource types than the limit");
  }
  if (FindResource(resource.type) != nullptr) {
    return FieldError(ErrorCode::kDuplicate, "resources",
                      "resource type " + std::string(resource.type.view()) + " offered twice");
  }
  resources[resource_count++] = resource;
  return OkStatus();
}

Status CenterOffer::AddFramework(ShortName name, Version version) {
  if (framework_count >= kFrameworksPerOfferMax) {
    return FieldError(ErrorCode::kOutOfRange, "frameworks", "more frameworks than the limit");
  }
  for (std::size_t i = 0; i < framework_count; ++i) {
    if (frameworks[i].name == name && frameworks[i].version == version) {
      return FieldError(ErrorCode::kDuplicate, "frameworks",
                        "framework " + std::string(name.view()) + " listed twice");
    }
  }
  frameworks[framework_count++] = FrameworkOffer{name, version};
  return OkStatus();
}

Status ValidateOffer(const CenterOffer& offer) {
  if (!offer.center.valid()) {
    return FieldError(ErrorCode::kMissingField, "center", "a center id is required");
  }
  if (offer.resource_count > kResourcesPerOfferMax) {
    return FieldError(ErrorCode::kOutOfRange, "resource_count", "above the array's size");
  }
  if (offer.framework_count > kFrameworksPerOfferMax) {
    return FieldError(ErrorCode::kOutOfRange, "framework_count", "above the array's size");
  }
  if (static_cast<std::uint8_t>(offer.latency_class) > 2) {
    return FieldError(ErrorCode::kOutOfRange, "latency_class", "not a latency class");
  }
  for (std::size_t i = 0; i < offer.resource_count; ++i) {
    const ResourceOffer& r = offer.resources[i];
    const std::string at = "resources[" + std::to_string(i) + "].";
    if (r.type.empty()) return FieldError(ErrorCode::kMissingField, at + "type", "empty");
    for (std::size_t k = 0; k < i; ++k) {
      if (offer.resources[k].type == r.type) {
        return FieldError(ErrorCode::kDuplicate, at + "type", "offered twice");
      }
    }
    if (r.price_fen_per_unit_hour < 0 || r.price_fen_per_unit_hour > kPriceFenPerUnitHourMax) {
      return FieldError(ErrorCode::kOutOfRange, at + "price_fen_per_unit_hour",
                        "outside 0..1,000,000 fen");
    }
    if (r.wait_s < 0 || r.wait_s > kWaitSMax) {
      return FieldError(ErrorCode::kOutOfRange, at + "wait_s", "outside 0 s..366 days");
    }
    if (r.total_units == 0 || r.total_units > kUnitsMax) {
      return FieldError(ErrorCode::kOutOfRange, at + "total_units", "outside 1..1,000,000");
    }
    if (r.free_units > r.total_units) {
      return FieldError(ErrorCode::kContradiction, at + "free_units", "above total_units");
    }
  }
  for (std::size_t i = 0; i < offer.framework_count; ++i) {
    if (offer.frameworks[i].name.empty()) {
      return FieldError(ErrorCode::kMissingField,
                        "frameworks[" + std::to_string(i) + "].name", "empty");
    }
  }
  return OkStatus();
}

}  // namespace suanli::routing
