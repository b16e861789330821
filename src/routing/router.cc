// The router's feasibility checks and score (router.h, docs/routing.md). Judge decides and
// prices a center for the explaining Place; PlaceBest makes the same decisions in a cheaper
// order. Both price through the same helpers, so a formula is written once.
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
  // Bit (provider id mod 64) set for each voucher provider: most centers' providers are ruled
  // out by one AND before any search of the list.
  std::uint64_t voucher_mask = 0;
};

Prepared Prepare(const JobRequest& request, Instant now) {
  Prepared p;
  p.request = &request;
  p.unit_seconds = std::int64_t{request.units} * request.time_limit_s;
  if (request.deadline.has_value()) {
    p.wait_budget_us =
        request.deadline->micros() - request.time_limit_s * kMicrosPerSecond - now.micros();
  }
  if (request.voucher_bp > 0) {
    for (const ProviderId provider : request.voucher_providers) {
      p.voucher_mask |= std::uint64_t{1} << (provider.value % 64);
    }
  }
  return p;
}

inline bool VoucherApplies(const Prepared& p, ProviderId provider) {
  if ((p.voucher_mask >> (provider.value % 64) & 1) == 0) return false;
  return std::binary_search(p.request->voucher_providers.begin(),
                            p.request->voucher_providers.end(), provider);
}

inline std::int64_t Discounted(std::int64_t list_price_fen, std::int32_t discount_bp) {
  return list_price_fen * (kBasisPointsOne - discount_bp) / kBasisPointsOne;
}

inline std::int64_t LessVoucher(std::int64_t discounted_fen, std::int32_t voucher_bp) {
  return discounted_fen - discounted_fen * voucher_bp / kBasisPointsOne;
}

// The wait, fit and locality terms (docs/routing.md), shared by Judge and PlaceBest.
inline void ScoreNonPrice(const JobRequest& request, const ScoreWeights& w,
                          const CenterOffer& offer, std::int64_t wait_s, std::uint32_t free_units,
                          std::uint32_t total_units, ScoreBreakdown* score) {
  score->wait_fen =
      wait_s * std::int64_t{request.units} * w.wait_fen_per_unit_hour / kSecondsPerHour;
  score->fit_fen =
      w.fit_fen * std::int64_t{free_units - request.units} / std::int64_t{total_units};
  score->locality_fen = 0;
  if (!request.data_region.empty() && !(request.data_region == offer.region)) {
    score->locality_fen = w.remote_data_fen +
                          std::int64_t{static_cast<std::uint8_t>(offer.latency_class)} *
                              w.latency_class_fen;
  }
  score->total_fen = score->price_fen + score->wait_fen + score->fit_fen + score->locality_fen;
}

// Decides whether `offer` can take the job and, if so (or if only its price or the deadline
// excludes it), prices it into *score. The checks run in Infeasibility's order, so the first
// reason that applies is the one reported.
Infeasibility Judge(const Prepared& p, const ScoreWeights& w, const CenterOffer& offer,
                    ScoreBreakdown* score) {
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
  const std::int64_t discounted = Discounted(resource->price_fen_per_unit_hour, request.discount_bp);
  const std::int64_t customer =
      VoucherApplies(p, offer.provider) ? LessVoucher(discounted, request.voucher_bp) : discounted;
  score->list_price_fen_per_unit_hour = resource->price_fen_per_unit_hour;
  score->customer_price_fen_per_unit_hour = customer;
  score->price_fen = customer * p.unit_seconds / kSecondsPerHour;
  ScoreNonPrice(request, w, offer, resource->wait_s, resource->free_units, resource->total_units,
                score);
  if (customer > request.max_price_fen_per_unit_hour) return Infeasibility::kOverMaxPrice;
  if (resource->wait_s * kMicrosPerSecond > p.wait_budget_us) return Infeasibility::kPastDeadline;
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
  const std::int64_t discounted = Discounted(list_price_fen, discount_bp);
  return voucher_applies ? LessVoucher(discounted, voucher_bp) : discounted;
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
  verdict.reason = Judge(p, weights_, offer, &verdict.score);
  return verdict;
}

// The same decisions as Judge, over the index's list for the requested type in list-price
// order, which is what makes it cheap: every term of a score is >= 0 and the customer price
// can only rise with the list price, so once the price alone (with the voucher, the lowest it
// can be) exceeds the best total found, no later center can win and the walk stops. The price
// checks also come first, sparing the framework scan and the voucher lookup of centers that are
// out on price. The order of checks cannot change the answer, only the time; router_test
// compares it with Place on random networks.
std::size_t Router::PlaceBest(const JobRequest& request, const OfferIndex& index,
                              Instant now) const {
  const Prepared p = Prepare(request, now);
  const bool voucher = request.voucher_bp > 0;
  const IndexedResource* best = nullptr;
  std::int64_t best_total_fen = INT64_MAX;
  for (const IndexedResource& resource : index.Of(request.resource_type)) {
    const std::int64_t discounted =
        Discounted(resource.price_fen_per_unit_hour, request.discount_bp);
    const std::int64_t low = voucher ? LessVoucher(discounted, request.voucher_bp) : discounted;
    if (low * p.unit_seconds / kSecondsPerHour > best_total_fen) break;
    if (resource.free_units < request.units) continue;
    const std::int64_t customer = voucher && VoucherApplies(p, resource.provider) ? low : discounted;
    ScoreBreakdown score;
    score.price_fen = customer * p.unit_seconds / kSecondsPerHour;
    if (score.price_fen > best_total_fen) continue;
    if (customer > request.max_price_fen_per_unit_hour) continue;
    if (resource.wait_s * kMicrosPerSecond > p.wait_budget_us) continue;
    if (request.domestic_only && !resource.domestic_chip) continue;
    const CenterOffer& offer = *resource.offer;
    if (!request.framework.empty() &&
        !offer.OffersFramework(request.framework, request.framework_version_min)) {
      continue;
    }
    ScoreNonPrice(request, weights_, offer, resource.wait_s, resource.free_units,
                  resource.total_units, &score);
    // Ties: the lower center id, then the earlier offer (as Place's stable sort ranks them).
    if (best == nullptr || score.total_fen < best_total_fen ||
        (score.total_fen == best_total_fen &&
         (resource.center < best->center ||
          (resource.center == best->center && resource.offer_index < best->offer_index)))) {
      best = &resource;
      best_total_fen = score.total_fen;
    }
  }
  return best == nullptr ? kNoCenter : best->offer_index;
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
    verdict.reason = Judge(p, weights_, offers[i], &verdict.score);
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
