// The shipped programs other than Chengdu and Yangzhou, each run on the platform with the
// figures of its source: Wuxi's voucher (programs/wuxi.toml, seed 002; its validity assumed)
// issued and settled; Langfang's highest single standard (programs/langfang.toml,
// voucher-programs.md §1 row 9) and Nanning's pro-rating by days (programs/nanning-2025.toml,
// §1 row 11, the bureau's worked example) through the award path: payment recorded →
// application → approval makes an award → payout; and Yangzhou's awards in the quarter and
// industry reports, apart from the voucher figures.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "workflow/demo_voucher_fixture.h"

namespace suanli::workflow {
namespace {

// The demo seeded, the clock at `start`; helpers to register a qualified organisation and a
// provider of the program's city, file a contract and record what was paid on it.
class ProgramOnPlatformTest : public testing::DemoVoucherTest {
 protected:
  explicit ProgramOnPlatformTest(const char* start)
      : DemoVoucherTest(Instant::Parse(start).value()) {}
  void SetUp() override {
    DemoVoucherTest::SetUp();
    ASSERT_TRUE(SeedDemo(*platform_).ok());
  }

  // Registers `firm` (its admin `firm.admin_username`), approves its six qualification
  // documents and its qualification.
  void Qualify(NewOrg firm) {
    firm.type = "enterprise";
    firm.admin_password = kDemoPassword;
    applicant_ = firm.admin_username;
    auto org = platform_->RegisterOrg(firm);
    ASSERT_TRUE(org.ok()) << org.error().ToString();
    org_ = org->id;
    for (const char* kind : {"business_licence", "legal_rep_id_scan", "authenticity_pledge",
                             "no_violation_pledge", "credit_report", "audit_report"}) {
      auto d = platform_->UploadDocument(As(applicant_), Owner(), kind, "f.pdf", "%PDF-1.4 q");
      ASSERT_TRUE(d.ok()) << d.error().ToString();
      ASSERT_TRUE(platform_->ReviewDocument(As("officer"), d->id, true, "").ok());
    }
    ASSERT_TRUE(platform_->SubmitQualification(As(applicant_), org_).ok());
    ASSERT_TRUE(platform_->DecideQualification(As("officer"), org_, true, "").ok());
  }
  // A provider (with `tag` set by an officer if not empty) and its operator `operator_login`.
  std::int64_t AddProvider(NewProvider p, const std::string& tag,
                           const std::string& operator_login) {
    auto prov = platform_->CreateProvider(As("admin"), p);
    EXPECT_TRUE(prov.ok()) << prov.error().ToString();
    if (!prov.ok()) return 0;
    if (!tag.empty()) {
      EXPECT_TRUE(platform_->SetProviderTag(As("officer"), prov->id, tag, true).ok());
    }
    NewUser u;
    u.username = operator_login;
    u.display_name = p.name + " operator";
    u.password = kDemoPassword;
    u.role = Role::kProvider;
    u.provider_id = prov->id;
    auto user = platform_->CreateUser(As("admin"), u);
    EXPECT_TRUE(user.ok()) << user.error().ToString();
    return prov->id;
  }
  std::string Owner() const { return "org/" + std::to_string(org_); }
  Contract File(NewContract c) {
    c.org_id = org_;
    auto filed = platform_->FileContract(As(applicant_), c);
    EXPECT_TRUE(filed.ok()) << filed.error().ToString();
    return filed.ok() ? *filed : Contract{};
  }
  // An approved document of the organisation of `kind` (a receipt, a project's evidence).
  std::int64_t Document(const std::string& kind) {
    auto d = platform_->UploadDocument(As(applicant_), Owner(), kind, kind + ".pdf",
                                       "%PDF-1.4 " + kind + " " + std::to_string(++documents_));
    EXPECT_TRUE(d.ok()) << d.error().ToString();
    if (!d.ok()) return 0;
    if (kind == "project_evidence") {
      EXPECT_TRUE(platform_->ReviewDocument(As("officer"), d->id, true, "").ok());
    }
    return d->id;
  }
  void Pay(const Contract& c, std::int64_t fen, const char* on) {
    auto paid = platform_->RecordPayment(
        As(applicant_), NewPayment{c.id, fen, Date::Parse(on).value(), Document("payment_receipt")});
    ASSERT_TRUE(paid.ok()) << paid.error().ToString();
  }
  // The step `name` of an application's stored quote (a null object if it has none).
  static boost::json::object QuoteStep(const Application& a, const std::string& name) {
    const boost::json::value q = boost::json::parse(a.quote_json);
    for (const auto& s : q.at("steps").as_array()) {
      if (s.at("name").as_string() == name) return s.as_object();
    }
    return {};
  }
  static std::string Str(const boost::json::object& o, const char* key) {
    const auto* v = o.if_contains(key);
    return v != nullptr && v->is_string() ? std::string(v->get_string()) : "";
  }
  static bool ListsAssumption(const Application& a, const std::string& rule) {
    const boost::json::value q = boost::json::parse(a.quote_json);
    for (const auto& x : q.at("assumptions").as_array()) {
      if (x.at("rule").as_string() == rule) return true;
    }
    return false;
  }
  // Approves `app` as the officer; it must be an award (no voucher) of `fen`, paid out in full
  // with `bank_reference`.
  void AwardAndPay(const Application& app, std::int64_t fen, const std::string& bank_reference) {
    auto decided = platform_->DecideApplication(As("officer"), app.id, true, "");
    ASSERT_TRUE(decided.ok()) << decided.error().ToString();
    EXPECT_EQ(decided->granted_fen, fen);
    EXPECT_FALSE(decided->voucher_id.has_value());
    ASSERT_TRUE(decided->award_id.has_value());
    auto award = platform_->GetAward(As(applicant_), *decided->award_id);
    ASSERT_TRUE(award.ok()) << award.error().ToString();
    EXPECT_EQ(award->amount_fen, fen);
    EXPECT_EQ(award->status, "awarded");
    auto paid = platform_->PayAward(As("officer"), award->id, fen, bank_reference);
    ASSERT_TRUE(paid.ok()) << paid.error().ToString();
    EXPECT_EQ(paid->status, "paid");
    EXPECT_EQ(paid->amount_fen, fen);
  }
  PoolReport Pool(const char* program) {
    auto r = platform_->Pool(As("auditor"), program);
    EXPECT_TRUE(r.ok()) << r.error().ToString();
    return r.ok() ? *r : PoolReport{};
  }
  Result<SettlementResult> SettleAs(const std::string& login, std::int64_t voucher,
                                    std::string key, std::int64_t bill_fen) {
    std::promise<Result<SettlementResult>> done;
    SettlementRequest r{key, voucher, "BILL-" + key, bill_fen};
    platform_->SubmitSettlement(As(login), r, [&](Result<SettlementResult> out) {
      done.set_value(std::move(out));
    });
    return done.get_future().get();
  }

  std::int64_t org_ = 0;
  std::string applicant_;
  int documents_ = 0;
};

// --- Wuxi: a voucher of 30 % of the contract (assumed), deducting 30 % of each bill (assumed),
// usable through 12-31 of the issue year (assumed: the end of the budget year that funds it).

class PlatformWuxiTest : public ProgramOnPlatformTest {
 protected:
  PlatformWuxiTest() : ProgramOnPlatformTest("2024-05-06T10:00:00+08:00") {}
};

TEST_F(PlatformWuxiTest, AVoucherIsIssuedSettledAndExpiresAtTheEndOfItsIssueYear) {
  // The example case of programs/cases/wuxi.json, on the platform.
  NewOrg firm;
  firm.uscc = WithUsccCheck("91320200MA1WX0001");
  firm.name = "无锡示例工业互联网有限公司";
  firm.region = "无锡";
  firm.industry = "465_industry_cluster";  // seed 002: 重点支持"465"现代产业集群企业
  firm.legal_rep_name = "李无锡";
  firm.legal_rep_id = WithResidentIdCheck("32020219800101123");
  firm.admin_username = "wx-applicant";
  Qualify(firm);
  const std::int64_t provider = AddProvider(
      NewProvider{"国家超级计算无锡中心", WithUsccCheck("12320200MB0WX0002"), "无锡"}, "", "op-wx");
  NewContract c;
  c.provider_id = provider;
  c.contract_no = "WX-2024-015";
  c.amount_fen = 500'000'00;
  c.signed_on = Date::Parse("2024-04-20").value();
  c.start_on = c.signed_on;
  c.end_on = Date::Parse("2024-12-31").value();
  c.resource_class = "intelligent_compute";
  const Contract contract = File(c);

  auto app = platform_->Apply(As("wx-applicant"), "wuxi", contract.id);
  ASSERT_TRUE(app.ok()) << app.error().ToString();
  EXPECT_EQ(app->quoted_fen, 150'000'00);  // 30 % of 500,000.00 (assumed rate)
  EXPECT_TRUE(ListsAssumption(*app, "validity"));
  // Approval issues the voucher (it was refused, "the program gives no expiry", before the
  // file gave a validity).
  auto decided = platform_->DecideApplication(As("officer"), app->id, true, "");
  ASSERT_TRUE(decided.ok()) << decided.error().ToString();
  EXPECT_EQ(decided->granted_fen, 150'000'00);
  ASSERT_TRUE(decided->voucher_id.has_value());
  EXPECT_FALSE(decided->award_id.has_value());
  const std::int64_t voucher = *decided->voucher_id;
  auto v = platform_->GetVoucher(As("wx-applicant"), voucher);
  ASSERT_TRUE(v.ok()) << v.error().ToString();
  EXPECT_EQ(v->program_id, "wuxi");
  EXPECT_EQ(v->grant_fen, 150'000'00);
  EXPECT_EQ(v->expires_at, Instant::Parse("2025-01-01T00:00:00+08:00").value());

  // 200,000.00 billed: 30 % (60,000.00) deducted; the customer pays 140,000.00 and is invoiced
  // for what it paid (invoice = actual_payment).
  auto s1 = SettleAs("op-wx", voucher, "WX-1", 200'000'00);
  ASSERT_TRUE(s1.ok()) << s1.error().ToString();
  EXPECT_EQ(s1->deduction_fen, 60'000'00);
  EXPECT_EQ(s1->customer_pays_fen, 140'000'00);
  EXPECT_EQ(s1->invoiced_fen, 140'000'00);
  EXPECT_EQ(s1->voucher_remaining_fen, 90'000'00);
  // Another provider's operator may not settle it.
  auto other = SettleAs("op-ai", voucher, "WX-X", 100'000'00);
  ASSERT_FALSE(other.ok());
  EXPECT_EQ(other.error().code, ErrorCode::kForbidden);
  // The last second of 2024 is inside the validity; the first of 2025 is not.
  clock_.Set(Instant::Parse("2024-12-31T23:59:59+08:00").value());
  auto s2 = SettleAs("op-wx", voucher, "WX-2", 100'000'00);
  ASSERT_TRUE(s2.ok()) << s2.error().ToString();
  EXPECT_EQ(s2->deduction_fen, 30'000'00);
  EXPECT_EQ(s2->voucher_remaining_fen, 60'000'00);
  clock_.Set(Instant::Parse("2025-01-01T00:00:00+08:00").value());
  auto s3 = SettleAs("op-wx", voucher, "WX-3", 100'000'00);
  ASSERT_FALSE(s3.ok());
  EXPECT_EQ(s3.error().code, ErrorCode::kExpired);
  // The expiry sweep lapses the unused 60,000.00.
  ASSERT_TRUE(platform_->RunExpiry().ok());
  v = platform_->GetVoucher(As("officer"), voucher);
  ASSERT_TRUE(v.ok()) << v.error().ToString();
  EXPECT_EQ(v->used_fen, 90'000'00);
  EXPECT_EQ(v->lapsed_fen, 60'000'00);
  const PoolReport pool = Pool("wuxi");
  EXPECT_EQ(pool.funded_fen, 50'000'000'00);  // seed 002: 每年统筹安排5000万元
  EXPECT_EQ(pool.issued_fen, 150'000'00);
  EXPECT_EQ(pool.used_fen, 90'000'00);
  EXPECT_EQ(pool.lapsed_fen, 60'000'00);
}

// --- Langfang: the highest single standard, never stacked, of the tiers the case meets.

class PlatformLangfangTest : public ProgramOnPlatformTest {
 protected:
  PlatformLangfangTest() : ProgramOnPlatformTest("2025-06-01T10:00:00+08:00") {}
  void SetUp() override {
    ProgramOnPlatformTest::SetUp();
    NewOrg firm;
    firm.uscc = WithUsccCheck("91131000MA0LF0001");
    firm.name = "廊坊示例人工智能有限公司";
    firm.region = "廊坊";
    firm.industry = "artificial_intelligence";
    firm.legal_rep_name = "赵廊坊";
    firm.legal_rep_id = WithResidentIdCheck("13100219800101123");
    firm.admin_username = "lf-applicant";
    Qualify(firm);
    // The local compute platform (tier local_platform, 50 %).
    provider_ = AddProvider(
        NewProvider{"廊坊市算力平台", WithUsccCheck("91131000MA0LF0002"), "廊坊"},
        "langfang_compute_platform", "op-lf");
  }
  // A contract of `fee_fen` with the local platform, signed 2025-02-01, naming the provincial
  // project HB-AI-2025-01 with approved evidence when `project` (tier major_project, 60 %).
  Contract Contracted(const char* no, std::int64_t fee_fen, bool project) {
    NewContract c;
    c.provider_id = provider_;
    c.contract_no = no;
    c.amount_fen = fee_fen;
    c.signed_on = Date::Parse("2025-02-01").value();
    c.start_on = c.signed_on;
    c.end_on = Date::Parse("2025-12-31").value();
    c.resource_class = "intelligent_compute";
    if (project) {
      c.project_level = "provincial";
      c.project_name = "HB-AI-2025-01";
      c.evidence_document_id = Document("project_evidence");
    }
    return File(c);
  }
  std::int64_t provider_ = 0;
};

TEST_F(PlatformLangfangTest, EveryMatchingTierIsComputedAndTheHighestIsAwardedNeverStacked) {
  // The example case's contract: 1,200,000.00 paid in full. 60 % (720,000.00) as a provincial
  // project's lead and 50 % (600,000.00) for the local platform both apply: 720,000.00, not
  // their sum.
  const Contract lf1 = Contracted("LF-2025-002", 1'200'000'00, true);
  Pay(lf1, 1'200'000'00, "2025-05-20");
  auto app = platform_->Apply(As("lf-applicant"), "langfang", lf1.id);
  ASSERT_TRUE(app.ok()) << app.error().ToString();
  EXPECT_EQ(app->quoted_fen, 720'000'00);
  boost::json::object tier = QuoteStep(*app, "tier");
  EXPECT_EQ(Str(tier, "value"), "major_project");
  EXPECT_EQ(Str(tier, "detail"), "highest single standard, never stacked; candidates: "
                                 "major_project 720000.00, local_platform 600000.00");
  AwardAndPay(*app, 720'000'00, "LF-BANK-1");

  // A contract naming no project meets the local-platform tier only: 50 % of 500,000.00.
  const Contract lf2 = Contracted("LF-2025-003", 500'000'00, false);
  Pay(lf2, 500'000'00, "2025-05-21");
  app = platform_->Apply(As("lf-applicant"), "langfang", lf2.id);
  ASSERT_TRUE(app.ok()) << app.error().ToString();
  EXPECT_EQ(app->quoted_fen, 250'000'00);
  tier = QuoteStep(*app, "tier");
  EXPECT_EQ(Str(tier, "value"), "local_platform");
  EXPECT_EQ(Str(tier, "detail"),
            "highest single standard, never stacked; candidates: local_platform 250000.00");
  AwardAndPay(*app, 250'000'00, "LF-BANK-2");

  // ≤ 1,000,000 per unit per year: 970,000.00 awarded, so each candidate (120,000.00 and
  // 100,000.00 on a 200,000.00 payment) is capped at the 30,000.00 left before the highest is
  // taken.
  const Contract lf3 = Contracted("LF-2025-004", 200'000'00, true);
  Pay(lf3, 200'000'00, "2025-05-22");
  app = platform_->Apply(As("lf-applicant"), "langfang", lf3.id);
  ASSERT_TRUE(app.ok()) << app.error().ToString();
  EXPECT_EQ(app->quoted_fen, 30'000'00);
  tier = QuoteStep(*app, "tier");
  EXPECT_EQ(Str(tier, "value"), "major_project");
  EXPECT_EQ(Str(tier, "detail"), "highest single standard, never stacked; candidates: "
                                 "major_project 30000.00, local_platform 30000.00");
  AwardAndPay(*app, 30'000'00, "LF-BANK-3");

  const PoolReport pool = Pool("langfang");
  EXPECT_EQ(pool.funded_fen, 10'000'000'00);  // ≤10M/yr
  EXPECT_EQ(pool.awarded_fen, 1'000'000'00);
  EXPECT_EQ(pool.award_paid_fen, 1'000'000'00);
  EXPECT_EQ(pool.remaining_fen, 9'000'000'00);
}

TEST_F(PlatformLangfangTest, ANewlySettledFirmGetsTheOneOffVoucherOnceAsItsOfficerRecordedIt) {
  // The one-off tier matches only an organisation an officer has recorded as a newly settled
  // AI firm (org_classes.cc); until then the local-platform tier alone applies.
  const Contract lf1 = Contracted("LF-2025-010", 600'000'00, false);
  Pay(lf1, 600'000'00, "2025-05-20");
  auto before = platform_->Apply(As("lf-applicant"), "langfang", lf1.id);
  ASSERT_TRUE(before.ok()) << before.error().ToString();
  EXPECT_EQ(before->quoted_fen, 300'000'00);  // 50 % of 600,000.00
  // Not an officer's to record as the applicant; not a class; not the derived one.
  EXPECT_EQ(platform_->SetOrgClass(As("lf-applicant"), org_, "newly_settled_ai_firm", true)
                .error().code, ErrorCode::kForbidden);
  auto unknown = platform_->SetOrgClass(As("officer"), org_, "newly_settled", true);
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().code, ErrorCode::kOutOfRange);
  EXPECT_EQ(unknown.error().field, "class");
  EXPECT_EQ(platform_->SetOrgClass(As("officer"), org_, "major_project_lead", true).error().code,
            ErrorCode::kOutOfRange);
  auto listed = platform_->SetOrgClass(As("officer"), org_, "newly_settled_ai_firm", true);
  ASSERT_TRUE(listed.ok()) << listed.error().ToString();
  EXPECT_EQ(listed->classes, std::vector<std::string>{"newly_settled_ai_firm"});
  // The officer decides on a fresh quote: 500,000.00 (the one-off, at most what was paid) is
  // higher than 300,000.00, so the one-off is awarded, never stacked.
  auto decided = platform_->DecideApplication(As("officer"), before->id, true, "");
  ASSERT_TRUE(decided.ok()) << decided.error().ToString();
  EXPECT_EQ(decided->granted_fen, 500'000'00);
  EXPECT_EQ(Str(QuoteStep(*decided, "tier"), "value"), "newly_settled");
  // Once per organisation: the next contract is back to the local-platform tier.
  const Contract lf2 = Contracted("LF-2025-011", 600'000'00, false);
  Pay(lf2, 600'000'00, "2025-05-21");
  auto next = platform_->Apply(As("lf-applicant"), "langfang", lf2.id);
  ASSERT_TRUE(next.ok()) << next.error().ToString();
  EXPECT_EQ(next->quoted_fen, 300'000'00);
  EXPECT_EQ(Str(QuoteStep(*next, "tier"), "value"), "local_platform");
  // Withdrawn, the class no longer applies to a later quote; recording it again is no change.
  auto again = platform_->SetOrgClass(As("officer"), org_, "newly_settled_ai_firm", true);
  ASSERT_TRUE(again.ok());
  auto withdrawn = platform_->SetOrgClass(As("officer"), org_, "newly_settled_ai_firm", false);
  ASSERT_TRUE(withdrawn.ok()) << withdrawn.error().ToString();
  EXPECT_TRUE(withdrawn->classes.empty());
}

// --- Hangzhou: CF × ≤20 % on other facilities, ≤8,000,000 per firm per year, relaxed for a
// foundation-model firm (to 16,000,000, assumed); apply, then redeem, as Beijing.

class PlatformHangzhouTest : public ProgramOnPlatformTest {
 protected:
  PlatformHangzhouTest() : ProgramOnPlatformTest("2024-09-02T10:00:00+08:00") {}
};

TEST_F(PlatformHangzhouTest, AFoundationModelFirmRecordedByTheOfficerGetsTheRelaxedCap) {
  NewOrg firm;
  firm.uscc = WithUsccCheck("91330100MA2HA0001");
  firm.name = "杭州示例大模型科技有限公司";
  firm.region = "杭州";
  firm.industry = "artificial_intelligence";
  firm.legal_rep_name = "钱杭州";
  firm.legal_rep_id = WithResidentIdCheck("33010219800101123");
  firm.admin_username = "hz-applicant";
  Qualify(firm);
  const std::int64_t provider = AddProvider(
      NewProvider{"杭州示例智算中心", WithUsccCheck("91330100MA2HA0002"), "杭州"},
      "hangzhou_plan_center", "op-hz");
  NewContract c;
  c.provider_id = provider;
  c.contract_no = "HZ-2024-001";
  c.amount_fen = 50'000'000'00;
  c.signed_on = Date::Parse("2024-08-01").value();
  c.start_on = c.signed_on;
  c.end_on = Date::Parse("2025-07-31").value();
  c.resource_class = "intelligent_compute";
  const Contract hz = File(c);
  // 20 % of 50,000,000.00 is 10,000,000.00, capped at 8,000,000.00 per firm per year.
  auto app = platform_->Apply(As("hz-applicant"), "hangzhou", hz.id);
  ASSERT_TRUE(app.ok()) << app.error().ToString();
  EXPECT_EQ(app->quoted_fen, 8'000'000'00);
  EXPECT_EQ(Str(QuoteStep(*app, "tier"), "value"), "other");
  // Recorded as a foundation-model firm, the cap is relaxed: the full 10,000,000.00.
  ASSERT_TRUE(platform_->SetOrgClass(As("officer"), org_, "foundation_model_firm", true).ok());
  auto decided = platform_->DecideApplication(As("officer"), app->id, true, "");
  ASSERT_TRUE(decided.ok()) << decided.error().ToString();
  EXPECT_EQ(decided->granted_fen, 10'000'000'00);
  ASSERT_TRUE(decided->voucher_id.has_value());
  auto v = platform_->GetVoucher(As("hz-applicant"), *decided->voucher_id);
  ASSERT_TRUE(v.ok()) << v.error().ToString();
  EXPECT_EQ(v->redeemed_by, "organisation");
  // 12 months from issue on 2024-09-02 (assumed): through 2025-09-02.
  EXPECT_EQ(v->expires_at, Instant::Parse("2025-09-03T00:00:00+08:00").value());

  // A contract's chip origin and filed model choose the tier: 30 % on domestic compute, 30 % for
  // MaaS / agents on a filed foundation model (first match in file order: filed_model first).
  c.contract_no = "HZ-2024-002";
  c.amount_fen = 1'000'000'00;
  c.chip_origin = "domestic";
  const Contract domestic = File(c);
  EXPECT_EQ(domestic.chip_origin, "domestic");
  auto d = platform_->Apply(As("hz-applicant"), "hangzhou", domestic.id);
  ASSERT_TRUE(d.ok()) << d.error().ToString();
  EXPECT_EQ(d->quoted_fen, 300'000'00);
  EXPECT_EQ(Str(QuoteStep(*d, "tier"), "value"), "domestic_chips");
  // Each voucher pays its own tier's rate on what is redeemed: 20 % for "other", 30 % here.
  EXPECT_EQ(v->rate, Rate::Percent(20));
  auto approved = platform_->DecideApplication(As("officer"), d->id, true, "");
  ASSERT_TRUE(approved.ok()) << approved.error().ToString();
  auto dv = platform_->GetVoucher(As("hz-applicant"), approved->voucher_id.value_or(0));
  ASSERT_TRUE(dv.ok()) << dv.error().ToString();
  EXPECT_EQ(dv->rate, Rate::Percent(30));
  c.contract_no = "HZ-2024-003";
  c.uses_filed_model = true;
  const Contract filed = File(c);
  EXPECT_TRUE(filed.uses_filed_model);
  auto f = platform_->Apply(As("hz-applicant"), "hangzhou", filed.id);
  ASSERT_TRUE(f.ok()) << f.error().ToString();
  EXPECT_EQ(f->quoted_fen, 300'000'00);
  EXPECT_EQ(Str(QuoteStep(*f, "tier"), "value"), "filed_model");
  // An origin that is neither is refused, and nothing is filed.
  c.contract_no = "HZ-2024-004";
  c.chip_origin = "foreign";
  c.org_id = org_;
  auto bad = platform_->FileContract(As("hz-applicant"), c);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code, ErrorCode::kOutOfRange);
  EXPECT_EQ(bad.error().field, "chip_origin");
  EXPECT_EQ(platform_->ListContracts(As("hz-applicant"), Page{})->size(), 3u);
  // Rebuilt at start-up from each voucher's tier.
  Reopen();
  EXPECT_EQ(platform_->GetVoucher(As("hz-applicant"), v->id)->rate, Rate::Percent(20));
  EXPECT_EQ(platform_->GetVoucher(As("hz-applicant"), dv->id)->rate, Rate::Percent(30));
}

// A database from before contracts recorded these facts gets the two columns at start-up, its
// contracts "not stated" and "no".
TEST_F(PlatformHangzhouTest, ADatabaseWithoutContractFactsGetsThemAtStartUp) {
  const std::int64_t voucher = IssueVoucher();  // the demo's Chengdu contract R-1
  ASSERT_NE(voucher, 0);
  platform_.reset();
  Sql("ALTER TABLE contracts DROP COLUMN chip_origin");
  Sql("ALTER TABLE contracts DROP COLUMN uses_filed_model");
  Reopen();
  auto contracts = platform_->ListContracts(As("demo-applicant"), Page{});
  ASSERT_TRUE(contracts.ok()) << contracts.error().ToString();
  ASSERT_EQ(contracts->size(), 1u);
  EXPECT_EQ(contracts->front().chip_origin, "");
  EXPECT_FALSE(contracts->front().uses_filed_model);
  NewContract c = DemoContract("R-2");
  c.chip_origin = "imported";
  auto filed = platform_->FileContract(As("demo-applicant"), c);
  ASSERT_TRUE(filed.ok()) << filed.error().ToString();
  EXPECT_EQ(filed->chip_origin, "imported");
}

// --- Nanning: settled fee × 30 %, pro-rated by days over the base period 2025-03-01 → 12-31,
// truncated to 0.0001万 at base and subsidy; applications 2026-01-04 → 01-23.

class PlatformNanningTest : public ProgramOnPlatformTest {
 protected:
  PlatformNanningTest() : ProgramOnPlatformTest("2026-01-10T09:30:00+08:00") {}
};

TEST_F(PlatformNanningTest, TheBureausWorkedExampleIsAwardedAndPaid) {
  NewOrg firm;
  firm.uscc = WithUsccCheck("91450100MA5NN0001");
  firm.name = "南宁示例智能科技有限公司";
  firm.region = "南宁";
  firm.industry = "artificial_intelligence";
  firm.legal_rep_name = "黄南宁";
  firm.legal_rep_id = WithResidentIdCheck("45010219800101123");
  firm.admin_username = "nn-applicant";
  Qualify(firm);
  const std::int64_t provider = AddProvider(
      NewProvider{"中国—东盟人工智能应用合作中心", WithUsccCheck("12450100MB0NN0002"), "南宁"},
      "nanning_provider_list", "op-nn");
  // The bureau's example: a 200,000 contract 2025-01-01 → 2026-12-31 (729 days), settled in
  // full; 305 of its days (2025-03-01 → 12-31) fall in the base period.
  NewContract c;
  c.provider_id = provider;
  c.contract_no = "NN-2025-007";
  c.amount_fen = 200'000'00;
  c.signed_on = Date::Parse("2024-12-20").value();
  c.start_on = Date::Parse("2025-01-01").value();
  c.end_on = Date::Parse("2026-12-31").value();
  c.resource_class = "intelligent_compute";
  const Contract contract = File(c);
  Pay(contract, 200'000'00, "2025-12-31");

  auto app = platform_->Apply(As("nn-applicant"), "nanning-2025", contract.id);
  ASSERT_TRUE(app.ok()) << app.error().ToString();
  // 200,000 × 305/729 = 83,676.27 → 8.3676万; × 30 % = 25,102.80 → 2.5102万 = 25,102.00.
  EXPECT_EQ(app->quoted_fen, 25'102'00);
  const boost::json::object pro_rate = QuoteStep(*app, "pro_rate");
  EXPECT_EQ(Str(pro_rate, "value"), "83676.00");
  EXPECT_EQ(Str(pro_rate, "detail"),
            "200000.00 × 305/729 (305 days 2025-03-01→2025-12-31 of 729 contract days), "
            "truncate_wan_4dp = 8.3676万");
  AwardAndPay(*app, 25'102'00, "NN-BANK-1");
  const PoolReport pool = Pool("nanning-2025");
  EXPECT_EQ(pool.awarded_fen, 25'102'00);
  EXPECT_EQ(pool.award_paid_fen, 25'102'00);
  EXPECT_EQ(pool.remaining_fen, 50'000'000'00 - 25'102'00);
}

// --- Reports: a program's awards in the quarter and industry reports, beside (never in) the
// voucher figures, and not in the provider report.

class PlatformAwardReportsTest : public ProgramOnPlatformTest {
 protected:
  PlatformAwardReportsTest() : ProgramOnPlatformTest("2024-05-10T10:00:00+08:00") {}
  // A qualified Yangzhou firm in `industry`; it becomes the current organisation.
  std::int64_t Firm(const char* uscc17, const char* name, const char* industry,
                    const char* admin) {
    NewOrg firm;
    firm.uscc = WithUsccCheck(uscc17);
    firm.name = name;
    firm.region = "扬州";
    firm.industry = industry;
    firm.legal_rep_name = "王扬州";
    firm.legal_rep_id = WithResidentIdCheck("32100219800101123");
    firm.prior_year_revenue_fen = 5'000'000'00;
    firm.admin_username = admin;
    Qualify(firm);
    return org_;
  }
  // The current organisation's contract of `paid_fen` with the canal-platform provider, paid in
  // full on `paid_on`, applied for and approved: its award (30 % of the payment).
  std::int64_t Award(const char* no, std::int64_t paid_fen, const char* paid_on) {
    NewContract c;
    c.provider_id = provider_;
    c.contract_no = no;
    c.amount_fen = paid_fen;
    c.signed_on = Date::Parse("2024-03-01").value();
    c.start_on = c.signed_on;
    c.end_on = Date::Parse("2024-12-31").value();
    c.resource_class = "intelligent_compute";
    const Contract contract = File(c);
    Pay(contract, paid_fen, paid_on);
    auto app = platform_->Apply(As(applicant_), "yangzhou", contract.id);
    EXPECT_TRUE(app.ok()) << app.error().ToString();
    if (!app.ok()) return 0;
    auto decided = platform_->DecideApplication(As("officer"), app->id, true, "");
    EXPECT_TRUE(decided.ok()) << decided.error().ToString();
    return decided.ok() ? decided->award_id.value_or(0) : 0;
  }
  void PayOut(std::int64_t award, std::int64_t fen, const char* reference) {
    auto paid = platform_->PayAward(As("officer"), award, fen, reference);
    ASSERT_TRUE(paid.ok()) << paid.error().ToString();
  }
  std::vector<ReportRow> Report(const char* program, const char* by) {
    auto r = platform_->Report(As("auditor"), program, by);
    EXPECT_TRUE(r.ok()) << r.error().ToString();
    return r.ok() ? *r : std::vector<ReportRow>{};
  }
  // "group issued/used/redeemed/lapsed | awarded/paid/withdrawn" (no "|…" without awards).
  static std::string Row(const ReportRow& r) {
    std::string out = r.group + " " + std::to_string(r.issued_fen) + "/" +
                      std::to_string(r.used_fen) + "/" + std::to_string(r.redeemed_fen) + "/" +
                      std::to_string(r.lapsed_fen);
    if (r.awards) {
      out += " | " + std::to_string(r.awards->awarded_fen) + "/" +
             std::to_string(r.awards->paid_fen) + "/" + std::to_string(r.awards->withdrawn_fen);
    }
    return out;
  }
  static std::vector<std::string> Rows(const std::vector<ReportRow>& rows) {
    std::vector<std::string> out;
    for (const ReportRow& r : rows) out.push_back(Row(r));
    return out;
  }
  std::int64_t provider_ = 0;
};

TEST_F(PlatformAwardReportsTest, AwardsAreReportedByQuarterAndIndustryApartFromVouchers) {
  provider_ = AddProvider(
      NewProvider{"扬州运河算力服务有限公司", WithUsccCheck("91321000MA1YB0002"), "扬州"},
      "yangzhou_canal_platform", "op-yz");
  // A Chengdu voucher of the demo organisation (150,000.00, 2024Q2), 10,000.00 of it used.
  const std::int64_t voucher = IssueVoucher();
  ASSERT_NE(voucher, 0);
  ASSERT_TRUE(Settle(voucher, "CD-1", 20'000'00).ok());

  // 2024Q2: an AI firm's 300,000.00 award (30 % of 1,000,000.00 paid).
  const std::int64_t ai = Firm("91321000MA1YA0001", "扬州示例智能科技有限公司",
                               "artificial_intelligence", "yz-ai");
  const std::int64_t a1 = Award("YZ-A1", 1'000'000'00, "2024-05-01");
  // 2024Q3: its second award (150,000.00), a "613" firm's (60,000.00), and the first paid out.
  clock_.Set(Instant::Parse("2024-07-15T10:00:00+08:00").value());
  const std::int64_t a2 = Award("YZ-A2", 500'000'00, "2024-07-01");
  Firm("91321000MA1YC0003", "扬州示例装备制造有限公司", "613_key_industry", "yz-613");
  const std::int64_t b1 = Award("YZ-B1", 200'000'00, "2024-07-10");
  ASSERT_NE(a1 * a2 * b1, 0);
  PayOut(a1, 300'000'00, "ICBC-Q3-1");
  // 2024Q4: the 613 firm's award paid; a fraud finding withdraws the AI firm's unpaid one (its
  // paid 300,000.00 is owed back, a recovery, not a withdrawal).
  clock_.Set(Instant::Parse("2024-10-08T10:00:00+08:00").value());
  PayOut(b1, 60'000'00, "ICBC-Q4-1");
  ASSERT_TRUE(platform_->RecordFraud(As("officer"), ai, "yangzhou", "虚开付款发票").ok());

  // The voucher figures of a reimbursement program are all zero: the awards are not in them.
  EXPECT_EQ(Rows(Report("yangzhou", "quarter")),
            (std::vector<std::string>{"2024Q2 0/0/0/0 | 30000000/0/0",
                                      "2024Q3 0/0/0/0 | 21000000/30000000/0",
                                      "2024Q4 0/0/0/0 | 0/6000000/15000000"}));
  EXPECT_EQ(Rows(Report("yangzhou", "industry")),
            (std::vector<std::string>{
                "613_key_industry 0/0/0/0 | 6000000/6000000/0",
                "artificial_intelligence 0/0/0/0 | 45000000/30000000/15000000"}));
  // By provider: what providers deducted, claimed and were paid; an award pays the organisation.
  EXPECT_TRUE(Report("yangzhou", "provider").empty());
  // A voucher program's rows carry award figures of zero by quarter and industry, none by
  // provider.
  EXPECT_EQ(Rows(Report("chengdu-2024", "quarter")),
            (std::vector<std::string>{"2024Q2 15000000/1000000/0/0 | 0/0/0"}));
  EXPECT_EQ(Rows(Report("chengdu-2024", "provider")),
            (std::vector<std::string>{"成都智算中心 15000000/1000000/0/0"}));
}

}  // namespace
}  // namespace suanli::workflow
