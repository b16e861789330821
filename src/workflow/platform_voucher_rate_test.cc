// The share a voucher pays, on its view (Voucher::rate, its terms fixed at issue): what its
// settlements or redemptions compute with, so a client can preview an amount. For a Chengdu voucher, the program's
// deduction share (seed 000 §四(三): 每次抵扣费用为结算费用的50%) whatever tier granted it: a
// national major project's voucher is granted at 30 % of the contract but pays 50 % of each bill.
#include <gtest/gtest.h>

#include "workflow/demo_voucher_fixture.h"

namespace suanli::workflow {
namespace {

class PlatformVoucherRateTest : public testing::DemoVoucherTest {
 protected:
  std::optional<Rate> RateOf(std::int64_t voucher) {
    auto v = platform_->GetVoucher(As("officer"), voucher);
    EXPECT_TRUE(v.ok()) << v.error().ToString();
    return v.ok() ? v->rate : std::nullopt;
  }
};

TEST_F(PlatformVoucherRateTest, AChengduVoucherPaysTheDeductionShareWhateverItsTier) {
  const std::int64_t standard = IssueVoucher();  // 50 % of 300,000.00 (tier standard)
  ASSERT_NE(standard, 0);
  EXPECT_EQ(RateOf(standard), Rate::Percent(50));

  // A national major project: granted 30 % of 1,000,000.00 at the project tier.
  auto evidence = platform_->UploadDocument(As("demo-applicant"), "org/1", "project_evidence",
                                            "p.pdf", "%PDF-1.4 project");
  ASSERT_TRUE(evidence.ok()) << evidence.error().ToString();
  ASSERT_TRUE(platform_->ReviewDocument(As("officer"), evidence->id, true, "").ok());
  NewContract project = DemoContract("MP-1");
  project.amount_fen = 1'000'000'00;
  project.project_level = "national";
  project.project_name = "大模型训练平台";
  project.evidence_document_id = evidence->id;
  auto filed = platform_->FileContract(As("demo-applicant"), project);
  ASSERT_TRUE(filed.ok()) << filed.error().ToString();
  auto app = platform_->Apply(As("demo-applicant"), "chengdu-2024", filed->id);
  ASSERT_TRUE(app.ok()) << app.error().ToString();
  auto decided = platform_->DecideApplication(As("officer"), app->id, true, "");
  ASSERT_TRUE(decided.ok()) << decided.error().ToString();
  EXPECT_EQ(decided->granted_fen, 300'000'00);
  const std::int64_t national = decided->voucher_id.value_or(0);
  ASSERT_NE(national, 0);
  // Its bills are settled at 50 %, not at the 30 % it was granted at: the view says 50 %.
  EXPECT_EQ(RateOf(national), Rate::Percent(50));
  auto settled = Settle(national, "mp-1", 10'000'01);
  ASSERT_TRUE(settled.ok()) << settled.error().ToString();
  EXPECT_EQ(settled->deduction_fen, 5'000'00);  // 50 % of 10,000.01, rounded down to the fen

  // Read back at start-up from the voucher's row, as the settlement path reads it.
  Reopen();
  EXPECT_EQ(RateOf(standard), Rate::Percent(50));
  EXPECT_EQ(RateOf(national), Rate::Percent(50));
}

}  // namespace
}  // namespace suanli::workflow
