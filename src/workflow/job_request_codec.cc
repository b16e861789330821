// The stored form of a job's request (job_request_codec.h).
#include "workflow/job_request_codec.h"

#include <boost/json.hpp>

namespace suanli::workflow {

namespace {

namespace json = boost::json;

json::value OrNull(const std::optional<std::int64_t>& v) {
  return v ? json::value(*v) : json::value(nullptr);
}

Error Bad(std::string_view key, std::string_view what) {
  return MakeError(ErrorCode::kWrongType, "request_json." + std::string(key),
                   "the stored request's " + std::string(key) + " is not " + std::string(what));
}

Result<std::string> Text(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  if (v == nullptr || !v->is_string()) return Bad(key, "a string");
  return std::string(v->as_string());
}

Result<std::int64_t> Int(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  if (v == nullptr || !v->is_int64()) return Bad(key, "an integer");
  return v->as_int64();
}

Result<std::optional<std::int64_t>> OptInt(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  if (v == nullptr || v->is_null()) return std::optional<std::int64_t>();
  if (!v->is_int64()) return Bad(key, "an integer or null");
  return std::optional<std::int64_t>(v->as_int64());
}

}  // namespace

std::string JobRequestJson(const NewJob& job) {
  return json::serialize(json::object{
      {"name", job.name},
      {"resource_type", job.resource_type},
      {"units", job.units},
      {"framework", job.framework},
      {"framework_version_min", job.framework_version_min},
      {"time_limit_s", job.time_limit_s},
      {"data_region", job.data_region},
      {"max_price_fen", OrNull(job.max_price_fen)},
      {"domestic_only", job.domestic_only},
      {"deadline_us",
       OrNull(job.deadline ? std::optional<std::int64_t>(job.deadline->micros()) : std::nullopt)},
      {"voucher_id", OrNull(job.voucher_id)},
      {"user", job.user},
      {"working_dir", job.working_dir}});
}

Result<NewJob> JobRequestFromJson(std::string_view stored) {
  boost::system::error_code ec;
  const json::value root = json::parse(stored, ec);
  if (ec || !root.is_object()) {
    return MakeError(ErrorCode::kParse, "request_json", "the stored request is not a JSON object");
  }
  const json::object& o = root.as_object();
  NewJob j;
  SUANLI_ASSIGN(j.name, Text(o, "name"));
  SUANLI_ASSIGN(j.resource_type, Text(o, "resource_type"));
  SUANLI_ASSIGN(const std::int64_t units, Int(o, "units"));
  if (units < 0 || units > std::int64_t{UINT32_MAX}) return Bad("units", "a count");
  j.units = static_cast<std::uint32_t>(units);
  SUANLI_ASSIGN(j.framework, Text(o, "framework"));
  SUANLI_ASSIGN(j.framework_version_min, Text(o, "framework_version_min"));
  SUANLI_ASSIGN(j.time_limit_s, Int(o, "time_limit_s"));
  SUANLI_ASSIGN(j.data_region, Text(o, "data_region"));
  SUANLI_ASSIGN(j.max_price_fen, OptInt(o, "max_price_fen"));
  const json::value* domestic = o.if_contains("domestic_only");
  if (domestic == nullptr || !domestic->is_bool()) return Bad("domestic_only", "true or false");
  j.domestic_only = domestic->as_bool();
  SUANLI_ASSIGN(const auto deadline_us, OptInt(o, "deadline_us"));
  if (deadline_us) j.deadline = Instant::FromMicros(*deadline_us);
  SUANLI_ASSIGN(j.voucher_id, OptInt(o, "voucher_id"));
  SUANLI_ASSIGN(j.user, Text(o, "user"));
  SUANLI_ASSIGN(j.working_dir, Text(o, "working_dir"));
  return j;
}

}  // namespace suanli::workflow
