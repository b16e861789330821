// The one-line JSON access log record written per request. It names the route pattern, never
// the raw path, and carries no headers, cookies, query values or bodies: they hold secrets.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace suanli::http {

// The spdlog logger the server writes access lines to. Register a logger under this name
// before Server::Start to choose the sink; otherwise the server creates one on stderr whose
// pattern is the bare message.
inline constexpr std::string_view kAccessLoggerName = "suanli.http.access";

struct AccessRecord {
  std::string_view method;
  std::string_view route;   // matched pattern, or "unmatched", "static", "malformed"
  unsigned status = 0;
  std::int64_t duration_us = 0;
  std::size_t bytes = 0;    // response body bytes
  std::string_view remote;  // peer IP
};

// Appends {"ts":"2026-11-23T09:31:00.123456Z","method":...,"route":...,"status":200,
// "duration_us":12,"bytes":34,"remote":"127.0.0.1"} (no newline) to *out.
void AppendAccessLine(const AccessRecord& record, std::chrono::system_clock::time_point ts,
                      std::string* out);

}  // namespace suanli::http
