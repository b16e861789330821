// Places one job on the network: which centers can take it (and, for each that cannot, why),
// ranked by one documented integer score in fen — what the organisation pays after its discount
// and voucher, plus the expected wait, the fit and the data's locality, each priced in fen
// (docs/routing.md). Pure: the same request, offers and time always give the same answer.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "core/cst_time.h"
#include "core/result.h"
#include "routing/job_request.h"
#include "routing/offer.h"
#include "routing/offer_index.h"

namespace suanli::routing {

// Why a center cannot take a job; the first that applies, in this order, is reported.
enum class Infeasibility : std::uint8_t {
  kNone = 0,              // feasible
  kDown,                  // the center is down
  kNoSuchResource,        // it offers no units of the requested type
  kNotDomestic,           // domestic chips required, its units of this type are not
  kFrameworkMissing,      // no version of the framework at or above the minimum
  kInsufficientCapacity,  // fewer free units than the job needs
  kOverMaxPrice,          // the organisation's price per unit-hour is above its maximum
  kPastDeadline,          // now + expected wait + time limit is after the deadline
};
// "down", "no_such_resource", "not_domestic", "framework_missing", "insufficient_capacity",
// "over_max_price", "past_deadline"; "feasible" for kNone.
std::string_view InfeasibilityName(Infeasibility reason);

// How the non-price terms are priced. Defaults are docs/routing.md's; bounds keep every sum
// far from overflow: wait_fen_per_unit_hour <= 100,000, the others <= 1,000,000,000.
struct ScoreWeights {
  std::int64_t wait_fen_per_unit_hour = 200;  // an hour of waiting per unit, in fen
  std::int64_t fit_fen = 500;                 // the penalty when a center would stay all free
  std::int64_t remote_data_fen = 2'000;       // moving the data to another region
  std::int64_t latency_class_fen = 1'000;     // per latency class step when data moves
};

// Every term of a center's score, in fen; total_fen = price + wait + fit + locality.
struct ScoreBreakdown {
  std::int64_t list_price_fen_per_unit_hour = 0;
  std::int64_t customer_price_fen_per_unit_hour = 0;  // after discount and voucher
  std::int64_t price_fen = 0;     // customer price × units × time limit
  std::int64_t wait_fen = 0;
  std::int64_t fit_fen = 0;
  std::int64_t locality_fen = 0;
  std::int64_t total_fen = 0;
};

struct CenterVerdict {
  std::size_t offer_index = 0;  // position in the offers passed in
  CenterId center;
  Infeasibility reason = Infeasibility::kNone;
  ScoreBreakdown score;  // filled for feasible centers and for kOverMaxPrice/kPastDeadline
                         // (priced before they were excluded); zero otherwise
};

struct Placement {
  std::vector<CenterVerdict> ranked;      // feasible: lowest total first, ties by center id
  std::vector<CenterVerdict> infeasible;  // the rest, in offer order, each with its reason
};

inline constexpr std::size_t kNoCenter = SIZE_MAX;

class Router {
 public:
  // Aborts (CHECK) on weights outside ScoreWeights' bounds: they are configuration, not input.
  explicit Router(ScoreWeights weights = {});

  // The explaining form, for the API: validates the request (ValidateRequest) and every offer
  // (ValidateOffer, the error's field prefixed "offers[i].") and returns every center's
  // verdict. An empty `ranked` means no center can take the job now.
  Result<Placement> Place(const JobRequest& request, std::span<const CenterOffer> offers,
                          Instant now) const;

  // The hot path: the position, in the offers `index` was built from, of the best feasible
  // center, or kNoCenter. Same ranking as Place's first entry; allocates nothing. Requires a
  // request that passes ValidateRequest (it does not re-check it); the index's offers were
  // validated when it was built.
  std::size_t PlaceBest(const JobRequest& request, const OfferIndex& index, Instant now) const;

  // One center's verdict under the same preconditions as PlaceBest.
  CenterVerdict Assess(const JobRequest& request, const CenterOffer& offer, Instant now) const;

  const ScoreWeights& weights() const { return weights_; }

 private:
  ScoreWeights weights_;
};

// The organisation's price per unit-hour at a center, in fen: the list price less its discount
// class (rounded down to the fen, in the organisation's favour), less the voucher's share of
// that when the voucher applies at the provider (the voucher's part rounded down to the fen,
// so the program never pays more than its exact share — policy's down_fen). Inputs as
// validated: list price 0..1,000,000 fen, shares 0..10,000 bp.
std::int64_t CustomerPriceFenPerUnitHour(std::int64_t list_price_fen, std::int32_t discount_bp,
                                         std::int32_t voucher_bp, bool voucher_applies);

}  // namespace suanli::routing
