#include "api/errors.h"

#include "http/problem.h"

namespace suanli::api {

unsigned HttpStatus(ErrorCode code) {
  switch (code) {
    case ErrorCode::kOk: return 200;
    case ErrorCode::kParse:
    case ErrorCode::kMissingField:
    case ErrorCode::kWrongType:
    case ErrorCode::kUnknownField:
    case ErrorCode::kOutOfRange:
    case ErrorCode::kOverflow:
    case ErrorCode::kNegativeAmount:
    case ErrorCode::kInvalidCode:
    case ErrorCode::kInvalidDate:
    case ErrorCode::kContradiction: return 422;
    case ErrorCode::kIo: return 503;
    case ErrorCode::kIoUncertain: return 503;
    case ErrorCode::kReadOnly: return 503;
    case ErrorCode::kConflict: return 503;
    case ErrorCode::kNotFound: return 404;
    case ErrorCode::kUnauthenticated: return 401;
    case ErrorCode::kForbidden: return 403;
    case ErrorCode::kStateConflict: return 409;
    case ErrorCode::kNotEligible: return 422;
    case ErrorCode::kBanned: return 403;
    case ErrorCode::kExpired: return 409;
    case ErrorCode::kExceedsLimit: return 409;
    case ErrorCode::kIdempotencyConflict: return 409;
    case ErrorCode::kDuplicate: return 409;
    case ErrorCode::kTooLarge: return 413;
    case ErrorCode::kRateLimited: return 429;
    case ErrorCode::kUnsupportedType: return 415;
  }
  return 500;
}

http::Response ProblemFrom(const Error& error) {
  const std::string_view name = ErrorCodeName(error.code);
  return http::Problem(HttpStatus(error.code), name, static_cast<int>(error.code), name,
                       error.message, error.field);
}

}  // namespace suanli::api
