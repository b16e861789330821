// Jobs on the network: an organisation submits a job with its needs and the platform places
// it on the best center (docs/routing.md), answering with every center's verdict, the
// submissions tried and the most the job can cost; the organisation follows its jobs' states,
// each job echoing its request.
#include "api/route_kit.h"
#include "api/views.h"

namespace suanli::api {

namespace json = boost::json;
using workflow::Role;

namespace {

// The request as POST /jobs takes it, with the defaults the platform applied ("" for a text
// not given, null for an absent price, deadline or voucher): sent back as it is, it asks for
// the same job. The script only when it was read (one job, not a list, read by its
// organisation); its SHA-256 instead when someone else read the job.
json::object RequestView(const workflow::NewJob& r, bool with_script,
                         std::string_view script_sha256) {
  json::object o{{"name", r.name},
                 {"resource_type", r.resource_type},
                 {"units", r.units},
                 {"framework", r.framework},
                 {"framework_version_min", r.framework_version_min},
                 {"time_limit_s", r.time_limit_s},
                 {"data_region", r.data_region},
                 {"max_price", OptMoney(r.max_price_fen)},
                 {"domestic_only", r.domestic_only},
                 {"voucher_id", r.voucher_id ? json::value(*r.voucher_id) : json::value(nullptr)},
                 {"user", r.user},
                 {"working_dir", r.working_dir}};
  o["deadline"] = r.deadline ? json::value(TimeString(*r.deadline)) : json::value(nullptr);
  if (with_script) o["script"] = r.script;
  if (!script_sha256.empty()) o["script_sha256"] = script_sha256;
  return o;
}

json::object View(const workflow::Job& j) {
  json::object o{{"id", j.id},
                 {"org_id", j.org_id},
                 {"resource_type", j.resource_type},
                 {"units", j.units},
                 {"state", j.state},
                 {"placement", json::parse(j.placement_json)},
                 {"attempts", json::parse(j.attempts_json)},
                 {"created_at", TimeString(j.created_at)}};
  o["center_id"] = j.center_id ? json::value(*j.center_id) : json::value(nullptr);
  o["slurm_job_id"] = j.slurm_job_id.empty() ? json::value(nullptr) : json::value(j.slurm_job_id);
  // null for a job recorded before requests were stored (and, for max_cost, an unplaced one).
  o["request"] = j.request ? json::value(RequestView(*j.request, j.script_read, j.script_sha256))
                           : json::value(nullptr);
  o["max_cost"] = OptMoney(j.max_cost_fen);
  return o;
}

Result<workflow::NewJob> ParseJob(std::string_view body) {
  SUANLI_ASSIGN(JsonBody b, JsonBody::Parse(body));
  workflow::NewJob j;
  SUANLI_ASSIGN(auto name, b.OptString("name"));
  j.name = name.value_or("");
  SUANLI_ASSIGN(j.resource_type, b.String("resource_type"));
  SUANLI_ASSIGN(const std::int64_t units, b.Int("units"));
  if (units < 1 || units > 100'000) {
    return MakeError(ErrorCode::kOutOfRange, "units", "1 to 100000");
  }
  j.units = static_cast<std::uint32_t>(units);
  SUANLI_ASSIGN(auto framework, b.OptString("framework"));
  j.framework = framework.value_or("");
  SUANLI_ASSIGN(auto version, b.OptString("framework_version_min"));
  j.framework_version_min = version.value_or("");
  SUANLI_ASSIGN(auto limit, b.OptInt("time_limit_s"));
  j.time_limit_s = limit.value_or(3600);
  SUANLI_ASSIGN(auto region, b.OptString("data_region"));
  j.data_region = region.value_or("");
  SUANLI_ASSIGN(j.max_price_fen, b.OptMoneyFen("max_price"));
  if (j.max_price_fen && *j.max_price_fen < 0) {
    return MakeError(ErrorCode::kNegativeAmount, "max_price", "must be ≥ 0");
  }
  SUANLI_ASSIGN(auto domestic, b.OptBool("domestic_only"));
  j.domestic_only = domestic.value_or(false);
  SUANLI_ASSIGN(auto deadline, b.OptString("deadline"));
  if (deadline) {
    SUANLI_ASSIGN(j.deadline, Instant::Parse(*deadline, "deadline"));
  }
  SUANLI_ASSIGN(j.voucher_id, b.OptInt("voucher_id"));
  SUANLI_ASSIGN(j.script, b.String("script"));
  SUANLI_ASSIGN(auto user, b.OptString("user"));
  j.user = user.value_or("");
  SUANLI_ASSIGN(auto dir, b.OptString("working_dir"));
  j.working_dir = dir.value_or("");
  SUANLI_TRY(b.Finish());
  return j;
}

// {"jobs": [job, ...]}: each element as POST /jobs takes it; errors name "jobs[i].field".
Result<std::vector<workflow::NewJob>> ParseBatch(std::string_view body) {
  SUANLI_ASSIGN(JsonBody b, JsonBody::Parse(body));
  const json::value* jobs = b.object().if_contains("jobs");
  if (jobs == nullptr) return MakeError(ErrorCode::kMissingField, "jobs", "required");
  if (!jobs->is_array()) return MakeError(ErrorCode::kWrongType, "jobs", "must be an array");
  for (const auto& [key, _] : b.object()) {
    if (key != "jobs") {
      return MakeError(ErrorCode::kUnknownField, std::string(key), "unknown field");
    }
  }
  const json::array& items = jobs->as_array();
  if (items.empty() || items.size() > workflow::Platform::kJobBatchMax) {
    return MakeError(ErrorCode::kOutOfRange, "jobs",
                     "1 to " + std::to_string(workflow::Platform::kJobBatchMax) + " jobs");
  }
  std::vector<workflow::NewJob> out;
  for (std::size_t i = 0; i < items.size(); ++i) {
    const std::string prefix = "jobs[" + std::to_string(i) + "]";
    if (!items[i].is_object()) return MakeError(ErrorCode::kWrongType, prefix, "must be an object");
    auto job = ParseJob(json::serialize(items[i]));
    if (!job.ok()) {
      Error e = job.error();
      e.field = prefix + (e.field.empty() ? "" : "." + e.field);
      return e;
    }
    out.push_back(std::move(job).value());
  }
  return out;
}

}  // namespace

void AddJobRoutes(RouteKit& kit) {
  using http::Method;
  kit.Add(Method::kPost, "/api/v1/jobs", Access::Roles({Role::kApplicant}),
          "submit a job to the network: placed on the best center, with fallback; answers the "
          "request, every center's verdict and the most the job can cost",
          "network",
          [](Call& c) -> Result<http::Response> {
            SUANLI_ASSIGN(const workflow::NewJob job, ParseJob(c.req.body));
            SUANLI_ASSIGN(const auto out, c.platform.SubmitJob(c.who, job));
            return Json(View(out), 201);
          });
  kit.Add(Method::kPost, "/api/v1/jobs/batch", Access::Roles({Role::kApplicant}),
          "submit many jobs at once: the batch planner places them for the least total score "
          "within every center's capacity",
          "network", [](Call& c) -> Result<http::Response> {
            SUANLI_ASSIGN(const auto jobs, ParseBatch(c.req.body));
            SUANLI_ASSIGN(const auto batch, c.platform.SubmitJobBatch(c.who, jobs));
            json::array items;
            for (const auto& j : batch.jobs) items.push_back(View(j));
            return Json(json::object{{"items", std::move(items)},
                                     {"planned_score", MoneyString(batch.planned_score_fen)},
                                     {"planned_unplaced", batch.planned_unplaced},
                                     {"proven_optimal", batch.proven_optimal}},
                        201);
          });
  kit.Add(Method::kGet, "/api/v1/jobs/{id}",
          Access::Roles({Role::kApplicant, Role::kOfficer, Role::kAdmin, Role::kAuditor}),
          "one job: its request (its script to the organisation, the script's SHA-256 to others), "
          "where it was placed and why, the most it can cost, its state refreshed from the center",
          "network", [](Call& c) -> Result<http::Response> {
            SUANLI_ASSIGN(const std::int64_t id, IdParam(c.req, "id"));
            SUANLI_ASSIGN(const auto job, c.platform.GetJob(c.who, id));
            return Json(View(job));
          });
  kit.Add(Method::kPost, "/api/v1/jobs/{id}/cancel", Access::Roles({Role::kApplicant, Role::kAdmin}),
          "cancel a queued or running job on its center", "network",
          [](Call& c) -> Result<http::Response> {
            SUANLI_ASSIGN(const std::int64_t id, IdParam(c.req, "id"));
            if (!c.req.body.empty()) {
              SUANLI_ASSIGN(JsonBody b, JsonBody::Parse(c.req.body));
              SUANLI_TRY(b.Finish());
            }
            SUANLI_ASSIGN(const auto job, c.platform.CancelJob(c.who, id));
            return Json(View(job));
          });
  kit.Add(Method::kGet, "/api/v1/jobs",
          Access::Roles({Role::kApplicant, Role::kOfficer, Role::kAdmin, Role::kAuditor}),
          "your organisation's jobs (officers and auditors: all), each with its request (not the "
          "script) and the most it can cost, states refreshed",
          "network",
          [](Call& c) -> Result<http::Response> {
            SUANLI_ASSIGN(const auto rows, c.platform.ListJobs(c.who));
            json::array items;
            for (const auto& j : rows) items.push_back(View(j));
            return Json(json::object{{"items", std::move(items)}, {"next_cursor", nullptr}});
          });
}

}  // namespace suanli::api
