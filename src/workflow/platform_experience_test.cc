// Using Nanjing's experience vouchers (seed 002 §发放体验券: 抽取到免费算力券后…开通一次性算力账号,
// 可以免费使用一段时间) on the platform, against the demo's 南京智能计算中心 simulated
// deterministically (network/simulated_center.h): the winner activates its voucher and gets a
// one-time account limited to its card-hours; every refusal changes nothing; usage metered on
// the account counts against the hours and is never billed or settled; a voucher used up is
// used_up; one past its last day (24:00 CST) is expired and its account limited to 0 hours.
#include <gtest/gtest.h>

#include <algorithm>

#include "network/simulated_center.h"
#include "workflow/demo_voucher_fixture.h"

namespace suanli::workflow {
namespace {

constexpr char kNanjing[] = "nanjing-experience";

class PlatformExperienceTest : public testing::DemoVoucherTest {
 protected:
  // The demo at 2024-05-10 (a Friday), its draw of the week of 2024-05-06 open with the
  // university entered; the firm enters and the officer runs it: with two entrants short of
  // 2,400 hours, both win 96 hours.
  void SetUp() override {
    DemoVoucherTest::SetUp();
    ASSERT_TRUE(SeedDemo(*platform_).ok());
    auto centers = platform_->ListCenters();
    ASSERT_TRUE(centers.ok());
    for (const Center& c : *centers) {
      if (c.spec.slurm_cluster == "nj-ai") nanjing_ = c;
    }
    ASSERT_NE(nanjing_.id, 0) << "the demo seeds 南京智能计算中心's center";
    const std::int64_t draw = platform_->ListDraws(As("officer"), kNanjing, Page{})->front().id;
    ASSERT_TRUE(platform_->EnterDraw(As("demo-applicant"), draw).ok());
    auto run = platform_->RunDraw(As("officer"), draw);
    ASSERT_TRUE(run.ok()) << run.error().ToString();
    ASSERT_EQ(run->winners.size(), 2u);
    for (const auto& w : run->winners) {
      (w.org_id == *As("demo-applicant").org_id ? firm_voucher_ : uni_voucher_) = w.voucher_id;
      EXPECT_EQ(w.hours, 96);
    }
  }
  // The demo's Nanjing center, simulated: 64 MLU cards; each job runs into its time limit.
  void Connect() {
    network::SimulatedCenterOptions o;
    o.cluster = "nj-ai";
    o.partition = "mlu";
    o.gres_name = "mlu";
    o.cpus = 512;
    o.gpus = 64;
    o.run_percent_min = 100;
    o.run_percent_max = 100;
    center_ = std::make_unique<network::SimulatedCenter>(o, clock_);
    platform_->AttachConnector(center_.get());
  }
  ExperienceVoucher Voucher(std::int64_t id) {
    auto x = platform_->GetExperienceVoucher(As("auditor"), id);
    EXPECT_TRUE(x.ok()) << x.error().ToString();
    return x.ok() ? *x : ExperienceVoucher{};
  }
  ExperienceVoucher Activate() {
    auto x = platform_->ActivateExperienceVoucher(As("demo-applicant"), firm_voucher_);
    EXPECT_TRUE(x.ok()) << x.error().ToString();
    return x.ok() ? *x : ExperienceVoucher{};
  }
  // A job of `cards` MLU cards for `minutes` on account `account`, straight to the center.
  Result<network::SlurmJobId> RunOnCenter(const std::string& account, int cards, int minutes) {
    network::JobSpec spec;
    spec.account = account;
    spec.user = account;
    spec.partition = "mlu";
    spec.script = "#!/bin/sh\ntrue\n";
    spec.cpus_per_task = 8;
    spec.gres = "mlu:" + std::to_string(cards);
    spec.time_limit_min = static_cast<std::uint32_t>(minutes);
    spec.working_dir = "/tmp";
    return center_->Submit(spec);
  }
  // Pulls the center's finished jobs into metering, then sweeps (hours, used_up, expiry).
  void MeterAndSweep() {
    auto pulled = platform_->PullUsage(Principal::System(), nanjing_.id);
    ASSERT_TRUE(pulled.ok()) << pulled.error().ToString();
    EXPECT_EQ(pulled->rejected, 0u);
    EXPECT_EQ(pulled->amount_fen, 0);  // free: rated at 0 fen
    const Status swept = platform_->RunExpiry();
    ASSERT_TRUE(swept.ok()) << swept.error().ToString();
  }
  // What a refused step must leave as it was: the rows of the tables activation writes, and
  // the audit log's length.
  std::string Tables() {
    std::string out;
    for (const char* sql :
         {"SELECT COUNT(*) FROM audit_log", "SELECT COUNT(*) FROM notices",
          "SELECT COUNT(*) FROM slurm_accounts",
          "SELECT COUNT(*) FROM experience_vouchers WHERE status <> 'issued'",
          "SELECT COUNT(*) FROM experience_vouchers WHERE slurm_account IS NOT NULL OR "
          "center_id IS NOT NULL OR activated_at_us IS NOT NULL"}) {
      out += std::to_string(SqlInt(sql)) + " ";
    }
    return out;
  }
  std::int64_t AuditCount(const std::string& action) {
    return SqlInt("SELECT COUNT(*) FROM audit_log WHERE action = '" + action + "'");
  }
  std::int64_t NoticeCount(const std::string& kind) {
    return SqlInt("SELECT COUNT(*) FROM notices WHERE kind = '" + kind + "'");
  }

  Center nanjing_;
  std::unique_ptr<network::SimulatedCenter> center_;
  std::int64_t firm_voucher_ = 0, uni_voucher_ = 0;
};

TEST_F(PlatformExperienceTest, TheWinnerActivatesItsVoucherIntoALimitedOneTimeAccount) {
  Connect();
  const ExperienceVoucher issued = Voucher(firm_voucher_);
  EXPECT_EQ(issued.status, "issued");
  // 30 days counting the draw day (assumed in the program file): until 24:00 on 2024-06-08.
  ASSERT_TRUE(issued.expires_at.has_value());
  EXPECT_EQ(*issued.expires_at, Instant::Parse("2024-06-09T00:00:00+08:00").value());
  EXPECT_FALSE(issued.activated_at.has_value());

  const ExperienceVoucher x = Activate();
  EXPECT_EQ(x.status, "active");
  EXPECT_EQ(x.slurm_account, "exp-" + std::to_string(firm_voucher_));
  EXPECT_EQ(x.center_id, nanjing_.id);
  EXPECT_EQ(x.slurm_cluster, "nj-ai");
  EXPECT_EQ(x.activated_at, clock_.Now());
  EXPECT_EQ(x.used_card_s, 0);
  EXPECT_EQ(x.remaining_card_s(), 96 * 3600);
  // Mapped to the organisation as the voucher's trial account.
  auto accounts = platform_->ListSlurmAccounts(Principal::System(), nanjing_.id);
  ASSERT_TRUE(accounts.ok());
  ASSERT_EQ(accounts->size(), 1u);
  EXPECT_EQ(accounts->front().account, x.slurm_account);
  EXPECT_EQ(accounts->front().org_id, x.org_id);
  EXPECT_EQ(accounts->front().experience_voucher_id, firm_voucher_);
  EXPECT_TRUE(accounts->front().trial_open);
  // Open on the center and limited to 96 card-hours: 8 cards for 12 h fit, 13 h do not.
  EXPECT_EQ(RunOnCenter(x.slurm_account, 8, 13 * 60).error().code, ErrorCode::kContradiction);
  EXPECT_TRUE(RunOnCenter(x.slurm_account, 8, 12 * 60).ok());
  // Audited and noticed.
  EXPECT_EQ(AuditCount("experience_voucher.activate"), 1);
  EXPECT_EQ(NoticeCount("experience_voucher.active"), 1);
  // Everyone who reads vouchers sees it; the university sees its own only.
  auto uni = platform_->ListExperienceVouchers(As("uni-applicant"), Page{});
  ASSERT_TRUE(uni.ok());
  ASSERT_EQ(uni->size(), 1u);
  EXPECT_EQ(uni->front().id, uni_voucher_);
  EXPECT_EQ(platform_->GetExperienceVoucher(As("uni-applicant"), firm_voucher_).error().code,
            ErrorCode::kForbidden);
}

TEST_F(PlatformExperienceTest, EveryRefusalChangesNothing) {
  const auto refused = [&](const Principal& who, std::int64_t id, ErrorCode code,
                           const std::string& field) {
    const std::string before = Tables();
    auto r = platform_->ActivateExperienceVoucher(who, id);
    ASSERT_FALSE(r.ok()) << field;
    EXPECT_EQ(r.error().code, code) << r.error().ToString();
    EXPECT_EQ(r.error().field, field) << r.error().ToString();
    EXPECT_FALSE(r.error().message.empty());
    EXPECT_EQ(Tables(), before) << r.error().ToString();
  };
  // No connector attached for the provider's center: nothing can be opened.
  refused(As("demo-applicant"), firm_voucher_, ErrorCode::kStateConflict, "center");
  Connect();
  // The center down: it opens nothing and nothing is recorded.
  center_->SetDown(true);
  refused(As("demo-applicant"), firm_voucher_, ErrorCode::kIo, "center");
  center_->SetDown(false);
  // Someone else's voucher; an officer (only the winner's applicant activates); none such.
  refused(As("uni-applicant"), firm_voucher_, ErrorCode::kForbidden, "id");
  refused(As("officer"), firm_voucher_, ErrorCode::kForbidden, "");
  refused(As("demo-applicant"), 999, ErrorCode::kNotFound, "experience_voucher_id");
  // A banned organisation.
  Sql("UPDATE orgs SET banned_until_us = " +
      std::to_string(Instant::Parse("2026-05-10T00:00:00+08:00")->micros()) +
      " WHERE id = " + std::to_string(*As("demo-applicant").org_id));
  refused(As("demo-applicant"), firm_voucher_, ErrorCode::kBanned, "org_id");
  Sql("UPDATE orgs SET banned_until_us = NULL");
  // Activated once; a second time is a state conflict.
  Activate();
  refused(As("demo-applicant"), firm_voucher_, ErrorCode::kStateConflict, "status");
  // Past its last day, even before the sweep has expired it.
  clock_.Set(Instant::Parse("2024-06-09T00:00:00+08:00").value());
  refused(As("uni-applicant"), uni_voucher_, ErrorCode::kExpired, "expires_at");
}

TEST_F(PlatformExperienceTest, MeteredUsageCountsAgainstTheHoursAndIsNeverBilled) {
  Connect();
  const ExperienceVoucher x = Activate();
  // 8 cards × 60 min and 4 cards × 90 min: 8 + 6 = 14 card-hours.
  ASSERT_TRUE(RunOnCenter(x.slurm_account, 8, 60).ok());
  ASSERT_TRUE(RunOnCenter(x.slurm_account, 4, 90).ok());
  clock_.Set(clock_.Now().AddSeconds(3 * 3600));
  const std::int64_t settlements = SqlInt("SELECT COUNT(*) FROM settlements");
  MeterAndSweep();
  ExperienceVoucher used = Voucher(firm_voucher_);
  EXPECT_EQ(used.status, "active");
  EXPECT_EQ(used.used_card_s, 14 * 3600);
  EXPECT_EQ(used.remaining_card_s(), (96 - 14) * 3600);
  // Free: the organisation's bills of the month carry the lines at 0 fen; a metered settlement
  // has nothing to settle, and nothing was settled or journaled.
  auto bills = platform_->Bills(As("officer"), x.org_id, "2024-05-01..2024-05-31");
  ASSERT_TRUE(bills.ok()) << bills.error().ToString();
  std::int64_t total = 0;
  std::size_t lines = 0;
  for (const auto& b : *bills) {
    total += b.total_fen;
    for (const auto& l : b.lines) {
      ++lines;
      EXPECT_EQ(l.line.figures.amount_fen, 0);
      EXPECT_GT(l.line.figures.quantity_unit_s, 0);
    }
  }
  EXPECT_EQ(lines, 2u);  // both jobs metered, each free
  EXPECT_EQ(total, 0);
  EXPECT_EQ(SqlInt("SELECT COUNT(*) FROM settlements"), settlements);
  EXPECT_EQ(SqlInt("SELECT COUNT(*) FROM metered_settlements"), 0);
  // A sweep again counts nothing twice.
  ASSERT_TRUE(platform_->RunExpiry().ok());
  EXPECT_EQ(Voucher(firm_voucher_).used_card_s, 14 * 3600);
  EXPECT_EQ(NoticeCount("experience_voucher.used_up"), 0);
}

TEST_F(PlatformExperienceTest, AVoucherWhoseHoursAreAllUsedIsUsedUp) {
  Connect();
  const ExperienceVoucher x = Activate();
  // 8 cards × 12 h = the voucher's 96 card-hours; Slurm's limit then starts nothing more.
  ASSERT_TRUE(RunOnCenter(x.slurm_account, 8, 12 * 60).ok());
  clock_.Set(clock_.Now().AddSeconds(13 * 3600));
  MeterAndSweep();
  const ExperienceVoucher done = Voucher(firm_voucher_);
  EXPECT_EQ(done.status, "used_up");
  EXPECT_EQ(done.used_card_s, 96 * 3600);
  EXPECT_EQ(done.remaining_card_s(), 0);
  EXPECT_EQ(done.ended_at, clock_.Now());
  EXPECT_EQ(AuditCount("experience_voucher.used_up"), 1);
  EXPECT_EQ(NoticeCount("experience_voucher.used_up"), 1);
  EXPECT_FALSE(RunOnCenter(x.slurm_account, 1, 1).ok());
  // Final: past its last day it stays used_up, and its account is not touched again.
  clock_.Set(Instant::Parse("2024-06-09T00:00:00+08:00").value());
  ASSERT_TRUE(platform_->RunExpiry().ok());
  EXPECT_EQ(Voucher(firm_voucher_).status, "used_up");
  EXPECT_EQ(AuditCount("experience_voucher.expire"), 1);  // the university's, never activated
  // No job of the organisation is placed on the closed trial account.
  auto accounts = platform_->ListSlurmAccounts(Principal::System(), nanjing_.id);
  ASSERT_TRUE(accounts.ok());
  EXPECT_FALSE(accounts->front().trial_open);
}

TEST_F(PlatformExperienceTest, PastItsLastDayAVoucherExpiresAndItsAccountStartsNothing) {
  Connect();
  const ExperienceVoucher x = Activate();
  ASSERT_TRUE(RunOnCenter(x.slurm_account, 2, 60).ok());
  // The last second of 2024-06-08 (截至24:00): still active.
  clock_.Set(Instant::Parse("2024-06-08T23:59:59+08:00").value());
  MeterAndSweep();
  EXPECT_EQ(Voucher(firm_voucher_).status, "active");
  EXPECT_EQ(Voucher(firm_voucher_).used_card_s, 2 * 3600);
  EXPECT_EQ(Voucher(uni_voucher_).status, "issued");
  // 00:00 on 2024-06-09: expired, used or not; the active one's account limited to 0 hours.
  clock_.Set(Instant::Parse("2024-06-09T00:00:00+08:00").value());
  ASSERT_TRUE(platform_->RunExpiry().ok());
  const ExperienceVoucher expired = Voucher(firm_voucher_);
  EXPECT_EQ(expired.status, "expired");
  EXPECT_EQ(expired.ended_at, clock_.Now());
  EXPECT_EQ(expired.account_closed_at, clock_.Now());
  EXPECT_EQ(expired.used_card_s, 2 * 3600);
  EXPECT_EQ(RunOnCenter(x.slurm_account, 1, 1).error().code, ErrorCode::kContradiction);
  const ExperienceVoucher unused = Voucher(uni_voucher_);
  EXPECT_EQ(unused.status, "expired");
  EXPECT_FALSE(unused.account_closed_at.has_value());  // it never had one
  EXPECT_EQ(AuditCount("experience_voucher.expire"), 2);
  EXPECT_EQ(NoticeCount("experience_voucher.expired"), 2);
  // Each once: another sweep changes nothing.
  const std::int64_t audit = SqlInt("SELECT COUNT(*) FROM audit_log");
  ASSERT_TRUE(platform_->RunExpiry().ok());
  EXPECT_EQ(SqlInt("SELECT COUNT(*) FROM audit_log"), audit);
  // An expired voucher is not activated.
  EXPECT_EQ(platform_->ActivateExperienceVoucher(As("uni-applicant"), uni_voucher_).error().code,
            ErrorCode::kStateConflict);
}

TEST_F(PlatformExperienceTest, AnAccountTheCenterCouldNotCloseIsClosedByALaterSweep) {
  Connect();
  const ExperienceVoucher x = Activate();
  clock_.Set(Instant::Parse("2024-06-09T00:00:00+08:00").value());
  center_->SetDown(true);
  ASSERT_TRUE(platform_->RunExpiry().ok());
  EXPECT_EQ(Voucher(firm_voucher_).status, "expired");
  EXPECT_FALSE(Voucher(firm_voucher_).account_closed_at.has_value());
  center_->SetDown(false);
  ASSERT_TRUE(platform_->RunExpiry().ok());
  EXPECT_EQ(Voucher(firm_voucher_).account_closed_at, clock_.Now());
  EXPECT_EQ(RunOnCenter(x.slurm_account, 1, 1).error().code, ErrorCode::kContradiction);
}

}  // namespace
}  // namespace suanli::workflow
