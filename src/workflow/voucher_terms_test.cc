// TermsFor and the terms' columns (voucher_terms.h), on programs built by hand.
#include <gtest/gtest.h>

#include "workflow/voucher_terms.h"

namespace suanli::workflow {
namespace {

policy::Program Deducting() {
  policy::Program p;
  p.id = "test-deduct";
  p.mode = policy::Mode::kVoucherDeduction;
  policy::Deduction d;
  d.share = Rate{305, 729};
  d.rounding = kTruncateWan4dp;
  d.invoice = policy::InvoiceMode::kFullAmount;
  p.deduction = d;
  return p;
}

policy::Program Redeeming() {
  policy::Program p;
  p.id = "test-redeem";
  p.mode = policy::Mode::kApplyThenRedeem;
  policy::Tier t;
  t.id = "standard";
  t.rate = Rate::Percent(20);
  p.tiers.push_back(t);
  return p;
}

TEST(VoucherTerms, ADeductingProgramGivesItsShareRoundingAndInvoiceWhateverTheTier) {
  auto t = TermsFor(Deducting(), "any", 3);
  ASSERT_TRUE(t.ok()) << t.error().ToString();
  EXPECT_FALSE(t->redeemed_by_org);
  EXPECT_EQ(t->share, (Rate{305, 729}));
  EXPECT_EQ(t->rounding.Name(), kTruncateWan4dp.Name());
  EXPECT_EQ(t->invoice, policy::InvoiceMode::kFullAmount);
  EXPECT_EQ(t->program_version, 3);
}

TEST(VoucherTerms, ARedeemedProgramGivesTheTiersRateDownToTheFen) {
  auto t = TermsFor(Redeeming(), "standard", 1);
  ASSERT_TRUE(t.ok()) << t.error().ToString();
  EXPECT_TRUE(t->redeemed_by_org);
  EXPECT_EQ(t->share, Rate::Percent(20));
  EXPECT_EQ(t->rounding.Name(), kDownToFen.Name());
  auto missing = TermsFor(Redeeming(), "gone", 1);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().field, "tier");
}

TEST(VoucherTerms, AProgramWithoutADeductionGivesNone) {
  policy::Program p = Deducting();
  p.deduction.reset();
  auto t = TermsFor(p, "", 1);
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.error().code, ErrorCode::kContradiction);
  EXPECT_EQ(t.error().field, "deduction");
}

TEST(VoucherTerms, ColumnsRoundTripAndABadOneIsNamed) {
  for (const policy::Program& p : {Deducting(), Redeeming()}) {
    auto t = TermsFor(p, "standard", 2);
    ASSERT_TRUE(t.ok());
    const VoucherTermsColumns c = ColumnsOf(*t);
    auto back = TermsFromColumns(c);
    ASSERT_TRUE(back.ok()) << back.error().ToString();
    EXPECT_EQ(back->redeemed_by_org, t->redeemed_by_org);
    EXPECT_EQ(back->share, t->share);
    EXPECT_EQ(back->rounding.Name(), t->rounding.Name());
    EXPECT_EQ(back->invoice, t->invoice);
    EXPECT_EQ(back->program_version, 2);
  }
  VoucherTermsColumns c = ColumnsOf(*TermsFor(Deducting(), "", 1));
  EXPECT_EQ(c.share, "305/729");
  EXPECT_EQ(c.invoice, "full_amount");
  c.invoice = "whatever";
  EXPECT_EQ(TermsFromColumns(c).error().field, "invoice");
  c = ColumnsOf(*TermsFor(Deducting(), "", 1));
  c.share = "-5%";
  EXPECT_EQ(TermsFromColumns(c).error().field, "share");
  c = ColumnsOf(*TermsFor(Deducting(), "", 1));
  c.redeemed_by = "";
  EXPECT_EQ(TermsFromColumns(c).error().field, "redeemed_by");
}

}  // namespace
}  // namespace suanli::workflow
