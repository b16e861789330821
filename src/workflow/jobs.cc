// Jobs on the network: an organisation states what a job needs; the platform builds each
// center's offer from its registered spec, its price in force and the units its routed jobs
// hold, places the job with the router's documented score (docs/routing.md), submits it through
// the chosen center's connector under the organisation's Slurm account there, and falls back
// to the next center when one refuses or is unreachable. Centers without a connector attached
// (none configured for them) are not offered.
#include <algorithm>
#include <cctype>

#include "core/check.h"
#include "security/digest.h"
#include "workflow/job_request_codec.h"
#include "workflow/job_routing.h"

namespace suanli::workflow {

using job_routing::OfferSet;

void Platform::AttachConnector(network::CenterConnector* connector) {
  std::lock_guard lock(state_->jobs_mu);
  auto& slot = state_->connectors[std::string(connector->cluster())];
  if (slot) {
    slot->Replace(connector);
  } else {
    slot = std::make_unique<network::SerializedConnector>(connector);
  }
}

Result<Job> Platform::SubmitJob(const Principal& actor, const NewJob& job) {
  SUANLI_ASSIGN(const std::int64_t org_id, job_routing::ApplicantOrg(actor));
  SUANLI_ASSIGN(const routing::JobRequest req, job_routing::RequestFor(*this, actor, job));

  // The offers, the placement and a hold on the best center's units under jobs_mu; the
  // connector calls without it, so a center slow to answer holds up no one else's jobs; then,
  // under jobs_mu again, the hold moves to the center that took the job (or is dropped).
  const Instant now = state_->clock->Now();
  OfferSet set;
  routing::Placement placement;
  std::optional<job_routing::UnitsKey> held;
  {
    std::lock_guard jobs_lock(state_->jobs_mu);
    SUANLI_ASSIGN(set, job_routing::OffersFor(*this, *state_, org_id, job, now));
    SUANLI_ASSIGN(placement, state_->router.Place(req, set.offers, now));
    if (!placement.ranked.empty()) {
      held = job_routing::UnitsKey{set.center_ids[placement.ranked[0].offer_index],
                                   job.resource_type};
      state_->units_held[*held] += job.units;
    }
  }
  routing::DispatchReport report;
  const Result<std::size_t> chosen =
      job_routing::DispatchInOrder(placement.ranked, set, job, &report);
  {
    std::lock_guard jobs_lock(state_->jobs_mu);
    job_routing::MoveHold(*state_, held, set, job, chosen, report);
  }
  if (!chosen.ok()) return chosen.error();
  return RecordJob(actor,
                   job_routing::JobToRecord(org_id, job, set, placement, *chosen, report));
}

Result<Job> Platform::RecordJob(const Principal& actor, Job out) {
  return state_->RunStep<Job>(actor, [&](StepContext& ctx) -> Result<Job> {
    SUANLI_CHECK(out.request.has_value());
    const std::string request_json = JobRequestJson(*out.request);
    SUANLI_ASSIGN(auto ins, ctx.db.Prepare(
                                "INSERT INTO jobs (org_id, user_id, resource_type, units, "
                                "center_id, slurm_job_id, state, placement_json, attempts_json, "
                                "created_at_us, updated_at_us, request_json, script, "
                                "max_cost_fen) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?10,?11,"
                                "?12,?13)"));
    ins.Bind(1, out.org_id).Bind(2, actor.user_id).Bind(3, out.resource_type)
        .Bind(4, std::int64_t{out.units});
    if (out.center_id) ins.Bind(5, *out.center_id).Bind(6, out.slurm_job_id);
    SUANLI_TRY(ins.Bind(7, out.state).Bind(8, out.placement_json).Bind(9, out.attempts_json)
                   .Bind(10, ctx.now.micros()).Bind(11, request_json)
                   .Bind(12, out.request->script).Bind(13, out.max_cost_fen).Run());
    Job j = out;
    j.id = ctx.db.LastInsertRowid();
    j.created_at = ctx.now;
    std::string after = "{\"state\":" + Quoted(j.state) + ",\"request\":" + request_json;
    if (j.max_cost_fen) after += ",\"max_cost_fen\":" + std::to_string(*j.max_cost_fen);
    SUANLI_TRY(ctx.Audit("job.submit", "job/" + std::to_string(j.id), "",
                         after + ",\"attempts\":" + j.attempts_json + "}"));
    return j;
  });
}

Status Platform::RefreshJobs() {
  // One refresh at a time, so a job's units are released once. jobs_mu is taken only to release
  // them: a center slow to answer (in the middle of a usage pull) holds up no one else's jobs.
  std::lock_guard refresh_lock(state_->refresh_mu);
  struct Open {
    std::int64_t id, center_id;
    std::uint32_t units;
    std::string slurm_job_id, cluster, resource_type;
  };
  std::vector<Open> open;
  {
    std::lock_guard lock(state_->mu);
    SUANLI_ASSIGN(auto q, state_->db->Prepare(
                              std::string("SELECT j.id, j.center_id, j.units, j.slurm_job_id, "
                                          "c.slurm_cluster, j.resource_type FROM jobs j JOIN "
                                          "compute_centers c ON c.id = j.center_id WHERE "
                                          "j.state IN ") +
                              job_routing::kOpenJobStatesSql));
    while (true) {
      SUANLI_ASSIGN(const bool row, q.Step());
      if (!row) break;
      open.push_back({q.Int(0), q.Int(1), static_cast<std::uint32_t>(q.Int(2)), q.Text(3),
                      q.Text(4), q.Text(5)});
    }
  }
  for (const Open& o : open) {
    network::CenterConnector* conn = state_->ConnectorFor(o.cluster);
    if (conn == nullptr) continue;
    std::uint64_t slurm_id = 0;
    try {
      slurm_id = std::stoull(o.slurm_job_id);
    } catch (...) {
      continue;
    }
    auto status = conn->GetJob(network::SlurmJobId(slurm_id));
    if (!status.ok()) continue;  // unreachable now: the next refresh asks again
    std::string state(network::JobStateName(status->state));
    std::transform(state.begin(), state.end(), state.begin(),
                   [](char ch) { return static_cast<char>(std::tolower(static_cast<unsigned char>(ch))); });
    if (network::IsFinal(status->state)) {
      std::lock_guard jobs_lock(state_->jobs_mu);
      job_routing::ReleaseUnits(*state_, {o.center_id, o.resource_type}, o.units);
    }
    std::lock_guard lock(state_->mu);
    SUANLI_ASSIGN(auto up, state_->db->Prepare("UPDATE jobs SET state = ?1, updated_at_us = ?2 "
                                               "WHERE id = ?3"));
    SUANLI_TRY(up.Bind(1, state).Bind(2, state_->clock->Now().micros()).Bind(3, o.id).Run());
  }
  return OkStatus();
}

namespace {

// The columns JobOf reads; a list leaves the script out (up to 64 KiB per job), one job reads
// it (kJobColumnsWithScript).
constexpr char kJobColumns[] =
    "SELECT id, org_id, resource_type, units, center_id, slurm_job_id, state, placement_json, "
    "attempts_json, created_at_us, request_json, max_cost_fen FROM jobs ";
constexpr char kJobColumnsWithScript[] =
    "SELECT id, org_id, resource_type, units, center_id, slurm_job_id, state, placement_json, "
    "attempts_json, created_at_us, request_json, max_cost_fen, script FROM jobs ";

Result<Job> JobOf(storage::Stmt& q, bool with_script) {
  Job j;
  j.id = q.Int(0);
  j.org_id = q.Int(1);
  j.resource_type = q.Text(2);
  j.units = static_cast<std::uint32_t>(q.Int(3));
  if (!q.IsNull(4)) j.center_id = q.Int(4);
  if (!q.IsNull(5)) j.slurm_job_id = q.Text(5);
  j.state = q.Text(6);
  j.placement_json = q.Text(7);
  j.attempts_json = q.Text(8);
  j.created_at = Instant::FromMicros(q.Int(9));
  if (!q.IsNull(10)) {  // NULL: recorded before requests were stored
    SUANLI_ASSIGN(j.request, JobRequestFromJson(q.Text(10)));
    if (with_script && !q.IsNull(12)) {
      j.request->script = q.Text(12);
      j.script_read = true;
    }
  }
  if (!q.IsNull(11)) j.max_cost_fen = q.Int(11);
  return j;
}

bool IsOpen(std::string_view state) {
  return state == "submitted" || state == "pending" || state == "running" ||
         state == "suspended" || state == "completing" || state == "requeued";
}

}  // namespace

Result<std::vector<Job>> Platform::ListJobs(const Principal& actor) {
  SUANLI_TRY(RequireRole(actor, {Role::kApplicant, Role::kOfficer, Role::kAdmin, Role::kAuditor}));
  SUANLI_TRY(RefreshJobs());
  std::lock_guard lock(state_->mu);
  const bool own = actor.role == Role::kApplicant && !actor.is_system();
  SUANLI_ASSIGN(auto q, state_->db->Prepare(std::string(kJobColumns) +
                                            "WHERE (?1 = 0 OR org_id = ?1) ORDER BY id DESC "
                                            "LIMIT 200"));
  q.Bind(1, own ? actor.org_id.value_or(-1) : std::int64_t{0});
  std::vector<Job> out;
  while (true) {
    SUANLI_ASSIGN(const bool row, q.Step());
    if (!row) break;
    SUANLI_ASSIGN(Job j, JobOf(q, false));
    out.push_back(std::move(j));
  }
  return out;
}

Result<Job> Platform::GetJob(const Principal& actor, std::int64_t job_id) {
  SUANLI_TRY(RequireRole(actor, {Role::kApplicant, Role::kOfficer, Role::kAdmin, Role::kAuditor}));
  SUANLI_TRY(RefreshJobs());
  std::lock_guard lock(state_->mu);
  SUANLI_ASSIGN(auto q,
                state_->db->Prepare(std::string(kJobColumnsWithScript) + "WHERE id = ?1"));
  SUANLI_ASSIGN(const bool found, q.Bind(1, job_id).Step());
  // Another organisation's job is "not found" to an applicant: ids reveal nothing.
  if (!found) return NotFound("job", job_id);
  SUANLI_ASSIGN(Job j, JobOf(q, true));
  const bool system = actor.is_system();
  if (actor.role == Role::kApplicant && !system && actor.org_id != j.org_id) {
    return NotFound("job", job_id);
  }
  if (actor.role != Role::kApplicant && !system && j.script_read) {
    j.script_sha256 = security::Sha256Hex(j.request->script);
    j.request->script.clear();
    j.script_read = false;
  }
  return j;
}

Result<Job> Platform::CancelJob(const Principal& actor, std::int64_t job_id) {
  SUANLI_TRY(RequireRole(actor, {Role::kApplicant, Role::kAdmin}));
  SUANLI_ASSIGN(const Job job, GetJob(actor, job_id));
  if (!IsOpen(job.state) || !job.center_id) {
    return MakeError(ErrorCode::kStateConflict, "state",
                     "the job is " + job.state + ": only a job still queued or running is "
                     "cancelled");
  }
  SUANLI_ASSIGN(const Center center, GetCenter(*job.center_id));
  {
    network::CenterConnector* conn = state_->ConnectorFor(center.spec.slurm_cluster);
    if (conn == nullptr) {
      return MakeError(ErrorCode::kIo, "center_id",
                       "the center " + center.spec.slurm_cluster + " is not connected now");
    }
    std::uint64_t slurm_id = 0;
    try {
      slurm_id = std::stoull(job.slurm_job_id);
    } catch (...) {
      return MakeError(ErrorCode::kIo, "slurm_job_id", "not a Slurm job id: " + job.slurm_job_id);
    }
    SUANLI_TRY(conn->Cancel(network::SlurmJobId(slurm_id)));
  }
  SUANLI_TRY(state_->RunStep<bool>(actor, [&](StepContext& ctx) -> Result<bool> {
    SUANLI_TRY(ctx.Audit("job.cancel", "job/" + std::to_string(job_id),
                         "{\"state\":" + Quoted(job.state) + "}", "{\"cancel\":\"requested\"}"));
    return true;
  }));
  // The center's answer (CANCELLED, or COMPLETED if it ended first) comes with the refresh.
  return GetJob(actor, job_id);
}

}  // namespace suanli::workflow
