// Shared pieces of job routing (job_routing.h).
#include "workflow/job_routing.h"

#include <algorithm>

#include <boost/json.hpp>

namespace suanli::workflow::job_routing {

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

// The request from the job's needs alone.
Result<routing::JobRequest> NeedsOf(const NewJob& job) {
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

// One center's offer: every priced partition's type, so a center without the requested type
// is still listed with the router's reason ("no_such_resource") rather than left out. `held`:
// the units of the job's resource type the center holds for routed jobs not yet final.
Result<routing::CenterOffer> OfferOf(const Center& c, const std::vector<Price>& prices,
                                     Rate discount_share, const NewJob& job, std::uint32_t held,
                                     Date today, std::size_t index, std::string* partition) {
  routing::CenterOffer offer;
  offer.center = routing::CenterId(index + 1);
  offer.provider = ProviderId(static_cast<std::uint64_t>(c.provider_id));
  SUANLI_ASSIGN(offer.region, routing::ShortName::Make(c.spec.region, "region"));
  SUANLI_ASSIGN(offer.latency_class, routing::ParseLatencyClass(c.spec.latency_class));
  for (const PartitionOffer& po : OffersOf(c.spec)) {
    const std::int64_t list_price = PriceAt(prices, po.partition->name, po.unit, today);
    auto type = routing::ShortName::Make(po.type);
    if (list_price <= 0 || !type.ok() || offer.FindResource(*type) != nullptr) continue;
    // The organisation's price here: its discount class at this center (the class of its
    // account on it) applied as metering will rate its usage, rounded down to the fen as the
    // router rounds a discount.
    SUANLI_ASSIGN(const Money price, MulRate(Money::FromFen(list_price), discount_share, kDownToFen));
    routing::ResourceOffer r;
    r.type = *type;
    r.price_fen_per_unit_hour = std::min(price.fen(), routing::kPriceFenPerUnitHourMax);
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

}  // namespace

Result<std::int64_t> ApplicantOrg(const Principal& actor) {
  SUANLI_TRY(RequireRole(actor, {Role::kApplicant}));
  if (!actor.org_id) return MakeError(ErrorCode::kForbidden, "", "not an organisation's account");
  return *actor.org_id;
}

Result<routing::JobRequest> RequestFor(Platform& p, const Principal& actor, const NewJob& job) {
  SUANLI_ASSIGN(routing::JobRequest req, NeedsOf(job));
  if (job.voucher_id) {
    SUANLI_ASSIGN(const Voucher v, p.GetVoucher(actor, *job.voucher_id));
    if (v.status != "active") {
      return MakeError(ErrorCode::kStateConflict, "voucher_id", "the voucher is " + v.status);
    }
    if (v.redeemed_by == "organisation") {
      // No share of any bill: the organisation pays its provider in full and redeems the
      // voucher afterwards with the invoice (redemptions.cc). Named on a job, it would be
      // accepted and then never pay.
      return MakeError(ErrorCode::kStateConflict, "voucher_id",
                       "the voucher is redeemed by the organisation with invoices, not charged "
                       "at settlement: submit the job without it");
    }
    if (v.rate) {
      // The voucher's share of each bill (its terms, fixed at issue), as basis points of the
      // discounted price.
      const Rate share = *v.rate;
      req.voucher_bp = static_cast<std::int32_t>(share.num * routing::kBasisPointsOne / share.den);
      req.voucher_providers = {ProviderId(static_cast<std::uint64_t>(v.provider_id))};
    }
  }
  SUANLI_TRY(routing::ValidateRequest(req));
  return req;
}

Result<OfferSet> OffersFor(Platform& p, Platform::State& s, std::int64_t org_id, const NewJob& job,
                           Instant now) {
  OfferSet set;
  SUANLI_ASSIGN(const auto centers, p.ListCenters());
  for (const Center& c : centers) {
    if (c.retired_at) continue;  // takes no new jobs (center_changes.cc)
    auto conn = s.connectors.find(c.spec.slurm_cluster);
    if (conn == s.connectors.end()) continue;
    SUANLI_ASSIGN(const auto mapped, p.ListSlurmAccounts(Principal::System(), c.id));
    // An experience voucher's account only while its voucher is active: once used up or
    // expired its limit lets no job start, and a job placed there would wait for ever.
    auto account = std::find_if(mapped.begin(), mapped.end(), [&](const SlurmAccount& a) {
      return a.org_id == org_id && (!a.experience_voucher_id || a.trial_open);
    });
    if (account == mapped.end()) continue;
    // A class no loaded program defines: metering refuses that account's usage, so no job of
    // it is placed there.
    auto discount_share = DiscountShareOf(s, account->discount_class);
    if (!discount_share.ok()) continue;
    SUANLI_ASSIGN(const auto prices, p.ListPrices(c.id));
    std::string partition;
    const std::uint32_t held = s.units_held[{c.id, job.resource_type}];
    SUANLI_ASSIGN(const routing::CenterOffer offer,
                  OfferOf(c, prices, *discount_share, job, held, now.CstDate(), set.offers.size(),
                          &partition));
    set.offers.push_back(offer);
    set.center_ids.push_back(c.id);
    set.accounts.push_back(account->account);
    set.partitions.push_back(partition);
    set.connections.push_back({offer.center, conn->second.get()});
  }
  return set;
}

void ReleaseUnits(Platform::State& s, const UnitsKey& key, std::uint32_t units) {
  auto& held = s.units_held[key];
  held = held > units ? held - units : 0;
}

Result<std::size_t> DispatchInOrder(std::span<const routing::CenterVerdict> order,
                                    const OfferSet& set, const NewJob& job,
                                    routing::DispatchReport* report) {
  for (const auto& verdict : order) {
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

void MoveHold(Platform::State& s, const std::optional<UnitsKey>& held, const OfferSet& set,
              const NewJob& job, const Result<std::size_t>& chosen,
              const routing::DispatchReport& report) {
  if (held) ReleaseUnits(s, *held, job.units);
  if (chosen.ok() && report.placed) {
    s.units_held[{set.center_ids[*chosen], job.resource_type}] += job.units;
  }
}

std::int64_t MaxCostFen(std::int64_t price_fen_per_unit_hour, std::uint32_t units,
                        std::int64_t time_limit_s) {
  const std::int64_t minutes = (time_limit_s + 59) / 60;  // as SpecFor asks Slurm
  const std::int64_t numerator = price_fen_per_unit_hour * std::int64_t{units} * minutes;
  return (numerator + 59) / 60;  // rounded up to the fen
}

Job JobToRecord(std::int64_t org_id, const NewJob& job, const OfferSet& set,
                const routing::Placement& placement, std::size_t chosen,
                const routing::DispatchReport& report) {
  Job out;
  out.org_id = org_id;
  out.resource_type = job.resource_type;
  out.units = job.units;
  out.request = job;
  out.script_read = true;
  out.state = report.placed ? "submitted" : "unplaced";
  if (report.placed) {
    out.center_id = set.center_ids[chosen];
    out.slurm_job_id = std::to_string(report.job_id.value);
    for (const auto& v : placement.ranked) {
      if (v.offer_index != chosen) continue;
      out.max_cost_fen =
          MaxCostFen(v.score.customer_price_fen_per_unit_hour, job.units, job.time_limit_s);
    }
  }
  out.placement_json = VerdictsJson(placement, set.center_ids);
  out.attempts_json = AttemptsJson(report, set.center_ids);
  return out;
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

}  // namespace suanli::workflow::job_routing
