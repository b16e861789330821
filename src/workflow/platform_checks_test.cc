// What the write paths check before anything changes — a major project's evidence, a contract's
// fields, the free text people write, a payout batch's quarter — and whose records an expert
// reads: the organisations whose settlements are in a claim on the expert's panel, no other's.
#include <cctype>
#include <optional>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "workflow/demo_voucher_fixture.h"

namespace suanli::workflow {
namespace {

class PlatformChecksTest : public testing::DemoVoucherTest {
 protected:
  Result<Document> Upload(const std::string& user, const std::string& owner,
                          const std::string& kind) {
    return platform_->UploadDocument(As(user), owner, kind, "f.pdf", "%PDF-1.4 " + kind);
  }
  // A national major project of the demo organisation (org 1) citing `evidence`.
  NewContract MajorProject(std::int64_t evidence) {
    NewContract c = DemoContract("MP-1");
    c.project_level = "national";
    c.project_name = "大模型训练平台";
    c.evidence_document_id = evidence;
    return c;
  }
  // Audit entries of `action`, or of every action.
  std::size_t Audited(std::optional<std::string> action = std::nullopt) {
    auto page = platform_->ListAudit(As("auditor"), {.action = action, .limit = 1000});
    EXPECT_TRUE(page.ok());
    return page.ok() ? page->entries.size() : 0;
  }
  // The demo voucher's 2024Q2 claim (one 1,000.00 bill, 500.00 deducted), its materials attached
  // and submitted, under review by expert1..3 once `panel` is called; the clock on 2024-07-02.
  std::int64_t SubmittedClaim() {
    const std::int64_t voucher = IssueVoucher();
    voucher_ = voucher;
    EXPECT_TRUE(Settle(voucher, "k1", 1'000'00).ok());
    clock_.Set(Instant::Parse("2024-07-02T10:00:00+08:00").value());
    const Principal op = As("op-ai");
    auto claim = platform_->CompileClaim(op, "chengdu-2024", "2024Q2");
    EXPECT_TRUE(claim.ok()) << claim.error().ToString();
    if (!claim.ok()) return 0;
    for (const char* kind : kClaimMaterialKinds) {
      EXPECT_TRUE(Upload("op-ai", "claim/" + std::to_string(claim->id), kind).ok());
    }
    auto submitted = platform_->SubmitClaim(op, claim->id);
    EXPECT_TRUE(submitted.ok()) << submitted.error().ToString();
    return claim->id;
  }
  void Panel(std::int64_t claim) {
    std::vector<std::int64_t> experts;
    for (const char* e : {"expert1", "expert2", "expert3"}) experts.push_back(As(e).user_id);
    auto c = platform_->AssignPanel(As("officer"), claim, experts);
    ASSERT_TRUE(c.ok()) << c.error().ToString();
  }
  std::int64_t voucher_ = 0;
};

template <typename T>
void ExpectRefused(const Result<T>& r, ErrorCode code, const std::string& field) {
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, code) << r.error().ToString();
  EXPECT_EQ(r.error().field, field) << r.error().ToString();
}

TEST_F(PlatformChecksTest, AMajorProjectCitesItsOwnProjectEvidence) {
  ASSERT_TRUE(SeedDemo(*platform_).ok());
  const Principal applicant = As("demo-applicant");
  auto others = Upload("uni-applicant", "org/2", "project_evidence");
  auto licence = Upload("demo-applicant", "org/1", "business_licence");
  auto rejected = Upload("demo-applicant", "org/1", "project_evidence");
  auto evidence = Upload("demo-applicant", "org/1", "project_evidence");
  ASSERT_TRUE(others.ok() && licence.ok() && rejected.ok() && evidence.ok());
  ASSERT_TRUE(platform_->ReviewDocument(As("officer"), rejected->id, false, "伪造").ok());

  // Another organisation's evidence, a document of another kind, a rejected one, none at all:
  // each refused on evidence_document_id, and no contract is filed.
  ExpectRefused(platform_->FileContract(applicant, MajorProject(others->id)),
                ErrorCode::kForbidden, "evidence_document_id");
  ExpectRefused(platform_->FileContract(applicant, MajorProject(licence->id)),
                ErrorCode::kOutOfRange, "evidence_document_id");
  ExpectRefused(platform_->FileContract(applicant, MajorProject(rejected->id)),
                ErrorCode::kNotEligible, "evidence_document_id");
  ExpectRefused(platform_->FileContract(applicant, MajorProject(99'999)), ErrorCode::kNotFound,
                "evidence_document_id");
  EXPECT_EQ(Audited("contract.file"), 0u);

  auto filed = platform_->FileContract(applicant, MajorProject(evidence->id));
  ASSERT_TRUE(filed.ok()) << filed.error().ToString();
  EXPECT_EQ(filed->evidence_document_id, evidence->id);
}

// The major-project tier (30 % of the contract, caps of 3,000,000 / 1,500,000, past the revenue
// rule) rests on the evidence the contract cites. Once it was granted whatever became of the
// evidence: an organisation could file with evidence under review, have it rejected, and still
// be approved at the major-project tier. An application may be made while the evidence is
// under review; the grant waits for its approval, and rejected evidence stops the application.
TEST_F(PlatformChecksTest, AMajorProjectIsGrantedOnlyOnApprovedEvidence) {
  ASSERT_NE(ApplyForVoucher(), 0);  // seeds the demo and qualifies organisation 1
  const Principal applicant = As("demo-applicant");
  const Principal officer = As("officer");
  auto evidence = Upload("demo-applicant", "org/1", "project_evidence");
  auto doomed = Upload("demo-applicant", "org/1", "project_evidence");
  ASSERT_TRUE(evidence.ok() && doomed.ok());
  NewContract pending_contract = MajorProject(evidence->id);
  auto filed = platform_->FileContract(applicant, pending_contract);
  ASSERT_TRUE(filed.ok()) << filed.error().ToString();
  NewContract doomed_contract = MajorProject(doomed->id);
  doomed_contract.contract_no = "MP-2";
  auto filed_doomed = platform_->FileContract(applicant, doomed_contract);
  ASSERT_TRUE(filed_doomed.ok()) << filed_doomed.error().ToString();

  // Rejected after filing: no application.
  ASSERT_TRUE(platform_->ReviewDocument(officer, doomed->id, false, "项目文件不符").ok());
  ExpectRefused(platform_->Apply(applicant, "chengdu-2024", filed_doomed->id),
                ErrorCode::kStateConflict, "contract_id");
  // Under review: the application is taken, the grant is not.
  auto app = platform_->Apply(applicant, "chengdu-2024", filed->id);
  ASSERT_TRUE(app.ok()) << app.error().ToString();
  const std::size_t approvals = Audited("application.approve");
  ExpectRefused(platform_->DecideApplication(officer, app->id, true, ""),
                ErrorCode::kStateConflict, "contract_id");
  EXPECT_EQ(Audited("application.approve"), approvals);
  // Approved: granted at the tier, 30 % of 300,000.00.
  ASSERT_TRUE(platform_->ReviewDocument(officer, evidence->id, true, "").ok());
  auto decided = platform_->DecideApplication(officer, app->id, true, "");
  ASSERT_TRUE(decided.ok()) << decided.error().ToString();
  EXPECT_EQ(decided->granted_fen, 90'000'00);
}

// A major project's cap (Chengdu: 3,000,000 for a national one, seed 001) is the project's,
// whatever spaces or letter widths its name is typed with on the next contract: "大模型 训练平台"
// used to start a new project with a fresh cap.
TEST_F(PlatformChecksTest, AProjectRetypedWithASpaceIsStillTheSameProject) {
  ASSERT_NE(ApplyForVoucher(), 0);
  const Principal applicant = As("demo-applicant");
  const Principal officer = As("officer");
  const auto grant = [&](const std::string& no, const std::string& name) -> Result<Application> {
    auto evidence = Upload("demo-applicant", "org/1", "project_evidence");
    if (!evidence.ok()) return evidence.error();
    auto reviewed = platform_->ReviewDocument(officer, evidence->id, true, "");
    if (!reviewed.ok()) return reviewed.error();
    NewContract c = MajorProject(evidence->id);
    c.contract_no = no;
    c.project_name = name;
    c.amount_fen = 9'000'000'00;  // 30 % is 2,700,000.00
    SUANLI_ASSIGN(const Contract filed, platform_->FileContract(applicant, c));
    SUANLI_ASSIGN(const Application app, platform_->Apply(applicant, "chengdu-2024", filed.id));
    return platform_->DecideApplication(officer, app.id, true, "");
  };
  auto first = grant("MP-A", "大模型训练平台");
  ASSERT_TRUE(first.ok()) << first.error().ToString();
  EXPECT_EQ(first->granted_fen, 2'700'000'00);
  // 300,000.00 of the project's 3,000,000.00 is left, however the name is typed.
  auto second = grant("MP-B", " 大模型 训练平台");
  ASSERT_TRUE(second.ok()) << second.error().ToString();
  EXPECT_EQ(second->granted_fen, 300'000'00);
  auto third = grant("MP-C", "大模型\u3000训练平台");
  ASSERT_FALSE(third.ok());
  EXPECT_EQ(third.error().code, ErrorCode::kNotEligible) << third.error().ToString();
}

// Chengdu's window closes on 29 November 24:00 (seed 000). An application made inside it and
// decided after it closed was refused at the decision ("applied at <the decision's time>, after
// the window closed"), leaving every application still waiting at the close undecidable. The
// window is the application's; a new application after the close is still refused.
TEST_F(PlatformChecksTest, AnApplicationMadeInTheWindowIsDecidedAfterItCloses) {
  clock_.Set(Instant::Parse("2024-11-29T22:00:00+08:00").value());
  const std::int64_t app = ApplyForVoucher();
  ASSERT_NE(app, 0);
  clock_.Set(Instant::Parse("2024-11-30T09:00:00+08:00").value());
  const Principal officer = As("officer");
  auto decided = platform_->DecideApplication(officer, app, true, "");
  ASSERT_TRUE(decided.ok()) << decided.error().ToString();
  EXPECT_EQ(decided->status, "approved");
  NewContract late = DemoContract("R-LATE");
  auto filed = platform_->FileContract(As("demo-applicant"), late);
  ASSERT_TRUE(filed.ok()) << filed.error().ToString();
  auto refused = platform_->Apply(As("demo-applicant"), "chengdu-2024", filed->id);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, ErrorCode::kNotEligible);
  EXPECT_NE(refused.error().message.find("application_window"), std::string::npos)
      << refused.error().message;
}

// An organisation's admin invited a member carrying another provider's provider_id, and the
// member then read and marked that provider's notices (claim decisions, payouts). An account
// belongs to an organisation or a provider only by its role.
TEST_F(PlatformChecksTest, AnAccountBelongsToAProviderOnlyAsItsOperator) {
  ASSERT_TRUE(SeedDemo(*platform_).ok());
  NewUser spy;
  spy.username = "spy";
  spy.display_name = "spy";
  spy.password = "spy-pass-123";
  spy.role = Role::kApplicant;
  spy.org_id = 1;
  spy.provider_id = 2;
  auto invited = platform_->CreateUser(As("demo-applicant"), spy);
  ASSERT_FALSE(invited.ok());
  EXPECT_EQ(invited.error().code, ErrorCode::kContradiction) << invited.error().ToString();
  EXPECT_EQ(invited.error().field, "provider_id") << invited.error().ToString();
  NewUser expert = spy;
  expert.username = "expert-with-org";
  expert.role = Role::kExpert;
  expert.provider_id.reset();
  ExpectRefused(platform_->CreateUser(Principal::System(), expert), ErrorCode::kContradiction,
                "org_id");
  spy.provider_id.reset();
  auto member = platform_->CreateUser(As("demo-applicant"), spy);
  ASSERT_TRUE(member.ok()) << member.error().ToString();
}

TEST_F(PlatformChecksTest, AContractsFieldsAreBounded) {
  ASSERT_TRUE(SeedDemo(*platform_).ok());
  const Principal applicant = As("demo-applicant");
  NewContract c = MajorProject(0);
  c.project_level.clear();
  c.project_name.clear();
  c.evidence_document_id.reset();

  NewContract bad = c;
  bad.resource_class = "quantum";
  ExpectRefused(platform_->FileContract(applicant, bad), ErrorCode::kOutOfRange, "resource_class");
  bad = c;
  bad.amount_fen = 900'000'000'000'000'000;  // "9000000000000000.00"
  ExpectRefused(platform_->FileContract(applicant, bad), ErrorCode::kOverflow, "amount");
  bad = c;
  bad.project_name = std::string(201, 'p');
  ExpectRefused(platform_->FileContract(applicant, bad), ErrorCode::kOutOfRange, "project_name");
  EXPECT_EQ(Audited("contract.file"), 0u);

  c.project_name = std::string(200, 'p');  // at the cap; a name without a level is allowed
  EXPECT_TRUE(platform_->FileContract(applicant, c).ok());
}

TEST_F(PlatformChecksTest, FreeTextIsBoundedOnItsOwnFieldBeforeAnythingChanges) {
  ASSERT_TRUE(SeedDemo(*platform_).ok());
  const Principal officer = As("officer");
  const std::string too_long(5000, 'x');

  auto doc = Upload("demo-applicant", "org/1", "business_licence");
  ASSERT_TRUE(doc.ok());
  ExpectRefused(platform_->ReviewDocument(officer, doc->id, false, too_long), ErrorCode::kOutOfRange,
                "reason");
  ExpectRefused(platform_->ReviewDocument(officer, doc->id, true, too_long), ErrorCode::kOutOfRange,
                "reason");
  ExpectRefused(platform_->DecideQualification(officer, 1, false, too_long),
                ErrorCode::kOutOfRange, "reason");
  auto rp = platform_->DeclareRelatedParty(As("demo-applicant"), "org/1", "shareholder", "某公司");
  ASSERT_TRUE(rp.ok());
  // Declaring it again changes nothing, and so audits nothing.
  auto again = platform_->DeclareRelatedParty(As("demo-applicant"), "org/1", "shareholder", "某公司");
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->id, rp->id);
  EXPECT_EQ(Audited("related_party.declare"), 1u);
  ExpectRefused(platform_->WithdrawRelatedParty(officer, rp->id, too_long), ErrorCode::kOutOfRange,
                "reason");
  ExpectRefused(platform_->WithdrawRelatedParty(officer, rp->id, ""), ErrorCode::kMissingField,
                "reason");
  for (const char* action : {"document.approve", "document.reject", "qualification.reject",
                             "related_party.withdraw"}) {
    EXPECT_EQ(Audited(action), 0u) << action;
  }
  auto still = platform_->ListRelatedParties(officer, "org/1");
  ASSERT_TRUE(still.ok());
  EXPECT_EQ(still->size(), 1u);
  // Optional text stays optional: an approval without a reason.
  EXPECT_TRUE(platform_->ReviewDocument(officer, doc->id, true, "").ok());
  EXPECT_TRUE(platform_->WithdrawRelatedParty(officer, rp->id, "申报有误").ok());
}

TEST_F(PlatformChecksTest, DecisionTextIsBoundedToo) {
  const std::int64_t app = ApplyForVoucher();
  const Principal officer = As("officer");
  const std::string too_long(5000, 'x');
  ExpectRefused(platform_->DecideApplication(officer, app, false, too_long), ErrorCode::kOutOfRange,
                "reasons");
  ExpectRefused(platform_->DecideApplication(officer, app, true, too_long), ErrorCode::kOutOfRange,
                "reasons");
  EXPECT_EQ(Audited("application.refuse") + Audited("application.approve"), 0u);
  auto approved = platform_->DecideApplication(officer, app, true, "");
  ASSERT_TRUE(approved.ok()) << approved.error().ToString();
}

TEST_F(PlatformChecksTest, ClaimTextIsBoundedToo) {
  const std::int64_t claim = SubmittedClaim();
  ASSERT_NE(claim, 0);
  Panel(claim);
  const std::string too_long(5000, 'x');
  for (const char* e : {"expert1", "expert2", "expert3"}) {
    ExpectRefused(platform_->RecordOpinion(As(e), claim, "approve", 0, too_long),
                  ErrorCode::kOutOfRange, "comment");
    ExpectRefused(platform_->RecordOpinion(As(e), claim, "approve", 0, ""),
                  ErrorCode::kMissingField, "comment");
    ASSERT_TRUE(platform_->RecordOpinion(As(e), claim, "approve", 0, "发票核对无误").ok());
  }
  const Principal officer = As("officer");
  ExpectRefused(platform_->DecideClaim(officer, claim, too_long), ErrorCode::kOutOfRange, "reason");
  auto c = platform_->GetClaim(officer, claim);
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->status, "under_review");
  ASSERT_TRUE(platform_->DecideClaim(officer, claim, "").ok());  // the reason is optional
}

// A relation an expert declares after the panel is seated was never looked at again: the
// conflicted expert's opinion counted and the claim was decided. Now the opinion is refused, the
// decision waits, and the officer replaces the member (the opinion given goes with them). The
// declared party is compared without case or surrounding spaces.
TEST_F(PlatformChecksTest, AnExpertWhoDeclaresAConflictAfterSeatingIsReplaced) {
  const std::int64_t claim = SubmittedClaim();
  ASSERT_NE(claim, 0);
  Panel(claim);
  ASSERT_TRUE(platform_->RecordOpinion(As("expert1"), claim, "approve", 0, "核对无误").ok());
  ASSERT_TRUE(platform_->RecordOpinion(As("expert2"), claim, "approve", 0, "核对无误").ok());
  // expert3 declares a relation with the provider (its USCC, typed in lower case).
  auto providers = platform_->ListProviders();
  ASSERT_TRUE(providers.ok());
  std::string uscc;
  for (const auto& p : *providers) {
    if (p.name == "成都智算中心") uscc = p.uscc;
  }
  ASSERT_FALSE(uscc.empty());
  std::string typed = " " + uscc + " ";
  for (char& ch : typed) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  const Principal expert3 = As("expert3");
  ASSERT_TRUE(platform_->DeclareRelatedParty(expert3, "user/" + std::to_string(expert3.user_id),
                                             "conflict_of_interest", typed).ok());
  ExpectRefused(platform_->RecordOpinion(expert3, claim, "approve", 0, "核对无误"),
                ErrorCode::kStateConflict, "claim_id");
  const Principal officer = As("officer");
  ExpectRefused(platform_->DecideClaim(officer, claim, ""), ErrorCode::kStateConflict, "panel");
  // Seating expert3 again is refused; a panel without them, with a new member, is not.
  std::vector<std::int64_t> with3 = {As("expert1").user_id, As("expert2").user_id,
                                     expert3.user_id};
  ExpectRefused(platform_->AssignPanel(officer, claim, with3), ErrorCode::kStateConflict,
                "expert_ids");
  NewUser u;
  u.username = "expert4";
  u.display_name = "专家 周";
  u.password = kDemoPassword;
  u.role = Role::kExpert;
  auto expert4 = platform_->CreateUser(Principal::System(), u);
  ASSERT_TRUE(expert4.ok()) << expert4.error().ToString();
  std::vector<std::int64_t> replaced = {As("expert1").user_id, As("expert2").user_id,
                                        expert4->id};
  auto seated = platform_->AssignPanel(officer, claim, replaced);
  ASSERT_TRUE(seated.ok()) << seated.error().ToString();
  EXPECT_EQ(seated->status, "under_review");
  EXPECT_EQ(seated->panel.size(), 3u);
  EXPECT_EQ(seated->opinions.size(), 2u);  // expert1's and expert2's stand
  ExpectRefused(platform_->DecideClaim(officer, claim, ""), ErrorCode::kStateConflict, "opinions");
  ASSERT_TRUE(platform_->RecordOpinion(As("expert4"), claim, "refuse", 0, "发票不全").ok());
  auto decided = platform_->DecideClaim(officer, claim, "");
  ASSERT_TRUE(decided.ok()) << decided.error().ToString();
  EXPECT_EQ(decided->status, "approved");  // the median of approve, approve, refuse
}

// What the panel reviews is what was submitted: materials could be added to a claim under
// review (or paid), and a material an officer rejected still counted toward the required set.
TEST_F(PlatformChecksTest, AClaimsMaterialsAreFixedOnceSubmittedAndRejectedOnesDoNotCount) {
  voucher_ = IssueVoucher();
  ASSERT_TRUE(Settle(voucher_, "k1", 1'000'00).ok());
  clock_.Set(Instant::Parse("2024-07-02T10:00:00+08:00").value());
  const Principal op = As("op-ai");
  auto claim = platform_->CompileClaim(op, "chengdu-2024", "2024Q2");
  ASSERT_TRUE(claim.ok()) << claim.error().ToString();
  const std::string owner = "claim/" + std::to_string(claim->id);
  std::int64_t first = 0;
  for (const char* kind : kClaimMaterialKinds) {
    auto d = Upload("op-ai", owner, kind);
    ASSERT_TRUE(d.ok()) << d.error().ToString();
    if (first == 0) first = d->id;
  }
  ASSERT_TRUE(platform_->ReviewDocument(As("officer"), first, false, "扫描件不清晰").ok());
  ExpectRefused(platform_->SubmitClaim(op, claim->id), ErrorCode::kMissingField, "materials");
  ASSERT_TRUE(Upload("op-ai", owner, kClaimMaterialKinds[0]).ok());  // the replacement
  auto submitted = platform_->SubmitClaim(op, claim->id);
  ASSERT_TRUE(submitted.ok()) << submitted.error().ToString();
  ExpectRefused(Upload("op-ai", owner, "invoice"), ErrorCode::kStateConflict, "owner");
}

TEST_F(PlatformChecksTest, APayoutBatchPaysARealQuarterThatHasEnded) {
  const std::int64_t claim = SubmittedClaim();
  ASSERT_NE(claim, 0);
  Panel(claim);
  for (const char* e : {"expert1", "expert2", "expert3"}) {
    ASSERT_TRUE(platform_->RecordOpinion(As(e), claim, "approve", 0, "发票核对无误").ok());
  }
  const Principal officer = As("officer");
  ASSERT_TRUE(platform_->DecideClaim(officer, claim, "按专家意见").ok());

  // The batch's quarter: a real one (parse_error otherwise), and over (state_conflict).
  for (const char* bad : {"abcdQz", "2024Q9", "0000Q1", "2024Q3x"}) {
    ExpectRefused(platform_->CreatePayoutBatch(officer, "chengdu-2024", bad), ErrorCode::kParse,
                  "quarter");
  }
  // A quarter not over yet, by the platform's clock (2024-07-02): this one, and the far future.
  for (const char* early : {"2024Q3", "2099Q1"}) {
    ExpectRefused(platform_->CreatePayoutBatch(officer, "chengdu-2024", early),
                  ErrorCode::kStateConflict, "quarter");
  }
  EXPECT_EQ(Audited("payout.batch"), 0u);
  // A quarter is a claim's period too: one Date cannot hold is refused, not a crash.
  ExpectRefused(platform_->CompileClaim(As("op-ai"), "chengdu-2024", "0000Q1"), ErrorCode::kParse,
                "period");
  // A batch pays its quarter's claims and earlier ones, never a later quarter's: the Q2 claim is
  // not in a Q1 batch (which once paid and labelled it as Q1's), nor in one of 2000.
  for (const char* before : {"2024Q1", "2000Q1"}) {
    ExpectRefused(platform_->CreatePayoutBatch(officer, "chengdu-2024", before),
                  ErrorCode::kStateConflict, "quarter");
  }
  EXPECT_EQ(Audited("payout.batch"), 0u);
  auto batch = platform_->CreatePayoutBatch(officer, "chengdu-2024", "2024Q2");
  ASSERT_TRUE(batch.ok()) << batch.error().ToString();
  EXPECT_EQ(batch->total_fen, 500'00);
  EXPECT_EQ(batch->quarter, "2024Q2");
  ASSERT_EQ(batch->lines.size(), 1u);
  EXPECT_EQ(batch->lines[0].period, "2024Q2");
  // The batch is an audited record: its total raised beside the log shows in the reconciliation.
  auto clean = platform_->Reconcile(As("auditor"));
  ASSERT_TRUE(clean.ok() && clean->ok()) << ::testing::PrintToString(clean->differences);
  Sql("UPDATE payout_batches SET total_fen = total_fen + 100000 WHERE id = " +
      std::to_string(batch->id));
  auto edited = platform_->Reconcile(As("auditor"));
  ASSERT_TRUE(edited.ok());
  ASSERT_EQ(edited->differences_total, 1) << ::testing::PrintToString(edited->differences);
  EXPECT_EQ(edited->differences[0].rfind("payout_batch/" + std::to_string(batch->id) +
                                             ": the row differs",
                                         0),
            0u)
      << edited->differences[0];
}

TEST_F(PlatformChecksTest, AnExpertReadsOnlyTheOrganisationsOnItsPanels) {
  const std::int64_t claim = SubmittedClaim();
  ASSERT_NE(claim, 0);
  const Principal expert = As("expert1");
  ASSERT_TRUE(platform_->DeclareRelatedParty(As("demo-applicant"), "org/1", "shareholder",
                                             "某投资公司").ok());
  // Before the panel: no organisation's voucher, deductions, related parties or documents.
  ExpectRefused(platform_->GetVoucher(expert, voucher_), ErrorCode::kForbidden, "voucher_id");
  ExpectRefused(platform_->ListDeductions(expert, voucher_), ErrorCode::kForbidden, "voucher_id");
  auto listed = platform_->ListVouchers(expert, Page{});
  ASSERT_TRUE(listed.ok());
  EXPECT_TRUE(listed->empty());
  ExpectRefused(platform_->ListRelatedParties(expert, "org/1"), ErrorCode::kForbidden, "owner");
  ExpectRefused(platform_->ListDocuments(expert, "org/1"), ErrorCode::kForbidden, "owner");
  ExpectRefused(platform_->Bills(expert, 1, "2024Q2"), ErrorCode::kForbidden, "org_id");
  // Its own declarations it always reads; the officers forming panels read them too (the
  // console's related-parties page asked, and was refused); an applicant may not.
  const std::string own = "user/" + std::to_string(expert.user_id);
  ASSERT_TRUE(platform_->DeclareRelatedParty(expert, own, "conflict_of_interest", "某咨询公司").ok());
  EXPECT_TRUE(platform_->ListRelatedParties(expert, own).ok());
  for (const char* reader : {"officer", "auditor", "admin"}) {
    auto read = platform_->ListRelatedParties(As(reader), own);
    ASSERT_TRUE(read.ok()) << reader << ": " << read.error().ToString();
    ASSERT_EQ(read->size(), 1u) << reader;
    EXPECT_EQ(read->front().party, "某咨询公司");
  }
  ExpectRefused(platform_->ListRelatedParties(As("demo-applicant"), own), ErrorCode::kForbidden,
                "owner");
  ExpectRefused(platform_->ListRelatedParties(As("expert2"), own), ErrorCode::kForbidden, "owner");
  ExpectRefused(platform_->DeclareRelatedParty(As("auditor"), own, "conflict_of_interest", "x"),
                ErrorCode::kForbidden, "");

  Panel(claim);
  auto v = platform_->GetVoucher(expert, voucher_);
  ASSERT_TRUE(v.ok()) << v.error().ToString();
  EXPECT_EQ(v->org_id, 1);
  auto deductions = platform_->ListDeductions(expert, voucher_);
  ASSERT_TRUE(deductions.ok());
  EXPECT_EQ(deductions->size(), 1u);
  listed = platform_->ListVouchers(expert, Page{});
  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_EQ(listed->front().id, voucher_);
  auto parties = platform_->ListRelatedParties(expert, "org/1");
  ASSERT_TRUE(parties.ok()) << parties.error().ToString();
  EXPECT_EQ(parties->size(), 1u);
  EXPECT_TRUE(platform_->ListDocuments(expert, "org/1").ok());
  EXPECT_TRUE(platform_->Bills(expert, 1, "2024Q2").ok());  // to reconcile the claim
  // The university has no settlements in the claim: still refused.
  ExpectRefused(platform_->ListRelatedParties(expert, "org/2"), ErrorCode::kForbidden, "owner");
  ExpectRefused(platform_->ListDocuments(expert, "org/2"), ErrorCode::kForbidden, "owner");
  ExpectRefused(platform_->Bills(expert, 2, "2024Q2"), ErrorCode::kForbidden, "org_id");
  // Reading is not declaring: an expert declares for itself only.
  ExpectRefused(platform_->DeclareRelatedParty(expert, "org/1", "affiliate", "某公司"),
                ErrorCode::kForbidden, "org_id");
}

TEST_F(PlatformChecksTest, ReadingANoticeIsAuditedOnce) {
  IssueVoucher();  // notifies the organisation
  const Principal applicant = As("demo-applicant");
  auto notices = platform_->ListNotices(applicant);
  ASSERT_TRUE(notices.ok());
  ASSERT_FALSE(notices->empty());
  const std::int64_t id = notices->front().id;
  ASSERT_TRUE(platform_->MarkNoticeRead(applicant, id).ok());
  ASSERT_TRUE(platform_->MarkNoticeRead(applicant, id).ok());  // again: nothing changes
  EXPECT_EQ(Audited("notice.read"), 1u);
  EXPECT_TRUE(platform_->ListNotices(applicant)->front().read);
  // Another's notice is not found, and not marked.
  ExpectRefused(platform_->MarkNoticeRead(As("op-ai"), id), ErrorCode::kNotFound, "notice_id");
}

// A claim for a quarter is compiled only once the quarter's last settlements are surely in the
// journal: in the first minutes after the quarter a settlement taken in its last moments may
// still be on its way, and a claim compiled then would miss it for good.
TEST_F(PlatformChecksTest, AClaimWaitsOutTheQuartersLastMoments) {
  const std::int64_t voucher = IssueVoucher();
  ASSERT_TRUE(Settle(voucher, "q2", 10'000'00).ok());
  const Principal op = As("op-ai");
  clock_.Set(Instant::Parse("2024-07-01T00:05:00+08:00").value());
  auto early = platform_->CompileClaim(op, "chengdu-2024", "2024Q2");
  ASSERT_FALSE(early.ok());
  EXPECT_EQ(early.error().code, ErrorCode::kStateConflict);
  EXPECT_EQ(early.error().field, "period");
  clock_.Set(Instant::Parse("2024-07-01T00:10:00+08:00").value());
  auto claim = platform_->CompileClaim(op, "chengdu-2024", "2024Q2");
  ASSERT_TRUE(claim.ok()) << claim.error().ToString();
  EXPECT_EQ(claim->claimed_fen, 5'000'00);
}

// A program that names its providers (Qingyang: only the data-centre cluster's) refused every
// application made on the platform: nothing put a provider on a program's list. An officer now
// does; an unknown list or another role is refused, and the same request twice is one change.
TEST_F(PlatformChecksTest, AnOfficerPutsAProviderOnAProgramsList) {
  ApplyForVoucher();  // qualifies the demo organisation (and applies to Chengdu)
  const Principal applicant = As("demo-applicant");
  const Principal officer = As("officer");
  auto contract = platform_->FileContract(applicant, DemoContract("QY-1"));
  ASSERT_TRUE(contract.ok()) << contract.error().ToString();
  auto unlisted = platform_->Apply(applicant, "qingyang", contract->id);
  ASSERT_FALSE(unlisted.ok());
  EXPECT_NE(unlisted.error().message.find("provider_tags"), std::string::npos)
      << unlisted.error().ToString();

  auto typo = platform_->SetProviderTag(officer, 2, "qingyang-cluster", true);
  ASSERT_FALSE(typo.ok());
  EXPECT_EQ(typo.error().field, "tag");
  EXPECT_EQ(platform_->SetProviderTag(As("op-ai"), 2, "qingyang_cluster", true).error().code,
            ErrorCode::kForbidden);
  EXPECT_EQ(platform_->SetProviderTag(officer, 99, "qingyang_cluster", true).error().code,
            ErrorCode::kNotFound);
  auto listed = platform_->SetProviderTag(officer, 2, "qingyang_cluster", true);
  ASSERT_TRUE(listed.ok()) << listed.error().ToString();
  EXPECT_EQ(listed->tags, std::vector<std::string>{"qingyang_cluster"});
  ASSERT_TRUE(platform_->SetProviderTag(officer, 2, "qingyang_cluster", true).ok());
  EXPECT_EQ(Audited("provider.list"), 1u);

  auto applied = platform_->Apply(applicant, "qingyang", contract->id);
  ASSERT_TRUE(applied.ok()) << applied.error().ToString();
  EXPECT_EQ(applied->status, "submitted");
  auto decided = platform_->DecideApplication(officer, applied->id, true, "");
  ASSERT_TRUE(decided.ok()) << decided.error().ToString();
  ASSERT_TRUE(decided->voucher_id);
  // Qingyang: 30 % of the 300,000.00 contract (voucher-programs.md §1 row 13).
  EXPECT_EQ(decided->granted_fen, std::optional<std::int64_t>(90'000'00));
  // Off the list again: refused again.
  ASSERT_TRUE(platform_->SetProviderTag(officer, 2, "qingyang_cluster", false).ok());
  auto providers = platform_->ListProviders();
  ASSERT_TRUE(providers.ok());
  for (const Provider& p : *providers) EXPECT_TRUE(p.tags.empty()) << p.name;
}

}  // namespace
}  // namespace suanli::workflow
