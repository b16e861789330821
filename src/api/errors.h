// The one table from Suanli's stable error codes to HTTP statuses, and the problem+json body
// of an Error (RFC 9457; code names from core/result.h).
#pragma once

#include "core/result.h"
#include "http/message.h"

namespace suanli::api {

unsigned HttpStatus(ErrorCode code);
http::Response ProblemFrom(const Error& error);

}  // namespace suanli::api
