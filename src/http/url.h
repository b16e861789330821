// Text codecs for the parts of an HTTP request a handler reads: percent-decoding of paths and
// query strings, query parameter lookup and Cookie header parsing. Pure functions, no I/O.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace suanli::http {

// Appends the percent-decoded form of `text` to *out. With plus_is_space, '+' decodes to ' '
// (query strings; never paths). Returns false, leaving *out partly appended, when a '%' is not
// followed by two hex digits or a byte decodes to NUL.
bool PercentDecode(std::string_view text, bool plus_is_space, std::string* out);

// The decoded value of the first parameter named `name` (compared after decoding) in a raw
// query string "a=1&b=x%20y". A parameter without '=' has the value "". nullopt when absent or
// when the matching pair is not validly encoded.
std::optional<std::string> FindQueryParam(std::string_view query, std::string_view name);

// The value of the first cookie named `name` in a Cookie header value "a=1; b=2", with one
// pair of surrounding double quotes removed. Cookie values are not percent-decoded (RFC 6265).
std::optional<std::string> FindCookie(std::string_view cookie_header, std::string_view name);

// ASCII case-insensitive equality, as header names compare.
bool EqualsIgnoreCase(std::string_view a, std::string_view b);

}  // namespace suanli::http
