// The registers behind the no-stacking and related-party rules, as the program office reads
// them: the subsidy register imported from RFC 4180 CSV (quoted cells, BOM, CRLF; a bad line
// refuses the whole file and changes nothing) and listed page by page with its filters, and
// every owner's related-party declarations in one listing.
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "workflow/demo_voucher_fixture.h"

namespace suanli::workflow {
namespace {

constexpr char kFirmUscc[] = "91510100MA61R1234W";  // the demo organisation (org 1)

template <typename T>
void ExpectRefused(const Result<T>& r, ErrorCode code, const std::string& field,
                   const std::string& says = "") {
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, code) << r.error().ToString();
  EXPECT_EQ(r.error().field, field) << r.error().ToString();
  EXPECT_NE(r.error().message.find(says), std::string::npos) << r.error().ToString();
}

class PlatformRegistersTest : public testing::DemoVoucherTest {
 protected:
  void SetUp() override {
    DemoVoucherTest::SetUp();
    ASSERT_TRUE(SeedDemo(*platform_).ok());
    uni_uscc_ = WithUsccCheck("12510000MB0U00003");  // the demo university (org 2)
    stranger_uscc_ = WithUsccCheck("91510100MA6CTTTT9");  // registered nowhere
  }
  Result<std::int64_t> Import(const std::string& csv) {
    return platform_->ImportSubsidies(As("officer"), csv);
  }
  std::vector<Subsidy> Register(SubsidyFilter f = {}, Page page = {}) {
    auto r = platform_->ListSubsidies(As("officer"), page, f);
    EXPECT_TRUE(r.ok()) << r.error().ToString();
    return r.ok() ? *r : std::vector<Subsidy>{};
  }
  std::size_t Imports() {
    auto page = platform_->ListAudit(As("auditor"), {.action = "subsidies.import", .limit = 1000});
    EXPECT_TRUE(page.ok());
    return page.ok() ? page->entries.size() : 0;
  }
  std::string uni_uscc_, stranger_uscc_;
};

TEST_F(PlatformRegistersTest, ImportReadsQuotedCellsBomAndCrlfAndListsWhereEachRowCameFrom) {
  const std::string csv = "\xEF\xBB\xBFuscc,scheme,reference,amount,year\r\n" +
                          std::string(kFirmUscc) + ",\"成都市科技项目,2024\",R-1,500000.00,2024\r\n" +
                          stranger_uscc_ + ",\"某\"\"专项\"\"资金\",\"P-7,二期\",1.5,2023\r\n";
  auto n = Import(csv);
  ASSERT_TRUE(n.ok()) << n.error().ToString();
  EXPECT_EQ(*n, 2);

  const auto rows = Register();
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].uscc, kFirmUscc);  // the BOM is not part of the header, nor the USCC
  EXPECT_EQ(rows[0].org_id, 1);
  EXPECT_EQ(rows[0].org_name, "成都示例科技有限公司");
  EXPECT_EQ(rows[0].scheme, "成都市科技项目,2024");
  EXPECT_EQ(rows[0].reference, "R-1");  // no CR left at the end of a cell
  EXPECT_EQ(rows[0].amount_fen, 500'000'00);
  EXPECT_EQ(rows[0].year, 2024);
  ASSERT_TRUE(rows[0].import_id.has_value());
  ASSERT_TRUE(rows[0].imported_at.has_value());
  EXPECT_EQ(*rows[0].imported_at, clock_.Now());
  EXPECT_EQ(rows[0].imported_by, "officer");

  EXPECT_EQ(rows[1].org_id, std::nullopt);  // the USCC of no registered organisation
  EXPECT_EQ(rows[1].org_name, "");
  EXPECT_EQ(rows[1].scheme, "某\"专项\"资金");
  EXPECT_EQ(rows[1].reference, "P-7,二期");
  EXPECT_EQ(rows[1].amount_fen, 150);
  EXPECT_EQ(rows[1].import_id, rows[0].import_id);
  EXPECT_EQ(Imports(), 1u);
}

// Imported again, a row keeps its id (the listing's cursor) and takes the new amount, year and
// import.
TEST_F(PlatformRegistersTest, ARowImportedAgainIsReplacedInPlace) {
  const std::string head = "uscc,scheme,reference,amount,year\n";
  ASSERT_TRUE(Import(head + kFirmUscc + ",省级技改补助,R-1,100.00,2023\n").ok());
  const auto before = Register();
  ASSERT_EQ(before.size(), 1u);
  clock_.Set(Instant::Parse("2024-06-01T09:00:00+08:00").value());
  ASSERT_TRUE(Import(head + kFirmUscc + ",省级技改补助,R-1,250.00,2024\n").ok());
  const auto after = Register();
  ASSERT_EQ(after.size(), 1u);
  EXPECT_EQ(after[0].id, before[0].id);
  EXPECT_EQ(after[0].amount_fen, 250'00);
  EXPECT_EQ(after[0].year, 2024);
  EXPECT_NE(after[0].import_id, before[0].import_id);
  EXPECT_EQ(after[0].imported_at, clock_.Now());
}

// Every bad file is refused on its line, and nothing of it is written: not the good rows
// before the bad line, not a replacement of a row already registered, not an audit entry.
TEST_F(PlatformRegistersTest, ABadFileIsRefusedOnItsLineAndChangesNothing) {
  const std::string head = "uscc,scheme,reference,amount,year\n";
  const std::string good = std::string(kFirmUscc) + ",省级技改补助,R-1,100.00,2024\n";
  ASSERT_TRUE(Import(head + good).ok());
  const std::string replaced = std::string(kFirmUscc) + ",省级技改补助,R-1,999.00,2024\n";
  const std::string fresh = uni_uscc_ + ",\"成都市科技项目,2024\",U-1,5.00,2024\n";

  ExpectRefused(Import(head + replaced + fresh + uni_uscc_ + ",\"未闭合,U-2,5.00,2024\n"),
                ErrorCode::kParse, "line 4", "not closed");
  ExpectRefused(Import(head + replaced + fresh + uni_uscc_ + ",成都市科技项目,2024,U-2,5.00,2024\n"),
                ErrorCode::kParse, "line 4", "found 6");
  ExpectRefused(Import(head + replaced + uni_uscc_ + ",s,U-2,5.00\n"), ErrorCode::kParse,
                "line 3", "found 4");
  ExpectRefused(Import(head + replaced + "91510100MA61R1234X,s,U-2,5.00,2024\n"),
                ErrorCode::kInvalidCode, "line 3.uscc");
  ExpectRefused(Import(head + fresh + uni_uscc_ + ",s,U-2,-5.00,2024\n"),
                ErrorCode::kNegativeAmount, "line 3.amount");
  ExpectRefused(Import(head + fresh + uni_uscc_ + ",s,U-2,5.001,2024\n"), ErrorCode::kParse,
                "line 3.amount");
  ExpectRefused(Import(head + fresh + uni_uscc_ + ",s,U-2,5.00,2024年\n"), ErrorCode::kParse,
                "line 3.year");
  ExpectRefused(Import(head + fresh + uni_uscc_ + ",s,U-2,5.00,1899\n"), ErrorCode::kOutOfRange,
                "line 3.year");
  ExpectRefused(Import(head + fresh + uni_uscc_ + ",,U-2,5.00,2024\n"), ErrorCode::kMissingField,
                "line 3.scheme");
  ExpectRefused(Import(head + fresh + uni_uscc_ + ",s,\"\",5.00,2024\n"),
                ErrorCode::kMissingField, "line 3.reference");
  ExpectRefused(Import(head + replaced + good), ErrorCode::kDuplicate, "line 3", "line 2");
  ExpectRefused(Import(good + fresh), ErrorCode::kParse, "line 1", "header");
  ExpectRefused(Import(head), ErrorCode::kMissingField, "line 2");
  ExpectRefused(Import(""), ErrorCode::kMissingField, "line 1");
  ExpectRefused(platform_->ImportSubsidies(As("demo-applicant"), head + fresh),
                ErrorCode::kForbidden, "");

  const auto rows = Register();
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].amount_fen, 100'00);
  EXPECT_EQ(Imports(), 1u);
}

// The import is one transaction: a failure of the store half-way through (here a trigger on
// its second row) leaves neither the rows written before it nor the import's record.
TEST_F(PlatformRegistersTest, AStoreFailureHalfWayRollsTheWholeImportBack) {
  const std::string head = "uscc,scheme,reference,amount,year\n";
  ASSERT_TRUE(Import(head + kFirmUscc + ",省级技改补助,R-1,100.00,2024\n").ok());
  Sql("CREATE TRIGGER refuse_second BEFORE INSERT ON subsidies WHEN NEW.reference = 'U-2' "
      "BEGIN SELECT RAISE(ABORT, 'injected'); END");
  auto r = Import(head + kFirmUscc + ",省级技改补助,R-1,999.00,2024\n" + uni_uscc_ +
                  ",s,U-1,5.00,2024\n" + uni_uscc_ + ",s,U-2,5.00,2024\n");
  ASSERT_FALSE(r.ok());
  const auto rows = Register();
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].amount_fen, 100'00);
  EXPECT_EQ(Imports(), 1u);
  Sql("DROP TRIGGER refuse_second");
  ASSERT_TRUE(Import(head + uni_uscc_ + ",s,U-2,5.00,2024\n").ok());
  EXPECT_EQ(Register().size(), 2u);
}

TEST_F(PlatformRegistersTest, TheRegisterIsPagedAndFilteredForTheProgramOffice) {
  std::string csv = "uscc,scheme,reference,amount,year\n";
  csv += std::string(kFirmUscc) + ",a,R-1,1.00,2023\n";
  csv += uni_uscc_ + ",a,U-1,2.00,2024\n";
  csv += std::string(kFirmUscc) + ",b,R-2,3.00,2024\n";
  csv += stranger_uscc_ + ",a,S-1,4.00,2024\n";
  csv += std::string(kFirmUscc) + ",c,R-3,5.00,2024\n";
  ASSERT_TRUE(Import(csv).ok());

  const auto first = Register({}, Page{0, 2});
  ASSERT_EQ(first.size(), 2u);
  EXPECT_EQ(first[0].reference, "R-1");
  EXPECT_EQ(first[1].reference, "U-1");
  const auto second = Register({}, Page{first.back().id, 2});
  ASSERT_EQ(second.size(), 2u);
  EXPECT_EQ(second[0].reference, "R-2");
  const auto last = Register({}, Page{second.back().id, 2});
  ASSERT_EQ(last.size(), 1u);
  EXPECT_EQ(last[0].reference, "R-3");

  auto refs = [&](SubsidyFilter f) {
    std::string out;
    for (const Subsidy& s : Register(f)) out += (out.empty() ? "" : " ") + s.reference;
    return out;
  };
  EXPECT_EQ(refs({.uscc = kFirmUscc}), "R-1 R-2 R-3");
  EXPECT_EQ(refs({.year = 2024}), "U-1 R-2 S-1 R-3");
  EXPECT_EQ(refs({.uscc = kFirmUscc, .year = 2024}), "R-2 R-3");
  EXPECT_EQ(refs({.org_id = 2}), "U-1");
  EXPECT_EQ(refs({.org_id = 99}), "");
  EXPECT_EQ(refs({.year = 2022}), "");

  ExpectRefused(platform_->ListSubsidies(As("officer"), {}, {.uscc = "91510100"}),
                ErrorCode::kInvalidCode, "uscc");
  ExpectRefused(platform_->ListSubsidies(As("officer"), {}, {.year = 20240}),
                ErrorCode::kOutOfRange, "year");
  for (const char* who : {"admin", "auditor"}) {
    auto r = platform_->ListSubsidies(As(who), {}, {});
    ASSERT_TRUE(r.ok()) << who;
    EXPECT_EQ(r->size(), 5u) << who;
  }
  for (const char* who : {"demo-applicant", "op-ai", "expert1"}) {
    ExpectRefused(platform_->ListSubsidies(As(who), {}, {}), ErrorCode::kForbidden, "");
  }
}

// What the register is for: a subsidy on the contract refuses the voucher (no stacking), also
// when its reference came in a quoted cell.
TEST_F(PlatformRegistersTest, AnImportedSubsidyRefusesAStackedVoucher) {
  ASSERT_NE(ApplyForVoucher(), 0);  // qualifies organisation 1
  const Principal applicant = As("demo-applicant");
  auto contract = platform_->FileContract(applicant, DemoContract("R-2,补充"));
  ASSERT_TRUE(contract.ok()) << contract.error().ToString();
  ASSERT_TRUE(Import("uscc,scheme,reference,amount,year\r\n" + std::string(kFirmUscc) +
                     ",chengdu_tech_innovation_voucher,\"R-2,补充\",10000.00,2024\r\n")
                  .ok());
  ExpectRefused(platform_->Apply(applicant, "chengdu-2024", contract->id),
                ErrorCode::kNotEligible, "", "no_stacking");
}

TEST_F(PlatformRegistersTest, EveryOwnersRelatedPartiesInOneListing) {
  const auto expert = As("expert1");
  ASSERT_TRUE(platform_->DeclareRelatedParty(As("demo-applicant"), "org/1", "shareholder", "甲公司").ok());
  ASSERT_TRUE(platform_->DeclareRelatedParty(As("op-ai"), "provider/2", "affiliate", "乙公司").ok());
  ASSERT_TRUE(platform_->DeclareRelatedParty(expert, "user/" + std::to_string(expert.user_id),
                                             "conflict_of_interest", "丙公司").ok());
  clock_.Set(Instant::Parse("2024-05-11T08:00:00+08:00").value());
  ASSERT_TRUE(platform_->DeclareRelatedParty(As("officer"), "org/2", "legal_representative", "周某").ok());
  ASSERT_TRUE(platform_->DeclareRelatedParty(As("demo-applicant"), "org/1", "affiliate", "丁公司").ok());

  auto all = platform_->ListAllRelatedParties(As("officer"), {}, {});
  ASSERT_TRUE(all.ok()) << all.error().ToString();
  ASSERT_EQ(all->size(), 4u);  // not the expert's conflict of interest
  EXPECT_EQ((*all)[0].owner, "org/1");
  EXPECT_EQ((*all)[0].owner_name, "成都示例科技有限公司");
  EXPECT_EQ((*all)[0].party, "甲公司");
  EXPECT_EQ((*all)[0].declared_at, Instant::Parse("2024-05-10T10:00:00+08:00").value());
  EXPECT_EQ((*all)[1].owner, "provider/2");
  EXPECT_EQ((*all)[1].owner_name, "成都智算中心");
  EXPECT_EQ((*all)[2].owner_name, "成都示例大学");
  EXPECT_EQ((*all)[2].declared_at, clock_.Now());

  auto parties = [&](RelatedPartyFilter f, Page page = {}) {
    std::string out;
    auto r = platform_->ListAllRelatedParties(As("auditor"), page, f);
    EXPECT_TRUE(r.ok()) << r.error().ToString();
    if (r.ok()) {
      for (const DeclaredParty& d : *r) out += (out.empty() ? "" : " ") + d.party;
    }
    return out;
  };
  EXPECT_EQ(parties({.org_id = 1}), "甲公司 丁公司");
  EXPECT_EQ(parties({.org_id = 2}), "周某");
  EXPECT_EQ(parties({.provider_id = 2}), "乙公司");
  EXPECT_EQ(parties({.org_id = 99}), "");
  EXPECT_EQ(parties({}, Page{0, 2}), "甲公司 乙公司");
  EXPECT_EQ(parties({}, Page{(*all)[1].id, 2}), "周某 丁公司");
  EXPECT_EQ(parties({.org_id = 1}, Page{(*all)[0].id, 50}), "丁公司");

  ExpectRefused(platform_->ListAllRelatedParties(As("officer"), {}, {.org_id = 1, .provider_id = 2}),
                ErrorCode::kContradiction, "provider_id");
  EXPECT_TRUE(platform_->ListAllRelatedParties(As("admin"), {}, {}).ok());
  for (const char* who : {"demo-applicant", "op-ai", "expert1"}) {
    ExpectRefused(platform_->ListAllRelatedParties(As(who), {}, {}), ErrorCode::kForbidden, "");
  }
}

}  // namespace
}  // namespace suanli::workflow
