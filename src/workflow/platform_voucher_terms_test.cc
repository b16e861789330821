// A voucher's terms are fixed when it is issued (voucher_terms.h), and every version of a
// program file the platform ran with is kept (program_versions.h). Chengdu's notice promises
// the voucher "每次抵扣费用为结算费用的50%" (seed 000 §四(三)): an operator who later edits the
// program file to 40 % changes what new vouchers pay, never what an issued one pays.
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include <gtest/gtest.h>

#include "workflow/demo_voucher_fixture.h"

namespace suanli::workflow {
namespace {

namespace fs = std::filesystem;

class VoucherTermsTest : public testing::DemoVoucherTest {
 protected:
  void SetUp() override {
    // The programs in a copy this test may edit, beside the data directory.
    programs_dir_ = testing::FreshTestDir("suanli-programs");
    fs::create_directories(programs_dir_);
    for (const auto& f : fs::directory_iterator("programs")) {
      if (f.path().extension() == ".toml") fs::copy_file(f.path(), programs_dir_ / f.path().filename());
    }
    DemoVoucherTest::SetUp();
  }
  void TearDown() override {
    DemoVoucherTest::TearDown();
    fs::remove_all(programs_dir_);
  }
  // Replaces the one occurrence of `from` in the copy of chengdu-2024.toml.
  void EditChengdu(const std::string& from, const std::string& to) {
    const fs::path file = programs_dir_ / "chengdu-2024.toml";
    std::stringstream text;
    text << std::ifstream(file).rdbuf();
    std::string s = text.str();
    const auto at = s.find(from);
    ASSERT_NE(at, std::string::npos) << from;
    ASSERT_EQ(s.find(from, at + 1), std::string::npos) << from << " occurs twice";
    s.replace(at, from.size(), to);
    std::ofstream(file, std::ios::trunc) << s;
  }
  // A second 300,000.00 contract of the demo organisation, applied for and approved.
  std::int64_t IssueAnother(const std::string& contract_no) {
    auto contract = platform_->FileContract(As("demo-applicant"), DemoContract(contract_no));
    EXPECT_TRUE(contract.ok()) << contract.error().ToString();
    if (!contract.ok()) return 0;
    auto app = platform_->Apply(As("demo-applicant"), "chengdu-2024", contract->id);
    EXPECT_TRUE(app.ok()) << app.error().ToString();
    if (!app.ok()) return 0;
    auto decided = platform_->DecideApplication(As("officer"), app->id, true, "");
    EXPECT_TRUE(decided.ok()) << decided.error().ToString();
    return decided.ok() ? decided->voucher_id.value_or(0) : 0;
  }
  Voucher View(std::int64_t voucher) {
    auto v = platform_->GetVoucher(As("officer"), voucher);
    EXPECT_TRUE(v.ok()) << v.error().ToString();
    return v.ok() ? *v : Voucher{};
  }
  std::vector<std::string> AuditActions(const std::string& object_prefix) {
    auto page = platform_->ListAudit(As("auditor"), {.object_prefix = object_prefix, .limit = 1000});
    EXPECT_TRUE(page.ok()) << page.error().ToString();
    std::vector<std::string> out;
    if (page.ok()) {
      for (const auto& e : page->entries) out.push_back(e.action);
    }
    return out;
  }
  Reconciliation Reconcile() {
    auto r = platform_->Reconcile(As("auditor"));
    EXPECT_TRUE(r.ok()) << r.error().ToString();
    return r.ok() ? *r : Reconciliation{};
  }
};

TEST_F(VoucherTermsTest, EveryProgramIsRecordedOnceAsVersionOne) {
  ASSERT_TRUE(SeedDemo(*platform_).ok());  // the auditor reads the log
  auto versions = platform_->ProgramVersions("chengdu-2024");
  ASSERT_TRUE(versions.ok()) << versions.error().ToString();
  ASSERT_EQ(versions->size(), 1u);
  EXPECT_EQ((*versions)[0].version, 1);
  EXPECT_EQ((*versions)[0].sha256.size(), 64u);
  auto text = platform_->ProgramVersionText("chengdu-2024", 1);
  ASSERT_TRUE(text.ok());
  EXPECT_NE(text->find("share = \"50%\""), std::string::npos);
  EXPECT_EQ(AuditActions("program/chengdu-2024"), std::vector<std::string>{"program.load"});

  // The same files again: nothing new.
  Reopen();
  EXPECT_EQ(platform_->ProgramVersions("chengdu-2024")->size(), 1u);
  EXPECT_EQ(AuditActions("program/chengdu-2024"), std::vector<std::string>{"program.load"});

  EXPECT_EQ(platform_->ProgramVersions("no-such-program").error().code, ErrorCode::kNotFound);
  EXPECT_EQ(platform_->ProgramVersionText("chengdu-2024", 2).error().code, ErrorCode::kNotFound);
}

TEST_F(VoucherTermsTest, AnEditedShareAppliesOnlyToVouchersIssuedAfterIt) {
  const std::int64_t before = IssueVoucher();  // 150,000.00 under version 1
  ASSERT_NE(before, 0);
  EXPECT_EQ(View(before).program_version, 1);
  EXPECT_EQ(View(before).rate, Rate::Percent(50));
  EXPECT_EQ(View(before).rounding, "down_fen");
  auto first = Settle(before, "b1", 10'000'01);
  ASSERT_TRUE(first.ok()) << first.error().ToString();
  EXPECT_EQ(first->deduction_fen, 5'000'00);  // 50 % of 10,000.01, down to the fen

  EditChengdu("share = \"50%\"", "share = \"40%\"");
  Reopen();
  auto versions = platform_->ProgramVersions("chengdu-2024");
  ASSERT_TRUE(versions.ok());
  ASSERT_EQ(versions->size(), 2u);
  EXPECT_EQ((*versions)[1].version, 2);
  EXPECT_NE((*versions)[0].sha256, (*versions)[1].sha256);
  EXPECT_EQ((*versions)[0].vouchers_issued, 1);
  EXPECT_EQ((*versions)[1].vouchers_issued, 0);
  EXPECT_EQ(AuditActions("program/chengdu-2024"),
            (std::vector<std::string>{"program.load", "program.change"}));
  EXPECT_NE(platform_->ProgramVersionText("chengdu-2024", 2)->find("share = \"40%\""),
            std::string::npos);
  EXPECT_NE(platform_->ProgramVersionText("chengdu-2024", 1)->find("share = \"50%\""),
            std::string::npos);

  // The issued voucher still pays 50 %; one issued now pays 40 %.
  EXPECT_EQ(View(before).rate, Rate::Percent(50));
  auto again = Settle(before, "b2", 10'000'01);
  ASSERT_TRUE(again.ok()) << again.error().ToString();
  EXPECT_EQ(again->deduction_fen, 5'000'00);
  const std::int64_t after = IssueAnother("R-2");
  ASSERT_NE(after, 0);
  EXPECT_EQ(View(after).program_version, 2);
  EXPECT_EQ(View(after).rate, Rate::Percent(40));
  auto newer = Settle(after, "a1", 10'000'01);
  ASSERT_TRUE(newer.ok()) << newer.error().ToString();
  EXPECT_EQ(newer->deduction_fen, 4'000'00);  // 40 % of 10,000.01 = 4,000.004, down to the fen

  // Back to 50 %: a third version (the text of the first, loaded again, is a new event).
  EditChengdu("share = \"40%\"", "share = \"50%\"");
  Reopen();
  EXPECT_EQ(platform_->ProgramVersions("chengdu-2024")->size(), 3u);
  EXPECT_EQ(View(after).rate, Rate::Percent(40));  // still its own terms
  auto last = Settle(after, "a2", 10'000'01);
  ASSERT_TRUE(last.ok());
  EXPECT_EQ(last->deduction_fen, 4'000'00);
  EXPECT_TRUE(Reconcile().ok()) << ::testing::PrintToString(Reconcile().differences);
}

TEST_F(VoucherTermsTest, AVoucherFromBeforeTermsWereStoredTakesThemOnceWithAnEntry) {
  const std::int64_t voucher = IssueVoucher();
  ASSERT_NE(voucher, 0);
  ASSERT_TRUE(Settle(voucher, "k1", 20'000'00).ok());
  platform_.reset();
  // As a database of the build before: no terms on the row, older state forms, no fill yet.
  Sql("UPDATE vouchers SET redeemed_by = NULL, share = NULL, rounding = NULL, invoice = NULL, "
      "program_version = NULL");
  Sql("UPDATE meta SET value = '1' WHERE key = 'audited_state_forms'");
  Sql("DELETE FROM meta WHERE key = 'voucher_terms_filled'");
  Reopen();
  EXPECT_EQ(View(voucher).rate, Rate::Percent(50));
  EXPECT_EQ(View(voucher).program_version, 1);
  EXPECT_EQ(SqlInt("SELECT count(*) FROM vouchers WHERE share = '50%' AND rounding = 'down_fen' "
                   "AND invoice = 'actual_payment' AND redeemed_by = 'provider'"),
            1);
  const auto actions = AuditActions("voucher/" + std::to_string(voucher));
  ASSERT_GE(actions.size(), 2u);
  EXPECT_EQ(actions[actions.size() - 2], "state.baseline");
  EXPECT_EQ(actions.back(), "voucher.terms");
  auto settled = Settle(voucher, "k2", 20'000'00);
  ASSERT_TRUE(settled.ok()) << settled.error().ToString();
  EXPECT_EQ(settled->deduction_fen, 10'000'00);
  EXPECT_TRUE(Reconcile().ok()) << ::testing::PrintToString(Reconcile().differences);
}

TEST_F(VoucherTermsTest, TermsEmptiedLaterAreATamperedRowNotFilledAgain) {
  const std::int64_t voucher = IssueVoucher();
  ASSERT_NE(voucher, 0);
  platform_.reset();
  Sql("UPDATE vouchers SET share = NULL");
  Reopen();
  EXPECT_FALSE(View(voucher).rate.has_value());
  auto refused = Settle(voucher, "t1", 20'000'00);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, ErrorCode::kStateConflict);
  EXPECT_NE(refused.error().message.find("no terms"), std::string::npos) << refused.error().message;
  const Reconciliation r = Reconcile();
  ASSERT_EQ(r.differences_total, 1) << ::testing::PrintToString(r.differences);
  EXPECT_NE(r.differences[0].find("voucher/" + std::to_string(voucher)), std::string::npos);
}

}  // namespace
}  // namespace suanli::workflow
