// The router: the cheapest feasible center wins, each exclusion reports its reason, the score
// is docs/routing.md's formula to the fen, ties go to the lower center id, and the hot
// PlaceBest (over an OfferIndex) always agrees with the explaining Place.
#include "routing/router.h"

#include <gtest/gtest.h>

#include <vector>

#include "routing/routing_testing.h"

namespace suanli::routing {
namespace {

using testing::Center;
using testing::Gpu;
using testing::TwoGpus;

const Instant kNow = Instant::FromUnixSeconds(1'800'000'000);

Placement PlaceOk(const JobRequest& request, const std::vector<CenterOffer>& offers,
                  const Router& router = Router()) {
  Result<Placement> placement = router.Place(request, offers, kNow);
  EXPECT_TRUE(placement.ok()) << (placement.ok() ? "" : placement.error().ToString());
  return placement.ok() ? *placement : Placement{};
}

std::vector<std::uint64_t> RankedIds(const Placement& placement) {
  std::vector<std::uint64_t> ids;
  for (const CenterVerdict& v : placement.ranked) ids.push_back(v.center.value);
  return ids;
}

Infeasibility ReasonFor(const Placement& placement, std::uint64_t id) {
  for (const CenterVerdict& v : placement.infeasible) {
    if (v.center.value == id) return v.reason;
  }
  return Infeasibility::kNone;
}

TEST(RouterTest, ChoosesTheCheapestFeasibleCenter) {
  const std::vector<CenterOffer> offers = {Center(1, Gpu(1'000)), Center(2, Gpu(800)),
                                           Center(3, Gpu(1'200))};
  const Placement placement = PlaceOk(TwoGpus(), offers);
  EXPECT_EQ(RankedIds(placement), (std::vector<std::uint64_t>{2, 1, 3}));
  EXPECT_TRUE(placement.infeasible.empty());
  EXPECT_EQ(placement.ranked[0].offer_index, 1u);
  EXPECT_EQ(placement.ranked[0].score.price_fen, 1'600);  // 800 fen × 2 units × 1 h
  EXPECT_EQ(Router().PlaceBest(TwoGpus(), OfferIndex(offers), kNow), 1u);
}

// docs/routing.md's worked example, term by term.
TEST(RouterTest, ScoresTheWorkedExampleToTheFen) {
  JobRequest request;
  request.resource_type = ShortName::Of("gpu");
  request.units = 8;
  request.framework = ShortName::Of("PyTorch");
  request.framework_version_min = Version::Of(2, 1);
  request.time_limit_s = 4 * 3600;
  request.data_region = ShortName::Of("成都");
  request.discount_bp = 1'000;
  request.voucher_bp = 5'000;
  request.voucher_providers = {ProviderId(1)};
  CenterOffer a = Center(1, Gpu(1'250, 32, 64, 1'800), "成都", 1);
  CenterOffer b = Center(2, Gpu(900, 60, 64, 0), "庆阳", 2);
  b.latency_class = LatencyClass::kNational;
  CenterOffer c = Center(3, Gpu(700, 10, 16, 7'200), "成都", 3);
  const Placement placement = PlaceOk(request, {a, b, c});
  ASSERT_EQ(RankedIds(placement), (std::vector<std::uint64_t>{1, 3, 2}));

  const ScoreBreakdown& sa = placement.ranked[0].score;
  EXPECT_EQ(sa.list_price_fen_per_unit_hour, 1'250);
  EXPECT_EQ(sa.customer_price_fen_per_unit_hour, 563);  // 1,125 less the voucher's 562
  EXPECT_EQ(sa.price_fen, 18'016);
  EXPECT_EQ(sa.wait_fen, 800);
  EXPECT_EQ(sa.fit_fen, 187);
  EXPECT_EQ(sa.locality_fen, 0);
  EXPECT_EQ(sa.total_fen, 19'003);

  const ScoreBreakdown& sc = placement.ranked[1].score;
  EXPECT_EQ(sc.customer_price_fen_per_unit_hour, 630);
  EXPECT_EQ(sc.price_fen, 20'160);
  EXPECT_EQ(sc.wait_fen, 3'200);
  EXPECT_EQ(sc.fit_fen, 62);
  EXPECT_EQ(sc.total_fen, 23'422);

  const ScoreBreakdown& sb = placement.ranked[2].score;
  EXPECT_EQ(sb.customer_price_fen_per_unit_hour, 810);
  EXPECT_EQ(sb.price_fen, 25'920);
  EXPECT_EQ(sb.fit_fen, 406);
  EXPECT_EQ(sb.locality_fen, 4'000);  // 2,000 to move the data + 2 classes × 1,000
  EXPECT_EQ(sb.total_fen, 30'326);
}

TEST(RouterTest, CustomerPriceRoundsTheDiscountAndTheVoucherDown) {
  // 999 × 85 % = 849.15 → 849; the voucher pays 50 % of 849 = 424.5 → 424; the org pays 425.
  EXPECT_EQ(CustomerPriceFenPerUnitHour(999, 1'500, 5'000, true), 425);
  EXPECT_EQ(CustomerPriceFenPerUnitHour(999, 1'500, 5'000, false), 849);
  EXPECT_EQ(CustomerPriceFenPerUnitHour(1'000, 0, 10'000, true), 0);
  EXPECT_EQ(CustomerPriceFenPerUnitHour(1'000, 10'000, 0, false), 0);
}

TEST(RouterTest, TheVoucherLowersThePriceOnlyAtItsProviders) {
  JobRequest request = TwoGpus();
  request.voucher_bp = 5'000;
  request.voucher_providers = {ProviderId(10)};
  const std::vector<CenterOffer> offers = {Center(1, Gpu(1'000), "成都", 10),
                                           Center(2, Gpu(700), "成都", 20)};
  const Placement placement = PlaceOk(request, offers);
  EXPECT_EQ(RankedIds(placement), (std::vector<std::uint64_t>{1, 2}));
  EXPECT_EQ(placement.ranked[0].score.customer_price_fen_per_unit_hour, 500);
  EXPECT_EQ(placement.ranked[1].score.customer_price_fen_per_unit_hour, 700);
  request.voucher_providers = {ProviderId(30)};
  EXPECT_EQ(RankedIds(PlaceOk(request, offers)), (std::vector<std::uint64_t>{2, 1}));
}

TEST(RouterTest, DomesticOnlyExcludesImportedChipsEvenWhenCheaper) {
  const std::vector<CenterOffer> offers = {
      Center(1, Gpu(600, 16, 16, 0, /*domestic=*/false)),
      Center(2, Gpu(900, 16, 16, 0, /*domestic=*/true))};
  JobRequest request = TwoGpus();
  EXPECT_EQ(RankedIds(PlaceOk(request, offers)), (std::vector<std::uint64_t>{1, 2}));
  request.domestic_only = true;
  const Placement placement = PlaceOk(request, offers);
  EXPECT_EQ(RankedIds(placement), (std::vector<std::uint64_t>{2}));
  EXPECT_EQ(ReasonFor(placement, 1), Infeasibility::kNotDomestic);
  EXPECT_EQ(Router().PlaceBest(request, OfferIndex(offers), kNow), 1u);
}

TEST(RouterTest, ExcludesACenterWhoseWaitPlusTimeLimitIsPastTheDeadline) {
  // Both start after their wait and run at most 1 h; the deadline is 3 h from now.
  const std::vector<CenterOffer> offers = {
      Center(1, Gpu(500, 16, 16, /*wait_s=*/2 * 3600 + 1)),  // ends 1 s after the deadline
      Center(2, Gpu(800, 16, 16, /*wait_s=*/2 * 3600))};     // ends exactly at it: allowed
  JobRequest request = TwoGpus();
  request.deadline = kNow.AddSeconds(3 * 3600);
  const Placement placement = PlaceOk(request, offers);
  EXPECT_EQ(RankedIds(placement), (std::vector<std::uint64_t>{2}));
  EXPECT_EQ(ReasonFor(placement, 1), Infeasibility::kPastDeadline);
  EXPECT_EQ(Router().PlaceBest(request, OfferIndex(offers), kNow), 1u);
  request.deadline.reset();
  EXPECT_EQ(Router().PlaceBest(request, OfferIndex(offers), kNow), 0u);
}

TEST(RouterTest, ReportsEveryExclusionWithItsReason) {
  CenterOffer down = Center(1, Gpu(100));
  down.up = false;
  CenterOffer npu_only = Center(2, Gpu(100));
  npu_only.resources[0].type = ShortName::Of("npu");
  CenterOffer old_torch = Center(3, Gpu(100));
  old_torch.frameworks[0].version = Version::Of(1, 13);
  CenterOffer full = Center(4, Gpu(100, /*free_units=*/1, 16));
  CenterOffer dear = Center(5, Gpu(3'001));
  CenterOffer good = Center(6, Gpu(3'000));
  JobRequest request = TwoGpus();
  request.framework = ShortName::Of("PyTorch");
  request.framework_version_min = Version::Of(2, 0);
  request.max_price_fen_per_unit_hour = 3'000;
  const Placement placement = PlaceOk(request, {down, npu_only, old_torch, full, dear, good});
  EXPECT_EQ(RankedIds(placement), (std::vector<std::uint64_t>{6}));
  ASSERT_EQ(placement.infeasible.size(), 5u);
  EXPECT_EQ(ReasonFor(placement, 1), Infeasibility::kDown);
  EXPECT_EQ(ReasonFor(placement, 2), Infeasibility::kNoSuchResource);
  EXPECT_EQ(ReasonFor(placement, 3), Infeasibility::kFrameworkMissing);
  EXPECT_EQ(ReasonFor(placement, 4), Infeasibility::kInsufficientCapacity);
  EXPECT_EQ(ReasonFor(placement, 5), Infeasibility::kOverMaxPrice);
  EXPECT_EQ(placement.infeasible[4].score.customer_price_fen_per_unit_hour, 3'001);
  EXPECT_EQ(InfeasibilityName(Infeasibility::kOverMaxPrice), "over_max_price");

  // A framework the center does not list at all is missing too.
  request.framework = ShortName::Of("MindSpore");
  EXPECT_EQ(ReasonFor(PlaceOk(request, {good}), 6), Infeasibility::kFrameworkMissing);
}

TEST(RouterTest, TheMaxPriceIsComparedWithWhatTheOrganisationPays) {
  JobRequest request = TwoGpus();
  request.max_price_fen_per_unit_hour = 500;
  request.voucher_bp = 5'000;
  request.voucher_providers = {ProviderId(1)};
  // List 1,000 is above the maximum, but the organisation pays 500 after its voucher.
  EXPECT_EQ(RankedIds(PlaceOk(request, {Center(1, Gpu(1'000))})),
            (std::vector<std::uint64_t>{1}));
}

TEST(RouterTest, BreaksTiesByCenterIdWhateverTheOfferOrder) {
  const std::vector<CenterOffer> offers = {Center(7, Gpu(800)), Center(3, Gpu(800)),
                                           Center(5, Gpu(800))};
  const Placement placement = PlaceOk(TwoGpus(), offers);
  EXPECT_EQ(RankedIds(placement), (std::vector<std::uint64_t>{3, 5, 7}));
  EXPECT_EQ(placement.ranked[0].score.total_fen, placement.ranked[2].score.total_fen);
  EXPECT_EQ(Router().PlaceBest(TwoGpus(), OfferIndex(offers), kNow), 1u);
  // A tie on the price alone: the jobs fill the centers exactly, so the totals are the price
  // and PlaceBest must not stop at the first center priced at the best total.
  const std::vector<CenterOffer> exact = {Center(9, Gpu(800, 2, 2)), Center(4, Gpu(800, 2, 2))};
  EXPECT_EQ(RankedIds(PlaceOk(TwoGpus(), exact)), (std::vector<std::uint64_t>{4, 9}));
  EXPECT_EQ(Router().PlaceBest(TwoGpus(), OfferIndex(exact), kNow), 1u);
}

TEST(RouterTest, PrefersTheDataRegionAndTheBetterFitAtEqualPrice) {
  JobRequest request = TwoGpus();
  request.data_region = ShortName::Of("成都");
  const std::vector<CenterOffer> offers = {Center(1, Gpu(800), "贵阳"),
                                           Center(2, Gpu(800), "成都")};
  EXPECT_EQ(RankedIds(PlaceOk(request, offers)), (std::vector<std::uint64_t>{2, 1}));
  // Same price and place: the center the job fills better (less left idle) wins.
  const std::vector<CenterOffer> fits = {Center(1, Gpu(800, 16, 16)), Center(2, Gpu(800, 3, 16))};
  const Placement placement = PlaceOk(TwoGpus(), fits);
  EXPECT_EQ(RankedIds(placement), (std::vector<std::uint64_t>{2, 1}));
  EXPECT_EQ(placement.ranked[0].score.fit_fen, 31);   // 500 × 1/16
  EXPECT_EQ(placement.ranked[1].score.fit_fen, 437);  // 500 × 14/16
}

TEST(RouterTest, WaitingCostsItsPriceAgainstACheaperCenter) {
  // 100 fen cheaper per unit-hour at center 1 saves 200 fen; its hour's wait costs 400.
  const std::vector<CenterOffer> offers = {Center(1, Gpu(700, 16, 16, 3'600)),
                                           Center(2, Gpu(800, 16, 16, 0))};
  const Placement placement = PlaceOk(TwoGpus(), offers);
  EXPECT_EQ(RankedIds(placement), (std::vector<std::uint64_t>{2, 1}));
  EXPECT_EQ(placement.ranked[1].score.wait_fen, 400);
}

TEST(RouterTest, PlaceRefusesInvalidInputNamingTheField) {
  JobRequest request = TwoGpus();
  request.units = 0;
  Result<Placement> bad_request = Router().Place(request, {}, kNow);
  ASSERT_FALSE(bad_request.ok());
  EXPECT_EQ(bad_request.error().field, "units");

  CenterOffer offer = Center(1, Gpu(800));
  offer.resources[0].free_units = 17;  // above total
  const std::vector<CenterOffer> offers = {Center(2, Gpu(800)), offer};
  Result<Placement> bad_offer = Router().Place(TwoGpus(), offers, kNow);
  ASSERT_FALSE(bad_offer.ok());
  EXPECT_EQ(bad_offer.error().code, ErrorCode::kContradiction);
  EXPECT_EQ(bad_offer.error().field, "offers[1].resources[0].free_units");

  request = TwoGpus();
  request.voucher_providers = {ProviderId(2), ProviderId(1)};
  EXPECT_EQ(Router().Place(request, {}, kNow).error().field, "voucher_providers[1]");
}

TEST(RouterTest, OfferBuildersRefuseDuplicatesAndOverflow) {
  CenterOffer offer = Center(1, Gpu(800));
  EXPECT_EQ(offer.AddResource(Gpu(900)).error().code, ErrorCode::kDuplicate);
  EXPECT_EQ(offer.AddFramework(ShortName::Of("PyTorch"), Version::Of(2, 1, 0)).error().code,
            ErrorCode::kDuplicate);
  for (std::size_t i = 1; i < kResourcesPerOfferMax; ++i) {
    ResourceOffer r = Gpu(800);
    r.type = ShortName::Of("type" + std::to_string(i));
    EXPECT_TRUE(offer.AddResource(r).ok());
  }
  ResourceOffer extra = Gpu(800);
  extra.type = ShortName::Of("one-too-many");
  EXPECT_EQ(offer.AddResource(extra).error().code, ErrorCode::kOutOfRange);
  EXPECT_EQ(offer.resource_count, kResourcesPerOfferMax);
  EXPECT_EQ(*ParseLatencyClass("province"), LatencyClass::kProvince);
  EXPECT_FALSE(ParseLatencyClass("galactic").ok());
}

// SplitMix64, so the property test below is reproducible.
std::uint64_t Mix(std::uint64_t& state) {
  std::uint64_t z = (state += 0x9E3779B97F4A7C15ULL);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

TEST(RouterTest, PlaceBestAgreesWithPlaceOnRandomNetworks) {
  std::uint64_t state = 2026;
  const char* regions[] = {"成都", "贵阳", "庆阳"};
  int placed = 0;
  for (int round = 0; round < 2'000; ++round) {
    std::vector<CenterOffer> offers;
    const std::size_t count = 1 + Mix(state) % 30;
    for (std::size_t i = 0; i < count; ++i) {
      const std::uint32_t total = 1 + static_cast<std::uint32_t>(Mix(state) % 32);
      CenterOffer offer = Center(1 + Mix(state) % 6,  // repeats on purpose: ties by id
                                 Gpu(static_cast<std::int64_t>(Mix(state) % 4) * 100 + 500,
                                     static_cast<std::uint32_t>(Mix(state) % (total + 1)), total,
                                     static_cast<std::int64_t>(Mix(state) % 3) * 1'800,
                                     Mix(state) % 2 == 0),
                                 regions[Mix(state) % 3], 1 + Mix(state) % 3);
      offer.up = Mix(state) % 8 != 0;
      offer.latency_class = static_cast<LatencyClass>(Mix(state) % 3);
      if (Mix(state) % 2 == 0) {  // a second type, so the index keeps types apart
        ResourceOffer npu = Gpu(static_cast<std::int64_t>(Mix(state) % 4) * 100 + 500, total,
                                total);
        npu.type = ShortName::Of("npu");
        EXPECT_TRUE(offer.AddResource(npu).ok());
      }
      offer.frameworks[0].version = Version::Of(2, static_cast<std::uint32_t>(Mix(state) % 3));
      offers.push_back(offer);
    }
    JobRequest request = TwoGpus();
    const char* types[] = {"gpu", "gpu", "npu", "cpu"};  // nobody offers cpu here
    request.resource_type = ShortName::Of(types[Mix(state) % 4]);
    request.units = 1 + static_cast<std::uint32_t>(Mix(state) % 8);
    request.domestic_only = Mix(state) % 3 == 0;
    request.data_region = ShortName::Of(regions[Mix(state) % 3]);
    request.voucher_bp = 3'000;
    request.voucher_providers = {ProviderId(2)};
    if (Mix(state) % 2 == 0) request.deadline = kNow.AddSeconds(2 * 3600);
    if (Mix(state) % 2 == 0) {
      request.framework = ShortName::Of("PyTorch");
      request.framework_version_min = Version::Of(2, 1);
    }
    if (Mix(state) % 3 == 0) request.max_price_fen_per_unit_hour = 600;
    request.discount_bp = static_cast<std::int32_t>(Mix(state) % 3) * 1'000;
    const Placement placement = PlaceOk(request, offers);
    const std::size_t best = Router().PlaceBest(request, OfferIndex(offers), kNow);
    if (placement.ranked.empty()) {
      EXPECT_EQ(best, kNoCenter) << "round " << round;
    } else {
      EXPECT_EQ(best, placement.ranked[0].offer_index) << "round " << round;
      ++placed;
    }
    EXPECT_EQ(placement.ranked.size() + placement.infeasible.size(), offers.size());
  }
  EXPECT_GT(placed, 800);  // most rounds have a winner to agree on, not only "none"
}

TEST(OfferIndexTest, ListsEachTypesUpCentersCheapestFirst) {
  ResourceOffer npu = Gpu(300);
  npu.type = ShortName::Of("npu");
  std::vector<CenterOffer> offers = {Center(1, Gpu(900)), Center(2, Gpu(500)),
                                     Center(3, Gpu(500)), Center(4, Gpu(100)), Center(5, npu)};
  offers[3].up = false;  // the cheapest, but down
  EXPECT_TRUE(offers[0].AddResource(npu).ok());
  const OfferIndex index(offers);
  std::vector<std::uint32_t> gpu;
  for (const IndexedResource& entry : index.Of(ShortName::Of("gpu"))) {
    gpu.push_back(entry.offer_index);
  }
  EXPECT_EQ(gpu, (std::vector<std::uint32_t>{1, 2, 0}));  // equal prices keep offer order
  std::vector<std::uint64_t> npu_centers;
  for (const IndexedResource& entry : index.Of(ShortName::Of("npu"))) {
    npu_centers.push_back(entry.center.value);
  }
  EXPECT_EQ(npu_centers, (std::vector<std::uint64_t>{1, 5}));
  EXPECT_TRUE(index.Of(ShortName::Of("cpu")).empty());
  EXPECT_EQ(index.offer_count(), 5u);
}

}  // namespace
}  // namespace suanli::routing
