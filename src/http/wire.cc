#include "http/wire.h"

#include <fmt/format.h>

#include <charconv>

#include "http/url.h"

namespace suanli::http {
namespace {

bool IsTokenChar(char c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  switch (c) {
    case '!': case '#': case '$': case '%': case '&': case '\'': case '*': case '+': case '-':
    case '.': case '^': case '_': case '`': case '|': case '~':
      return true;
    default:
      return false;
  }
}

bool IsSafeHeader(std::string_view name, std::string_view value) {
  if (name.empty()) return false;
  // Framing belongs to the server: a second Content-Length or a Transfer-Encoding from a
  // handler would corrupt the connection.
  if (EqualsIgnoreCase(name, "content-length") || EqualsIgnoreCase(name, "transfer-encoding") ||
      EqualsIgnoreCase(name, "connection")) {
    return false;
  }
  for (char c : name) {
    if (!IsTokenChar(c)) return false;
  }
  for (char c : value) {
    if (c == '\r' || c == '\n' || c == '\0') return false;
  }
  return true;
}

}  // namespace

std::string_view ReasonPhrase(unsigned status) {
  switch (status) {
    case 100: return "Continue";
    case 200: return "OK";
    case 201: return "Created";
    case 202: return "Accepted";
    case 204: return "No Content";
    case 301: return "Moved Permanently";
    case 302: return "Found";
    case 303: return "See Other";
    case 304: return "Not Modified";
    case 307: return "Temporary Redirect";
    case 308: return "Permanent Redirect";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 409: return "Conflict";
    case 410: return "Gone";
    case 412: return "Precondition Failed";
    case 413: return "Content Too Large";
    case 415: return "Unsupported Media Type";
    case 422: return "Unprocessable Content";
    case 428: return "Precondition Required";
    case 429: return "Too Many Requests";
    case 431: return "Request Header Fields Too Large";
    case 500: return "Internal Server Error";
    case 501: return "Not Implemented";
    case 502: return "Bad Gateway";
    case 503: return "Service Unavailable";
    case 504: return "Gateway Timeout";
    default: return "Unknown";
  }
}

std::string FormatHttpDate(std::time_t t) {
  static constexpr std::string_view kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static constexpr std::string_view kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                 "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  std::tm utc{};
  gmtime_r(&t, &utc);
  return fmt::format("{}, {:02} {} {:04} {:02}:{:02}:{:02} GMT",
                     kDays[static_cast<std::size_t>(utc.tm_wday)], utc.tm_mday,
                     kMonths[static_cast<std::size_t>(utc.tm_mon)], utc.tm_year + 1900,
                     utc.tm_hour, utc.tm_min, utc.tm_sec);
}

std::string_view CurrentHttpDate() {
  // The Date header is wall time by definition (RFC 9110 §6.6.1), not business logic, so it
  // reads the system clock directly; formatting it once per second per thread keeps it cheap.
  thread_local std::time_t cached_second = -1;
  thread_local std::string cached;
  std::time_t now = std::time(nullptr);
  if (now != cached_second) {
    cached = FormatHttpDate(now);
    cached_second = now;
  }
  return cached;
}

namespace {
// Decimal digits of v appended to out (the head is built per reply: no format parsing).
void AppendDecimal(std::uint64_t v, std::string* out) {
  char buf[20];
  out->append(buf, std::to_chars(buf, buf + sizeof buf, v).ptr);
}
}  // namespace

bool AppendResponseHead(const Response& response, const HeadOptions& options, std::string* out) {
  out->append(options.http10 ? "HTTP/1.0 " : "HTTP/1.1 ");
  AppendDecimal(response.status, out);
  out->push_back(' ');
  out->append(ReasonPhrase(response.status));
  out->append("\r\nServer: suanli\r\nDate: ");
  out->append(CurrentHttpDate());
  bool all_safe = true;
  if (!response.content_type.empty()) {
    if (IsSafeHeader("Content-Type", response.content_type)) {
      out->append("\r\nContent-Type: ");
      out->append(response.content_type);
    } else {
      all_safe = false;
    }
  }
  out->append("\r\nContent-Length: ");
  AppendDecimal(options.content_length, out);
  if (!options.keep_alive && !options.http10) out->append("\r\nConnection: close");
  if (options.keep_alive && options.http10) out->append("\r\nConnection: keep-alive");
  for (const auto& [name, value] : response.headers) {
    if (!IsSafeHeader(name, value)) {
      all_safe = false;
      continue;
    }
    out->append("\r\n").append(name).append(": ").append(value);
  }
  out->append("\r\n\r\n");
  return all_safe;
}

}  // namespace suanli::http
