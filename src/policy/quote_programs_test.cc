// The figures voucher-programs.md and seed 002 state for the other programs, through the engine.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "policy/case_parser.h"
#include "policy/policy_testing.h"

namespace suanli::policy {
namespace {

using namespace testing;

Case Example(const std::string& id) {
  std::ifstream in("programs/cases/" + id + ".json");
  std::stringstream ss;
  ss << in.rdbuf();
  auto c = ParseCase(ss.str());
  EXPECT_TRUE(c.ok()) << c.error().ToString();
  return c.ok() ? *c : Case{};
}

bool ListsAssumption(const QuoteResult& r, const std::string& rule) {
  for (const auto& a : r.assumptions) {
    if (a.rule == rule) return true;
  }
  return false;
}

// Nanning: the bureau's worked example, 305/729 → 8.3676万 → 2.5102万.
TEST(NanningTest, WorkedExample) {
  const Program p = Shipped("nanning-2025");
  const QuoteResult r = Quote(p, Example("nanning-2025"));
  ASSERT_TRUE(r.eligible) << Failures(r);
  EXPECT_EQ(r.amount, M("25102.00"));
  EXPECT_EQ(r.amount.FormatWan(4), "2.5102万");
  const Step* pro = FindStep(r, "pro_rate");
  ASSERT_NE(pro, nullptr);
  EXPECT_EQ(pro->value, "83676.00");
  EXPECT_NE(pro->detail.find("305/729"), std::string::npos) << pro->detail;
  EXPECT_NE(pro->detail.find("8.3676万"), std::string::npos) << pro->detail;
  EXPECT_FALSE(r.expires_at.has_value());  // no voucher: a post-use subsidy
}

TEST(NanningTest, CumulativeCapAndWindowAndResource) {
  const Program p = Shipped("nanning-2025");
  Case c = Example("nanning-2025");
  c.history.org_granted_cumulative = M("1990000.00");
  EXPECT_EQ(Quote(p, c).amount, M("10000.00"));
  c.history.org_granted_cumulative = M("2000000.00");
  EXPECT_NE(Failed(Quote(p, c), "cap_exhausted"), nullptr);
  c = Example("nanning-2025");
  c.as_of = T("2026-01-24T00:00:00+08:00");
  EXPECT_NE(Failed(Quote(p, c), "application_window"), nullptr);
  c = Example("nanning-2025");
  c.contract.resource_class = "storage";
  EXPECT_NE(Failed(Quote(p, c), "resource_class"), nullptr);
  c = Example("nanning-2025");
  c.contract.start = D("2024-01-01");
  c.contract.end = D("2025-02-28");
  EXPECT_NE(Failed(Quote(p, c), "base_period"), nullptr);
  c = Example("nanning-2025");
  c.contract.settled.reset();
  EXPECT_NE(Failed(Quote(p, c), "base_missing"), nullptr);
  c = Example("nanning-2025");
  c.organisation.credit.last_dishonesty_on = D("2023-06-01");
  EXPECT_NE(Failed(Quote(p, c), "credit"), nullptr);
}

// Days are counted b − a (the worked example's 305 and 729), so a contract touching the base
// period on its first or last day only overlaps it by 0 days: refused for the base period, not
// reported as a used-up cumulative cap (nothing has been granted).
TEST(NanningTest, ZeroDaysOfOverlapIsTheBasePeriodNotACap) {
  const Program p = Shipped("nanning-2025");
  for (const auto& [start, end] : {std::pair{"2025-12-31", "2026-12-30"}, std::pair{"2025-02-28", "2025-03-01"}}) {
    SCOPED_TRACE(start);
    Case c = Example("nanning-2025");
    c.contract.start = D(start);
    c.contract.end = D(end);
    c.contract.settled = M("100000.00");
    const QuoteResult r = Quote(p, c);
    EXPECT_FALSE(r.eligible);
    EXPECT_NE(Failed(r, "base_period"), nullptr) << Failures(r);
    EXPECT_EQ(Failed(r, "cap_exhausted"), nullptr) << Failures(r);
  }
  Case c = Example("nanning-2025");  // 2025-03-01 → 03-02: one day inside, 1/1 of the fee
  c.contract.start = D("2025-03-01");
  c.contract.end = D("2025-03-02");
  c.contract.settled = M("100000.00");
  EXPECT_EQ(Quote(p, c).amount, M("30000.00"));
}

TEST(NanningTest, ContractInsideThePeriodIsNotProRated) {
  const Program p = Shipped("nanning-2025");
  Case c = Example("nanning-2025");
  c.contract.start = D("2025-04-01");
  c.contract.end = D("2025-09-30");
  c.contract.settled = M("123456.78");
  const QuoteResult r = Quote(p, c);
  ASSERT_TRUE(r.eligible) << Failures(r);
  EXPECT_EQ(FindStep(r, "pro_rate")->value, "123456.00");  // truncated to 0.0001万
  EXPECT_EQ(r.amount, M("37036.00"));                       // 37,036.8 truncated
}

TEST(YangzhouTest, ThirtyPercentOfActualPaymentCappedTwoMillionAYear) {
  const Program p = Shipped("yangzhou");
  Case c = Example("yangzhou");
  QuoteResult r = Quote(p, c);
  ASSERT_TRUE(r.eligible) << Failures(r);
  EXPECT_EQ(r.amount, M("240000.00"));  // 30% of 800,000 paid, not of the 1,000,000 fee
  c.contract.paid = M("10000000.00");
  EXPECT_EQ(Quote(p, c).amount, M("2000000.00"));
  c.history.org_granted_this_year = M("1900000.00");
  c.history.org_granted_cumulative = M("1900000.00");
  EXPECT_EQ(Quote(p, c).amount, M("100000.00"));
  c = Example("yangzhou");
  c.contract.paid.reset();  // not yet paid: nothing to reimburse
  EXPECT_NE(Failed(Quote(p, c), "base_missing"), nullptr);
  c = Example("yangzhou");
  c.other_subsidies = {"yangzhou_fiscal_compute_subsidy"};
  EXPECT_NE(Failed(Quote(p, c), "no_stacking"), nullptr);
  c = Example("yangzhou");
  c.provider.tags.clear();
  EXPECT_NE(Failed(Quote(p, c), "provider_tags"), nullptr);
}

TEST(BeijingTest, UpToTwentyPercentTwoMillionAYear) {
  const Program p = Shipped("beijing");
  Case c = Example("beijing");
  QuoteResult r = Quote(p, c);
  ASSERT_TRUE(r.eligible) << Failures(r);
  EXPECT_EQ(r.amount, M("600000.00"));
  c.contract.approved_rate = Rate::Percent(15);  // the officer approves less
  EXPECT_EQ(Quote(p, c).amount, M("450000.00"));
  c.contract.approved_rate = Rate::Percent(25);
  EXPECT_NE(Failed(Quote(p, c), "approved_rate"), nullptr);
  c.contract.approved_rate.reset();  // no approval yet: quoted at the ceiling
  r = Quote(p, c);
  EXPECT_EQ(r.amount, M("600000.00"));
  EXPECT_NE(FindStep(r, "rate")->detail.find("ceiling"), std::string::npos);
  c.contract.fee = M("20000000.00");
  EXPECT_EQ(Quote(p, c).amount, M("2000000.00"));
}

TEST(BeijingTest, ContractRules) {
  const Program p = Shipped("beijing");
  Case c = Example("beijing");
  c.contract.signed_on = D("2023-08-31");
  EXPECT_NE(Failed(Quote(p, c), "contract_signed"), nullptr);
  c.contract.signed_on = D("2023-09-01");
  EXPECT_TRUE(Quote(p, c).eligible);
  c = Example("beijing");
  c.contract.end = D("2025-05-15");  // one day over a year from 2024-05-15
  EXPECT_NE(Failed(Quote(p, c), "contract_term"), nullptr);
  c = Example("beijing");
  c.history.contract_already_applied = true;
  EXPECT_NE(Failed(Quote(p, c), "one_application"), nullptr);
  c = Example("beijing");
  c.contract.resource_class = "storage";
  EXPECT_NE(Failed(Quote(p, c), "resource_class"), nullptr);
  c = Example("beijing");
  c.organisation.credit.last_dishonesty_on = D("2021-05-21");  // within 3 years of 2024-05-20
  EXPECT_NE(Failed(Quote(p, c), "credit"), nullptr);
  c.organisation.credit.last_dishonesty_on = D("2021-05-20");
  EXPECT_TRUE(Quote(p, c).eligible);
  c = Example("beijing");
  c.organisation.industry = "retail";
  EXPECT_NE(Failed(Quote(p, c), "industry"), nullptr);
}

// The plan is for 2023—2025: a contract signed 2027-05-01 and applied for 2027-06-01 was
// granted 600,000. Applications close with 2025 (assumed: the notes give no dates).
TEST(BeijingTest, ThePlanEndsWith2025) {
  const Program p = Shipped("beijing");
  Case c = Example("beijing");
  c.as_of = T("2027-06-01T10:00:00+08:00");
  c.contract.signed_on = D("2027-05-01");
  c.contract.start = D("2027-05-15");
  c.contract.end = D("2028-05-14");
  QuoteResult r = Quote(p, c);
  EXPECT_FALSE(r.eligible);
  EXPECT_NE(Failed(r, "application_window"), nullptr) << Failures(r);
  EXPECT_TRUE(ListsAssumption(r, "windows.application"));
  c = Example("beijing");
  c.as_of = T("2025-12-31T23:59:59+08:00");
  EXPECT_TRUE(Quote(p, c).eligible) << Failures(Quote(p, c));
  c.as_of = T("2026-01-01T00:00:00+08:00");
  EXPECT_NE(Failed(Quote(p, c), "application_window"), nullptr);
}

TEST(QingyangTest, ThirtyPercentMinFiveThousandMaxTwoMillionTwelveMonths) {
  const Program p = Shipped("qingyang");
  Case c = Example("qingyang");
  QuoteResult r = Quote(p, c);
  ASSERT_TRUE(r.eligible) << Failures(r);
  EXPECT_EQ(r.amount, M("30000.00"));
  ASSERT_TRUE(r.expires_at.has_value());
  // Issued 2024-04-01, 12 months reckoned as the Civil Code does (§201-§203, assumed): usable
  // through 2025-04-01 24:00.
  EXPECT_EQ(*r.expires_at, T("2025-04-02T00:00:00+08:00"));
  EXPECT_TRUE(ListsAssumption(r, "validity"));
  ASSERT_EQ(r.deductions.size(), 2u);
  EXPECT_EQ(r.deductions[0].deducted, M("15000.00"));
  EXPECT_EQ(r.deductions[0].invoiced, M("50000.00"));  // full-amount invoice
  EXPECT_EQ(r.deductions[1].deducted, Money::Zero());  // 2025-04-02: expired
  EXPECT_TRUE(ListsAssumption(r, "deduction"));
  c.contract.fee = M("16666.66");  // 4,999.99
  EXPECT_NE(Failed(Quote(p, c), "below_minimum"), nullptr);
  c.contract.fee = M("16666.67");  // 5,000.00 (5,000.001 rounded down)
  EXPECT_EQ(Quote(p, c).amount, M("5000.00"));
  c.contract.fee = M("10000000.00");
  EXPECT_EQ(Quote(p, c).amount, M("2000000.00"));
  c = Example("qingyang");
  c.used_by_uscc = kApplicantUscc;
  EXPECT_NE(Failed(Quote(p, c), "non_transferable"), nullptr);
}

// The last day of the 12 months is usable, and a period from 02-29 ends on the last day of
// February (民法典 §202: no corresponding day → the month's last day).
TEST(QingyangTest, TwelveMonthsEndOnTheCorrespondingDayInclusive) {
  const Program p = Shipped("qingyang");
  Case c = Example("qingyang");
  c.settlements = {{M("10000.00"), D("2025-04-01")}};
  QuoteResult r = Quote(p, c);
  ASSERT_EQ(r.deductions.size(), 1u);
  EXPECT_EQ(r.deductions[0].deducted, M("3000.00"));  // the last day of the 12 months
  c.as_of = T("2024-02-29T10:00:00+08:00");
  c.contract.signed_on = D("2024-02-20");
  c.settlements = {{M("10000.00"), D("2025-02-28")}, {M("10000.00"), D("2025-03-01")}};
  r = Quote(p, c);
  ASSERT_TRUE(r.expires_at.has_value());
  EXPECT_EQ(*r.expires_at, T("2025-03-01T00:00:00+08:00"));
  ASSERT_EQ(r.deductions.size(), 2u);
  EXPECT_EQ(r.deductions[0].deducted, M("3000.00"));
  EXPECT_EQ(r.deductions[1].deducted, Money::Zero());
}

TEST(LangfangTest, HighestSingleStandardNeverStacked) {
  const Program p = Shipped("langfang");
  Case c = Example("langfang");  // one-off 500k, 60% project lead, 50% local platform all apply
  QuoteResult r = Quote(p, c);
  ASSERT_TRUE(r.eligible) << Failures(r);
  EXPECT_EQ(r.tier, "major_project");
  EXPECT_EQ(r.amount, M("720000.00"));  // 60% × 1,200,000; not 720k + 600k + 500k
  c.contract.paid = M("600000.00");      // 360k vs 300k vs the 500k one-off
  r = Quote(p, c);
  EXPECT_EQ(r.tier, "newly_settled");
  EXPECT_EQ(r.amount, M("500000.00"));
  c.history.one_off_tiers_received = {"newly_settled"};  // the one-off is once only
  r = Quote(p, c);
  EXPECT_EQ(r.tier, "major_project");
  EXPECT_EQ(r.amount, M("360000.00"));
  c.contract.paid = M("5000000.00");
  EXPECT_EQ(Quote(p, c).amount, M("1000000.00"));  // 1,000,000 per unit per year
  c.history.org_granted_this_year = M("600000.00");
  EXPECT_EQ(Quote(p, c).amount, M("400000.00"));
}

// Langfang reimburses ("the firm pays in full first, then applies"): the one-off 500,000 is
// never more than was actually paid, and needs the payment.
TEST(LangfangTest, OneOffVoucherReimbursesAtMostThePayment) {
  const Program p = Shipped("langfang");
  Case c = Example("langfang");
  c.organisation.classes = {"newly_settled_ai_firm"};  // the one-off standard only
  c.contract.project.reset();
  c.provider.tags.clear();
  c.contract.paid = M("200000.00");
  QuoteResult r = Quote(p, c);
  ASSERT_TRUE(r.eligible) << Failures(r);
  EXPECT_EQ(r.tier, "newly_settled");
  EXPECT_EQ(r.amount, M("200000.00"));
  c.contract.paid = M("800000.00");
  EXPECT_EQ(Quote(p, c).amount, M("500000.00"));
  c.contract.paid.reset();
  r = Quote(p, c);
  EXPECT_FALSE(r.eligible);
  EXPECT_NE(Failed(r, "base_missing"), nullptr);
  EXPECT_TRUE(ListsAssumption(r, "grant.tiers[0]"));
}

TEST(LangfangTest, LocalPlatformOnly) {
  const Program p = Shipped("langfang");
  Case c = Example("langfang");
  c.organisation.classes.clear();
  c.contract.project.reset();
  c.contract.paid = M("100000.00");
  const QuoteResult r = Quote(p, c);
  ASSERT_TRUE(r.eligible) << Failures(r);
  EXPECT_EQ(r.tier, "local_platform");
  EXPECT_EQ(r.amount, M("50000.00"));
  c.provider.tags.clear();
  EXPECT_NE(Failed(Quote(p, c), "no_tier"), nullptr);
}

TEST(HangzhouTest, RatesByChipOriginAndFiledModel) {
  const Program p = Shipped("hangzhou");
  Case c = Example("hangzhou");
  c.organisation.classes.clear();
  c.contract.fee = M("1000000.00");
  EXPECT_EQ(Quote(p, c).amount, M("300000.00"));  // domestic chips 30%
  c.contract.chip_origin = "imported";
  QuoteResult r = Quote(p, c);
  EXPECT_EQ(r.tier, "other");
  EXPECT_EQ(r.amount, M("200000.00"));  // otherwise 20%
  c.contract.uses_filed_model = true;
  r = Quote(p, c);
  EXPECT_EQ(r.tier, "filed_model");
  EXPECT_EQ(r.amount, M("300000.00"));
}

// ≤ 8,000,000 per firm per year (stated), relaxed for foundation-model firms to 16,000,000
// (assumed: the source gives no figure). The relaxation used to drop the cap altogether, so a
// foundation-model firm's quote ran to the whole 250,000,000 pool.
TEST(HangzhouTest, EightMillionCapRelaxedForFoundationModelFirmsToAFiniteCap) {
  const Program p = Shipped("hangzhou");
  Case c = Example("hangzhou");  // 40,000,000 × 30% = 12,000,000: above 8M, within the relaxed cap
  QuoteResult r = Quote(p, c);
  ASSERT_TRUE(r.eligible) << Failures(r);
  EXPECT_EQ(r.amount, M("12000000.00"));
  bool relaxed = false;
  for (const auto& x : r.reasons) relaxed |= x.code == "cap_relaxed" && x.ok;
  EXPECT_TRUE(relaxed) << "the quote must say the cap was relaxed";
  EXPECT_TRUE(ListsAssumption(r, "grant.caps[0]"));
  c.contract.fee = M("10000000000000.00");  // the reviewer's case: 250,000,000 before
  r = Quote(p, c);
  ASSERT_TRUE(r.eligible) << Failures(r);
  EXPECT_EQ(r.amount, M("16000000.00"));
  c.history.org_granted_this_year = M("16000000.00");
  EXPECT_NE(Failed(Quote(p, c), "cap_exhausted"), nullptr);
  c = Example("hangzhou");
  c.organisation.classes.clear();
  EXPECT_EQ(Quote(p, c).amount, M("8000000.00"));  // the stated cap
}

TEST(WuxiTest, FiftyMillionPoolAndAssumptionsListed) {
  const Program p = Shipped("wuxi");
  const QuoteResult r = Quote(p, Example("wuxi"));
  ASSERT_TRUE(r.eligible) << Failures(r);
  EXPECT_EQ(p.pool->amount_per_year, M("50000000.00"));
  EXPECT_EQ(r.amount, M("150000.00"));
  EXPECT_TRUE(ListsAssumption(r, "grant.tiers[0]"));
  EXPECT_TRUE(ListsAssumption(r, "deduction"));
  ASSERT_EQ(r.deductions.size(), 2u);
  EXPECT_EQ(r.deductions[0].deducted, M("60000.00"));
  EXPECT_EQ(r.deductions[1].deducted, M("90000.00"));
  EXPECT_EQ(r.deductions[1].remaining, Money::Zero());
}

// Wuxi states no validity; the file assumes the end of the budget year that funds the voucher
// (through 12-31 of the issue year), so a bill on the next 01-01 deducts nothing.
TEST(WuxiTest, VoucherIsUsableThroughTheEndOfItsIssueYearAssumed) {
  const Program p = Shipped("wuxi");
  Case c = Example("wuxi");  // issued 2024-05-06
  c.settlements = {{M("100000.00"), D("2024-12-31")}, {M("100000.00"), D("2025-01-01")}};
  const QuoteResult r = Quote(p, c);
  ASSERT_TRUE(r.eligible) << Failures(r);
  ASSERT_TRUE(r.expires_at.has_value());
  EXPECT_EQ(*r.expires_at, T("2025-01-01T00:00:00+08:00"));
  EXPECT_TRUE(ListsAssumption(r, "validity"));
  ASSERT_EQ(r.deductions.size(), 2u);
  EXPECT_EQ(r.deductions[0].deducted, M("30000.00"));  // the last day of the year
  EXPECT_EQ(r.deductions[1].deducted, Money::Zero());  // expired
}

TEST(NanjingTest, DiscountClassesWithThirtyPercentFloor) {
  const Program p = Shipped("nanjing-experience");
  ASSERT_TRUE(p.discounts.has_value());
  EXPECT_EQ(p.discounts->floor_share, Rate::Percent(30));
  EXPECT_EQ(p.discounts->classes.size(), 5u);
  Case c = Example("nanjing-experience");
  QuoteResult r = Quote(p, c);
  ASSERT_TRUE(r.eligible) << Failures(r);
  EXPECT_EQ(r.amount, M("50000.00"));  // class C pays 50% (assumed)
  EXPECT_EQ(FindStep(r, "price")->value, "50000.00");
  EXPECT_TRUE(ListsAssumption(r, "discounts.classes[2]"));
  // At 50 % the discount equals the price, so class C cannot tell which one is the amount. At
  // the 30 % floor (seed 002: "最低折扣为基准价的30%起") the customer pays 30,000 and the
  // quoted amount is the 70,000 discount.
  c.contract.discount_class = "A";
  r = Quote(p, c);
  ASSERT_TRUE(r.eligible) << Failures(r);
  EXPECT_EQ(FindStep(r, "price")->value, "30000.00");
  EXPECT_EQ(r.amount, M("70000.00"));
  c.contract.discount_class = "F";
  EXPECT_NE(Failed(Quote(p, c), "discount_class"), nullptr);
}

}  // namespace
}  // namespace suanli::policy
