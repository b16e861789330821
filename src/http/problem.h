// RFC 9457 problem+json responses, the one error shape of Suanli's HTTP API:
// {"type":"https://suanli.dev/problems/<code_name>","title","status","detail","code":<n>,
//  "field":<dotted path, omitted when empty>} with content type application/problem+json.
#pragma once

#include <string_view>

#include "http/message.h"

namespace suanli::http {

inline constexpr std::string_view kProblemContentType = "application/problem+json";
inline constexpr std::string_view kProblemTypePrefix = "https://suanli.dev/problems/";

// Stable codes for the problems the HTTP layer itself answers (before or around a handler).
// They sit in a 9xx range so they never collide with core/result.h's ErrorCode numbers.
inline constexpr int kCodeMalformedRequest = 900;   // 400: not parseable HTTP/1.1
inline constexpr int kCodeRouteNotFound = 901;      // 404: no route for the path
inline constexpr int kCodeMethodNotAllowed = 902;   // 405: path known, method not
inline constexpr int kCodeBodyTooLarge = 903;       // 413: body over body_limit_bytes
inline constexpr int kCodeHeadersTooLarge = 904;    // 431: header over header_limit_bytes
inline constexpr int kCodeReplyDropped = 905;       // 500: Reply destroyed unsent (a handler bug,
                                                    // or a handler threw while holding it)
inline constexpr int kCodeBadPath = 907;            // 400: path not validly percent-encoded

// Builds a problem response. `code_name` is a stable snake_case name ("not_found"), `code` its
// stable number; `field` is omitted from the body when empty. Strings are JSON-escaped.
Response Problem(unsigned status, std::string_view code_name, int code, std::string_view title,
                 std::string_view detail, std::string_view field = {});

// Appends `text` to *out as a JSON string literal (quotes included). Invalid UTF-8 bytes are
// passed through; control characters are escaped.
void AppendJsonString(std::string_view text, std::string* out);

}  // namespace suanli::http
