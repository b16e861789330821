// The bytes of an HTTP/1.1 response head, written by hand: the server sends the head and the
// body as two buffers in one write, without Beast's serializer or a copy of the body.
#pragma once

#include <cstddef>
#include <ctime>
#include <string>
#include <string_view>

#include "http/message.h"

namespace suanli::http {

// The standard reason phrase ("OK", "Not Found"); "Unknown" for unlisted codes.
std::string_view ReasonPhrase(unsigned status);

// "Sun, 06 Nov 1994 08:49:37 GMT" for the current second, cached per thread.
std::string_view CurrentHttpDate();
// The same format for a given time (exposed for tests).
std::string FormatHttpDate(std::time_t t);

struct HeadOptions {
  bool http10 = false;        // answer "HTTP/1.0" (the request's version)
  bool keep_alive = true;     // false: "Connection: close"
  std::size_t content_length = 0;
};

// Appends the status line, Date, Content-Type, Content-Length, Connection (when it differs from
// the version's default) and the response's extra headers, then the blank line. An extra
// header whose name is not a token or whose value holds CR, LF or NUL would let a caller inject
// headers, and Content-Length, Transfer-Encoding or Connection would break the framing: such a
// header is left out, and the function returns false so the caller can log the bug.
bool AppendResponseHead(const Response& response, const HeadOptions& options, std::string* out);

}  // namespace suanli::http
