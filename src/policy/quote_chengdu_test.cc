// Every figure seeds 000 and 001 state for Chengdu 2024, reproduced through the engine.
#include <gtest/gtest.h>

#include "policy/policy_testing.h"

namespace suanli::policy {
namespace {

using namespace testing;

class ChengduTest : public ::testing::Test {
 protected:
  Program program_ = Shipped("chengdu-2024");
  Case case_ = ChengduCase();
  QuoteResult Run() { return Quote(program_, case_); }
};

TEST_F(ChengduTest, FiftyPercentOfContractFee) {
  const QuoteResult r = Run();
  ASSERT_TRUE(r.eligible) << Failures(r);
  EXPECT_EQ(r.amount, M("50000.00"));
  EXPECT_EQ(r.tier, "standard");
  ASSERT_NE(FindStep(r, "rate"), nullptr);
  EXPECT_EQ(FindStep(r, "rate")->value, "50%");
  EXPECT_EQ(FindStep(r, "rate")->clause.rfind("seed 000 §二", 0), 0u);
}

TEST_F(ChengduTest, RevenueTenMillionInclusive) {
  case_.organisation.prior_year_revenue = M("10000000.00");
  EXPECT_TRUE(Run().eligible);
  case_.organisation.prior_year_revenue = M("9999999.99");
  const QuoteResult r = Run();
  EXPECT_FALSE(r.eligible);
  ASSERT_NE(Failed(r, "min_revenue"), nullptr);
  EXPECT_EQ(r.amount, Money::Zero());
  case_.organisation.prior_year_revenue.reset();
  EXPECT_NE(Failed(Run(), "min_revenue"), nullptr);
}

TEST_F(ChengduTest, MinimumGrantTenThousandInclusive) {
  case_.contract.fee = M("20000.00");
  QuoteResult r = Run();
  ASSERT_TRUE(r.eligible) << Failures(r);
  EXPECT_EQ(r.amount, M("10000.00"));
  case_.contract.fee = M("19999.98");  // 9,999.99 exactly: refused, not raised
  r = Run();
  EXPECT_FALSE(r.eligible);
  ASSERT_NE(Failed(r, "below_minimum"), nullptr);
  EXPECT_NE(Failed(r, "below_minimum")->message.find("9999.99"), std::string::npos);
  // 19,999.99 × 50 % = 9,999.995: rounded down (down_fen, in the fund's favour) to 9,999.99 and
  // refused. Rounding half up would make it 10,000.00 and grant it; the exact product above
  // cannot tell the two apart.
  case_.contract.fee = M("19999.99");
  r = Run();
  EXPECT_FALSE(r.eligible);
  ASSERT_NE(Failed(r, "below_minimum"), nullptr) << Failures(r);
  EXPECT_NE(Failed(r, "below_minimum")->message.find("9999.99"), std::string::npos);
}

TEST_F(ChengduTest, OneMillionPerOrganisationPerYear) {
  case_.contract.fee = M("3000000.00");  // 50% = 1,500,000 → capped at 1,000,000
  QuoteResult r = Run();
  ASSERT_TRUE(r.eligible) << Failures(r);
  EXPECT_EQ(r.amount, M("1000000.00"));
  // A second contract after 900,000 already granted this year gets the 100,000 left.
  case_.contract.fee = M("400000.00");
  case_.history.org_granted_this_year = M("900000.00");
  case_.history.org_granted_cumulative = M("900000.00");
  r = Run();
  ASSERT_TRUE(r.eligible) << Failures(r);
  EXPECT_EQ(r.amount, M("100000.00"));
  ASSERT_NE(FindStep(r, "cap.org_year"), nullptr);
  EXPECT_EQ(FindStep(r, "cap.org_year")->value, "100000.00");
  // Used up: refused.
  case_.history.org_granted_this_year = M("1000000.00");
  case_.history.org_granted_cumulative = M("1000000.00");
  EXPECT_NE(Failed(Run(), "cap_exhausted"), nullptr);
  // Headroom below the minimum voucher: refused rather than a voucher under 10,000.
  case_.history.org_granted_this_year = M("995000.00");
  case_.history.org_granted_cumulative = M("995000.00");
  EXPECT_NE(Failed(Run(), "below_minimum"), nullptr);
}

// The 1,000,000 a year is the standard tier's (seed 001 一; grant.caps[0].tiers). A firm with a
// 1,500,000 national-project grant this year was refused a standard voucher because the case's
// history carried only the total; with the grants by tier, only standard grants count.
TEST_F(ChengduTest, TheYearlyCapCountsTheStandardTiersGrantsOnly) {
  case_.contract.fee = M("200000.00");  // 100,000
  case_.history.org_granted_this_year = M("1500000.00");
  case_.history.org_granted_cumulative = M("1500000.00");
  EXPECT_NE(Failed(Run(), "cap_exhausted"), nullptr);  // no breakdown: every grant counts
  case_.history.org_granted_this_year_by_tier = std::map<std::string, Money>{{"national_project", M("1500000.00")}};
  QuoteResult r = Run();
  ASSERT_TRUE(r.eligible) << Failures(r);
  EXPECT_EQ(r.amount, M("100000.00"));
  ASSERT_NE(FindStep(r, "cap.org_year"), nullptr);
  EXPECT_NE(FindStep(r, "cap.org_year")->detail.find("in tiers standard"), std::string::npos);
  (*case_.history.org_granted_this_year_by_tier)["standard"] = M("950000.00");
  case_.history.org_granted_this_year = M("2450000.00");
  case_.history.org_granted_cumulative = M("2450000.00");
  EXPECT_EQ(Run().amount, M("50000.00"));
}

TEST_F(ChengduTest, TenMillionYearlyPool) {
  EXPECT_EQ(program_.pool->amount_per_year, M("10000000.00"));
  case_.history.pool_remaining = M("30000.00");  // partial: what is left
  QuoteResult r = Run();
  ASSERT_TRUE(r.eligible) << Failures(r);
  EXPECT_EQ(r.amount, M("30000.00"));
  case_.history.pool_remaining = M("5000.00");  // below the minimum grant
  EXPECT_FALSE(Run().eligible);
  case_.history.pool_remaining = M("0.00");
  EXPECT_NE(Failed(Run(), "pool_exhausted"), nullptr);
}

// Seed 001 states the 10,000 minimum in class 一's paragraph only, so a short pool does not
// refuse a project-tier grant of less than 10,000 (the same tier is granted 30.00 when the
// pool is full).
TEST_F(ChengduTest, ShortPoolAppliesTheMinimumOnlyToTheStandardTier) {
  case_.organisation.prior_year_revenue = M("100000.00");  // project class only
  case_.organisation.classes = {"major_project_lead"};
  case_.contract.project = Project{"P-NAT-1", "national"};
  case_.history.pool_remaining = M("9000.00");
  QuoteResult r = Run();  // 30% of 100,000 = 30,000; the pool has 9,000
  ASSERT_TRUE(r.eligible) << Failures(r);
  EXPECT_EQ(r.tier, "national_project");
  EXPECT_EQ(r.amount, M("9000.00"));
  case_ = ChengduCase();  // standard tier: 9,000 left is below its 10,000 minimum
  case_.history.pool_remaining = M("9000.00");
  r = Run();
  EXPECT_FALSE(r.eligible);
  EXPECT_NE(Failed(r, "below_minimum"), nullptr);
}

TEST_F(ChengduTest, NationalProjectThirtyPercentCappedThreeMillion) {
  case_.organisation.prior_year_revenue = M("100000.00");  // the revenue test does not apply
  case_.organisation.classes = {"major_project_lead"};
  case_.contract.project = Project{"P-NAT-1", "national"};
  case_.contract.fee = M("5000000.00");
  QuoteResult r = Run();
  ASSERT_TRUE(r.eligible) << Failures(r);
  EXPECT_EQ(r.tier, "national_project");
  EXPECT_EQ(r.amount, M("1500000.00"));  // 30%, not capped by the 1,000,000 org-year cap
  case_.contract.fee = M("20000000.00");  // 6,000,000 → 3,000,000
  EXPECT_EQ(Run().amount, M("3000000.00"));
  case_.history.project_granted = M("2500000.00");  // the cap is for the project in total
  EXPECT_EQ(Run().amount, M("500000.00"));
}

// Seed 001: the 50 % is class 一's, for revenue of at least 10,000,000; a major-project lead
// passes the revenue rule only for class 二 (30 % on its project). A lead with revenue 1.00 and
// a contract naming no project was granted 50 % of 2,000,000.
TEST_F(ChengduTest, FiftyPercentIsForTheRevenueClassOnly) {
  case_.organisation.classes = {"major_project_lead"};
  case_.organisation.prior_year_revenue = M("1.00");
  case_.contract.fee = M("2000000.00");
  QuoteResult r = Run();
  EXPECT_FALSE(r.eligible);
  EXPECT_NE(Failed(r, "no_tier"), nullptr) << Failures(r);
  EXPECT_EQ(r.amount, Money::Zero());
  case_.organisation.prior_year_revenue.reset();
  EXPECT_NE(Failed(Run(), "no_tier"), nullptr);
  case_.organisation.prior_year_revenue = M("10000000.00");  // class 一 as well: 50 %, capped
  r = Run();
  ASSERT_TRUE(r.eligible) << Failures(r);
  EXPECT_EQ(r.tier, "standard");
  EXPECT_EQ(r.amount, M("1000000.00"));
}

// An organisation in both classes is granted under the class its contract is applied under
// (assumed; seed 001 does not say): naming the national project, 30 % against the project's
// 3,000,000; naming none, 50 % against the 1,000,000 a year.
TEST_F(ChengduTest, AnOrganisationInBothClassesIsGrantedUnderTheContractsClass) {
  case_.organisation.classes = {"major_project_lead"};
  case_.contract.fee = M("1000000.00");
  case_.contract.project = Project{"P1", "national"};
  QuoteResult r = Run();
  ASSERT_TRUE(r.eligible) << Failures(r);
  EXPECT_EQ(r.tier, "national_project");
  EXPECT_EQ(r.amount, M("300000.00"));
  bool listed = false;
  for (const auto& a : r.assumptions) listed |= a.rule == "grant";
  EXPECT_TRUE(listed) << "the choice between the two classes must be listed as an assumption";
  case_.contract.project.reset();
  r = Run();
  ASSERT_TRUE(r.eligible) << Failures(r);
  EXPECT_EQ(r.tier, "standard");
  EXPECT_EQ(r.amount, M("500000.00"));
}

TEST_F(ChengduTest, ProvincialProjectThirtyPercentCappedOnePointFiveMillion) {
  case_.organisation.classes = {"major_project_lead"};
  case_.contract.project = Project{"P-PROV-1", "provincial"};
  case_.contract.fee = M("10000000.00");
  QuoteResult r = Run();
  ASSERT_TRUE(r.eligible) << Failures(r);
  EXPECT_EQ(r.tier, "provincial_project");
  EXPECT_EQ(r.amount, M("1500000.00"));
  case_.contract.fee = M("1000000.00");
  EXPECT_EQ(Run().amount, M("300000.00"));
}

TEST_F(ChengduTest, ApplicationWindowClosesAt24OnNovember29) {
  case_.as_of = T("2024-11-29T23:59:59+08:00");
  EXPECT_TRUE(Run().eligible);
  case_.as_of = T("2024-11-30T00:00:00+08:00");
  EXPECT_NE(Failed(Run(), "application_window"), nullptr);
  case_.as_of = T("2024-01-01T23:59:59+08:00");
  EXPECT_NE(Failed(Run(), "application_window"), nullptr);
  case_.as_of = T("2024-01-02T00:00:00+08:00");
  EXPECT_TRUE(Run().eligible);
  case_.as_of = T("2024-11-29T15:59:59Z");  // 23:59:59 CST given in UTC
  EXPECT_TRUE(Run().eligible);
}

// A decision after the close re-quotes an application made before it: the window is checked at
// applied_at, everything else (the issue day, caps, the pool) at as_of.
TEST_F(ChengduTest, TheWindowIsTheApplicationsWhenItIsDecidedLater) {
  case_.as_of = T("2024-11-30T09:00:00+08:00");
  case_.applied_at = T("2024-11-29T22:00:00+08:00");
  EXPECT_TRUE(Run().eligible) << Failures(Run());
  case_.applied_at = T("2024-11-30T00:00:00+08:00");
  EXPECT_NE(Failed(Run(), "application_window"), nullptr);
}

TEST_F(ChengduTest, ValidThroughNovember30OfTheIssueYear) {
  const QuoteResult r = Run();
  ASSERT_TRUE(r.expires_at.has_value());
  EXPECT_EQ(*r.expires_at, T("2024-12-01T00:00:00+08:00"));  // exclusive: all of 11-30 usable
  bool listed = false;
  for (const auto& a : r.assumptions) listed |= a.rule == "validity";
  EXPECT_TRUE(listed) << "the reading of 11月30日前 must be listed as an assumption";
}

TEST_F(ChengduTest, FiftyPercentDeductionPerSettlementUntilUsedUp) {
  case_.contract.fee = M("20000.00");  // voucher 10,000
  case_.settlements = {{M("8000.00"), {}}, {M("8000.00"), {}}, {M("8000.00"), {}}, {M("8000.00"), {}}};
  const QuoteResult r = Run();
  ASSERT_TRUE(r.eligible) << Failures(r);
  ASSERT_EQ(r.deductions.size(), 4u);
  EXPECT_EQ(r.deductions[0].deducted, M("4000.00"));
  EXPECT_EQ(r.deductions[1].deducted, M("4000.00"));
  EXPECT_EQ(r.deductions[2].deducted, M("2000.00"));
  EXPECT_EQ(r.deductions[2].customer_pays, M("6000.00"));
  EXPECT_EQ(r.deductions[2].remaining, Money::Zero());
  EXPECT_EQ(r.deductions[3].deducted, Money::Zero());
  EXPECT_EQ(r.deductions[3].customer_pays, M("8000.00"));
  EXPECT_EQ(r.deductions[0].invoiced, M("4000.00"));  // invoice on the actual payment
}

TEST_F(ChengduTest, DeductionRoundsDownToTheFen) {
  case_.settlements = {{M("0.03"), {}}};
  const QuoteResult r = Run();
  ASSERT_EQ(r.deductions.size(), 1u);
  EXPECT_EQ(r.deductions[0].deducted, M("0.01"));
  EXPECT_EQ(r.deductions[0].customer_pays, M("0.02"));
}

TEST_F(ChengduTest, NoDeductionAfterExpiry) {
  case_.settlements = {{M("8000.00"), D("2024-11-30")}, {M("8000.00"), D("2024-12-01")}};
  const QuoteResult r = Run();
  ASSERT_EQ(r.deductions.size(), 2u);
  EXPECT_EQ(r.deductions[0].deducted, M("4000.00"));
  EXPECT_EQ(r.deductions[1].deducted, Money::Zero());
}

TEST_F(ChengduTest, RelatedPartyRefused) {
  case_.organisation.related_parties = {"成都智算中心"};
  EXPECT_NE(Failed(Run(), "related_party"), nullptr);
  case_.organisation.related_parties.clear();
  case_.provider.related_parties = {kApplicantUscc};
  EXPECT_NE(Failed(Run(), "related_party"), nullptr);
}

TEST_F(ChengduTest, StackingWithTechInnovationVoucherRefused) {
  case_.other_subsidies = {"chengdu_tech_innovation_voucher"};
  const QuoteResult r = Run();
  EXPECT_FALSE(r.eligible);
  ASSERT_NE(Failed(r, "no_stacking"), nullptr);
  EXPECT_NE(Failed(r, "no_stacking")->clause.find("科技创新券"), std::string::npos);
}

TEST_F(ChengduTest, BannedOrganisationRefused) {
  case_.organisation.fraud_found_on = D("2022-03-16");  // ban runs to 2024-03-15 inclusive
  EXPECT_NE(Failed(Run(), "banned"), nullptr);
  case_.organisation.fraud_found_on = D("2022-03-15");
  EXPECT_TRUE(Run().eligible);
  case_.organisation.fraud_found_on.reset();
  case_.organisation.banned_until = D("2024-12-31");
  EXPECT_NE(Failed(Run(), "banned"), nullptr);
}

TEST_F(ChengduTest, CreditBlacklistRefused) {
  case_.organisation.credit.blacklisted = true;
  EXPECT_NE(Failed(Run(), "credit"), nullptr);
}

TEST_F(ChengduTest, NonTransferable) {
  case_.used_by_uscc = kOtherUscc;
  EXPECT_NE(Failed(Run(), "non_transferable"), nullptr);
}

TEST_F(ChengduTest, OnlyTheTwoCentres) {
  case_.provider.name = "某云服务商";
  EXPECT_NE(Failed(Run(), "provider"), nullptr);
  case_.provider.name = "国家超算成都中心";
  case_.contract.resource_class = "supercompute";
  EXPECT_TRUE(Run().eligible);
  case_.contract.resource_class = "network";
  EXPECT_NE(Failed(Run(), "resource_class"), nullptr);
}

TEST_F(ChengduTest, ContractSignedInTheProgramYear) {
  case_.contract.signed_on = D("2023-12-29");
  EXPECT_NE(Failed(Run(), "contract_year"), nullptr);
}

TEST_F(ChengduTest, IndividualsCannotApply) {
  case_.organisation.type = "individual";
  EXPECT_NE(Failed(Run(), "org_type"), nullptr);
}

TEST_F(ChengduTest, EveryReasonAndStepCarriesAClause) {
  case_.settlements = {{M("1000.00"), {}}};
  const QuoteResult r = Run();
  for (const auto& x : r.reasons) EXPECT_FALSE(x.clause.empty()) << x.code;
  for (const auto& s : r.steps) {
    if (s.name != "final") {
      EXPECT_FALSE(s.clause.empty()) << s.name;
    }
  }
}

}  // namespace
}  // namespace suanli::policy
