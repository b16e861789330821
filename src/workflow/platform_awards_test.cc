// "Pay first, subsidy after" on the platform: Yangzhou (programs/yangzhou.toml, seed 002
// §送去及时雨: 按照实际支付30%比例,给予单个算力需求主体每年最高200万元补贴) from the payment the
// organisation records, through the application and the award, to the payout — with the
// figures of the source, the yearly cap across contracts, every refusal changing nothing, a
// fraud finding, and a restart.
#include <gtest/gtest.h>

#include "workflow/demo_voucher_fixture.h"

namespace suanli::workflow {
namespace {

class PlatformAwardsTest : public testing::DemoVoucherTest {
 protected:
  void SetUp() override {
    DemoVoucherTest::SetUp();
    ASSERT_TRUE(SeedDemo(*platform_).ok());
    // A Yangzhou AI firm (seed 002; voucher-programs.md §1 row 7: Yangzhou-registered).
    NewOrg firm;
    firm.uscc = WithUsccCheck("91321000MA1YA0001");
    firm.name = "扬州示例智能科技有限公司";
    firm.type = "enterprise";
    firm.region = "扬州";
    firm.industry = "artificial_intelligence";
    firm.legal_rep_name = "王扬州";
    firm.legal_rep_id = WithResidentIdCheck("32100219800101123");
    firm.prior_year_revenue_fen = 5'000'000'00;
    firm.admin_username = "yz-applicant";
    firm.admin_password = kDemoPassword;
    auto org = platform_->RegisterOrg(firm);
    ASSERT_TRUE(org.ok()) << org.error().ToString();
    org_ = org->id;
    const Principal applicant = As("yz-applicant");
    const Principal officer = As("officer");
    for (const char* kind : {"business_licence", "legal_rep_id_scan", "authenticity_pledge",
                             "no_violation_pledge", "credit_report", "audit_report"}) {
      auto d = platform_->UploadDocument(applicant, Owner(), kind, "f.pdf", "%PDF-1.4 yz");
      ASSERT_TRUE(d.ok()) << d.error().ToString();
      ASSERT_TRUE(platform_->ReviewDocument(officer, d->id, true, "").ok());
    }
    ASSERT_TRUE(platform_->SubmitQualification(applicant, org_).ok());
    ASSERT_TRUE(platform_->DecideQualification(officer, org_, true, "").ok());
    // A provider on the 运河城市算力平台 (the program's provider list).
    auto prov = platform_->CreateProvider(
        As("admin"), NewProvider{"扬州运河算力服务有限公司", WithUsccCheck("91321000MA1YB0002"), "扬州"});
    ASSERT_TRUE(prov.ok()) << prov.error().ToString();
    provider_ = prov->id;
    ASSERT_TRUE(platform_->SetProviderTag(officer, provider_, "yangzhou_canal_platform", true).ok());
  }

  std::string Owner() const { return "org/" + std::to_string(org_); }

  // A contract of `fee_fen` with the Yangzhou provider, signed 2024-03-01.
  Contract File(std::string no, std::int64_t fee_fen) {
    NewContract c;
    c.org_id = org_;
    c.provider_id = provider_;
    c.contract_no = std::move(no);
    c.amount_fen = fee_fen;
    c.signed_on = Date::Parse("2024-03-01").value();
    c.start_on = c.signed_on;
    c.end_on = Date::Parse("2024-12-31").value();
    c.resource_class = "intelligent_compute";
    auto filed = platform_->FileContract(As("yz-applicant"), c);
    EXPECT_TRUE(filed.ok()) << filed.error().ToString();
    return filed.ok() ? *filed : Contract{};
  }
  // A payment receipt of the organisation (`owner` another's to test the refusal).
  std::int64_t Receipt(const std::string& owner, const std::string& who = "yz-applicant") {
    auto d = platform_->UploadDocument(As(who), owner, "payment_receipt", "receipt.pdf",
                                       "%PDF-1.4 receipt " + std::to_string(++receipts_));
    EXPECT_TRUE(d.ok()) << d.error().ToString();
    return d.ok() ? d->id : 0;
  }
  Result<ContractPayment> Pay(std::int64_t contract, std::int64_t fen, std::string on,
                              std::int64_t document) {
    return platform_->RecordPayment(
        As("yz-applicant"), NewPayment{contract, fen, Date::Parse(on).value(), document});
  }
  // Files, pays in full with one receipt on 2024-04-01, applies and approves.
  Result<Application> Awarded(std::string no, std::int64_t paid_fen) {
    const Contract c = File(std::move(no), paid_fen);
    auto paid = Pay(c.id, paid_fen, "2024-04-01", Receipt(Owner()));
    EXPECT_TRUE(paid.ok()) << paid.error().ToString();
    auto app = platform_->Apply(As("yz-applicant"), "yangzhou", c.id);
    if (!app.ok()) return app.error();
    return platform_->DecideApplication(As("officer"), app->id, true, "");
  }
  PoolReport Pool() {
    auto r = platform_->Pool(As("auditor"), "yangzhou");
    EXPECT_TRUE(r.ok()) << r.error().ToString();
    return r.ok() ? *r : PoolReport{};
  }

  std::int64_t org_ = 0, provider_ = 0;
  int receipts_ = 0;
};

TEST_F(PlatformAwardsTest, YangzhouPaysThirtyPercentOfWhatWasPaidAsAnAwardThenPaysItOut) {
  const Contract c = File("YZ-1", 5'000'000'00);
  // Not paid yet: the base (contract.paid) is missing, so nothing is recorded.
  auto early = platform_->Apply(As("yz-applicant"), "yangzhou", c.id);
  ASSERT_FALSE(early.ok());
  EXPECT_EQ(early.error().code, ErrorCode::kNotEligible);
  EXPECT_NE(early.error().message.find("base_missing"), std::string::npos) << early.error().message;

  // Two payments: 1,000,000.00 and 234,567.89 = 1,234,567.89 actually paid.
  auto p1 = Pay(c.id, 1'000'000'00, "2024-03-20", Receipt(Owner()));
  ASSERT_TRUE(p1.ok()) << p1.error().ToString();
  const std::int64_t receipt2 = Receipt(Owner());
  auto p2 = Pay(c.id, 234'567'89, "2024-05-10", receipt2);  // today is allowed
  ASSERT_TRUE(p2.ok()) << p2.error().ToString();
  // The same payment again (a retry) is that payment, not a second one.
  auto again = Pay(c.id, 234'567'89, "2024-05-10", receipt2);
  ASSERT_TRUE(again.ok()) << again.error().ToString();
  EXPECT_EQ(again->id, p2->id);
  auto listed = platform_->ListPayments(As("yz-applicant"), c.id);
  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed->size(), 2u);
  auto contracts = platform_->ListContracts(As("officer"), Page{});
  ASSERT_TRUE(contracts.ok());
  EXPECT_EQ(contracts->back().paid_fen, 1'234'567'89);

  auto app = platform_->Apply(As("yz-applicant"), "yangzhou", c.id);
  ASSERT_TRUE(app.ok()) << app.error().ToString();
  // 30 % of 1,234,567.89 = 370,370.367, rounded down to the fen (the tier's default down_fen).
  EXPECT_EQ(app->quoted_fen, 370'370'36);
  auto decided = platform_->DecideApplication(As("officer"), app->id, true, "");
  ASSERT_TRUE(decided.ok()) << decided.error().ToString();
  EXPECT_EQ(decided->status, "approved");
  EXPECT_EQ(decided->granted_fen, 370'370'36);
  EXPECT_FALSE(decided->voucher_id.has_value());  // no voucher, no expiry
  ASSERT_TRUE(decided->award_id.has_value());
  auto seen = platform_->GetApplication(As("yz-applicant"), app->id);
  ASSERT_TRUE(seen.ok()) << seen.error().ToString();
  EXPECT_EQ(seen->award_id, decided->award_id);
  EXPECT_EQ(platform_->GetApplication(As("demo-applicant"), app->id).error().code,
            ErrorCode::kForbidden);
  auto vouchers = platform_->ListVouchers(As("yz-applicant"), Page{});
  ASSERT_TRUE(vouchers.ok());
  EXPECT_TRUE(vouchers->empty());

  const std::int64_t award_id = *decided->award_id;
  auto award = platform_->GetAward(As("yz-applicant"), award_id);
  ASSERT_TRUE(award.ok()) << award.error().ToString();
  EXPECT_EQ(award->amount_fen, 370'370'36);
  EXPECT_EQ(award->status, "awarded");
  EXPECT_EQ(award->contract_no, "YZ-1");
  // Payments are fixed once the application is decided.
  auto late = Pay(c.id, 1'00, "2024-05-10", Receipt(Owner()));
  ASSERT_FALSE(late.ok());
  EXPECT_EQ(late.error().code, ErrorCode::kStateConflict);

  PoolReport pool = Pool();
  EXPECT_EQ(pool.awarded_fen, 370'370'36);
  EXPECT_EQ(pool.issued_fen, 370'370'36);
  EXPECT_EQ(pool.redeemed_fen, 0);

  auto paid = platform_->PayAward(As("officer"), award_id, 370'370'36, "ICBC-20240510-001");
  ASSERT_TRUE(paid.ok()) << paid.error().ToString();
  EXPECT_EQ(paid->status, "paid");
  EXPECT_EQ(paid->bank_reference, "ICBC-20240510-001");
  // The same bank transfer again answers the paid award; another reference is a conflict.
  auto same = platform_->PayAward(As("officer"), award_id, 370'370'36, "ICBC-20240510-001");
  ASSERT_TRUE(same.ok()) << same.error().ToString();
  EXPECT_EQ(same->paid_at, paid->paid_at);
  auto other = platform_->PayAward(As("officer"), award_id, 370'370'36, "ICBC-20240510-002");
  ASSERT_FALSE(other.ok());
  EXPECT_EQ(other.error().code, ErrorCode::kStateConflict);

  pool = Pool();
  EXPECT_EQ(pool.award_paid_fen, 370'370'36);
  EXPECT_EQ(pool.redeemed_fen, 370'370'36);
  // Yangzhou states no yearly pool: the award is drawn from the funder, so the report has no
  // total to be funded with, nothing remaining of one and no burn-down.
  EXPECT_FALSE(pool.has_pool);
  EXPECT_EQ(pool.funded_fen, std::nullopt);
  EXPECT_EQ(pool.remaining_fen, std::nullopt);
  EXPECT_TRUE(pool.series.empty());

  auto notices = platform_->ListNotices(As("yz-applicant"));
  ASSERT_TRUE(notices.ok());
  int award_notices = 0;
  for (const Notice& n : *notices) {
    if (n.kind == "award.granted" || n.kind == "award.paid") ++award_notices;
    if (n.kind == "award.paid") {
      EXPECT_NE(n.text_zh.find("¥370,370.36"), std::string::npos) << n.text_zh;
      EXPECT_NE(n.text_en.find("ICBC-20240510-001"), std::string::npos) << n.text_en;
    }
  }
  EXPECT_EQ(award_notices, 2);

  // A restart keeps the payments, the award, its payout and the pool's figures.
  Reopen();
  auto kept = platform_->GetAward(As("officer"), award_id);
  ASSERT_TRUE(kept.ok()) << kept.error().ToString();
  EXPECT_EQ(kept->status, "paid");
  EXPECT_EQ(kept->bank_reference, "ICBC-20240510-001");
  auto app_kept = platform_->GetApplication(As("auditor"), app->id);
  ASSERT_TRUE(app_kept.ok());
  EXPECT_EQ(app_kept->award_id, award_id);
  EXPECT_EQ(platform_->ListPayments(As("officer"), c.id)->size(), 2u);
  pool = Pool();
  EXPECT_EQ(pool.awarded_fen, 370'370'36);
  EXPECT_EQ(pool.award_paid_fen, 370'370'36);
  auto replay = platform_->PayAward(As("officer"), award_id, 370'370'36, "ICBC-20240510-001");
  ASSERT_TRUE(replay.ok()) << replay.error().ToString();
  EXPECT_EQ(Pool().award_paid_fen, 370'370'36);  // no second move
  auto waiting = platform_->MoneyMovesWaiting();
  ASSERT_TRUE(waiting.ok());
  EXPECT_EQ(*waiting, 0);
}

// 2,000,000.00 per organisation per year (seed 002): a second contract in the same year gets
// only what is left, a third nothing.
TEST_F(PlatformAwardsTest, TheYearlyCapOfTwoMillionHoldsAcrossContracts) {
  auto first = Awarded("YZ-1", 1'234'567'89);
  ASSERT_TRUE(first.ok()) << first.error().ToString();
  EXPECT_EQ(first->granted_fen, 370'370'36);
  // 30 % of 6,000,000.00 is 1,800,000.00; 2,000,000.00 − 370,370.36 = 1,629,629.64 is left.
  auto second = Awarded("YZ-2", 6'000'000'00);
  ASSERT_TRUE(second.ok()) << second.error().ToString();
  EXPECT_EQ(second->granted_fen, 1'629'629'64);
  auto award = platform_->GetAward(As("officer"), *second->award_id);
  ASSERT_TRUE(award.ok());
  EXPECT_EQ(award->amount_fen, 1'629'629'64);
  auto third = Awarded("YZ-3", 100'000'00);
  ASSERT_FALSE(third.ok());
  EXPECT_EQ(third.error().code, ErrorCode::kNotEligible);
  EXPECT_NE(third.error().message.find("cap_exhausted"), std::string::npos) << third.error().message;
  const PoolReport pool = Pool();
  EXPECT_EQ(pool.awarded_fen, 2'000'000'00);
  EXPECT_EQ(pool.issued_fen, 2'000'000'00);
  // Listings: the officer sees both awards, paged; the applicant its own; another its none.
  auto page1 = platform_->ListAwards(As("officer"), Page{0, 1}, std::nullopt);
  ASSERT_TRUE(page1.ok());
  ASSERT_EQ(page1->size(), 1u);
  auto page2 = platform_->ListAwards(As("officer"), Page{page1->back().id, 1}, std::nullopt);
  ASSERT_TRUE(page2.ok());
  ASSERT_EQ(page2->size(), 1u);
  EXPECT_EQ(page2->front().amount_fen, 1'629'629'64);
  EXPECT_EQ(platform_->ListAwards(As("yz-applicant"), Page{}, "awarded")->size(), 2u);
  EXPECT_TRUE(platform_->ListAwards(As("demo-applicant"), Page{}, std::nullopt)->empty());
  EXPECT_EQ(platform_->ListAwards(As("op-ai"), Page{}, std::nullopt).error().code,
            ErrorCode::kForbidden);
}

TEST_F(PlatformAwardsTest, BadPaymentsAndPayoutsAreRefusedAndChangeNothing) {
  const Contract c = File("YZ-1", 1'000'000'00);
  const std::int64_t receipt = Receipt(Owner());
  auto refused = [&](Result<ContractPayment> r, ErrorCode code, const std::string& field) {
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, code) << r.error().ToString();
    EXPECT_EQ(r.error().field, field) << r.error().ToString();
  };
  refused(Pay(c.id, -1'00, "2024-04-01", receipt), ErrorCode::kNegativeAmount, "amount");
  refused(Pay(c.id, 0, "2024-04-01", receipt), ErrorCode::kOutOfRange, "amount");
  refused(Pay(c.id, 1'000'000'01, "2024-04-01", receipt), ErrorCode::kExceedsLimit, "amount");
  refused(Pay(c.id, 1'00, "2024-05-11", receipt), ErrorCode::kOutOfRange, "paid_on");  // tomorrow
  refused(Pay(c.id, 1'00, "2024-02-29", receipt), ErrorCode::kOutOfRange, "paid_on");  // pre-signing
  // The demo firm's receipt, and a receipt that is another kind of document.
  const std::int64_t theirs = Receipt("org/1", "demo-applicant");
  refused(Pay(c.id, 1'00, "2024-04-01", theirs), ErrorCode::kForbidden, "document_id");
  auto licence = platform_->ListDocuments(As("yz-applicant"), Owner());
  ASSERT_TRUE(licence.ok());
  refused(Pay(c.id, 1'00, "2024-04-01", licence->front().id), ErrorCode::kOutOfRange,
          "document_id");
  refused(Pay(c.id, 1'00, "2024-04-01", 9999), ErrorCode::kNotFound, "document_id");
  // Another organisation's applicant, and an officer, may not record it.
  auto wrong_org = platform_->RecordPayment(
      As("demo-applicant"), NewPayment{c.id, 1'00, Date::Parse("2024-04-01").value(), receipt});
  refused(wrong_org, ErrorCode::kForbidden, "org_id");
  auto officer = platform_->RecordPayment(
      As("officer"), NewPayment{c.id, 1'00, Date::Parse("2024-04-01").value(), receipt});
  ASSERT_FALSE(officer.ok());
  EXPECT_EQ(officer.error().code, ErrorCode::kForbidden);
  EXPECT_TRUE(platform_->ListPayments(As("yz-applicant"), c.id)->empty());

  // Paid in two parts up to the contract: a third part over it is refused; the receipt of the
  // first cited for another amount is a duplicate.
  ASSERT_TRUE(Pay(c.id, 600'000'00, "2024-04-01", receipt).ok());
  refused(Pay(c.id, 600'000'00, "2024-04-02", Receipt(Owner())), ErrorCode::kExceedsLimit,
          "amount");
  refused(Pay(c.id, 400'000'00, "2024-04-02", receipt), ErrorCode::kDuplicate, "document_id");
  ASSERT_TRUE(Pay(c.id, 400'000'00, "2024-04-02", Receipt(Owner())).ok());
  EXPECT_EQ(platform_->ListPayments(As("yz-applicant"), c.id)->size(), 2u);

  auto app = platform_->Apply(As("yz-applicant"), "yangzhou", c.id);
  ASSERT_TRUE(app.ok()) << app.error().ToString();
  EXPECT_EQ(platform_->DecideApplication(As("yz-applicant"), app->id, true, "").error().code,
            ErrorCode::kForbidden);
  auto decided = platform_->DecideApplication(As("officer"), app->id, true, "");
  ASSERT_TRUE(decided.ok()) << decided.error().ToString();
  const std::int64_t award = *decided->award_id;
  EXPECT_EQ(decided->granted_fen, 300'000'00);
  const PoolReport before = Pool();

  auto pay_refused = [&](Result<Award> r, ErrorCode code) {
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, code) << r.error().ToString();
  };
  pay_refused(platform_->PayAward(As("yz-applicant"), award, 300'000'00, "REF-1"),
              ErrorCode::kForbidden);
  pay_refused(platform_->PayAward(As("auditor"), award, 300'000'00, "REF-1"), ErrorCode::kForbidden);
  pay_refused(platform_->PayAward(As("officer"), award, 299'999'99, "REF-1"),
              ErrorCode::kContradiction);
  pay_refused(platform_->PayAward(As("officer"), award, 300'000'00, ""), ErrorCode::kMissingField);
  pay_refused(platform_->PayAward(As("officer"), award, -1, "REF-1"), ErrorCode::kNegativeAmount);
  pay_refused(platform_->PayAward(As("officer"), 9999, 300'000'00, "REF-1"), ErrorCode::kNotFound);
  EXPECT_EQ(platform_->GetAward(As("officer"), award)->status, "awarded");
  EXPECT_EQ(Pool().award_paid_fen, before.award_paid_fen);
  ASSERT_TRUE(platform_->PayAward(As("officer"), award, 300'000'00, "REF-1").ok());
  pay_refused(platform_->PayAward(As("officer"), award, 300'000'00, "REF-2"),
              ErrorCode::kStateConflict);
  EXPECT_EQ(Pool().award_paid_fen, 300'000'00);
}

// A fraud finding: the organisation is banned everywhere, so an award in another program is
// not paid (kBanned); its unpaid award in the finding's program is withdrawn, back to where it
// was drawn from, and a banned organisation cannot apply.
TEST_F(PlatformAwardsTest, AFraudFindingStopsTheAwardBeingPaid) {
  auto awarded = Awarded("YZ-1", 1'000'000'00);
  ASSERT_TRUE(awarded.ok()) << awarded.error().ToString();
  const std::int64_t award = *awarded->award_id;
  const Contract second = File("YZ-2", 100'000'00);
  ASSERT_TRUE(Pay(second.id, 100'000'00, "2024-04-01", Receipt(Owner())).ok());
  auto elsewhere = platform_->RecordFraud(As("officer"), org_, "chengdu-2024", "虚报合同");
  ASSERT_TRUE(elsewhere.ok()) << elsewhere.error().ToString();
  auto banned = platform_->PayAward(As("officer"), award, 300'000'00, "REF-1");
  ASSERT_FALSE(banned.ok());
  EXPECT_EQ(banned.error().code, ErrorCode::kBanned);
  EXPECT_EQ(platform_->GetAward(As("officer"), award)->status, "awarded");
  auto apply = platform_->Apply(As("yz-applicant"), "yangzhou", second.id);
  ASSERT_FALSE(apply.ok());
  EXPECT_EQ(apply.error().code, ErrorCode::kBanned);

  auto here = platform_->RecordFraud(As("officer"), org_, "yangzhou", "虚开付款发票");
  ASSERT_TRUE(here.ok()) << here.error().ToString();
  EXPECT_EQ(platform_->GetAward(As("officer"), award)->status, "withdrawn");
  auto withdrawn = platform_->PayAward(As("officer"), award, 300'000'00, "REF-1");
  ASSERT_FALSE(withdrawn.ok());
  EXPECT_EQ(withdrawn.error().code, ErrorCode::kStateConflict);
  const PoolReport pool = Pool();
  EXPECT_EQ(pool.awarded_fen, 300'000'00);
  EXPECT_EQ(pool.clawed_back_fen, 300'000'00);
  EXPECT_EQ(pool.award_paid_fen, 0);
  EXPECT_EQ(pool.funded_fen, std::nullopt);  // no yearly pool: the award went back to the funder
}

// An award already paid when fraud is found is money the organisation holds: it is owed back
// (used_to_recover, the pool's recovery_outstanding) and reaches the pool only as it is repaid.
// A second finding in the program does not owe it twice.
TEST_F(PlatformAwardsTest, AFindingAfterThePayoutOwesThePaidAwardBackOnce) {
  auto awarded = Awarded("YZ-1", 1'000'000'00);
  ASSERT_TRUE(awarded.ok()) << awarded.error().ToString();
  const std::int64_t award = *awarded->award_id;
  ASSERT_TRUE(platform_->PayAward(As("officer"), award, 300'000'00, "REF-1").ok());
  auto e = platform_->RecordFraud(As("officer"), org_, "yangzhou", "虚开付款发票");
  ASSERT_TRUE(e.ok()) << e.error().ToString();
  EXPECT_EQ(e->used_recovered_fen, 300'000'00);
  EXPECT_EQ(e->voucher_clawed_fen, 0);
  EXPECT_EQ(platform_->GetAward(As("officer"), award)->status, "paid");  // it was paid
  EXPECT_EQ(Pool().recovery_outstanding_fen, 300'000'00);
  auto again = platform_->RecordFraud(As("officer"), org_, "yangzhou", "另一项违规");
  ASSERT_TRUE(again.ok()) << again.error().ToString();
  EXPECT_EQ(again->used_recovered_fen, 0);
  EXPECT_EQ(Pool().recovery_outstanding_fen, 300'000'00);
  auto repaid = platform_->RecordRepayment(As("officer"), e->id, 300'000'00, "ICBC-R1");
  ASSERT_TRUE(repaid.ok()) << repaid.error().ToString();
  EXPECT_EQ(repaid->outstanding_fen(), 0);
  EXPECT_EQ(Pool().recovery_outstanding_fen, 0);
  EXPECT_EQ(Pool().repaid_fen, 300'000'00);
  // Repaid to the funder the award was drawn from: Yangzhou has no pool to refill, and the
  // report shows nothing remaining of one.
  EXPECT_EQ(Pool().remaining_fen, std::nullopt);
  const std::int64_t funder = MoveDebit("award/yangzhou/app-" + std::to_string(awarded->id));
  ASSERT_GT(funder, 0);
  EXPECT_EQ(SqlInt("SELECT credit_account FROM money_moves WHERE code = 10"), funder);
}

}  // namespace
}  // namespace suanli::workflow
