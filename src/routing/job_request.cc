// JobRequest's validation (job_request.h).
#include "routing/job_request.h"

#include <string>

namespace suanli::routing {

Status ValidateRequest(const JobRequest& request) {
  if (request.resource_type.empty()) {
    return MakeError(ErrorCode::kMissingField, "resource_type", "a resource type is required");
  }
  if (request.units == 0 || request.units > kRequestUnitsMax) {
    return MakeError(ErrorCode::kOutOfRange, "units", "outside 1..100,000");
  }
  if (request.time_limit_s <= 0 || request.time_limit_s > kTimeLimitSMax) {
    return MakeError(ErrorCode::kOutOfRange, "time_limit_s", "outside 1 s..30 days");
  }
  if (request.max_price_fen_per_unit_hour < 0) {
    return MakeError(ErrorCode::kNegativeAmount, "max_price_fen_per_unit_hour", "negative");
  }
  if (request.discount_bp < 0 || request.discount_bp > kBasisPointsOne) {
    return MakeError(ErrorCode::kOutOfRange, "discount_bp", "outside 0..10,000 bp");
  }
  if (request.voucher_bp < 0 || request.voucher_bp > kBasisPointsOne) {
    return MakeError(ErrorCode::kOutOfRange, "voucher_bp", "outside 0..10,000 bp");
  }
  if (request.voucher_providers.size() > kVoucherProvidersMax) {
    return MakeError(ErrorCode::kOutOfRange, "voucher_providers", "more than 256 providers");
  }
  for (std::size_t i = 0; i < request.voucher_providers.size(); ++i) {
    if (!request.voucher_providers[i].valid() ||
        (i > 0 && !(request.voucher_providers[i - 1] < request.voucher_providers[i]))) {
      return MakeError(ErrorCode::kContradiction,
                       "voucher_providers[" + std::to_string(i) + "]",
                       "must be valid ids sorted ascending without repeats");
    }
  }
  return OkStatus();
}

}  // namespace suanli::routing
