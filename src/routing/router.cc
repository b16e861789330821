// The router's feasibility checks and score (router.h, docs/routing.md). One function, Judge,
// decides and prices a center for both the explaining Place and the hot PlaceBest, so the two
// cannot rank differently.
#include "routing/router.h"

#include <algorithm>
#include <string>

#include "core/check.h"

namespace suanli::routing {
namespace {

constexpr std::int64_t kSecondsPerHour = 3600;

// What Judge needs from a request, computed once per call rather than once per center.
struct Prepared {
  const JobRequest* request = nullptr;
  std::int64_t unit_seconds = 0;  // units × time limit: the price term's quantity
  // How long the start may be delayed and still finish by the deadline at the time limit:
  // deadline − time limit − now, in µs (INT64_MAX without a deadline).
  std::int64_t wait_budget_us = INT64_MAX;
};

Prepared Prepare(const JobRequest& request, Instant now) {
  Prepared p;
  p.request = &request;
  p.unit_seconds = std::int64_t{request.units} * request.time_limit_s;
  if (request.deadline.has_value()) {
    p.wait_budget_us =
        request.deadline->micros() - request.time_limit_s * kMicrosPerSecond - now.micros();
  }
  return p;
}

bool VoucherApplies(const JobRequest& request, ProviderId provider) {
  return request.voucher_bp > 0 && std::binary_search(request.voucher_providers.begin(),
                                                      request.voucher_providers.end(), provider);
}

// Decides whether `offer` can take the job and, if so (or if only price or deadline exclude
// it), prices it into *score. In the hot form (kExplain false) it stops as soon as the center
// is excluded, and a feasible center whose price term alone is above `prune_above_fen` gets
// total_fen = INT64_MAX without its other terms: it cannot beat the best found so far.
template <bool kExplain>
Infeasibility Judge(const Prepared& p, const ScoreWeights& w, const CenterOffer& offer,
                    std::int64_t prune_above_fen, ScoreBreakdown* score) {
  const JobRequest& request = *p.request;
  if (!offer.up) return Infeasibility::kDown;
  const ResourceOffer* resource = offer.FindResource(request.resource_type);
  if (resource == nullptr) return Infeasibility::kNoSuchResource;
  if (request.domestic_only && !resource->domestic_chip) return Infeasibility::kNotDomestic;
  if (!request.framework.empty() &&
      !offer.OffersFramework(request.framework, request.framework_version_min)) {
    return Infeasibility::kFrameworkMissing;
  }
  if (resource->free_units < request.units) return Infeasibility::kInsufficientCapacity;

  const std::int64_t customer = CustomerPriceFenPerUnitHour(
      resource->price_fen_per_unit_hour, request.discount_bp, request.voucher_bp,
      VoucherApplies(request, offer.provider));
  const bool over_price = customer > request.max_price_fen_per_unit_hour;
  const bool late = resource->wait_s * kMicrosPerSecond > p.wait_budget_us;
  if constexpr (!kExplain) {
    if (over_price) return Infeasibility::kOverMaxPrice;
    if (late) return Infeasibility::kPastDeadline;
  }
  score->list_price_fen_per_unit_hour = resource->price_fen_per_unit_hour;
  score->customer_price_fen_per_unit_hour = customer;
  score->price_fen = customer * p.unit_seconds / kSecondsPerHour;
  if constexpr (!kExplain) {
    if (score->price_fen > prune_above_fen) {
      score->total_fen = INT64_MAX;
      return Infeasibility::kNone;
    }
  }
  score->wait_fen =
      resource->wait_s * std::int64_t{request.units} * w.wait_fen_per_unit_hour / kSecondsPerHour;
  score->fit_fen = w.fit_fen * std::int64_t{resource->free_units - request.units} /
                   std::int64_t{resource->total_units};
  score->locality_fen = 0;
  if (!request.data_region.empty() && !(request.data_region == offer.region)) {
    score->locality_fen = w.remote_data_fen +
                          std::int64_t{static_cast<std::uint8_t>(offer.latency_class)} *
                              w.latency_class_fen;
  }
  score->total_fen = score->price_fen + score->wait_fen + score->fit_fen + score->locality_fen;
  if (over_price) return Infeasibility::kOverMaxPrice;
  if (late) return Infeasibility::kPastDeadline;
  return Infeasibility::kNone;
}

// Strict order of feasible centers: lower total, then lower center id.
bool Better(std::int64_t total_a, CenterId a, std::int64_t total_b, CenterId b) {
  return total_a < total_b || (total_a == total_b && a < b);
}

}  // namespace

std::string_view InfeasibilityName(Infeasibility reason) {
  switch (reason) {
    case Infeasibility::kNone: return "feasible";
    case Infeasibility::kDown: return "down";
    case Infeasibility::kNoSuchResource: return "no_such_resource";
    case Infeasibility::kNotDomestic: return "not_domestic";
    case Infeasibility::kFrameworkMissing: return "framework_missing";
    case Infeasibility::kInsufficientCapacity: return "insufficient_capacity";
    case Infeasibility::kOverMaxPrice: return "over_max_price";
    case Infeasibility::kPastDeadline: return "past_deadline";
  }
  return "unknown";
}

std::int64_t CustomerPriceFenPerUnitHour(std::int64_t list_price_fen, std::int32_t discount_bp,
                                         std::int32_t voucher_bp, bool voucher_applies) {
  const std::int64_t discounted = list_price_fen * (kBasisPointsOne - discount_bp) / kBasisPointsOne;
  if (!voucher_applies) return discounted;
  return discounted - discounted * voucher_bp / kBasisPointsOne;
}

Router::Router(ScoreWeights weights) : weights_(weights) {
  SUANLI_CHECK(weights_.wait_fen_per_unit_hour >= 0 &&
               weights_.wait_fen_per_unit_hour <= 100'000);
  SUANLI_CHECK(weights_.fit_fen >= 0 && weights_.fit_fen <= 1'000'000'000);
  SUANLI_CHECK(weights_.remote_data_fen >= 0 && weights_.remote_data_fen <= 1'000'000'000);
  SUANLI_CHECK(weights_.latency_class_fen >= 0 && weights_.latency_class_fen <= 1'000'000'000);
}

CenterVerdict Router::Assess(const JobRequest& request, const CenterOffer& offer,
                             Instant now) const {
  const Prepared p = Prepare(request, now);
  CenterVerdict verdict;
  verdict.center = offer.center;
  verdict.reason = Judge<true>(p, weights_, offer, INT64_MAX, &verdict.score);
  return verdict;
}

std::size_t Router::PlaceBest(const JobRequest& request, std::span<const CenterOffer> offers,
                              Instant now) const {
  const Prepared p = Prepare(request, now);
  std::size_t best = kNoCenter;
  std::int64_t best_total_fen = INT64_MAX;
  CenterId best_center;
  for (std::size_t i = 0; i < offers.size(); ++i) {
    ScoreBreakdown score;
    if (Judge<false>(p, weights_, offers[i], best_total_fen, &score) != Infeasibility::kNone) {
      continue;
    }
    if (score.total_fen == INT64_MAX) continue;  // pruned: its price alone is worse
    if (best == kNoCenter || Better(score.total_fen, offers[i].center, best_total_fen,
                                    best_center)) {
      best = i;
      best_total_fen = score.total_fen;
      best_center = offers[i].center;
    }
  }
  return best;
}

Result<Placement> Router::Place(const JobRequest& request, std::span<const CenterOffer> offers,
                                Instant now) const {
  SUANLI_TRY(ValidateRequest(request));
  for (std::size_t i = 0; i < offers.size(); ++i) {
    Status valid = ValidateOffer(offers[i]);
    if (!valid.ok()) {
      Error error = valid.error();
      error.field = "offers[" + std::to_string(i) + "]." + error.field;
      return error;
    }
  }
  const Prepared p = Prepare(request, now);
  Placement placement;
  for (std::size_t i = 0; i < offers.size(); ++i) {
    CenterVerdict verdict;
    verdict.offer_index = i;
    verdict.center = offers[i].center;
    verdict.reason = Judge<true>(p, weights_, offers[i], INT64_MAX, &verdict.score);
    (verdict.reason == Infeasibility::kNone ? placement.ranked : placement.infeasible)
        .push_back(verdict);
  }
  // Stable, so offers repeating a center keep their order, as PlaceBest (first wins) does.
  std::stable_sort(placement.ranked.begin(), placement.ranked.end(),
            [](const CenterVerdict& a, const CenterVerdict& b) {
              return Better(a.score.total_fen, a.center, b.score.total_fen, b.center);
            });
  return placement;
}

}  // namespace suanli::routing
