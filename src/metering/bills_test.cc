// Bills per organisation and contract, price corrections as reversals, reconciliation.
#include "metering/bills.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "metering/ingest.h"
#include "metering/metering_testing.h"
#include "metering/reconciliation.h"
#include "metering/rerate.h"

namespace suanli::metering {
namespace {

// Q1 and Q2 2024 on cdai (org 2, contract 7, class C) and cdhpc (org 4 class A; org 3).
std::string Usage() {
  return std::string(testing::kHeader) + "\n" +
         // org 2, Q1: 8 cards × 10 h × ¥12.50 × 50 % = ¥500.00
         "1001|cdai|uni-ai|alice|ascend|2024-03-15T08:59:00|2024-03-15T09:00:00|"
         "2024-03-15T19:00:00|36000|gres/npu=8|COMPLETED|0:0\n"
         // org 2, Q1: 4 cards × 2 h × ¥12.50 × 50 % = ¥50.00
         "1002|cdai|uni-ai|alice|ascend|2024-03-20T08:59:00|2024-03-20T09:00:00|"
         "2024-03-20T11:00:00|7200|gres/npu=4|COMPLETED|0:0\n"
         // org 2, Q2 (after the switch to ¥10.00): 8 cards × 5 h × ¥10.00 × 50 % = ¥200.00
         "1003|cdai|uni-ai|alice|ascend|2024-04-02T08:59:00|2024-04-02T09:00:00|"
         "2024-04-02T14:00:00|18000|gres/npu=8|COMPLETED|0:0\n"
         // org 3, Q1, no contract: 1 card × 1 h × ¥12.50 = ¥12.50
         "1004|cdai|acme|carol|ascend|2024-02-01T08:59:00|2024-02-01T09:00:00|"
         "2024-02-01T10:00:00|3600|gres/npu=1|COMPLETED|0:0\n"
         // org 4, Q1: 100 cores × 10 h × ¥0.05 × 30 % = ¥15.00
         "77|cdhpc|lab|bob|cpu|2024-03-01T07:00:00|2024-03-01T08:00:00|2024-03-01T18:00:00|36000|"
         "cpu=100|COMPLETED|0:0\n";
}

class BillsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ =
        (std::filesystem::temp_directory_path() / ("metering-bills-" + std::to_string(::getpid())))
            .string();
    std::filesystem::remove_all(dir_);
    auto store = UsageStore::Open({dir_, true});
    ASSERT_TRUE(store.ok());
    store_ = std::move(store).value();
    auto report = IngestSacctText(store_.get(), testing::MakeRater(), Usage(), {});
    ASSERT_TRUE(report.ok());
    ASSERT_EQ(report->billed, 5u);
  }
  void TearDown() override {
    store_.reset();
    std::filesystem::remove_all(dir_);
  }
  std::vector<Bill> Bills(OrgId org, const char* quarter) {
    auto bills = BillsFor(*store_, org, *Period::Parse(quarter));
    EXPECT_TRUE(bills.ok());
    return std::move(bills).value();
  }

  std::string dir_;
  std::unique_ptr<UsageStore> store_;
};

TEST_F(BillsTest, BillPerOrganisationContractAndQuarter) {
  const auto q1 = Bills(OrgId(2), "2024Q1");
  ASSERT_EQ(q1.size(), 1u);
  EXPECT_EQ(q1[0].contract, ContractId(7));
  EXPECT_EQ(q1[0].lines.size(), 2u);
  EXPECT_EQ(q1[0].total_fen, 55'000);
  EXPECT_EQ(q1[0].period.ToString(), "2024-01-01..2024-03-31");
  const auto q2 = Bills(OrgId(2), "2024Q2");
  ASSERT_EQ(q2.size(), 1u);
  EXPECT_EQ(q2[0].total_fen, 20'000);
  const auto acme = Bills(OrgId(3), "2024Q1");
  ASSERT_EQ(acme.size(), 1u);
  EXPECT_EQ(acme[0].contract, std::nullopt);
  EXPECT_EQ(acme[0].total_fen, 1'250);
  EXPECT_TRUE(Bills(OrgId(9), "2024Q1").empty());
  // A date range instead of a quarter.
  auto march = BillsFor(*store_, OrgId(2), *Period::Parse("2024-03-16..2024-03-31"));
  ASSERT_TRUE(march.ok());
  ASSERT_EQ(march->size(), 1u);
  EXPECT_EQ((*march)[0].total_fen, 5'000);
  // All organisations at once, ordered by org.
  auto lines = store_->Lines(Date::FromDays(0), *Date::Parse("2030-01-01"), std::nullopt);
  ASSERT_TRUE(lines.ok());
  auto all = BuildBills(*lines, *Period::Parse("2024Q1"));
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 3u);
  EXPECT_EQ((*all)[0].org, OrgId(2));
  EXPECT_EQ((*all)[2].org, OrgId(4));
  EXPECT_EQ(*TotalFen(*all), 55'000 + 1'250 + 1'500);
}

TEST(PeriodTest, ParsesQuartersAndRanges) {
  EXPECT_EQ(Period::Parse("2024Q4")->ToString(), "2024-10-01..2024-12-31");
  EXPECT_EQ(Period::Parse("2024-02-01..2024-02-29")->last.ToString(), "2024-02-29");
  EXPECT_EQ(Period::Parse("2024-03-01..2024-02-01").error().code, ErrorCode::kContradiction);
  EXPECT_EQ(Period::Parse("2024Q5").error().code, ErrorCode::kParse);
}

// The Q1 card-hour price is corrected from ¥12.50 to ¥11.00. Each affected line gets a
// reversal and a correction; the bill keeps the originals and nets to the new amount:
//   1001: 1,100 × 288,000 / 2 / 3,600 = 44,000;  1002: 1,100 × 28,800 / 2 / 3,600 = 4,400
TEST_F(BillsTest, PriceCorrectionEmitsReversalsThatNetToTheNewAmount) {
  std::string corrected = testing::kPricesToml;
  corrected.replace(corrected.find("price = \"12.50\""), 15, "price = \"11.00\"");
  const Rater rater = testing::MakeRater(corrected);
  const RerateScope scope{"cdai", "ascend", *Instant::Parse("2024-01-01")};
  auto report = Rerate(store_.get(), rater, scope, "price correction: cdai/ascend Q1");
  ASSERT_TRUE(report.ok()) << report.error().ToString();
  EXPECT_EQ(report->examined, 4u);  // 1001, 1002, 1003, 1004 (cdhpc is out of scope)
  EXPECT_EQ(report->changed, 3u);   // 1003 started after 04-01: ¥10.00 either way
  EXPECT_EQ(report->unchanged, 1u);
  EXPECT_EQ(report->reversed_fen, -(50'000 + 5'000 + 1'250));
  EXPECT_EQ(report->corrected_fen, 44'000 + 4'400 + 1'100);

  const auto q1 = Bills(OrgId(2), "2024Q1");
  ASSERT_EQ(q1.size(), 1u);
  ASSERT_EQ(q1[0].lines.size(), 6u);  // 2 originals, 2 reversals, 2 corrections
  EXPECT_EQ(q1[0].original_fen, 55'000);
  EXPECT_EQ(q1[0].adjustments_fen, -55'000 + 48'400);
  EXPECT_EQ(q1[0].total_fen, 48'400);
  const BillLine& reversal = q1[0].lines[2];
  EXPECT_EQ(reversal.kind, LineKind::kReversal);
  EXPECT_EQ(reversal.line.job_id, "1001");
  EXPECT_EQ(reversal.line.figures.amount_fen, -50'000);
  EXPECT_EQ(reversal.line.figures.quantity_unit_s, -288'000);
  EXPECT_EQ(reversal.revision, 0u);
  EXPECT_EQ(reversal.reason, "price correction: cdai/ascend Q1");
  const BillLine& correction = q1[0].lines[3];
  EXPECT_EQ(correction.kind, LineKind::kCorrection);
  EXPECT_EQ(correction.revision, 1u);
  EXPECT_EQ(correction.line.figures.amount_fen, 44'000);
  EXPECT_EQ(correction.line.figures.unit_price_fen, 1'100);

  // The same correction again changes nothing; a second correction reverses revision 1.
  auto again = Rerate(store_.get(), rater, scope, "again");
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->changed, 0u);
  EXPECT_EQ(Bills(OrgId(2), "2024Q1")[0].lines.size(), 6u);
  auto back = Rerate(store_.get(), testing::MakeRater(), scope, "correction withdrawn");
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->changed, 3u);
  const auto restored = Bills(OrgId(2), "2024Q1");
  EXPECT_EQ(restored[0].lines.size(), 10u);
  EXPECT_EQ(restored[0].lines[6].revision, 1u);  // reverses the first correction
  EXPECT_EQ(restored[0].total_fen, 55'000);

  // The history survives a reopen.
  store_.reset();
  auto reopened = UsageStore::Open({dir_, true});
  ASSERT_TRUE(reopened.ok());
  store_ = std::move(reopened).value();
  EXPECT_EQ(Bills(OrgId(2), "2024Q1")[0].lines.size(), 10u);
  EXPECT_EQ(Bills(OrgId(2), "2024Q1")[0].total_fen, 55'000);
}

TEST_F(BillsTest, ReconciliationFlagsAnInflatedClaim) {
  auto lines = store_->Lines(Date::FromDays(0), *Date::Parse("2030-01-01"), std::nullopt);
  ASSERT_TRUE(lines.ok());
  const Period q1 = *Period::Parse("2024Q1");
  auto bills = BuildBills(*lines, q1);
  ASSERT_TRUE(bills.ok());
  const std::vector<ClaimAmount> claims = {
      {OrgId(2), 55'000},  // exactly metered
      {OrgId(4), 2'000},   // metered 1,500: inflated by ¥5.00
      {OrgId(3), 1'000},   // below metered 1,250: shown, not flagged
      {OrgId(9), 1'000},   // nothing metered at all
  };
  auto rec = Reconcile(claims, *bills, q1);
  ASSERT_TRUE(rec.ok());
  ASSERT_EQ(rec->rows.size(), 4u);
  EXPECT_FALSE(rec->rows[0].flagged);
  EXPECT_EQ(rec->rows[0].difference_fen, 0);
  EXPECT_TRUE(rec->rows[1].flagged);
  EXPECT_EQ(rec->rows[1].metered_fen, 1'500);
  EXPECT_EQ(rec->rows[1].difference_fen, 500);
  EXPECT_FALSE(rec->rows[2].flagged);
  EXPECT_EQ(rec->rows[2].difference_fen, -250);
  EXPECT_TRUE(rec->rows[3].flagged);
  EXPECT_EQ(rec->rows[3].metered_fen, 0);
  EXPECT_EQ(rec->flagged, 2u);
  EXPECT_EQ(rec->claimed_fen, 59'000);
  EXPECT_EQ(rec->metered_fen, 57'750);
  // A tolerance of ¥5.00 lets the 500-fen excess pass.
  auto tolerant = Reconcile(claims, *bills, q1, {500});
  ASSERT_TRUE(tolerant.ok());
  EXPECT_FALSE(tolerant->rows[1].flagged);
  EXPECT_EQ(tolerant->flagged, 1u);
  const std::vector<ClaimAmount> negative = {{OrgId(2), -1}};
  EXPECT_EQ(Reconcile(negative, *bills, q1).error().code, ErrorCode::kNegativeAmount);
}

TEST(MeteredBasisTest, MeteredBillsByTheirDaysAndBillsByHandByTheRestOfThePeriod) {
  const Period q2 = *Period::Parse("2024Q2");
  const Period q1 = *Period::Parse("2024Q1");
  const Period june = *Period::Parse("2024-06-01..2024-06-30");
  const Period across = *Period::Parse("2024-03-20..2024-04-10");
  const auto text = [](const std::vector<BasisTerm>& terms) {
    std::string s;
    for (const BasisTerm& t : terms) s += (t.subtract ? "-" : "+") + t.days.ToString() + " ";
    return s;
  };
  // Bills posted by hand only: the claim's period, as before.
  EXPECT_EQ(text(MeteredBasis(q2, {}, true)), "+2024-04-01..2024-06-30 ");
  // Metered bills only: their own days, inside the period or not.
  const std::vector<Period> metered = {q1, june};
  EXPECT_EQ(text(MeteredBasis(q2, metered, false)),
            "+2024-01-01..2024-03-31 +2024-06-01..2024-06-30 ");
  // Both: the period less the metered days inside it (none of Q1's, June's whole, and of a
  // bill across the boundary only its part in the period).
  EXPECT_EQ(text(MeteredBasis(q2, metered, true)),
            "+2024-01-01..2024-03-31 +2024-06-01..2024-06-30 +2024-04-01..2024-06-30 "
            "-2024-06-01..2024-06-30 ");
  const std::vector<Period> straddling = {across};
  EXPECT_EQ(text(MeteredBasis(q2, straddling, true)),
            "+2024-03-20..2024-04-10 +2024-04-01..2024-06-30 -2024-04-01..2024-04-10 ");
  EXPECT_TRUE(MeteredBasis(q2, {}, false).empty());
}

TEST(ReconcileTest, EachOrganisationAgainstItsOwnMeteredAmountAndDays) {
  const Period q2 = *Period::Parse("2024Q2");
  const Period q1 = *Period::Parse("2024Q1");
  const std::vector<ClaimAmount> claims = {{OrgId(1), 100'00}, {OrgId(2), 50'00},
                                           {OrgId(1), 20'00}};
  const std::vector<MeteredAmount> metered = {{OrgId(1), 120'00, {q1}}};
  auto rec = Reconcile(claims, metered, q2);
  ASSERT_TRUE(rec.ok());
  ASSERT_EQ(rec->rows.size(), 2u);
  EXPECT_EQ(rec->rows[0].claimed_fen, 120'00);
  EXPECT_EQ(rec->rows[0].metered_fen, 120'00);
  EXPECT_FALSE(rec->rows[0].flagged);
  ASSERT_EQ(rec->rows[0].days.size(), 1u);
  EXPECT_EQ(rec->rows[0].days[0].ToString(), "2024-01-01..2024-03-31");
  // No metered amount: 0 over the claim's period.
  EXPECT_EQ(rec->rows[1].metered_fen, 0);
  EXPECT_TRUE(rec->rows[1].flagged);
  ASSERT_EQ(rec->rows[1].days.size(), 1u);
  EXPECT_EQ(rec->rows[1].days[0].ToString(), "2024-04-01..2024-06-30");
  EXPECT_EQ(rec->flagged, 1u);
}

}  // namespace
}  // namespace suanli::metering
