// The pieces of putting a job on the network that one job (jobs.cc) and a batch
// (job_batch.cc) share: the applicant check, the router's request from the job's needs (with
// the voucher's share), one offer per reachable center where the organisation has an account,
// submission down a ranked list of centers with fallback, moving the job's unit hold to the
// center that took it, and the job's row with its JSON. Internal to workflow.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "routing/dispatcher.h"
#include "routing/router.h"
#include "workflow/platform.h"
#include "workflow/platform_state.h"

namespace suanli::workflow::job_routing {

// The states of a job not yet final (it holds its units), as an SQL list for `state IN …`.
inline constexpr char kOpenJobStatesSql[] =
    "('submitted', 'pending', 'running', 'suspended', 'completing', 'requeued')";

// A key of Platform::State::units_held: (center id, resource type).
using UnitsKey = std::pair<std::int64_t, std::string>;

// Takes `units` off what `key` holds, never below zero. Caller holds jobs_mu.
void ReleaseUnits(Platform::State& s, const UnitsKey& key, std::uint32_t units);

// The organisation submitting jobs: `actor` must be an applicant (RequireRole's error
// otherwise) with an organisation's account (kForbidden otherwise), checked in that order.
Result<std::int64_t> ApplicantOrg(const Principal& actor);

// The offers of one routing, with what each offer index stands for.
struct OfferSet {
  std::vector<routing::CenterOffer> offers;
  std::vector<std::int64_t> center_ids;
  std::vector<std::string> accounts;    // the organisation's Slurm account at the center
  std::vector<std::string> partitions;  // the partition offering the requested type, or ""
  std::vector<routing::CenterConnection> connections;
};

// The router's request from the job's needs; with a voucher, its share of the price at its
// provider (the voucher must be the actor's and active). Validated.
Result<routing::JobRequest> RequestFor(Platform& p, const Principal& actor, const NewJob& job);

// Every center in service (not retired) with a connector and an account for the
// organisation. Caller holds jobs_mu.
Result<OfferSet> OffersFor(Platform& p, Platform::State& s, std::int64_t org_id,
                           const NewJob& job, Instant now);

// Submits to `order`'s centers in turn until one accepts. The Slurm account and partition
// differ per center, so each attempt is one Dispatch with that center's spec. Returns the
// offer index that took the job (routing::kNoCenter when none did) and fills `report`.
// Caller does not hold jobs_mu: the connector calls may be slow, and each center's own lock
// (SerializedConnector) orders them; hold the units first (see SubmitJob).
Result<std::size_t> DispatchInOrder(std::span<const routing::CenterVerdict> order,
                                    const OfferSet& set, const NewJob& job,
                                    routing::DispatchReport* report);

// After `job`'s DispatchInOrder: releases the units `held` (where they were held before the
// dispatch, if anywhere) and, if the job was placed, holds them at the center that took it
// (`chosen`, an index into `set`), so later placements see them taken where the job runs.
// Caller holds jobs_mu.
void MoveHold(Platform::State& s, const std::optional<UnitsKey>& held, const OfferSet& set,
              const NewJob& job, const Result<std::size_t>& chosen,
              const routing::DispatchReport& report);

// The most a placed job costs the organisation, in fen: its price per unit-hour at the center
// that took it (the router's customer price, after the voucher's share), × units, × the time
// limit Slurm enforces (the request's seconds rounded up to whole minutes: SpecFor), rounded up
// to the fen, so the bound is never below what the time limit allows. The inputs' ranges
// (price ≤ 10⁶ fen, units ≤ 10⁵, ≤ 43,200 minutes) keep the product below 4.4·10¹⁵.
std::int64_t MaxCostFen(std::int64_t price_fen_per_unit_hour, std::uint32_t units,
                        std::int64_t time_limit_s);

// The row to record for `job` of `org_id` after its dispatch: "submitted" with the center
// that took it (`chosen`, an index into `set`), its Slurm job id and its MaxCostFen when
// placed, "unplaced" otherwise; the request itself; every center's verdict and the submissions
// tried as JSON.
Job JobToRecord(std::int64_t org_id, const NewJob& job, const OfferSet& set,
                const routing::Placement& placement, std::size_t chosen,
                const routing::DispatchReport& report);

// Every center's verdict: [{center_id, verdict, customer_price_fen_per_unit_hour, score_fen}].
std::string VerdictsJson(const routing::Placement& placement,
                         const std::vector<std::int64_t>& center_ids);
// The submissions tried: [{center_id, code, reason}].
std::string AttemptsJson(const routing::DispatchReport& report,
                         const std::vector<std::int64_t>& center_ids);

}  // namespace suanli::workflow::job_routing
