// The double-submit CSRF check: the token the server issued for the session must come back,
// unchanged, in the request's X-CSRF-Token header.
#pragma once

#include <string_view>

namespace suanli::security {

// True iff `header_value` equals `expected` (both non-empty), compared in constant time. An
// empty expected token (a session without one) never matches, nor does an absent header.
bool CsrfMatches(std::string_view expected, std::string_view header_value);

}  // namespace suanli::security
