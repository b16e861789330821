// The history an application is quoted with: what the organisation has been granted under the
// same program, in the natural year of the decision, by the tier it was granted under. The caps
// used to be summed over every year (org-year) and every program (cumulative), and over every
// tier even when a cap binds one tier only.
#include <gtest/gtest.h>

#include "workflow/demo_voucher_fixture.h"

namespace suanli::workflow {
namespace {

class PlatformCapsTest : public testing::DemoVoucherTest {
 protected:
  // Files and applies for a contract of organisation 1 for `fee_fen`; returns the application.
  std::int64_t ApplyFor(NewContract c) {
    auto filed = platform_->FileContract(As("demo-applicant"), c);
    EXPECT_TRUE(filed.ok()) << filed.error().ToString();
    if (!filed.ok()) return 0;
    auto app = platform_->Apply(As("demo-applicant"), "chengdu-2024", filed->id);
    EXPECT_TRUE(app.ok()) << app.error().ToString();
    return app.ok() ? app->id : 0;
  }
  Result<Application> Approve(std::int64_t app) {
    return platform_->DecideApplication(As("officer"), app, true, "");
  }
};

// Seed 000 §二 / seed 001 一: 1,000,000 per organisation per year is the standard tier's cap
// (chengdu-2024.toml grant.caps[0], tiers = ["standard"]). A firm granted 1,500,000 at the
// national-project tier (seed 001 二, its own 3,000,000 project cap) was refused any standard
// voucher, and a standard grant of an earlier year still counted against this year.
TEST_F(PlatformCapsTest, TheStandardYearlyCapCountsThisYearsStandardGrantsOnly) {
  const std::int64_t first = ApplyForVoucher();  // 300,000 → 150,000 standard
  ASSERT_NE(first, 0);
  auto r1 = Approve(first);
  ASSERT_TRUE(r1.ok()) << r1.error().ToString();
  EXPECT_EQ(r1->granted_fen, 150'000'00);

  // A national major project: 30 % of 5,000,000 = 1,500,000 at the project tier.
  auto evidence = platform_->UploadDocument(As("demo-applicant"), "org/1", "project_evidence",
                                            "p.pdf", "%PDF-1.4 project");
  ASSERT_TRUE(evidence.ok()) << evidence.error().ToString();
  ASSERT_TRUE(platform_->ReviewDocument(As("officer"), evidence->id, true, "").ok());
  NewContract project = DemoContract("MP-1");
  project.amount_fen = 5'000'000'00;
  project.project_level = "national";
  project.project_name = "大模型训练平台";
  project.evidence_document_id = evidence->id;
  auto r2 = Approve(ApplyFor(project));
  ASSERT_TRUE(r2.ok()) << r2.error().ToString();
  EXPECT_EQ(r2->granted_fen, 1'500'000'00);

  // A standard contract of 2,000,000 (50 % = 1,000,000): the standard cap has 150,000 used, so
  // 850,000 is left. Counting the project grant too refused it (1,650,000 "used").
  NewContract standard = DemoContract("R-2");
  standard.amount_fen = 2'000'000'00;
  auto r3 = Approve(ApplyFor(standard));
  ASSERT_TRUE(r3.ok()) << r3.error().ToString();
  EXPECT_EQ(r3->granted_fen, 850'000'00);

  // R-1's grant was of another natural year (its approval moved to 2023-12-31 23:00 CST): this
  // year's standard grants are R-2's 850,000, so 150,000 is left for a 400,000 contract.
  Sql("UPDATE applications SET decided_at_us = " +
      std::to_string(Instant::Parse("2023-12-31T23:00:00+08:00").value().micros()) +
      " WHERE id = " + std::to_string(first));
  NewContract more = DemoContract("R-3");
  more.amount_fen = 400'000'00;
  auto r4 = Approve(ApplyFor(more));
  ASSERT_TRUE(r4.ok()) << r4.error().ToString();
  EXPECT_EQ(r4->granted_fen, 150'000'00);

  // Now used up for 2024: refused with the cap named.
  NewContract last = DemoContract("R-4");
  last.amount_fen = 100'000'00;
  auto filed = platform_->FileContract(As("demo-applicant"), last);
  ASSERT_TRUE(filed.ok()) << filed.error().ToString();
  auto refused = platform_->Apply(As("demo-applicant"), "chengdu-2024", filed->id);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, ErrorCode::kNotEligible);
  EXPECT_NE(refused.error().message.find("cap_exhausted"), std::string::npos)
      << refused.error().message;
}

}  // namespace
}  // namespace suanli::workflow
