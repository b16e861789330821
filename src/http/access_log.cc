#include "http/access_log.h"

#include <fmt/format.h>

#include <ctime>
#include <iterator>

#include "http/problem.h"

namespace suanli::http {

void AppendAccessLine(const AccessRecord& record, std::chrono::system_clock::time_point ts,
                      std::string* out) {
  auto micros = std::chrono::duration_cast<std::chrono::microseconds>(ts.time_since_epoch());
  std::time_t seconds = static_cast<std::time_t>(micros.count() / 1000000);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  auto it = std::back_inserter(*out);
  fmt::format_to(it, "{{\"ts\":\"{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:06}Z\",\"method\":",
                 utc.tm_year + 1900, utc.tm_mon + 1, utc.tm_mday, utc.tm_hour, utc.tm_min,
                 utc.tm_sec, micros.count() % 1000000);
  AppendJsonString(record.method, out);
  out->append(",\"route\":");
  AppendJsonString(record.route, out);
  fmt::format_to(it, ",\"status\":{},\"duration_us\":{},\"bytes\":{},\"remote\":", record.status,
                 record.duration_us, record.bytes);
  AppendJsonString(record.remote, out);
  out->push_back('}');
}

}  // namespace suanli::http
