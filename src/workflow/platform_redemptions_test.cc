// Apply, then redeem, on the platform: Beijing's 人工智能算力券 (programs/beijing.toml;
// voucher-programs.md §1 row 1: CF × ≤20 % per application; "(1) apply with the signed
// contract → voucher. (2) After settling with the provider, redeem with invoice + delivery
// proof"). The voucher of 20 % of a 1,000,000.00 contract is 200,000.00; the organisation
// redeems 20 % of each invoice, at most what is left; the officer pays or refuses. Every
// refusal changes nothing; expiry, a fraud finding and a restart keep the figures.
#include <gtest/gtest.h>

#include "workflow/demo_voucher_fixture.h"

namespace suanli::workflow {
namespace {

class PlatformRedemptionsTest : public testing::DemoVoucherTest {
 protected:
  void SetUp() override {
    DemoVoucherTest::SetUp();
    ASSERT_TRUE(SeedDemo(*platform_).ok());
    NewOrg firm;
    firm.uscc = WithUsccCheck("91110108MA1BJ0001");
    firm.name = "北京示例智能软件有限公司";
    firm.type = "enterprise";
    firm.region = "北京";
    firm.industry = "software_it_service";
    firm.legal_rep_name = "李北京";
    firm.legal_rep_id = WithResidentIdCheck("11010819800101123");
    firm.prior_year_revenue_fen = 8'000'000'00;
    firm.admin_username = "bj-applicant";
    firm.admin_password = kDemoPassword;
    auto org = platform_->RegisterOrg(firm);
    ASSERT_TRUE(org.ok()) << org.error().ToString();
    org_ = org->id;
    const Principal applicant = As("bj-applicant");
    const Principal officer = As("officer");
    for (const char* kind : {"business_licence", "legal_rep_id_scan", "authenticity_pledge",
                             "no_violation_pledge", "credit_report", "audit_report"}) {
      auto d = platform_->UploadDocument(applicant, Owner(), kind, "f.pdf", "%PDF-1.4 bj");
      ASSERT_TRUE(d.ok()) << d.error().ToString();
      ASSERT_TRUE(platform_->ReviewDocument(officer, d->id, true, "").ok());
    }
    ASSERT_TRUE(platform_->SubmitQualification(applicant, org_).ok());
    ASSERT_TRUE(platform_->DecideQualification(officer, org_, true, "").ok());
    // A compute partner of the 通用人工智能产业创新伙伴计划 (the program's provider list).
    auto prov = platform_->CreateProvider(
        As("admin"), NewProvider{"北京示例智算中心有限公司", WithUsccCheck("91110108MA1BJ0002"), "北京"});
    ASSERT_TRUE(prov.ok()) << prov.error().ToString();
    provider_ = prov->id;
    ASSERT_TRUE(platform_->SetProviderTag(officer, provider_, "beijing_compute_partner", true).ok());
    // A 1,000,000.00 contract signed 2024-03-01 for a year (term ≤ 1 year), applied for on
    // 2024-05-10 (the fixture's clock) and approved.
    NewContract c;
    c.org_id = org_;
    c.provider_id = provider_;
    c.contract_no = "BJ-2024-001";
    c.amount_fen = 1'000'000'00;
    c.signed_on = Date::Parse("2024-03-01").value();
    c.start_on = c.signed_on;
    c.end_on = Date::Parse("2025-02-28").value();
    c.resource_class = "intelligent_compute";
    auto filed = platform_->FileContract(applicant, c);
    ASSERT_TRUE(filed.ok()) << filed.error().ToString();
    auto app = platform_->Apply(applicant, "beijing", filed->id);
    ASSERT_TRUE(app.ok()) << app.error().ToString();
    auto decided = platform_->DecideApplication(officer, app->id, true, "");
    ASSERT_TRUE(decided.ok()) << decided.error().ToString();
    ASSERT_TRUE(decided->voucher_id.has_value());
    voucher_ = *decided->voucher_id;
  }

  std::string Owner() const { return "org/" + std::to_string(org_); }
  std::int64_t Doc(const char* kind, const std::string& owner = "",
                   const std::string& who = "bj-applicant") {
    auto d = platform_->UploadDocument(As(who), owner.empty() ? Owner() : owner, kind, "f.pdf",
                                       "%PDF-1.4 " + std::string(kind) + " " +
                                           std::to_string(++docs_));
    EXPECT_TRUE(d.ok()) << d.error().ToString();
    return d.ok() ? d->id : 0;
  }
  // SubmitRedemption's answer: the redemption, and whether it was a replay.
  Result<RedemptionSubmitted> Submit(std::string invoice_no, std::int64_t invoiced_fen,
                                     std::int64_t invoice_doc = 0, std::int64_t proof_doc = 0) {
    NewRedemption r;
    r.voucher_id = voucher_;
    r.invoice_no = std::move(invoice_no);
    r.invoiced_fen = invoiced_fen;
    r.invoice_document_id = invoice_doc != 0 ? invoice_doc : Doc("invoice");
    r.proof_document_id = proof_doc != 0 ? proof_doc : Doc("proof_of_service");
    return platform_->SubmitRedemption(As("bj-applicant"), r);
  }
  Result<Redemption> Redeem(std::string invoice_no, std::int64_t invoiced_fen,
                            std::int64_t invoice_doc = 0, std::int64_t proof_doc = 0) {
    auto out = Submit(std::move(invoice_no), invoiced_fen, invoice_doc, proof_doc);
    if (!out.ok()) return out.error();
    return out->redemption;
  }
  Voucher V() {
    auto v = platform_->GetVoucher(As("officer"), voucher_);
    EXPECT_TRUE(v.ok()) << v.error().ToString();
    return v.ok() ? *v : Voucher{};
  }
  PoolReport Pool() {
    auto r = platform_->Pool(As("auditor"), "beijing");
    EXPECT_TRUE(r.ok()) << r.error().ToString();
    return r.ok() ? *r : PoolReport{};
  }
  void ExpectReconciled() {
    auto r = platform_->Reconcile(As("auditor"));
    ASSERT_TRUE(r.ok()) << r.error().ToString();
    EXPECT_TRUE(r->ok()) << (r->differences.empty() ? "" : r->differences.front());
  }

  // The voucher's application (its grant's ledger key names it).
  std::int64_t Application() {
    return SqlInt("SELECT application_id FROM vouchers WHERE id = " + std::to_string(voucher_));
  }

  std::int64_t org_ = 0, provider_ = 0, voucher_ = 0;
  int docs_ = 0;
};

TEST_F(PlatformRedemptionsTest, BeijingVoucherIsTwentyPercentRedeemedByInvoiceAndPaidByTheOfficer) {
  Voucher v = V();
  EXPECT_EQ(v.grant_fen, 200'000'00);  // 20 % × 1,000,000.00
  EXPECT_EQ(v.redeemed_by, "organisation");
  // The share of each invoice it redeems: its tier's rate, which the console previews with.
  ASSERT_TRUE(v.rate.has_value());
  EXPECT_EQ(*v.rate, Rate::Percent(20));
  EXPECT_EQ(v.remaining_fen, 200'000'00);
  // 18 months from issue on 2024-05-10 (assumed, programs/beijing.toml): through 2025-11-10.
  EXPECT_EQ(v.expires_at, Instant::Parse("2025-11-11T00:00:00+08:00").value());
  // No grant came from a pool (Beijing states no yearly total): the funder's. The report has
  // no total to be funded with and nothing remaining of one.
  PoolReport issued = Pool();
  EXPECT_EQ(issued.issued_fen, 200'000'00);
  EXPECT_FALSE(issued.has_pool);
  EXPECT_EQ(issued.funded_fen, std::nullopt);
  EXPECT_EQ(issued.remaining_fen, std::nullopt);
  EXPECT_TRUE(issued.series.empty());

  // The provider cannot deduct from it (the system stands in for its operator).
  std::promise<Result<SettlementResult>> done;
  platform_->SubmitSettlement(Principal::System(),
                              SettlementRequest{"bj-1", voucher_, "BILL-1", 10'000'00},
                              [&](Result<SettlementResult> out) { done.set_value(std::move(out)); });
  auto settled = done.get_future().get();
  ASSERT_FALSE(settled.ok());
  EXPECT_EQ(settled.error().code, ErrorCode::kStateConflict);
  EXPECT_NE(settled.error().message.find("redeemed by the organisation"), std::string::npos)
      << settled.error().message;

  // Nor can a job be billed to it (no share of any bill).
  NewJob job;
  job.name = "train";
  job.resource_type = "gpu";
  job.script = "#!/bin/sh\ntrue\n";
  job.voucher_id = voucher_;
  auto submitted = platform_->SubmitJob(As("bj-applicant"), job);
  ASSERT_FALSE(submitted.ok());
  EXPECT_EQ(submitted.error().code, ErrorCode::kStateConflict);
  EXPECT_EQ(submitted.error().field, "voucher_id");

  // Invoice 1: 600,000.00 paid → 20 % = 120,000.00, held from the voucher at once.
  auto r1 = Redeem("FP-001", 600'000'00);
  ASSERT_TRUE(r1.ok()) << r1.error().ToString();
  EXPECT_EQ(r1->amount_fen, 120'000'00);
  EXPECT_EQ(r1->rate, "20%");
  EXPECT_EQ(r1->status, "submitted");
  EXPECT_EQ(r1->contract_no, "BJ-2024-001");
  v = V();
  EXPECT_EQ(v.remaining_fen, 80'000'00);
  EXPECT_EQ(v.held_fen, 120'000'00);
  EXPECT_EQ(v.used_fen, 0);

  // The payout must name the amount; then it is paid once.
  auto wrong = platform_->PayRedemption(As("officer"), r1->id, 100'000'00, "BANK-1");
  ASSERT_FALSE(wrong.ok());
  EXPECT_EQ(wrong.error().code, ErrorCode::kContradiction);
  EXPECT_EQ(platform_->PayRedemption(As("bj-applicant"), r1->id, 120'000'00, "BANK-1")
                .error().code, ErrorCode::kForbidden);
  auto paid = platform_->PayRedemption(As("officer"), r1->id, 120'000'00, "BANK-1");
  ASSERT_TRUE(paid.ok()) << paid.error().ToString();
  EXPECT_EQ(paid->status, "paid");
  EXPECT_EQ(paid->bank_reference, "BANK-1");
  auto again = platform_->PayRedemption(As("officer"), r1->id, 120'000'00, "BANK-1");
  ASSERT_TRUE(again.ok()) << again.error().ToString();  // a retry is that payout
  EXPECT_EQ(platform_->PayRedemption(As("officer"), r1->id, 120'000'00, "BANK-2").error().code,
            ErrorCode::kStateConflict);
  v = V();
  EXPECT_EQ(v.used_fen, 120'000'00);
  EXPECT_EQ(v.held_fen, 0);
  EXPECT_EQ(v.remaining_fen, 80'000'00);

  // Invoice 2 of 500,000.00 would take the contract's invoices to 1,100,000.00: refused, and
  // nothing moved.
  auto over = Redeem("FP-002", 500'000'00);
  ASSERT_FALSE(over.ok());
  EXPECT_EQ(over.error().code, ErrorCode::kExceedsLimit);
  EXPECT_EQ(over.error().field, "invoiced");
  EXPECT_EQ(V().remaining_fen, 80'000'00);
  // 400,000.00 → 80,000.00, exactly what is left.
  auto r2 = Redeem("FP-002", 400'000'00);
  ASSERT_TRUE(r2.ok()) << r2.error().ToString();
  EXPECT_EQ(r2->amount_fen, 80'000'00);
  EXPECT_EQ(V().remaining_fen, 0);
  ASSERT_TRUE(platform_->PayRedemption(As("officer"), r2->id, 80'000'00, "BANK-2").ok());
  v = V();
  EXPECT_EQ(v.used_fen, 200'000'00);
  EXPECT_EQ(v.remaining_fen, 0);

  const PoolReport pool = Pool();
  EXPECT_EQ(pool.used_fen, 200'000'00);
  EXPECT_EQ(pool.redeemed_fen, 200'000'00);
  EXPECT_EQ(pool.lapsed_fen, 0);
  // The reports count paid redemptions as used and redeemed, under the voucher's provider, the
  // organisation's industry and the payout's quarter (both paid on 2024-05-10: 2024Q2).
  for (const char* by : {"provider", "industry", "quarter"}) {
    auto rows = platform_->Report(As("auditor"), "beijing", by);
    ASSERT_TRUE(rows.ok()) << rows.error().ToString();
    ASSERT_EQ(rows->size(), 1u) << by;
    const ReportRow& r = rows->front();
    EXPECT_EQ(r.group, std::string(by) == "provider" ? "北京示例智算中心有限公司"
                       : std::string(by) == "industry" ? "software_it_service"
                                                       : "2024Q2");
    EXPECT_EQ(r.issued_fen, 200'000'00) << by;
    EXPECT_EQ(r.used_fen, 200'000'00) << by;
    EXPECT_EQ(r.redeemed_fen, 200'000'00) << by;
  }

  auto mine = platform_->ListRedemptions(As("bj-applicant"), Page{}, std::nullopt, voucher_);
  ASSERT_TRUE(mine.ok());
  ASSERT_EQ(mine->size(), 2u);
  EXPECT_EQ((*mine)[0].invoice_no, "FP-001");
  auto others = platform_->ListRedemptions(As("demo-applicant"), Page{}, std::nullopt, std::nullopt);
  ASSERT_TRUE(others.ok());
  EXPECT_TRUE(others->empty());
  EXPECT_EQ(platform_->GetRedemption(As("demo-applicant"), r1->id).error().code,
            ErrorCode::kForbidden);
  ExpectReconciled();

  // A restart rebuilds used and held from the table and the ledger, and the rate from the
  // voucher's tier.
  Reopen();
  v = V();
  ASSERT_TRUE(v.rate.has_value());
  EXPECT_EQ(*v.rate, Rate::Percent(20));
  EXPECT_EQ(v.used_fen, 200'000'00);
  EXPECT_EQ(v.held_fen, 0);
  EXPECT_EQ(v.lapsed_fen, 0);
  EXPECT_EQ(v.remaining_fen, 0);
}

TEST_F(PlatformRedemptionsTest, BadRedemptionsAreRefusedAndChangeNothing) {
  const auto unchanged = [&] {
    const Voucher v = V();
    EXPECT_EQ(v.remaining_fen, 200'000'00);
    EXPECT_EQ(v.held_fen, 0);
  };
  auto expect = [&](Result<Redemption> r, ErrorCode code, const std::string& field) {
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, code) << r.error().ToString();
    EXPECT_EQ(r.error().field, field) << r.error().ToString();
    unchanged();
  };
  expect(Redeem("", 1'000'00), ErrorCode::kMissingField, "invoice_no");
  expect(Redeem("FP-X", 0), ErrorCode::kOutOfRange, "invoiced");
  expect(Redeem("FP-X", -5), ErrorCode::kNegativeAmount, "invoiced");
  // 0.04 × 20 % = 0.008: not a fen.
  expect(Redeem("FP-X", 4), ErrorCode::kOutOfRange, "invoiced");
  // Documents: of the wrong kind, or another organisation's.
  expect(Redeem("FP-X", 1'000'00, Doc("proof_of_service")), ErrorCode::kOutOfRange,
         "invoice_document_id");
  expect(Redeem("FP-X", 1'000'00, 0, Doc("invoice")), ErrorCode::kOutOfRange,
         "proof_document_id");
  expect(Redeem("FP-X", 1'000'00, Doc("invoice", "org/1", "demo-applicant")),
         ErrorCode::kForbidden, "invoice_document_id");
  expect(Redeem("FP-X", 1'000'00, 999'999), ErrorCode::kNotFound, "invoice_document_id");
  // Not the applicant's voucher, nor an applicant.
  NewRedemption r;
  r.voucher_id = voucher_;
  r.invoice_no = "FP-X";
  r.invoiced_fen = 1'000'00;
  r.invoice_document_id = Doc("invoice");
  r.proof_document_id = Doc("proof_of_service");
  EXPECT_EQ(platform_->SubmitRedemption(As("demo-applicant"), r).error().code,
            ErrorCode::kForbidden);
  EXPECT_EQ(platform_->SubmitRedemption(As("officer"), r).error().code, ErrorCode::kForbidden);
  unchanged();
  // A Chengdu voucher is the provider's to deduct from.
  const std::int64_t chengdu = IssueVoucher();
  r.voucher_id = chengdu;
  auto cd = platform_->SubmitRedemption(As("demo-applicant"), r);
  ASSERT_FALSE(cd.ok());
  EXPECT_EQ(cd.error().code, ErrorCode::kStateConflict);

  // The same invoice twice: the same figures are a retry, answered with the first redemption
  // and said to be one (`duplicate`: the route answers 200, not 201); others a second claim.
  const std::int64_t inv = Doc("invoice"), proof = Doc("proof_of_service");
  auto submitted = Submit("FP-1", 100'000'00, inv, proof);
  ASSERT_TRUE(submitted.ok()) << submitted.error().ToString();
  EXPECT_FALSE(submitted->duplicate);
  const Redemption first = submitted->redemption;
  EXPECT_EQ(first.amount_fen, 20'000'00);
  auto retry = Submit("FP-1", 100'000'00, inv, proof);
  ASSERT_TRUE(retry.ok()) << retry.error().ToString();
  EXPECT_TRUE(retry->duplicate);
  EXPECT_EQ(retry->redemption.id, first.id);
  EXPECT_EQ(retry->redemption.submitted_at, first.submitted_at);
  EXPECT_EQ(V().held_fen, 20'000'00);  // held once
  auto second = Redeem("FP-1", 90'000'00);
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.error().code, ErrorCode::kDuplicate);
  // One invoice document proves one invoice.
  auto cited = Redeem("FP-2", 10'000'00, inv);
  ASSERT_FALSE(cited.ok());
  EXPECT_EQ(cited.error().code, ErrorCode::kDuplicate);
  EXPECT_EQ(cited.error().field, "invoice_document_id");
  EXPECT_EQ(V().held_fen, 20'000'00);

  // Refused: the hold goes back to the voucher; a decided redemption is not decided again.
  EXPECT_EQ(platform_->RefuseRedemption(As("officer"), first.id, "").error().code,
            ErrorCode::kMissingField);
  auto refused = platform_->RefuseRedemption(As("officer"), first.id, "发票与合同不符");
  ASSERT_TRUE(refused.ok()) << refused.error().ToString();
  EXPECT_EQ(refused->status, "refused");
  EXPECT_EQ(refused->reasons, "发票与合同不符");
  unchanged();
  EXPECT_EQ(platform_->RefuseRedemption(As("officer"), first.id, "again").error().code,
            ErrorCode::kStateConflict);
  EXPECT_EQ(platform_->PayRedemption(As("officer"), first.id, 20'000'00, "B").error().code,
            ErrorCode::kStateConflict);
  // A refused invoice may be submitted again, with a new proof: a new redemption, held anew.
  auto resubmitted = Redeem("FP-1", 100'000'00, inv);
  ASSERT_TRUE(resubmitted.ok()) << resubmitted.error().ToString();
  EXPECT_NE(resubmitted->id, first.id);
  EXPECT_EQ(resubmitted->status, "submitted");
  EXPECT_EQ(V().held_fen, 20'000'00);
  ASSERT_TRUE(platform_->RefuseRedemption(As("officer"), resubmitted->id, "仍无交付证明").ok());
  unchanged();
  EXPECT_EQ(platform_->ListRedemptions(As("officer"), Page{}, std::string("bogus"), std::nullopt)
                .error().code,
            ErrorCode::kOutOfRange);
  // A refused invoice no longer counts toward the contract's fee: 1,000,000.00 can follow.
  auto whole = Redeem("FP-3", 1'000'000'00);
  ASSERT_TRUE(whole.ok()) << whole.error().ToString();
  EXPECT_EQ(whole->amount_fen, 200'000'00);
  EXPECT_EQ(V().remaining_fen, 0);
  ExpectReconciled();
}

TEST_F(PlatformRedemptionsTest, AClaimMadeBeforeExpiryIsPaidAfterItAndARefusalThenLapses) {
  auto a = Redeem("FP-A", 300'000'00);  // 60,000.00
  auto b = Redeem("FP-B", 200'000'00);  // 40,000.00
  ASSERT_TRUE(a.ok() && b.ok());
  // Past the expiry the sweep lapses what is left in the voucher, not what the claims hold.
  clock_.Set(Instant::Parse("2025-11-11T00:00:01+08:00").value());
  ASSERT_TRUE(platform_->RunExpiry().ok());
  Voucher v = V();
  EXPECT_EQ(v.status, "lapsed");
  EXPECT_EQ(v.lapsed_fen, 100'000'00);
  EXPECT_EQ(v.held_fen, 100'000'00);
  // No new claim on an expired voucher.
  auto late = Redeem("FP-C", 10'000'00);
  ASSERT_FALSE(late.ok());
  EXPECT_EQ(late.error().code, ErrorCode::kStateConflict);
  // The earlier claims are still decided: one paid, one refused into the lapsed account.
  ASSERT_TRUE(platform_->PayRedemption(As("officer"), a->id, 60'000'00, "BANK-A").ok());
  ASSERT_TRUE(platform_->RefuseRedemption(As("officer"), b->id, "无交付证明").ok());
  v = V();
  EXPECT_EQ(v.used_fen, 60'000'00);
  EXPECT_EQ(v.held_fen, 0);
  EXPECT_EQ(v.lapsed_fen, 140'000'00);
  EXPECT_EQ(v.remaining_fen, 0);
  PoolReport pool = Pool();
  EXPECT_EQ(pool.used_fen, 60'000'00);
  EXPECT_EQ(pool.lapsed_fen, 140'000'00);
  ExpectReconciled();
  Reopen();
  v = V();
  EXPECT_EQ(v.used_fen, 60'000'00);
  EXPECT_EQ(v.lapsed_fen, 140'000'00);
  EXPECT_EQ(v.held_fen, 0);
}

TEST_F(PlatformRedemptionsTest, AFraudFindingRefusesHeldClaimsAndRecoversPaidOnes) {
  auto a = Redeem("FP-A", 300'000'00);  // 60,000.00, paid
  auto b = Redeem("FP-B", 200'000'00);  // 40,000.00, still held
  ASSERT_TRUE(a.ok() && b.ok());
  ASSERT_TRUE(platform_->PayRedemption(As("officer"), a->id, 60'000'00, "BANK-A").ok());
  auto e = platform_->RecordFraud(As("officer"), org_, "beijing", "虚开发票");
  ASSERT_TRUE(e.ok()) << e.error().ToString();
  EXPECT_EQ(e->used_recovered_fen, 60'000'00);   // what the organisation was paid
  EXPECT_EQ(e->voucher_clawed_fen, 100'000'00);  // the rest left in the voucher
  auto held = platform_->GetRedemption(As("officer"), b->id);
  ASSERT_TRUE(held.ok());
  EXPECT_EQ(held->status, "refused");
  EXPECT_EQ(held->reasons, "fraud finding");
  Voucher v = V();
  EXPECT_EQ(v.status, "clawed_back");
  EXPECT_EQ(v.held_fen, 0);
  EXPECT_EQ(v.used_fen, 60'000'00);
  EXPECT_EQ(v.lapsed_fen, 140'000'00);  // clawed back: the rest and the refused hold
  PoolReport pool = Pool();
  EXPECT_EQ(pool.clawed_back_fen, 140'000'00);
  EXPECT_EQ(pool.recovery_outstanding_fen, 60'000'00);
  // Beijing has no pool: the voucher's rest and the refused hold went back to the funder its
  // grant was drawn from, and the report shows no "remaining" made of them.
  const std::int64_t funder = MoveDebit("grant/beijing/app-" + std::to_string(Application()));
  ASSERT_GT(funder, 0);
  EXPECT_EQ(MoveCredit("claw/voucher-" + std::to_string(voucher_)), funder);
  EXPECT_EQ(MoveCredit("return/redemption-" + std::to_string(b->id)), funder);
  EXPECT_FALSE(pool.has_pool);
  EXPECT_EQ(pool.remaining_fen, std::nullopt);
  EXPECT_EQ(pool.funded_fen, std::nullopt);
  // What was paid is owed; repaid, it goes back to the funder too.
  auto repaid = platform_->RecordRepayment(As("officer"), e->id, 60'000'00, "BANK-R1");
  ASSERT_TRUE(repaid.ok()) << repaid.error().ToString();
  EXPECT_EQ(MoveCredit("repay/enforcement-" + std::to_string(e->id) + "/repayment-1"), funder);
  pool = Pool();
  EXPECT_EQ(pool.repaid_fen, 60'000'00);
  EXPECT_EQ(pool.recovery_outstanding_fen, 0);
  EXPECT_EQ(pool.remaining_fen, std::nullopt);
  ExpectReconciled();
  Reopen();
  v = V();
  EXPECT_EQ(v.used_fen, 60'000'00);
  EXPECT_EQ(v.lapsed_fen, 140'000'00);
}

}  // namespace
}  // namespace suanli::workflow
