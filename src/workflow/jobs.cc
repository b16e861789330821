// Jobs on the network: an organisation states what a job needs; the platform builds each
// center's offer from its registered spec, its price in force and the units its routed jobs
// hold, places the job with the router's documented score (docs/routing.md), submits it through
// the chosen center's connector under the organisation's Slurm account there, and falls back
// to the next center when one refuses or is unreachable. Centers without a connector attached
// (none configured for them) are not offered.
#include <algorithm>
#include <cctype>
#include <boost/json.hpp>

#include "routing/dispatcher.h"
#include "routing/router.h"
#include "workflow/platform.h"
#include "workflow/platform_state.h"

namespace suanli::workflow {

namespace {

namespace json = boost::json;

constexpr std::size_t kScriptBytesMax = 64 << 10;  // a batch script, not a payload

// The resource type a partition offers: its accelerator's gres ("gpu", "npu", "dcu") priced
// per card-hour, or "cpu" priced per core-hour. Partitions priced otherwise are not routed to.
struct PartitionOffer {
  const network::Partition* partition;
  std::string type;
  std::string unit;
  std::uint32_t total_units;
};

std::vector<PartitionOffer> OffersOf(const network::CenterSpec& spec) {
  std::vector<PartitionOffer> out;
  for (const auto& p : spec.partitions) {
    if (p.accelerator) {
      out.push_back({&p, p.accelerator->gres, "card_hour", p.nodes * p.accelerator->per_node});
    } else {
      out.push_back({&p, "cpu", "core_hour", p.nodes * p.cores_per_node});
    }
  }
  return out;
}

// The price of (center, partition, unit) in force at `now`, or 0 when none.
std::int64_t PriceAt(const std::vector<Price>& prices, std::string_view partition,
                     std::string_view unit, Date today) {
  std::int64_t price = 0;
  for (const auto& p : prices) {  // ordered by effective_from within (partition, unit)
    if (p.partition == partition && p.unit == unit && p.effective_from <= today) {
      price = p.price_fen;
    }
  }
  return price;
}

std::string VerdictsJson(const routing::Placement& placement,
                         const std::vector<std::int64_t>& center_ids) {
  json::array out;
  auto add = [&](const routing::CenterVerdict& v) {
    out.push_back(json::object{
        {"center_id", center_ids[v.offer_index]},
        {"verdict", routing::InfeasibilityName(v.reason)},
        {"customer_price_fen_per_unit_hour", v.score.customer_price_fen_per_unit_hour},
        {"score_fen", v.score.total_fen}});
  };
  for (const auto& v : placement.ranked) add(v);
  for (const auto& v : placement.infeasible) add(v);
  return json::serialize(out);
}

std::string AttemptsJson(const routing::DispatchReport& report,
                         const std::vector<std::int64_t>& center_ids) {
  json::array out;
  for (const auto& a : report.attempts) {
    out.push_back(json::object{{"center_id", center_ids[a.center.value - 1]},
                               {"code", ErrorCodeName(a.code)},
                               {"reason", a.reason}});
  }
  return json::serialize(out);
}

// The router's request from the job's needs; the voucher's share is added by the caller.
Result<routing::JobRequest> RequestFor(const NewJob& job) {
  if (job.script.rfind("#!", 0) != 0 || job.script.size() > kScriptBytesMax) {
    return MakeError(ErrorCode::kOutOfRange, "script", "a batch script starting with #!, ≤ 64 KiB");
  }
  routing::JobRequest req;
  SUANLI_ASSIGN(req.resource_type, routing::ShortName::Make(job.resource_type, "resource_type"));
  req.units = job.units;
  SUANLI_ASSIGN(req.framework, routing::ShortName::Make(job.framework, "framework"));
  if (!job.framework_version_min.empty()) {
    SUANLI_ASSIGN(req.framework_version_min,
                  routing::Version::Parse(job.framework_version_min, "framework_version_min"));
  }
  req.time_limit_s = job.time_limit_s;
  SUANLI_ASSIGN(req.data_region, routing::ShortName::Make(job.data_region, "data_region"));
  if (job.max_price_fen) req.max_price_fen_per_unit_hour = *job.max_price_fen;
  req.domestic_only = job.domestic_only;
  req.deadline = job.deadline;
  return req;
}

// The offers of one routing, with what each offer index stands for.
struct OfferSet {
  std::vector<routing::CenterOffer> offers;
  std::vector<std::int64_t> center_ids;
  std::vector<std::string> accounts;    // the organisation's Slurm account at the center
  std::vector<std::string> partitions;  // the partition offering the requested type, or ""
  std::vector<routing::CenterConnection> connections;
};

// One center's offer: every priced partition's type, so a center without the requested type
// is still listed with the router's reason ("no_such_resource") rather than left out.
Result<routing::CenterOffer> OfferOf(const Center& c, const std::vector<Price>& prices,
                                     const NewJob& job, std::uint32_t held, Date today,
                                     std::size_t index, std::string* partition) {
  routing::CenterOffer offer;
  offer.center = routing::CenterId(index + 1);
  offer.provider = ProviderId(static_cast<std::uint64_t>(c.provider_id));
  SUANLI_ASSIGN(offer.region, routing::ShortName::Make(c.spec.region, "region"));
  SUANLI_ASSIGN(offer.latency_class, routing::ParseLatencyClass(c.spec.latency_class));
  for (const PartitionOffer& po : OffersOf(c.spec)) {
    const std::int64_t price = PriceAt(prices, po.partition->name, po.unit, today);
    auto type = routing::ShortName::Make(po.type);
    if (price <= 0 || !type.ok() || offer.FindResource(*type) != nullptr) continue;
    routing::ResourceOffer r;
    r.type = *type;
    r.price_fen_per_unit_hour = std::min(price, routing::kPriceFenPerUnitHourMax);
    r.total_units = std::min<std::uint32_t>(po.total_units, routing::kUnitsMax);
    const std::uint32_t taken = po.type == job.resource_type ? held : 0;
    r.free_units = r.total_units > taken ? r.total_units - taken : 0;
    r.domestic_chip = po.partition->accelerator && po.partition->accelerator->domestic;
    if (!offer.AddResource(r).ok()) break;  // more types than an offer holds: the rest wait
    if (po.type == job.resource_type) *partition = po.partition->name;
  }
  for (const auto& sw : c.spec.software) {
    auto name = routing::ShortName::Make(sw.name);
    auto version = routing::Version::Parse(sw.version);
    if (name.ok() && version.ok()) (void)offer.AddFramework(*name, *version);
  }
  return offer;
}

// What the center's Slurm is asked to run for the job.
network::JobSpec SpecFor(const NewJob& job, const std::string& account,
                         const std::string& partition) {
  network::JobSpec spec;
  spec.account = account;
  spec.user = job.user.empty() ? account : job.user;
  spec.partition = partition;
  spec.name = job.name.empty() ? "suanli" : job.name;
  spec.script = job.script;
  if (job.resource_type == "cpu") {
    spec.cpus_per_task = job.units;
  } else {
    spec.gres = job.resource_type + ":" + std::to_string(job.units);
  }
  spec.time_limit_min = static_cast<std::uint32_t>((job.time_limit_s + 59) / 60);
  spec.working_dir = job.working_dir.empty() ? "/tmp" : job.working_dir;
  spec.environment = {{"PATH", "/usr/bin:/bin"}};
  return spec;
}

// Submits to the ranked centers in order until one accepts. The Slurm account and partition
// differ per center, so each attempt is one Dispatch with that center's spec. Returns the
// offer index that took the job (kNoCenter when none did) and fills `report`.
Result<std::size_t> DispatchRanked(const routing::Placement& placement, const OfferSet& set,
                                   const NewJob& job, routing::DispatchReport* report) {
  for (const auto& verdict : placement.ranked) {
    if (report->attempts.size() >= routing::kDispatchAttemptsMax) break;
    const std::size_t i = verdict.offer_index;
    routing::Placement one;
    one.ranked.push_back(verdict);
    SUANLI_ASSIGN(const routing::DispatchReport r,
                  routing::Dispatch(one, std::span(&set.connections[i], 1),
                                    SpecFor(job, set.accounts[i], set.partitions[i]), 1));
    report->attempts.insert(report->attempts.end(), r.attempts.begin(), r.attempts.end());
    if (r.placed) {
      report->placed = true;
      report->center = r.center;
      report->job_id = r.job_id;
      return i;
    }
  }
  return routing::kNoCenter;
}

// Every center with a connector and an account for the organisation. Caller holds jobs_mu.
Result<OfferSet> OffersFor(Platform& p, Platform::State& s, std::int64_t org_id, const NewJob& job,
                           Instant now) {
  OfferSet set;
  SUANLI_ASSIGN(const auto centers, p.ListCenters());
  for (const Center& c : centers) {
    auto conn = s.connectors.find(c.spec.slurm_cluster);
    if (conn == s.connectors.end()) continue;
    SUANLI_ASSIGN(const auto mapped, p.ListSlurmAccounts(Principal::System(), c.id));
    auto account = std::find_if(mapped.begin(), mapped.end(),
                                [&](const SlurmAccount& a) { return a.org_id == org_id; });
    if (account == mapped.end()) continue;
    SUANLI_ASSIGN(const auto prices, p.ListPrices(c.id));
    std::string partition;
    SUANLI_ASSIGN(const routing::CenterOffer offer,
                  OfferOf(c, prices, job, s.units_held[c.id], now.CstDate(),
                          set.offers.size(), &partition));
    set.offers.push_back(offer);
    set.center_ids.push_back(c.id);
    set.accounts.push_back(account->account);
    set.partitions.push_back(partition);
    set.connections.push_back({offer.center, conn->second});
  }
  return set;
}

}  // namespace

void Platform::AttachConnector(network::CenterConnector* connector) {
  std::lock_guard lock(state_->jobs_mu);
  state_->connectors[std::string(connector->cluster())] = connector;
}

Result<Job> Platform::SubmitJob(const Principal& actor, const NewJob& job) {
  SUANLI_TRY(RequireRole(actor, {Role::kApplicant}));
  if (!actor.org_id) return MakeError(ErrorCode::kForbidden, "", "not an organisation's account");
  const std::int64_t org_id = *actor.org_id;
  SUANLI_ASSIGN(routing::JobRequest req, RequestFor(job));
  if (job.voucher_id) {
    SUANLI_ASSIGN(const Voucher v, GetVoucher(actor, *job.voucher_id));
    if (v.status != "active") {
      return MakeError(ErrorCode::kStateConflict, "voucher_id", "the voucher is " + v.status);
    }
    const policy::Program* program = FindProgram(v.program_id);
    if (program != nullptr && program->deduction) {
      // The voucher's share of each bill, as basis points of the discounted price.
      const Rate share = program->deduction->share;
      req.voucher_bp = static_cast<std::int32_t>(share.num * routing::kBasisPointsOne / share.den);
      req.voucher_providers = {ProviderId(static_cast<std::uint64_t>(v.provider_id))};
    }
  }
  SUANLI_TRY(routing::ValidateRequest(req));

  const Instant now = state_->clock->Now();
  std::lock_guard jobs_lock(state_->jobs_mu);
  SUANLI_ASSIGN(const OfferSet set, OffersFor(*this, *state_, org_id, job, now));
  SUANLI_ASSIGN(const routing::Placement placement, state_->router.Place(req, set.offers, now));
  routing::DispatchReport report;
  SUANLI_ASSIGN(const std::size_t chosen, DispatchRanked(placement, set, job, &report));

  Job out;
  out.org_id = org_id;
  out.resource_type = job.resource_type;
  out.units = job.units;
  out.state = report.placed ? "submitted" : "unplaced";
  if (report.placed) {
    out.center_id = set.center_ids[chosen];
    out.slurm_job_id = std::to_string(report.job_id.value);
    state_->units_held[*out.center_id] += job.units;
  }
  out.placement_json = VerdictsJson(placement, set.center_ids);
  out.attempts_json = AttemptsJson(report, set.center_ids);
  return RecordJob(actor, std::move(out));
}

Result<Job> Platform::RecordJob(const Principal& actor, Job out) {
  return state_->RunStep<Job>(actor, [&](StepContext& ctx) -> Result<Job> {
    SUANLI_ASSIGN(auto ins, ctx.db.Prepare(
                                "INSERT INTO jobs (org_id, user_id, resource_type, units, "
                                "center_id, slurm_job_id, state, placement_json, attempts_json, "
                                "created_at_us, updated_at_us) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,"
                                "?9,?10,?10)"));
    ins.Bind(1, out.org_id).Bind(2, actor.user_id).Bind(3, out.resource_type)
        .Bind(4, std::int64_t{out.units});
    if (out.center_id) ins.Bind(5, *out.center_id).Bind(6, out.slurm_job_id);
    SUANLI_TRY(ins.Bind(7, out.state).Bind(8, out.placement_json).Bind(9, out.attempts_json)
                   .Bind(10, ctx.now.micros()).Run());
    Job j = out;
    j.id = ctx.db.LastInsertRowid();
    j.created_at = ctx.now;
    SUANLI_TRY(ctx.Audit("job.submit", "job/" + std::to_string(j.id), "",
                         "{\"state\":" + Quoted(j.state) + ",\"attempts\":" + j.attempts_json +
                             "}"));
    return j;
  });
}

Status Platform::RefreshJobs() {
  std::lock_guard jobs_lock(state_->jobs_mu);
  struct Open {
    std::int64_t id, center_id;
    std::uint32_t units;
    std::string slurm_job_id, cluster;
  };
  std::vector<Open> open;
  {
    std::lock_guard lock(state_->mu);
    SUANLI_ASSIGN(auto q, state_->db->Prepare(
                              "SELECT j.id, j.center_id, j.units, j.slurm_job_id, c.slurm_cluster "
                              "FROM jobs j JOIN compute_centers c ON c.id = j.center_id WHERE "
                              "j.state IN ('submitted', 'pending', 'running', 'suspended', "
                              "'completing', 'requeued')"));
    while (true) {
      SUANLI_ASSIGN(const bool row, q.Step());
      if (!row) break;
      open.push_back({q.Int(0), q.Int(1), static_cast<std::uint32_t>(q.Int(2)), q.Text(3),
                      q.Text(4)});
    }
  }
  for (const Open& o : open) {
    auto conn = state_->connectors.find(o.cluster);
    if (conn == state_->connectors.end()) continue;
    std::uint64_t slurm_id = 0;
    try {
      slurm_id = std::stoull(o.slurm_job_id);
    } catch (...) {
      continue;
    }
    auto status = conn->second->GetJob(network::SlurmJobId(slurm_id));
    if (!status.ok()) continue;  // unreachable now: the next refresh asks again
    std::string state(network::JobStateName(status->state));
    std::transform(state.begin(), state.end(), state.begin(),
                   [](char ch) { return static_cast<char>(std::tolower(static_cast<unsigned char>(ch))); });
    if (network::IsFinal(status->state)) {
      auto& held = state_->units_held[o.center_id];
      held = held > o.units ? held - o.units : 0;
    }
    std::lock_guard lock(state_->mu);
    SUANLI_ASSIGN(auto up, state_->db->Prepare("UPDATE jobs SET state = ?1, updated_at_us = ?2 "
                                               "WHERE id = ?3"));
    SUANLI_TRY(up.Bind(1, state).Bind(2, state_->clock->Now().micros()).Bind(3, o.id).Run());
  }
  return OkStatus();
}

Result<std::vector<Job>> Platform::ListJobs(const Principal& actor) {
  SUANLI_TRY(RequireRole(actor, {Role::kApplicant, Role::kOfficer, Role::kAdmin, Role::kAuditor}));
  SUANLI_TRY(RefreshJobs());
  std::lock_guard lock(state_->mu);
  const bool own = actor.role == Role::kApplicant && !actor.is_system();
  SUANLI_ASSIGN(auto q, state_->db->Prepare(
                            "SELECT id, org_id, resource_type, units, center_id, slurm_job_id, "
                            "state, placement_json, attempts_json, created_at_us FROM jobs "
                            "WHERE (?1 = 0 OR org_id = ?1) ORDER BY id DESC LIMIT 200"));
  q.Bind(1, own ? actor.org_id.value_or(-1) : std::int64_t{0});
  std::vector<Job> out;
  while (true) {
    SUANLI_ASSIGN(const bool row, q.Step());
    if (!row) break;
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
    out.push_back(std::move(j));
  }
  return out;
}

}  // namespace suanli::workflow
