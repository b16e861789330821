// SlurmRestConnector (slurm_rest_connector.h): JSON in and out of slurmrestd v0.0.38, and the
// one sacctmgr call. Shapes were checked against a live 22.05.8 slurmrestd (docs/slurm.md).
#include "network/slurm/slurm_rest_connector.h"

#include <algorithm>
#include <boost/json.hpp>
#include <ctime>
#include <set>
#include <utility>

#include "network/sacct_parser.h"
#include "network/slurm/command.h"

namespace suanli::network::slurm {
namespace json = boost::json;
namespace {

constexpr std::string_view kApi = "/slurm/v0.0.38";
constexpr std::string_view kDbApi = "/slurmdb/v0.0.38";
constexpr std::int64_t kSlurmInvalidJobId = 2017;  // ESLURM_INVALID_JOB_ID

// Account, user and TRES names go into URLs and a sacctmgr argument: keep them to Slurm's
// plain spellings (sacctmgr lowercases account names, so uppercase would not round-trip).
bool IsPlainName(std::string_view s, bool allow_upper, bool allow_slash) {
  if (s.empty() || s.size() > 64) return false;
  for (char c : s) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-' ||
                    c == '.' || (allow_upper && c >= 'A' && c <= 'Z') || (allow_slash && c == '/');
    if (!ok) return false;
  }
  return true;
}

const json::value* Find(const json::value& v, std::initializer_list<std::string_view> path) {
  const json::value* cur = &v;
  for (std::string_view key : path) {
    const json::object* obj = cur->if_object();
    if (obj == nullptr) return nullptr;
    cur = obj->if_contains(key);
    if (cur == nullptr) return nullptr;
  }
  return cur;
}

std::int64_t Int(const json::value* v, std::int64_t fallback = 0) {
  if (v == nullptr) return fallback;
  if (v->is_int64()) return v->as_int64();
  if (v->is_uint64()) return static_cast<std::int64_t>(v->as_uint64());
  if (v->is_double()) return static_cast<std::int64_t>(v->as_double());
  return fallback;
}

std::string Str(const json::value* v) {
  if (v == nullptr || !v->is_string()) return {};
  return std::string(v->as_string());
}

std::optional<Instant> EpochOrNone(const json::value* v) {
  const std::int64_t s = Int(v);
  if (s <= 0) return std::nullopt;
  return Instant::FromUnixSeconds(s);
}

// "1970-01-02T00:00:00" in UTC; slurmrestd reads it in its own zone (see usage_query_margin_s).
std::string SlurmTime(Instant t) {
  const std::time_t s = static_cast<std::time_t>(t.micros() / kMicrosPerSecond);
  std::tm tm{};
  gmtime_r(&s, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  return buf;
}

// dbv0.0.38 TRES list [{"type":"gres","name":"gpu","count":1}, ...] → {"gres/gpu": 1}.
TresMap TresFromList(const json::value* list) {
  TresMap out;
  if (list == nullptr || !list->is_array()) return out;
  for (const json::value& t : list->as_array()) {
    const json::value* count = Find(t, {"count"});
    if (count == nullptr || count->is_null()) continue;
    std::string name = Str(Find(t, {"type"}));
    const std::string sub = Str(Find(t, {"name"}));
    if (!sub.empty()) name += "/" + sub;
    out[name] = Int(count);
  }
  return out;
}

struct Request {
  std::string_view method;
  std::string target;
  std::string_view user;
  std::string body;
  bool nothing_found_is_empty = false;  // slurmdb answers "Nothing found" as an error
};

// Sends the request and checks Slurm's "errors" array (see the header for the codes).
Result<json::value> CallJson(const HttpClient& http, const SlurmRestOptions& o,
                             const Request& r) {
  SUANLI_ASSIGN(const HttpResponse resp,
                http.Send(r.method, r.target,
                          {{"X-SLURM-USER-NAME", std::string(r.user)},
                           {"X-SLURM-USER-TOKEN", o.token}},
                          r.body));
  const std::string where = std::string(r.method) + " " + r.target;
  if (resp.status == 401 || resp.status == 403) {
    return MakeError(ErrorCode::kIo, "token",
                     where + ": authentication failed (HTTP " + std::to_string(resp.status) + ")");
  }
  json::error_code ec;
  json::value body = json::parse(resp.body, ec);
  if (ec) {
    return MakeError(ErrorCode::kIo, "slurmrestd",
                     where + ": HTTP " + std::to_string(resp.status) + ", not JSON: " +
                         resp.body.substr(0, 200));
  }
  const json::value* errors = Find(body, {"errors"});
  if (errors != nullptr && errors->is_array() && !errors->as_array().empty()) {
    std::string message;
    bool not_found = false;
    bool nothing_found = false;
    for (const json::value& e : errors->as_array()) {
      const std::int64_t number = Int(Find(e, {"error_number"}), Int(Find(e, {"error_code"})));
      not_found = not_found || number == kSlurmInvalidJobId;
      std::string text = Str(Find(e, {"description"}));
      if (text.empty()) text = Str(Find(e, {"error"}));
      nothing_found = nothing_found || text.find("Nothing found") != std::string::npos;
      if (!message.empty()) message += "; ";
      message += text;
    }
    if (nothing_found && r.nothing_found_is_empty) return json::value(json::object());
    return MakeError(not_found ? ErrorCode::kNotFound : ErrorCode::kContradiction, "slurm",
                     where + ": " + message);
  }
  if (resp.status >= 400) {
    return MakeError(ErrorCode::kIo, "slurmrestd",
                     where + ": HTTP " + std::to_string(resp.status) + ": " +
                         resp.body.substr(0, 200));
  }
  return body;
}

Result<std::set<std::string>> AssociatedUsers(const HttpClient& http, const SlurmRestOptions& o,
                                              std::string_view account) {
  SUANLI_ASSIGN(const json::value body,
                CallJson(http, o,
                         Request{"GET",
                                 std::string(kDbApi) + "/associations?account=" +
                                     UrlEncode(account) + "&cluster=" + UrlEncode(o.cluster),
                                 o.token_user, "", true}));
  std::set<std::string> users;
  const json::value* list = Find(body, {"associations"});
  if (list == nullptr || !list->is_array()) return users;
  for (const json::value& a : list->as_array()) {
    if (Str(Find(a, {"account"})) != account || Str(Find(a, {"cluster"})) != o.cluster) continue;
    users.insert(Str(Find(a, {"user"})));  // null → "": the account's own association
  }
  return users;
}

// The QOS list of the cluster's root association. Associations created through dbv0.0.38 do
// not inherit it (sacctmgr's do), and a job in an association without QOS is refused with
// "Invalid qos specification"; so new associations get the root's list explicitly.
Result<json::array> RootQos(const HttpClient& http, const SlurmRestOptions& o) {
  SUANLI_ASSIGN(const json::value body,
                CallJson(http, o,
                         Request{"GET",
                                 std::string(kDbApi) + "/associations?account=root&cluster=" +
                                     UrlEncode(o.cluster),
                                 o.token_user, "", true}));
  const json::value* list = Find(body, {"associations"});
  if (list != nullptr && list->is_array()) {
    for (const json::value& a : list->as_array()) {
      const json::value* qos = Find(a, {"qos"});
      if (Str(Find(a, {"account"})) == "root" && Str(Find(a, {"user"})).empty() &&
          qos != nullptr && qos->is_array()) {
        return qos->as_array();
      }
    }
  }
  return json::array{};
}

Result<std::set<std::string>> KnownUsers(const HttpClient& http, const SlurmRestOptions& o) {
  SUANLI_ASSIGN(const json::value body,
                CallJson(http, o, Request{"GET", std::string(kDbApi) + "/users", o.token_user,
                                          "", true}));
  std::set<std::string> users;
  const json::value* list = Find(body, {"users"});
  if (list == nullptr || !list->is_array()) return users;
  for (const json::value& u : list->as_array()) users.insert(Str(Find(u, {"name"})));
  return users;
}

// A number slurmrestd may give bare or as {"set": bool, "number": N}; nullopt when absent, null
// or not set.
std::optional<std::int64_t> SetNumber(const json::value* v) {
  if (v == nullptr) return std::nullopt;
  if (v->is_int64() || v->is_uint64()) return Int(v);
  if (const json::object* o = v->if_object()) {
    const json::value* set = o->if_contains("set");
    if (set != nullptr && set->is_bool() && !set->as_bool()) return std::nullopt;
    if (const json::value* n = o->if_contains("number"); n != nullptr) return SetNumber(n);
  }
  return std::nullopt;
}

std::string JobIdOf(const json::value& job) {
  const std::int64_t array_job = Int(Find(job, {"array", "job_id"}));
  const std::optional<std::int64_t> task = SetNumber(Find(job, {"array", "task_id"}));
  if (array_job > 0 && task) return std::to_string(array_job) + "_" + std::to_string(*task);
  const std::int64_t het_job = Int(Find(job, {"het", "job_id"}));
  const std::optional<std::int64_t> offset = SetNumber(Find(job, {"het", "job_offset"}));
  if (het_job > 0 && offset) return std::to_string(het_job) + "+" + std::to_string(*offset);
  return std::to_string(Int(Find(job, {"job_id"})));
}

// One usage record from a dbv0.0.38 job (step == nullptr) or one of its steps.
UsageRecord RecordFrom(const SlurmRestOptions& o, const json::value& job, const json::value* step) {
  UsageRecord r;
  r.cluster = o.cluster;
  r.job_id = JobIdOf(job);
  r.account = Str(Find(job, {"account"}));
  r.submit = Instant::FromUnixSeconds(Int(Find(job, {"time", "submission"})));
  const json::value& src = step == nullptr ? job : *step;
  if (step == nullptr) {
    r.user = Str(Find(job, {"user"}));
    r.partition = Str(Find(job, {"partition"}));
    r.state = ParseJobState(Str(Find(job, {"state", "current"})));
    r.alloc_tres = TresFromList(Find(job, {"tres", "allocated"}));
  } else {
    r.step = Str(Find(*step, {"step", "id"}));
    if (r.step.empty()) r.step = std::to_string(Int(Find(*step, {"step", "id"})));
    r.state = ParseJobState(Str(Find(*step, {"state"})));
    r.alloc_tres = TresFromList(Find(*step, {"tres", "allocated"}));
    if (r.alloc_tres.empty()) r.alloc_tres = TresFromList(Find(*step, {"tres"}));
  }
  r.start = EpochOrNone(Find(src, {"time", "start"}));
  r.end = EpochOrNone(Find(src, {"time", "end"}));
  r.elapsed_s = Int(Find(src, {"time", "elapsed"}));
  r.exit_code = static_cast<std::int32_t>(Int(Find(src, {"exit_code", "return_code"})));
  r.exit_signal = static_cast<std::int32_t>(Int(Find(src, {"exit_code", "signal", "signal_id"})));
  return r;
}

}  // namespace

std::string MeteredJobId(std::string_view job_json) {
  boost::system::error_code ec;
  const json::value job = json::parse(job_json, ec);
  return ec ? std::string() : JobIdOf(job);
}

Result<std::unique_ptr<SlurmRestConnector>> SlurmRestConnector::Create(SlurmRestOptions options,
                                                                       Clock& clock) {
  if (options.cluster.empty()) return MakeError(ErrorCode::kMissingField, "cluster", "empty");
  if (options.token.empty()) return MakeError(ErrorCode::kMissingField, "token", "empty");
  if (options.usage_page_jobs_max == 0) {
    return MakeError(ErrorCode::kOutOfRange, "usage_page_jobs_max", "must be > 0");
  }
  SUANLI_ASSIGN(HttpClient http, HttpClient::Create(options.rest_url, options.timeout));
  return std::unique_ptr<SlurmRestConnector>(
      new SlurmRestConnector(std::move(options), std::move(http), clock));
}

Status SlurmRestConnector::EnsureAccount(std::string_view account,
                                         std::span<const std::string> users) {
  if (!IsPlainName(account, false, false)) {
    return MakeError(ErrorCode::kOutOfRange, "account", "expected [a-z0-9_.-]{1,64}");
  }
  for (const std::string& user : users) {
    if (!IsPlainName(user, true, false)) {
      return MakeError(ErrorCode::kOutOfRange, "users", "bad user name '" + user + "'");
    }
  }
  SUANLI_ASSIGN(std::set<std::string> have, AssociatedUsers(http_, options_, account));
  SUANLI_ASSIGN(const json::array qos, RootQos(http_, options_));
  if (!have.contains("")) {
    // The account itself (a no-op when it exists for another cluster), then its association
    // on this cluster under root.
    json::object acct{{"name", account}, {"organization", account}, {"description", account}};
    SUANLI_TRY(CallJson(http_, options_,
                        Request{"POST", std::string(kDbApi) + "/accounts", options_.token_user,
                                json::serialize(json::object{{"accounts", json::array{acct}}})}));
    SUANLI_ASSIGN(have, AssociatedUsers(http_, options_, account));
    if (!have.contains("")) {
      json::object assoc{{"account", account}, {"cluster", options_.cluster}, {"user", ""},
                         {"parent_account", "root"}, {"qos", qos}};
      SUANLI_TRY(CallJson(
          http_, options_,
          Request{"POST", std::string(kDbApi) + "/associations", options_.token_user,
                  json::serialize(json::object{{"associations", json::array{assoc}}})}));
    }
  }
  json::array new_users;
  json::array new_assocs;
  SUANLI_ASSIGN(const std::set<std::string> known, KnownUsers(http_, options_));
  for (const std::string& user : users) {
    if (have.contains(user)) continue;
    // Only unknown users are posted: posting a known one could reset its default account.
    if (!known.contains(user)) new_users.push_back(json::object{{"name", user}});
    new_assocs.push_back(json::object{
        {"account", account}, {"cluster", options_.cluster}, {"user", user}, {"qos", qos}});
  }
  if (!new_users.empty()) {
    SUANLI_TRY(CallJson(http_, options_,
                        Request{"POST", std::string(kDbApi) + "/users", options_.token_user,
                                json::serialize(json::object{{"users", new_users}})}));
  }
  if (!new_assocs.empty()) {
    SUANLI_TRY(CallJson(http_, options_,
                        Request{"POST", std::string(kDbApi) + "/associations",
                                options_.token_user,
                                json::serialize(json::object{{"associations", new_assocs}})}));
  }
  // slurmdbd answers "Unspecified error" for many causes; check the result instead of trusting.
  SUANLI_ASSIGN(have, AssociatedUsers(http_, options_, account));
  for (const std::string& user : users) {
    if (!have.contains(user)) {
      return MakeError(ErrorCode::kContradiction, "users",
                       "association " + std::string(account) + "/" + user + " on " +
                           options_.cluster + " was not created");
    }
  }
  if (!have.contains("")) {
    return MakeError(ErrorCode::kContradiction, "account",
                     std::string(account) + " has no association on " + options_.cluster);
  }
  return OkStatus();
}

Status SlurmRestConnector::SetAccountLimit(std::string_view account,
                                           const TresMap& grp_tres_mins) {
  if (!IsPlainName(account, false, false)) {
    return MakeError(ErrorCode::kOutOfRange, "account", "expected [a-z0-9_.-]{1,64}");
  }
  if (grp_tres_mins.empty()) return MakeError(ErrorCode::kMissingField, "grp_tres_mins", "empty");
  std::string limits;
  for (const auto& [name, minutes] : grp_tres_mins) {
    if (!IsPlainName(name, false, true) || minutes < -1) {
      return MakeError(ErrorCode::kOutOfRange, "grp_tres_mins." + name,
                       "expected a TRES name and minutes >= 0 (or -1 to clear)");
    }
    if (!limits.empty()) limits += ',';
    limits += name + "=" + std::to_string(minutes);
  }
  SUANLI_ASSIGN(const std::set<std::string> have, AssociatedUsers(http_, options_, account));
  if (!have.contains("")) {
    return MakeError(ErrorCode::kContradiction, "account",
                     "no account " + std::string(account) + " on " + options_.cluster);
  }
  std::vector<std::string> env;
  if (!options_.slurm_conf.empty()) env.push_back("SLURM_CONF=" + options_.slurm_conf);
  SUANLI_ASSIGN(const CommandOutput out,
                RunCommand({options_.sacctmgr, "-i", "modify", "account", "where",
                            "name=" + std::string(account), "cluster=" + options_.cluster, "set",
                            "GrpTRESMins=" + limits},
                           env));
  // Exit 1 with "Nothing modified" when the limits already had these values.
  if (out.exit_status == 0 ||
      (out.exit_status == 1 && out.output.find("Nothing modified") != std::string::npos)) {
    return OkStatus();
  }
  return MakeError(ErrorCode::kContradiction, "grp_tres_mins",
                   "sacctmgr exit " + std::to_string(out.exit_status) + ": " + out.output);
}

Result<SlurmJobId> SlurmRestConnector::Submit(const JobSpec& spec) {
  if (!IsPlainName(spec.account, false, false)) {
    return MakeError(ErrorCode::kOutOfRange, "account", "expected [a-z0-9_.-]{1,64}");
  }
  if (!IsPlainName(spec.user, true, false)) {
    return MakeError(ErrorCode::kOutOfRange, "user", "expected a Unix user name");
  }
  if (spec.script.rfind("#!", 0) != 0) {
    return MakeError(ErrorCode::kOutOfRange, "script", "must start with #!");
  }
  if (spec.nodes == 0 || spec.tasks == 0 || spec.cpus_per_task == 0) {
    return MakeError(ErrorCode::kOutOfRange, "tasks", "nodes, tasks and cpus_per_task >= 1");
  }
  json::object job{
      {"name", spec.name.empty() ? std::string("suanli") : spec.name},
      {"account", spec.account},
      {"nodes", json::array{spec.nodes, spec.nodes}},
      {"tasks", spec.tasks},
      {"cpus_per_task", spec.cpus_per_task},
  };
  if (!spec.partition.empty()) job["partition"] = spec.partition;
  if (!spec.gres.empty()) job["gres"] = spec.gres;
  if (spec.time_limit_min > 0) job["time_limit"] = spec.time_limit_min;
  if (!spec.working_dir.empty()) job["current_working_directory"] = spec.working_dir;
  // v0.0.38 refuses a submission without "environment" (an object).
  json::object env;
  for (const auto& [k, v] : spec.environment) env[k] = v;
  if (env.empty()) env["PATH"] = "/usr/local/bin:/usr/bin:/bin";
  job["environment"] = std::move(env);
  SUANLI_ASSIGN(const json::value body,
                CallJson(http_, options_,
                         Request{"POST", std::string(kApi) + "/job/submit", spec.user,
                                 json::serialize(json::object{{"script", spec.script},
                                                              {"job", std::move(job)}})}));
  const std::int64_t id = Int(Find(body, {"job_id"}));
  if (id <= 0) {
    return MakeError(ErrorCode::kIo, "slurmrestd", "job/submit answered without a job_id");
  }
  return SlurmJobId(static_cast<std::uint64_t>(id));
}

Status SlurmRestConnector::Cancel(SlurmJobId id) {
  SUANLI_TRY(CallJson(http_, options_,
                      Request{"DELETE", std::string(kApi) + "/job/" + std::to_string(id.value),
                              options_.token_user, ""}));
  return OkStatus();
}

Result<JobStatus> SlurmRestConnector::GetJob(SlurmJobId id) {
  SUANLI_ASSIGN(const json::value body,
                CallJson(http_, options_,
                         Request{"GET", std::string(kApi) + "/job/" + std::to_string(id.value),
                                 options_.token_user, ""}));
  const json::value* jobs = Find(body, {"jobs"});
  if (jobs == nullptr || !jobs->is_array() || jobs->as_array().empty()) {
    return MakeError(ErrorCode::kNotFound, "job_id", "no job " + std::to_string(id.value));
  }
  const json::value& j = jobs->as_array()[0];
  JobStatus s;
  s.id = id;
  s.state = ParseJobState(Str(Find(j, {"job_state"})));
  s.state_reason = Str(Find(j, {"state_reason"}));
  s.account = Str(Find(j, {"account"}));
  s.user = Str(Find(j, {"user_name"}));
  s.partition = Str(Find(j, {"partition"}));
  s.name = Str(Find(j, {"name"}));
  s.submit = EpochOrNone(Find(j, {"submit_time"}));
  s.start = EpochOrNone(Find(j, {"start_time"}));
  // For a running job end_time is the planned end (start + limit): only final jobs have one.
  if (IsFinal(s.state)) s.end = EpochOrNone(Find(j, {"end_time"}));
  if (s.state == JobState::kPending) s.start.reset();  // the expected start, not a fact
  // exit_code is the raw wait status: code in bits 8–15, terminating signal in 0–6.
  const std::int64_t status = Int(Find(j, {"exit_code"}));
  s.exit_code = static_cast<std::int32_t>((status >> 8) & 0xff);
  if (!ParseTresString(Str(Find(j, {"tres_alloc_str"})), &s.alloc_tres)) s.alloc_tres.clear();
  return s;
}

Result<UsagePage> SlurmRestConnector::PullUsage(const UsageCursor& cursor) {
  const Instant horizon = clock_.Now().AddSeconds(-options_.usage_settle_s);
  const Instant from = std::max(Instant::FromUnixSeconds(kSecondsPerDay),
                                cursor.end.AddSeconds(-options_.usage_query_margin_s));
  SUANLI_ASSIGN(const json::value body,
                CallJson(http_, options_,
                         Request{"GET",
                                 std::string(kDbApi) + "/jobs?cluster=" +
                                     UrlEncode(options_.cluster) +
                                     "&start_time=" + UrlEncode(SlurmTime(from)),
                                 options_.token_user, "", true}));
  struct Candidate {
    UsageCursor key;
    const json::value* job;
  };
  std::vector<Candidate> candidates;
  const json::value* jobs = Find(body, {"jobs"});
  if (jobs != nullptr && jobs->is_array()) {
    for (const json::value& j : jobs->as_array()) {
      if (Str(Find(j, {"cluster"})) != options_.cluster) continue;
      if (!IsFinal(ParseJobState(Str(Find(j, {"state", "current"}))))) continue;
      const std::optional<Instant> end = EpochOrNone(Find(j, {"time", "end"}));
      const std::int64_t job_id = Int(Find(j, {"job_id"}));
      if (!end || job_id <= 0 || *end > horizon) continue;
      const UsageCursor key{*end, static_cast<std::uint64_t>(job_id)};
      if (key <= cursor) continue;
      candidates.push_back(Candidate{key, &j});
    }
  }
  std::sort(candidates.begin(), candidates.end(),
            [](const Candidate& a, const Candidate& b) { return a.key < b.key; });
  if (candidates.size() > options_.usage_page_jobs_max) {
    candidates.resize(options_.usage_page_jobs_max);
  }
  UsagePage page;
  page.next = cursor;
  for (const Candidate& c : candidates) {
    page.records.push_back(RecordFrom(options_, *c.job, nullptr));
    const json::value* steps = Find(*c.job, {"steps"});
    if (options_.usage_include_steps && steps != nullptr && steps->is_array()) {
      for (const json::value& step : steps->as_array()) {
        page.records.push_back(RecordFrom(options_, *c.job, &step));
      }
    }
    page.next = c.key;
  }
  return page;
}

}  // namespace suanli::network::slurm
