// Rating to the fen: the worked Chengdu figure, price switches, TRES weights, the floor, every
// reject reason, and the one half-up rounding.
#include "metering/rating.h"

#include <gtest/gtest.h>

#include "metering/metering_testing.h"

namespace suanli::metering {
namespace {

using network::JobState;
using network::UsageRecord;

Instant Cst(const char* text) { return *Instant::Parse(std::string(text) + "+08:00"); }

UsageRecord Job(std::string cluster, std::string account, std::string partition, const char* start,
                std::int64_t elapsed_s, network::TresMap tres) {
  UsageRecord r;
  r.cluster = std::move(cluster);
  r.job_id = "1001";
  r.account = std::move(account);
  r.user = "alice";
  r.partition = std::move(partition);
  r.submit = Cst(start);
  r.start = Cst(start);
  r.end = r.start->AddSeconds(elapsed_s);
  r.elapsed_s = elapsed_s;
  r.alloc_tres = std::move(tres);
  r.state = JobState::kCompleted;
  return r;
}

RatingOutcome RateRecord(const Rater& rater, const UsageRecord& r) {
  std::array<network::TresCount, network::kSacctMaxTres> tres;
  return rater.Rate(UsageView::FromRecord(r, &tres));
}

UsageRecord AscendJob(const char* start, std::int64_t elapsed_s) {
  return Job("cdai", "uni-ai", "ascend", start, elapsed_s,
             {{"cpu", 64}, {"gres/npu", 8}, {"mem", 262144}, {"node", 1}});
}

// 8 Ascend 910B cards × 10 h at ¥12.50/card-hour, class C (50 %):
//   quantity = 8 × 36,000 s = 288,000 card-seconds
//   amount   = 1,250 fen × 288,000 × 1/2 / 3,600 = 50,000 fen = ¥500.00
// (Chengdu's voucher then pays 50 % of this bill: that is the policy engine's step.)
TEST(RatingTest, WorkedChengduAscendExample) {
  const Rater rater = testing::MakeRater();
  const RatingOutcome out = RateRecord(rater, AscendJob("2024-03-15T09:00:00", 36'000));
  ASSERT_TRUE(out.ok) << out.detail;
  EXPECT_EQ(out.kind, RatingKind::kBilled);
  const RatedFigures& f = out.figures;
  EXPECT_EQ(f.org, OrgId(2));
  EXPECT_EQ(f.contract, ContractId(7));
  EXPECT_EQ(f.unit, PriceUnit::kCardHour);
  EXPECT_EQ(f.quantity_unit_s, 288'000);
  EXPECT_EQ(f.unit_price_fen, 1'250);
  EXPECT_EQ(f.discount_share, Rate::Percent(50));
  EXPECT_EQ(f.amount_fen, 50'000);
  EXPECT_EQ(f.day.ToString(), "2024-03-15");
}

// An experience voucher's trial account: the same job keeps its quantities (its hours count
// against the voucher) but is rated at share 0, below the 30 % floor: 0 fen, nothing to bill.
TEST(RatingTest, FreeTrialAccountIsRatedAtZero) {
  auto file = ParsePriceFile(testing::kPricesToml);
  ASSERT_TRUE(file.ok());
  auto list = PriceList::Build(file->spec);
  ASSERT_TRUE(list.ok());
  std::vector<AccountEntry> accounts = file->accounts;
  for (auto& a : accounts) {
    if (a.account == "uni-ai") a.free_trial = true;
  }
  auto rater = Rater::Make(*list, accounts, file->centers);
  ASSERT_TRUE(rater.ok()) << rater.error().ToString();
  const RatingOutcome out = RateRecord(*rater, AscendJob("2024-03-15T09:00:00", 36'000));
  ASSERT_TRUE(out.ok) << out.detail;
  EXPECT_EQ(out.kind, RatingKind::kBilled);
  EXPECT_EQ(out.figures.org, OrgId(2));
  EXPECT_EQ(out.figures.quantity_unit_s, 288'000);
  EXPECT_EQ(out.figures.discount_share, (Rate{0, 1}));
  EXPECT_EQ(out.figures.amount_fen, 0);
}

// One more second: 1,250 × 288,008 / 2 / 3,600 = 50,001.388… → 50,001 fen, rounded once.
TEST(RatingTest, RoundsOnceHalfUpPerLine) {
  const Rater rater = testing::MakeRater();
  EXPECT_EQ(RateRecord(rater, AscendJob("2024-03-15T09:00:00", 36'001)).figures.amount_fen, 50'001);
  // Ties go up: 1 fen/h × 1,800 unit-s = 0.5 fen → 1; 0.4999… stays 0; negatives mirror.
  EXPECT_EQ(*LineAmountFen(1, 1'800, Rate::One()), 1);
  EXPECT_EQ(*LineAmountFen(1, 1'799, Rate::One()), 0);
  EXPECT_EQ(*LineAmountFen(1, -1'800, Rate::One()), -1);
  // 5 fen/core-hour × 3 cores × 100 s × 30 % = 0.125 fen → 0 (rounded once, not per step).
  EXPECT_EQ(*LineAmountFen(5, 300, Rate::Percent(30)), 0);
  EXPECT_EQ(*LineAmountFen(5, 300'000, Rate::Percent(30)), 125);
}

// The price in force when the job STARTED: a job that starts 23:00 on 2024-03-31 and ends after
// the ¥10.00 price took effect is priced at ¥12.50; one starting at 00:00 on 04-01 at ¥10.00.
TEST(RatingTest, PriceInForceAtStartSwitchesOnEffectiveDate) {
  const Rater rater = testing::MakeRater();
  const auto before = RateRecord(rater, AscendJob("2024-03-31T23:00:00", 7'200));
  const auto after = RateRecord(rater, AscendJob("2024-04-01T00:00:00", 7'200));
  ASSERT_TRUE(before.ok && after.ok);
  EXPECT_EQ(before.figures.unit_price_fen, 1'250);
  EXPECT_EQ(before.figures.day.ToString(), "2024-04-01");  // billed on the day it ended
  EXPECT_EQ(before.figures.amount_fen, 10'000);            // 1,250 × 8 × 7,200 / 2 / 3,600
  EXPECT_EQ(after.figures.unit_price_fen, 1'000);
  EXPECT_EQ(after.figures.amount_fen, 8'000);
}

// billing = CPU×1 + Mem×0.25/GB + GRES/gpu×2 = 64 + 0.25 × 512 + 2 × 8 = 208 units;
// 208 × 7,200 s = 1,497,600 unit-s; × 10 fen / 3,600 = 4,160 fen (org 3: no class, 100 %).
TEST(RatingTest, TresBillingWeights) {
  const Rater rater = testing::MakeRater();
  const auto out = RateRecord(rater, Job("cdhpc", "acme", "gpu", "2024-05-06T08:00:00", 7'200,
                                         {{"cpu", 64}, {"gres/gpu", 8}, {"mem", 524288}}));
  ASSERT_TRUE(out.ok) << out.detail;
  EXPECT_EQ(out.figures.unit, PriceUnit::kBillingHour);
  EXPECT_EQ(out.figures.quantity_unit_s, 1'497'600);
  EXPECT_EQ(out.figures.amount_fen, 4'160);
}

// Slurm reports billing as a whole number: 1 cpu + 1,000 MB × 0.25/1,024 = 1.244… → 1 unit.
TEST(RatingTest, BillingUnitsTruncateLikeSlurm) {
  auto weights = ParseTresBillingWeights("CPU=1,Mem=.25G");
  ASSERT_TRUE(weights.ok());
  EXPECT_EQ((*weights)[1].tres, "mem");
  EXPECT_EQ((*weights)[1].weight, (Rate{1, 4096}));
  PriceEntry e;
  e.unit = PriceUnit::kBillingHour;
  e.weights = *weights;
  const std::array<network::TresCount, 2> tres = {{{"cpu", 1}, {"mem", 1000}}};
  EXPECT_EQ(*UnitsOf(e, tres), 1);
  EXPECT_FALSE(ParseTresBillingWeights("CPU").ok());
  EXPECT_FALSE(ParseTresBillingWeights("CPU=-1").ok());
}

// Class A pays the 30 % floor exactly: 5 fen × 4 cores × 36,000 s × 30 % / 3,600 = 60 fen.
TEST(RatingTest, ClassAtTheFloor) {
  const Rater rater = testing::MakeRater();
  const auto out =
      RateRecord(rater, Job("cdhpc", "lab", "cpu", "2024-05-06T08:00:00", 36'000, {{"cpu", 4}}));
  ASSERT_TRUE(out.ok) << out.detail;
  EXPECT_EQ(out.figures.discount_share, Rate::Percent(30));
  EXPECT_EQ(out.figures.amount_fen, 60);
}

TEST(RatingTest, NodeHours) {
  const Rater rater = testing::MakeRater();
  // 2 nodes × 1.5 h × ¥8.00 = ¥24.00.
  const auto out = RateRecord(rater, Job("cdhpc", "acme", "fat", "2024-05-06T08:00:00", 5'400,
                                         {{"cpu", 256}, {"node", 2}}));
  ASSERT_TRUE(out.ok);
  EXPECT_EQ(out.figures.amount_fen, 2'400);
}

TEST(RatingTest, StorageGbMonth) {
  const Rater rater = testing::MakeRater();
  // 1,000 GB × ¥0.30 × class A 30 % = ¥90.00.
  const auto out = rater.RateStorage("cdhpc", "storage", "lab", 1'000, *Date::Parse("2024-05-01"));
  ASSERT_TRUE(out.ok) << out.detail;
  EXPECT_EQ(out.figures.unit, PriceUnit::kGbMonth);
  EXPECT_EQ(out.figures.amount_fen, 9'000);
}

TEST(RatingTest, StepsAreRecordedNotBilled) {
  const Rater rater = testing::MakeRater();
  UsageRecord step = AscendJob("2024-03-15T09:00:00", 36'000);
  step.step = "batch";
  const auto out = RateRecord(rater, step);
  ASSERT_TRUE(out.ok);
  EXPECT_EQ(out.kind, RatingKind::kStep);
  EXPECT_EQ(out.figures.amount_fen, 0);
}

TEST(RatingTest, NeverStartedJobIsRecordedAtZero) {
  const Rater rater = testing::MakeRater();
  UsageRecord r = AscendJob("2024-03-15T09:00:00", 0);
  r.start.reset();
  r.state = JobState::kCancelled;
  const auto out = RateRecord(rater, r);
  ASSERT_TRUE(out.ok);
  EXPECT_EQ(out.kind, RatingKind::kNeverRan);
}

struct RejectCase {
  const char* name;
  RejectReason reason;
  void (*edit)(UsageRecord*);
};

TEST(RatingTest, EveryRejectReason) {
  const Rater rater = testing::MakeRater();
  const RejectCase cases[] = {
      {"unregistered", RejectReason::kUnregisteredCenter,
       [](UsageRecord* r) { r->cluster = "xj"; }},
      {"account", RejectReason::kUnknownAccount, [](UsageRecord* r) { r->account = "nobody"; }},
      {"account on another center", RejectReason::kUnknownAccount,
       [](UsageRecord* r) { r->account = "lab"; }},  // lab is mapped on cdhpc only
      {"running", RejectReason::kNotFinal,
       [](UsageRecord* r) {
         r->state = JobState::kRunning;
         r->end.reset();
       }},
      {"negative", RejectReason::kNegativeDuration, [](UsageRecord* r) { r->elapsed_s = -5; }},
      {"no end", RejectReason::kAbsentDuration, [](UsageRecord* r) { r->end.reset(); }},
      {"no start", RejectReason::kAbsentDuration, [](UsageRecord* r) { r->start.reset(); }},
      {"no price yet", RejectReason::kNoPriceInForce,
       [](UsageRecord* r) {
         r->start = Cst("2023-12-31T23:59:59");
         r->end = r->start->AddSeconds(r->elapsed_s);
       }},
      {"no partition price", RejectReason::kNoPriceInForce,
       [](UsageRecord* r) { r->partition = "debug"; }},
      {"overflow", RejectReason::kOverflow,
       [](UsageRecord* r) { r->alloc_tres["gres/npu"] = std::int64_t{1} << 50; }},
      // A record pulled from a center is not parsed, so End before Start reaches the rater.
      {"end before start", RejectReason::kImpossibleDuration,
       [](UsageRecord* r) { r->end = r->start->AddSeconds(-1); }},
      // Ten seconds between Start and End, 100 hours claimed: once billed 100 hours.
      {"elapsed beyond the run", RejectReason::kImpossibleDuration,
       [](UsageRecord* r) {
         r->end = r->start->AddSeconds(10);
         r->elapsed_s = 360'000;
       }},
      {"one second beyond", RejectReason::kImpossibleDuration,
       [](UsageRecord* r) { r->elapsed_s += 1; }},
  };
  for (const RejectCase& c : cases) {
    UsageRecord r = AscendJob("2024-03-15T09:00:00", 36'000);
    c.edit(&r);
    const auto out = RateRecord(rater, r);
    EXPECT_FALSE(out.ok) << c.name;
    EXPECT_EQ(out.reject, c.reason) << c.name << ": " << out.detail;
    EXPECT_FALSE(out.detail.empty()) << c.name;
  }
}

// Usage is final once it ended: a record ending after the rater's now (the platform's clock,
// plus a tolerance for a center's clock) is refused; up to it, rated. A suspended job's
// ElapsedRaw, shorter than End − Start, is billed as it is.
TEST(RatingTest, RecordsEndingAfterNowAreRefused) {
  Rater rater = testing::MakeRater();
  const UsageRecord r = AscendJob("2024-03-15T09:00:00", 36'000);  // ends 19:00 CST
  rater.set_not_after(Cst("2024-03-15T18:59:59"));
  const auto early = RateRecord(rater, r);
  EXPECT_FALSE(early.ok);
  EXPECT_EQ(early.reject, RejectReason::kInTheFuture) << early.detail;
  rater.set_not_after(Cst("2024-03-15T19:00:00"));
  EXPECT_TRUE(RateRecord(rater, r).ok);
  UsageRecord suspended = r;
  suspended.elapsed_s = 30'000;
  const auto out = RateRecord(rater, suspended);
  ASSERT_TRUE(out.ok) << out.detail;
  EXPECT_EQ(out.figures.quantity_unit_s, 8 * 30'000);
}

// Ingest rates with a Memo of the last two centers and the last account. Through one memo, a run
// of records that switch center and account, including unknown ones, rates exactly as without.
TEST(RatingTest, MemoChangesNothing) {
  const Rater rater = testing::MakeRater();
  std::vector<UsageRecord> records;
  for (const auto& [cluster, account] : std::vector<std::pair<std::string, std::string>>{
           {"cdai", "uni-ai"}, {"cdai", "uni-ai"}, {"cdai", "nobody"}, {"cdai", "uni-ai"},
           {"xj", "uni-ai"}, {"cdai", "uni-ai"}, {"cdai", "lab"}, {"cdhpc", "lab"},
           {"cdai", "lab"}, {"cdai", "uni-ai"},
           // three centers in turn through the memo's two: each evicts the least recent
           {"cdhpc", "lab"}, {"cdai", "uni-ai"}, {"xj", "lab"}, {"cdhpc", "lab"},
           {"xj", "uni-ai"}, {"cdai", "lab"}, {"cdai", "nobody"}, {"cdhpc", "nobody"},
           {"", "lab"}, {"cdai", "uni-ai"}}) {
    records.push_back(AscendJob("2024-03-15T09:00:00", 36'000));
    records.back().cluster = cluster;
    records.back().account = account;
  }
  Rater::Memo memo;
  std::array<network::TresCount, network::kSacctMaxTres> tres;
  for (std::size_t i = 0; i < records.size(); ++i) {
    const RatingOutcome plain = RateRecord(rater, records[i]);
    const RatingOutcome memoised = rater.Rate(UsageView::FromRecord(records[i], &tres), &memo);
    EXPECT_EQ(memoised.ok, plain.ok) << i;
    EXPECT_EQ(memoised.reject, plain.reject) << i;
    EXPECT_EQ(memoised.detail, plain.detail) << i;
    EXPECT_EQ(memoised.figures.org, plain.figures.org) << i;
    EXPECT_EQ(memoised.figures.amount_fen, plain.figures.amount_fen) << i;
  }
  // and the run is not all one answer: known, unknown account, unregistered center
  EXPECT_TRUE(RateRecord(rater, records[0]).ok);
  EXPECT_EQ(RateRecord(rater, records[2]).reject, RejectReason::kUnknownAccount);
  EXPECT_EQ(RateRecord(rater, records[4]).reject, RejectReason::kUnregisteredCenter);
}

// Weighted billing units are summed as one fraction in 128 bits: a huge count times a huge
// weight, then scaled by the next weight's denominator, passed 2^127 before the bound was
// tested (undefined behaviour; a wrapped sum would be a negative line). Now refused.
TEST(RatingTest, BillingUnitsOverflowIsRefusedNotWrapped) {
  PriceEntry e;
  e.unit = PriceUnit::kBillingHour;
  e.weights = {{"cpu", Rate{1'000'000'000'000, 1}}, {"gres/gpu", Rate{1, 10'000'000'000}}};
  const std::array<network::TresCount, 2> tres = {
      {{"cpu", 999'999'999'999'999'999}, {"gres/gpu", 1}}};
  EXPECT_FALSE(UnitsOf(e, tres).ok());
  const std::array<network::TresCount, 2> small = {{{"cpu", 3}, {"gres/gpu", 20'000'000'000}}};
  ASSERT_TRUE(UnitsOf(e, small).ok());
  EXPECT_EQ(*UnitsOf(e, small), 3'000'000'000'002);
}

TEST(RatingTest, LineAmountOverflowIsAnError) {
  const auto big = LineAmountFen(std::int64_t{1} << 40, std::int64_t{1} << 40, Rate::One());
  ASSERT_FALSE(big.ok());
  EXPECT_EQ(big.error().code, ErrorCode::kOverflow);
  EXPECT_FALSE(LineAmountFen(INT64_MAX, INT64_MAX, Rate{INT64_MAX, 1}).ok());
}

// An account mapped on one center means that center's organisation there; mapped without a
// center, it means its organisation on every other center.
TEST(RatingTest, CenterSpecificAccountEntryWinsOverTheEveryCenterOne) {
  auto list = PriceList::Build({});
  ASSERT_TRUE(list.ok());
  auto rater = Rater::Make(*list,
                           {{"b", "shared", OrgId(2), {}, {}},
                            {"", "shared", OrgId(1), {}, {}},
                            {"c", "shared", OrgId(3), {}, {}},
                            {"c", "only-c", OrgId(4), {}, {}}},
                           {"a", "b", "c"});
  ASSERT_TRUE(rater.ok()) << rater.error().ToString();
  EXPECT_EQ(rater->FindAccount("a", "shared")->org, OrgId(1));
  EXPECT_EQ(rater->FindAccount("b", "shared")->org, OrgId(2));
  EXPECT_EQ(rater->FindAccount("c", "shared")->org, OrgId(3));
  EXPECT_EQ(rater->FindAccount("c", "only-c")->org, OrgId(4));
  EXPECT_EQ(rater->FindAccount("a", "only-c"), nullptr);
  EXPECT_EQ(rater->FindAccount("c", "nobody"), nullptr);
  EXPECT_EQ(rater->FindAccount("c", "shared2"), nullptr);
}

TEST(RatingTest, RaterRefusesBadAccountMaps) {
  auto list = PriceList::Build({});
  ASSERT_TRUE(list.ok());
  auto twice =
      Rater::Make(*list, {{"", "a", OrgId(1), {}, {}}, {"", "a", OrgId(2), {}, {}}}, {"c"});
  ASSERT_FALSE(twice.ok());
  EXPECT_EQ(twice.error().field, "accounts[1].account");
  auto twice_on_a_center = Rater::Make(
      *list,
      {{"c", "a", OrgId(1), {}, {}}, {"", "a", OrgId(2), {}, {}}, {"c", "a", OrgId(3), {}, {}}},
      {"c"});
  ASSERT_FALSE(twice_on_a_center.ok());
  EXPECT_EQ(twice_on_a_center.error().field, "accounts[2].account");
  auto no_org = Rater::Make(*list, {{"", "a", OrgId(), {}, {}}}, {"c"});
  ASSERT_FALSE(no_org.ok());
  EXPECT_EQ(no_org.error().field, "accounts[0].org");
  auto no_class = Rater::Make(*list, {{"", "a", OrgId(1), {}, 'C'}}, {"c"});
  ASSERT_FALSE(no_class.ok());
  EXPECT_EQ(no_class.error().field, "accounts[0].class");
}

}  // namespace
}  // namespace suanli::metering
