#include "core/result.h"

namespace suanli {

std::string_view ErrorCodeName(ErrorCode code) {
  switch (code) {
    case ErrorCode::kOk: return "ok";
    case ErrorCode::kParse: return "parse_error";
    case ErrorCode::kMissingField: return "missing_field";
    case ErrorCode::kWrongType: return "wrong_type";
    case ErrorCode::kUnknownField: return "unknown_field";
    case ErrorCode::kOutOfRange: return "out_of_range";
    case ErrorCode::kOverflow: return "overflow";
    case ErrorCode::kNegativeAmount: return "negative_amount";
    case ErrorCode::kInvalidCode: return "invalid_code";
    case ErrorCode::kInvalidDate: return "invalid_date";
    case ErrorCode::kContradiction: return "contradiction";
    case ErrorCode::kIo: return "io_error";
    case ErrorCode::kIoUncertain: return "io_uncertain";
    case ErrorCode::kReadOnly: return "read_only";
    case ErrorCode::kConflict: return "conflict";
    case ErrorCode::kNotFound: return "not_found";
    case ErrorCode::kUnauthenticated: return "unauthenticated";
    case ErrorCode::kForbidden: return "forbidden";
    case ErrorCode::kStateConflict: return "state_conflict";
    case ErrorCode::kNotEligible: return "not_eligible";
    case ErrorCode::kBanned: return "banned";
    case ErrorCode::kExpired: return "expired";
    case ErrorCode::kExceedsLimit: return "exceeds_limit";
    case ErrorCode::kIdempotencyConflict: return "idempotency_conflict";
    case ErrorCode::kDuplicate: return "duplicate";
    case ErrorCode::kTooLarge: return "too_large";
    case ErrorCode::kRateLimited: return "rate_limited";
    case ErrorCode::kUnsupportedType: return "unsupported_type";
  }
  return "unknown";
}

std::string Error::ToString() const {
  std::string s(ErrorCodeName(code));
  if (!field.empty()) s += " at " + field;
  if (!message.empty()) s += ": " + message;
  return s;
}

}  // namespace suanli
