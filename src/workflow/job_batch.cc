// A batch of jobs placed together: where SubmitJob takes each job's best center in turn (so an
// early job may take the last free cards of the center a later job needed more), the batch
// planner (routing/planner.h) chooses all placements at once — most jobs placed, then the least
// total of the router's scores (price after discount and voucher, wait, fit, locality, in fen)
// — within the free units each center offers for each resource type. Then each job is
// submitted to its planned center and falls back down its own ranking if that center refuses.
#include <algorithm>
#include <map>

#include "routing/planner.h"
#include "workflow/job_routing.h"

namespace suanli::workflow {

namespace {

// Prefixes an error's field with the job's place in the batch: "jobs[3].units".
Error InBatch(Error e, std::size_t i) {
  e.field = "jobs[" + std::to_string(i) + "]" + (e.field.empty() ? "" : "." + e.field);
  return e;
}

// One job's routing inside the batch.
struct Routed {
  routing::JobRequest request;
  job_routing::OfferSet set;
  routing::Placement placement;
};

// The planner's instance: centers and resource types are the union over the batch; a center's
// capacity for a type is the free units its offer states; a job's cost at a center is the
// router's score there when feasible.
routing::PlanInstance InstanceOf(const std::vector<Routed>& routed,
                                 const std::vector<std::int64_t>& centers,
                                 const std::vector<routing::ShortName>& types) {
  routing::PlanInstance in;
  in.center_count = centers.size();
  in.resource_type_count = types.size();
  in.capacity_units.assign(centers.size() * types.size(), 0);
  in.cost_fen.assign(routed.size() * centers.size(), routing::kInfeasibleCost);
  const auto center_index = [&](std::int64_t id) {
    return static_cast<std::size_t>(std::find(centers.begin(), centers.end(), id) -
                                    centers.begin());
  };
  for (std::size_t j = 0; j < routed.size(); ++j) {
    const Routed& r = routed[j];
    const auto type = static_cast<std::size_t>(
        std::find(types.begin(), types.end(), r.request.resource_type) - types.begin());
    in.jobs.push_back({static_cast<std::uint32_t>(type), r.request.units, 0});
    for (std::size_t o = 0; o < r.set.offers.size(); ++o) {
      const routing::ResourceOffer* res = r.set.offers[o].FindResource(r.request.resource_type);
      if (res != nullptr) {
        in.capacity_units[center_index(r.set.center_ids[o]) * types.size() + type] =
            res->free_units;
      }
    }
    for (const auto& v : r.placement.ranked) {
      in.cost_fen[j * centers.size() + center_index(r.set.center_ids[v.offer_index])] =
          v.score.total_fen;
    }
  }
  const std::int64_t penalty = routing::LexicographicPenaltyFen(in);
  for (auto& job : in.jobs) job.unplaced_penalty_fen = penalty;
  return in;
}

// The job's ranking with its planned center first.
std::vector<routing::CenterVerdict> PlannedFirst(const Routed& r, std::int64_t planned_center) {
  std::vector<routing::CenterVerdict> order = r.placement.ranked;
  std::stable_partition(order.begin(), order.end(), [&](const routing::CenterVerdict& v) {
    return r.set.center_ids[v.offer_index] == planned_center;
  });
  return order;
}

}  // namespace

Result<JobBatch> Platform::SubmitJobBatch(const Principal& actor, const std::vector<NewJob>& jobs) {
  SUANLI_ASSIGN(const std::int64_t org_id, job_routing::ApplicantOrg(actor));
  if (jobs.empty() || jobs.size() > kJobBatchMax) {
    return MakeError(ErrorCode::kOutOfRange, "jobs",
                     "1 to " + std::to_string(kJobBatchMax) + " jobs per batch");
  }
  std::vector<Routed> routed(jobs.size());
  for (std::size_t i = 0; i < jobs.size(); ++i) {
    auto req = job_routing::RequestFor(*this, actor, jobs[i]);
    if (!req.ok()) return InBatch(req.error(), i);
    routed[i].request = *req;
  }

  // Offers, placements, the plan and a hold on each planned job's units under jobs_mu; the
  // connector calls without it (a slow center holds up no one else's jobs); then, under
  // jobs_mu again, each hold moves to the center that took the job (or is dropped).
  const Instant now = state_->clock->Now();
  std::vector<std::int64_t> centers;
  routing::Plan plan;
  std::vector<std::optional<job_routing::UnitsKey>> held(jobs.size());
  {
    std::lock_guard jobs_lock(state_->jobs_mu);
    std::vector<routing::ShortName> types;
    for (std::size_t i = 0; i < jobs.size(); ++i) {
      Routed& r = routed[i];
      auto set = job_routing::OffersFor(*this, *state_, org_id, jobs[i], now);
      if (!set.ok()) return InBatch(set.error(), i);
      r.set = std::move(set).value();
      auto placement = state_->router.Place(r.request, r.set.offers, now);
      if (!placement.ok()) return InBatch(placement.error(), i);
      r.placement = std::move(placement).value();
      for (std::int64_t id : r.set.center_ids) {
        if (std::find(centers.begin(), centers.end(), id) == centers.end()) centers.push_back(id);
      }
      if (std::find(types.begin(), types.end(), r.request.resource_type) == types.end()) {
        types.push_back(r.request.resource_type);
      }
    }
    if (centers.empty()) centers.push_back(0);  // the planner wants a center; none is feasible
    const routing::PlanInstance instance = InstanceOf(routed, centers, types);
    SUANLI_ASSIGN(plan, routing::PlanBatch(instance));
    for (std::size_t i = 0; i < jobs.size(); ++i) {
      const std::int32_t planned = plan.center_of_job[i];
      if (planned == routing::kUnplaced) continue;
      held[i] = job_routing::UnitsKey{centers[static_cast<std::size_t>(planned)],
                                      jobs[i].resource_type};
      state_->units_held[*held[i]] += jobs[i].units;
    }
  }

  std::vector<routing::DispatchReport> reports(jobs.size());
  std::vector<Result<std::size_t>> chosen(jobs.size(), routing::kNoCenter);
  // As before the connector calls left jobs_mu: a job the dispatcher refuses outright (its
  // spec malformed) ends the batch there; the jobs before it are recorded, the rest not sent.
  std::size_t sent = jobs.size();
  for (std::size_t i = 0; i < jobs.size(); ++i) {
    if (!held[i]) continue;
    const auto order = PlannedFirst(routed[i], held[i]->first);
    chosen[i] = job_routing::DispatchInOrder(order, routed[i].set, jobs[i], &reports[i]);
    if (!chosen[i].ok()) {
      sent = i + 1;
      break;
    }
  }
  {
    std::lock_guard jobs_lock(state_->jobs_mu);
    for (std::size_t i = 0; i < jobs.size(); ++i) {
      job_routing::MoveHold(*state_, held[i], routed[i].set, jobs[i], chosen[i], reports[i]);
    }
  }

  JobBatch out;
  out.planned_score_fen = plan.placed_cost_fen;
  out.planned_unplaced = plan.unplaced_count;
  out.proven_optimal = plan.proven_optimal;
  for (std::size_t i = 0; i < sent; ++i) {
    if (!chosen[i].ok()) return chosen[i].error();
    const Routed& r = routed[i];
    SUANLI_ASSIGN(Job recorded,
                  RecordJob(actor, job_routing::JobToRecord(org_id, jobs[i], r.set, r.placement,
                                                            *chosen[i], reports[i])));
    out.jobs.push_back(std::move(recorded));
  }
  return out;
}

}  // namespace suanli::workflow
