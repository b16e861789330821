// The loader refuses malformed or contradictory program files with the field and the reason.
#include "policy/program_loader.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

namespace suanli::policy {
namespace {

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

const std::string kMinimal = ReadFile("src/policy/testdata/minimal.toml");

// The minimal program with `extra` appended.
Result<Program> WithExtra(const std::string& extra) { return ParseProgram(kMinimal + "\n" + extra); }

void ExpectRefused(const Result<Program>& r, ErrorCode code, const std::string& field) {
  ASSERT_FALSE(r.ok()) << "expected refusal at " << field;
  EXPECT_EQ(r.error().code, code) << r.error().ToString();
  EXPECT_EQ(r.error().field, field) << r.error().ToString();
  EXPECT_FALSE(r.error().message.empty());
}

TEST(ProgramLoaderTest, MinimalLoads) {
  auto r = ParseProgram(kMinimal);
  ASSERT_TRUE(r.ok()) << r.error().ToString();
  EXPECT_EQ(r->id, "minimal");
  ASSERT_EQ(r->tiers.size(), 1u);
  EXPECT_EQ(r->tiers[0].rate, Rate::Percent(30));
  EXPECT_EQ(r->tiers[0].rounding.Name(), "down_fen");
}

struct BrokenFile {
  const char* file;
  ErrorCode code;
  const char* field;
};

class BrokenFileTest : public ::testing::TestWithParam<BrokenFile> {};

TEST_P(BrokenFileTest, RefusedWithTheFieldNamed) {
  const BrokenFile& b = GetParam();
  ExpectRefused(LoadProgramFile(std::string("src/policy/testdata/broken/") + b.file), b.code, b.field);
}

INSTANTIATE_TEST_SUITE_P(
    Files, BrokenFileTest,
    ::testing::Values(
        BrokenFile{"rate_above_100.toml", ErrorCode::kOutOfRange, "grant.tiers[0].rate"},
        BrokenFile{"floor_above_cap.toml", ErrorCode::kContradiction, "grant.floor.amount"},
        BrokenFile{"window_reversed.toml", ErrorCode::kContradiction, "windows.application.start"},
        BrokenFile{"discount_below_floor.toml", ErrorCode::kContradiction, "discounts.classes[0].price_share"},
        BrokenFile{"missing_clause.toml", ErrorCode::kMissingField, "grant.tiers[0].clause"},
        BrokenFile{"unknown_condition.toml", ErrorCode::kUnknownField, "grant.tiers[0].when.company_size"},
        BrokenFile{"unknown_key.toml", ErrorCode::kUnknownField, "grant.caps[0].ammount"},
        BrokenFile{"money_as_float.toml", ErrorCode::kWrongType, "grant.caps[0].amount"},
        BrokenFile{"not_toml.toml", ErrorCode::kParse, ""}));

TEST(ProgramLoaderTest, MissingFile) {
  EXPECT_EQ(LoadProgramFile("src/policy/testdata/nope.toml").error().code, ErrorCode::kNotFound);
}

TEST(ProgramLoaderTest, UnknownTopLevelTable) {
  ExpectRefused(WithExtra("[bonus]\nclause = \"x\"\n"), ErrorCode::kUnknownField, "bonus");
}

TEST(ProgramLoaderTest, AssumedRuleNeedsANoteAndIsListed) {
  ExpectRefused(WithExtra("[pool]\namount_per_year = \"100.00\"\nclause = \"x\"\nassumed = true\n"),
                ErrorCode::kMissingField, "pool.note");
  auto r = WithExtra("[pool]\namount_per_year = \"100.00\"\nclause = \"x\"\nassumed = true\nnote = \"why\"\n");
  ASSERT_TRUE(r.ok()) << r.error().ToString();
  ASSERT_EQ(r->assumptions.size(), 1u);
  EXPECT_EQ(r->assumptions[0].rule, "pool");
  EXPECT_EQ(r->assumptions[0].note, "why");
}

TEST(ProgramLoaderTest, CapNamingAnUnknownTier) {
  ExpectRefused(WithExtra("[[grant.caps]]\nscope = \"org_year\"\namount = \"1.00\"\ntiers = [\"gold\"]\nclause = \"x\"\n"),
                ErrorCode::kContradiction, "grant.caps[0].tiers");
}

TEST(ProgramLoaderTest, UnknownEnumValues) {
  ExpectRefused(WithExtra("[[grant.caps]]\nscope = \"galaxy\"\namount = \"1.00\"\nclause = \"x\"\n"),
                ErrorCode::kOutOfRange, "grant.caps[0].scope");
  ExpectRefused(WithExtra("[resources]\nvalues = [\"gpu\"]\nclause = \"x\"\n"), ErrorCode::kOutOfRange,
                "resources.values[0]");
  ExpectRefused(WithExtra("[applicant.org_types]\nvalues = [\"company\"]\nclause = \"x\"\n"),
                ErrorCode::kOutOfRange, "applicant.org_types.values[0]");
}

// Classes and tags a case carries are matched by name, so a misspelt one in a program file
// never matches: refused with the field named.
TEST(ProgramLoaderTest, ClassesAndTagsAreAClosedVocabulary) {
  ExpectRefused(WithExtra("[applicant.min_revenue]\namount = \"1.00\"\nbypass_classes = [\"major_project_leader\"]\nclause = \"x\"\n"),
                ErrorCode::kOutOfRange, "applicant.min_revenue.bypass_classes[0]");
  ExpectRefused(WithExtra("[[grant.caps]]\nscope = \"org_year\"\namount = \"1.00\"\nrelaxed_for = [\"foundation_model\"]\nrelaxed_amount = \"2.00\"\nclause = \"x\"\n"),
                ErrorCode::kOutOfRange, "grant.caps[0].relaxed_for[0]");
  ExpectRefused(WithExtra("[[grant.tiers]]\nid = \"t2\"\nwhen = { org_class = [\"newly_settled\"] }\nbase = \"actual_payment\"\nrate = \"10%\"\nclause = \"x\"\n"),
                ErrorCode::kOutOfRange, "grant.tiers[1].when.org_class[0]");
  ExpectRefused(WithExtra("[[grant.tiers]]\nid = \"t2\"\nwhen = { provider_tag = [\"qingyang\"] }\nbase = \"actual_payment\"\nrate = \"10%\"\nclause = \"x\"\n"),
                ErrorCode::kOutOfRange, "grant.tiers[1].when.provider_tag[0]");
  ExpectRefused(WithExtra("[provider.any_tags]\nvalues = [\"beijing_partner\"]\nclause = \"x\"\n"),
                ErrorCode::kOutOfRange, "provider.any_tags.values[0]");
  auto ok = WithExtra("[provider.any_tags]\nvalues = [\"qingyang_cluster\"]\nclause = \"x\"\n");
  EXPECT_TRUE(ok.ok()) << ok.error().ToString();
}

// A cap "relaxed" with no figure meant no cap at all; the relaxed cap must be given.
TEST(ProgramLoaderTest, ARelaxedCapSaysHowFar) {
  ExpectRefused(WithExtra("[[grant.caps]]\nscope = \"org_year\"\namount = \"1.00\"\nrelaxed_for = [\"foundation_model_firm\"]\nclause = \"x\"\n"),
                ErrorCode::kMissingField, "grant.caps[0].relaxed_amount");
  ExpectRefused(WithExtra("[[grant.caps]]\nscope = \"org_year\"\namount = \"2.00\"\nrelaxed_for = [\"foundation_model_firm\"]\nrelaxed_amount = \"1.00\"\nclause = \"x\"\n"),
                ErrorCode::kContradiction, "grant.caps[0].relaxed_amount");
  ExpectRefused(WithExtra("[[grant.caps]]\nscope = \"org_year\"\namount = \"1.00\"\nrelaxed_amount = \"2.00\"\nclause = \"x\"\n"),
                ErrorCode::kContradiction, "grant.caps[0].relaxed_amount");
}

// The standard tier's revenue condition names applicant.min_revenue; without one it is refused.
TEST(ProgramLoaderTest, RevenueConditionNeedsTheRevenueRule) {
  ExpectRefused(WithExtra("[[grant.tiers]]\nid = \"t2\"\nwhen = { meets_min_revenue = true }\nbase = \"actual_payment\"\nrate = \"10%\"\nclause = \"x\"\n"),
                ErrorCode::kContradiction, "grant.tiers[1].when.meets_min_revenue");
  auto ok = WithExtra("[applicant.min_revenue]\namount = \"1.00\"\nclause = \"x\"\n[[grant.tiers]]\nid = \"t2\"\nwhen = { meets_min_revenue = true }\nbase = \"actual_payment\"\nrate = \"10%\"\nclause = \"x\"\n");
  EXPECT_TRUE(ok.ok()) << ok.error().ToString();
}

// program.id names its file: a copy under another name was listed as a second program with the
// same id (`suanli programs --dir` listed qingyang twice, exit 0).
TEST(ProgramLoaderTest, TheIdMustNameTheFile) {
  const std::string dir = ::testing::TempDir();
  { std::ofstream(dir + "/other-name.toml") << kMinimal; }
  ExpectRefused(LoadProgramFile(dir + "/other-name.toml"), ErrorCode::kContradiction, "program.id");
  { std::ofstream(dir + "/minimal.toml") << kMinimal; }
  auto ok = LoadProgramFile(dir + "/minimal.toml");
  EXPECT_TRUE(ok.ok()) << ok.error().ToString();
}

TEST(ProgramLoaderTest, NegativeAndMalformedMoney) {
  ExpectRefused(WithExtra("[pool]\namount_per_year = \"-1.00\"\nclause = \"x\"\n"), ErrorCode::kNegativeAmount,
                "pool.amount_per_year");
  ExpectRefused(WithExtra("[pool]\namount_per_year = \"1,000.00\"\nclause = \"x\"\n"), ErrorCode::kParse,
                "pool.amount_per_year");
}

TEST(ProgramLoaderTest, ModeNeedsItsSections) {
  std::string text = kMinimal;
  text.replace(text.find("reimbursement"), 13, "voucher_deduction");
  ExpectRefused(ParseProgram(text), ErrorCode::kMissingField, "deduction");
  ExpectRefused(WithExtra("[deduction]\nshare = \"50%\"\nclause = \"x\"\n"), ErrorCode::kContradiction,
                "deduction");
  ExpectRefused(WithExtra("[grant.pro_rate]\nclause = \"x\"\n"), ErrorCode::kMissingField, "windows.base_period");
}

TEST(ProgramLoaderTest, ValidityNeedsExactlyOneForm) {
  ExpectRefused(WithExtra("[validity]\nthrough = \"11-30\"\nmonths_from_issue = 12\nclause = \"x\"\n"),
                ErrorCode::kContradiction, "validity");
  ExpectRefused(WithExtra("[validity]\nthrough = \"11-31\"\nclause = \"x\"\n"), ErrorCode::kInvalidDate,
                "validity.through");
}

TEST(ProgramLoaderTest, FixedAmountTierHasNoRate) {
  ExpectRefused(WithExtra("[[grant.tiers]]\nid = \"fixed\"\nbase = \"fixed_amount\"\nrate = \"10%\"\namount = \"1.00\"\nclause = \"x\"\n"),
                ErrorCode::kContradiction, "grant.tiers[1].rate");
  ExpectRefused(WithExtra("[[grant.tiers]]\nid = \"only\"\nbase = \"contract_fee\"\nrate = \"10%\"\nclause = \"x\"\n"),
                ErrorCode::kContradiction, "grant.tiers[1].id");
}

TEST(ProgramLoaderTest, ExperienceHoursMustBeConsistent) {
  std::string text = kMinimal;
  ExpectRefused(WithExtra("[experience]\nhours_min = 96\nhours_max = 24\nweekly_hours_min = 2400\nclause = \"x\"\n"),
                ErrorCode::kContradiction, "experience.hours_min");
}

TEST(ProgramLoaderTest, ExperienceValidDaysIsAWholeNumberOfDays) {
  const std::string head = "[experience]\nhours_min = 24\nhours_max = 96\nweekly_hours_min = 2400\nclause = \"x\"\n";
  ExpectRefused(WithExtra(head + "valid_days = 0\n"), ErrorCode::kOutOfRange, "experience.valid_days");
  ExpectRefused(WithExtra(head + "valid_days = -3\n"), ErrorCode::kOutOfRange, "experience.valid_days");
  ExpectRefused(WithExtra(head + "valid_days = 100000\n"), ErrorCode::kOutOfRange, "experience.valid_days");
  ExpectRefused(WithExtra(head + "valid_days = \"30\"\n"), ErrorCode::kWrongType, "experience.valid_days");
  ExpectRefused(WithExtra(head + "valid_days = 30.5\n"), ErrorCode::kWrongType, "experience.valid_days");
  auto with = WithExtra(head + "valid_days = 30\n");
  ASSERT_TRUE(with.ok()) << with.error().ToString();
  EXPECT_EQ(with->experience->valid_days, 30);
  auto without = WithExtra(head);
  ASSERT_TRUE(without.ok()) << without.error().ToString();
  EXPECT_FALSE(without->experience->valid_days.has_value());
}

}  // namespace
}  // namespace suanli::policy
