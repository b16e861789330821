// Metering end to end on the real two-center Slurm lab (fixture slurm_lab): two organisations
// run jobs on both centers; the platform pulls their usage through the connectors' cursors,
// rates it at the centers' prices, bills it per organisation and settles each bill through a
// Chengdu 2024 voucher (50 % of the bill, rounded down to the fen: seed 000 §四(三)); pulling
// and ingesting the same usage again changes nothing; a claim inflated above the metered usage
// is flagged by the reconciliation.
//
// Time: the program year is 2024 and the lab's jobs run today, so every record's instants are
// moved back by the same whole number of days, landing the jobs on 2024-03-14 (in Q1, inside
// the vouchers' validity). Durations, and so quantities and amounts, are unchanged.
//
// Prices are chosen so that every amount is exact: ¥3,600.00 per core-hour is ¥1.00 a
// core-second, ¥36,000.00 per card-hour ¥10.00 a card-second; the expected bill of a job is
// then units × ElapsedRaw × that, read from the record Slurm reported.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <future>
#include <iostream>
#include <map>
#include <thread>

#include <unistd.h>

#include "network/slurm/slurm_rest_connector.h"
#include "workflow/demo.h"
#include "workflow/platform.h"
#include "workflow/workflow_testing.h"

namespace suanli::workflow {
namespace {

namespace fs = std::filesystem;
using network::CenterConnector;
using network::JobSpec;
using network::UsageRecord;

constexpr char kPassword[] = "metering-test-password";
constexpr std::int64_t kCoreHourFen = 3'600'00;   // ¥1.00 per core-second
constexpr std::int64_t kCardHourFen = 36'000'00;  // ¥10.00 per card-second

std::map<std::string, std::string> LabEnv() {
  std::map<std::string, std::string> env;
  const char* dir = std::getenv("SUANLI_SLURM_LAB_DIR");
  if (dir == nullptr) return env;
  std::ifstream in(std::string(dir) + "/env");
  std::string line;
  while (std::getline(in, line)) {
    const auto eq = line.find('=');
    if (line.empty() || line[0] == '#' || eq == std::string::npos) continue;
    std::string value = line.substr(eq + 1);
    if (value.size() >= 2 && value.front() == '"') value = value.substr(1, value.size() - 2);
    env[line.substr(0, eq)] = value;
  }
  return env;
}

std::string CenterJson(const std::string& cluster, const std::string& partition, bool gpus) {
  std::string accel = gpus ? R"(, "accelerator": {"model": "NVIDIA A800", "per_node": 4,
      "memory_gb": 80, "domestic": false, "gres": "gpu"})" : "";
  return R"({"name": "lab )" + cluster + R"(", "kind": "supercomputing", "region": "成都",
    "latency_class": "metro", "slurm_cluster": ")" + cluster + R"(",
    "partitions": [{"name": ")" + partition + R"(", "billing_mode": "shared", "nodes": 1,
      "cpu_model": "lab", "cores_per_node": 32, "memory_gb_per_node": 125)" + accel + "}]}";
}

class SlurmMetering : public ::testing::Test {
 protected:
  void SetUp() override {
    env_ = LabEnv();
    ASSERT_FALSE(env_.empty()) << "SUANLI_SLURM_LAB_DIR/env missing: run through ctest";
    dir_ = fs::temp_directory_path() / ("suanli-slurm-metering-" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    auto p = testing::OpenTestPlatform(dir_, &clock_);
    ASSERT_TRUE(p.ok()) << p.error().ToString();
    platform_ = std::move(p).value();
    for (const std::string name : {"center-a", "center-b"}) {
      const std::string prefix =
          name == "center-a" ? "SUANLI_SLURM_CENTER_A_" : "SUANLI_SLURM_CENTER_B_";
      network::slurm::SlurmRestOptions so;
      so.cluster = name;
      so.rest_url = env_[prefix + "REST_URL"];
      so.token = env_[prefix + "TOKEN"];
      so.token_user = env_[prefix + "TOKEN_USER"];
      so.slurm_conf = env_[prefix + "CONF"];
      so.usage_settle_s = 3;
      auto c = network::slurm::SlurmRestConnector::Create(so, system_clock_);
      ASSERT_TRUE(c.ok()) << c.error().ToString();
      work_dirs_.push_back(env_[prefix + "WORK_DIR"]);
      connectors_.push_back(std::move(c).value());
    }
  }
  void TearDown() override {
    platform_.reset();
    fs::remove_all(dir_);
  }

  Principal Login(const std::string& user, const std::string& password = kPassword) {
    auto p = testing::LoginAs(*platform_, user, password);
    EXPECT_TRUE(p.ok()) << user << ": " << p.error().ToString();
    return p.ok() ? *p : Principal{};
  }

  // An organisation registered, qualified and holding one voucher per provider.
  std::int64_t QualifiedOrg(const std::string& uscc, const std::string& name,
                            const std::string& admin) {
    NewOrg org;
    org.uscc = uscc;
    org.name = name;
    org.type = "enterprise";
    org.region = "成都";
    org.industry = "artificial_intelligence";
    org.legal_rep_name = "测试";
    org.legal_rep_id = WithResidentIdCheck("51010719850505123");
    org.prior_year_revenue_fen = 50'000'000'00;
    org.admin_username = admin;
    org.admin_password = kPassword;
    auto o = platform_->RegisterOrg(org);
    EXPECT_TRUE(o.ok()) << o.error().ToString();
    const Principal app = Login(admin);
    for (const char* kind : {"business_licence", "legal_rep_id_scan", "authenticity_pledge",
                             "no_violation_pledge", "credit_report", "audit_report"}) {
      auto d = platform_->UploadDocument(app, "org/" + std::to_string(o->id), kind, "f.pdf",
                                         "%PDF-1.4 test");
      EXPECT_TRUE(d.ok()) << d.error().ToString();
      EXPECT_TRUE(platform_->ReviewDocument(officer_, d->id, true, "").ok());
    }
    EXPECT_TRUE(platform_->SubmitQualification(app, o->id).ok());
    EXPECT_TRUE(platform_->DecideQualification(officer_, o->id, true, "").ok());
    return o->id;
  }

  // A 100,000 contract with the provider and its 50,000 voucher; returns (contract, voucher).
  std::pair<std::int64_t, std::int64_t> Voucher(std::int64_t org_id, const std::string& admin,
                                                std::int64_t provider_id) {
    const Principal app = Login(admin);
    NewContract c;
    c.org_id = org_id;
    c.provider_id = provider_id;
    c.contract_no = "LAB-" + std::to_string(org_id) + "-" + std::to_string(provider_id);
    c.amount_fen = 100'000'00;
    c.signed_on = Date::Parse("2024-03-10").value();
    c.start_on = c.signed_on;
    c.end_on = Date::Parse("2024-11-30").value();
    c.resource_class = "intelligent_compute";
    auto contract = platform_->FileContract(app, c);
    EXPECT_TRUE(contract.ok()) << contract.error().ToString();
    auto a = platform_->Apply(app, "chengdu-2024", contract->id);
    EXPECT_TRUE(a.ok()) << a.error().ToString();
    auto decided = platform_->DecideApplication(officer_, a->id, true, "");
    EXPECT_TRUE(decided.ok()) << decided.error().ToString();
    EXPECT_EQ(decided->granted_fen, std::optional<std::int64_t>(50'000'00));
    return {contract->id, *decided->voucher_id};
  }

  JobSpec Spec(std::size_t center, std::string account, std::string user, std::uint32_t cpus,
               std::string gres) {
    JobSpec s;
    s.account = std::move(account);
    s.user = std::move(user);
    s.partition = env_["SUANLI_SLURM_PARTITION"];
    s.name = "suanli-metering";
    s.script = "#!/bin/sh\nsleep 2\n";
    s.cpus_per_task = cpus;
    s.gres = std::move(gres);
    s.time_limit_min = 5;
    s.working_dir = work_dirs_[center];
    s.environment = {{"PATH", "/usr/bin:/bin"}};
    return s;
  }

  SettlementResult Settle(const Principal& op, std::int64_t org, std::int64_t voucher,
                          const std::string& key) {
    std::promise<Result<SettlementResult>> done;
    // Only ended days are settled: on 15 March, the quarter through the 14th (the jobs' day),
    // so that the settlements fall in the 2024Q1 claim.
    platform_->SettleMeteredBill(op, org, "2024-01-01..2024-03-14", voucher, key,
                                 [&](Result<SettlementResult> r) { done.set_value(std::move(r)); });
    auto r = done.get_future().get();
    EXPECT_TRUE(r.ok()) << r.error().ToString();
    return r.ok() ? *r : SettlementResult{};
  }

  std::map<std::string, std::string> env_;
  fs::path dir_;
  ManualClock clock_{Instant::Parse("2024-03-15T09:00:00+08:00").value()};
  SystemClock system_clock_;
  std::unique_ptr<Platform> platform_;
  std::vector<std::unique_ptr<network::slurm::SlurmRestConnector>> connectors_;
  std::vector<std::string> work_dirs_;
  Principal officer_;
};

TEST_F(SlurmMetering, JobsOnBothCentersBilledThroughChengduVouchers) {
  const Principal sys = Principal::System();
  // People, providers and their centers, priced so amounts are exact.
  std::int64_t provider[2];
  Principal op[2];
  std::int64_t center_id[2];
  for (int i = 0; i < 2; ++i) {
    const std::string cluster = i == 0 ? "center-a" : "center-b";
    auto p = platform_->CreateProvider(sys, NewProvider{i == 0 ? "国家超算成都中心" : "成都智算中心",
                                                        WithUsccCheck(i == 0 ? "12510100MB1C00L01" : "91510100MA6CAL002"),
                                                        "成都"});
    ASSERT_TRUE(p.ok()) << p.error().ToString();
    provider[i] = p->id;
    NewUser u{"op-" + cluster, "operator", kPassword, Role::kProvider, std::nullopt, p->id};
    ASSERT_TRUE(platform_->CreateUser(sys, u).ok());
    op[i] = Login(u.username);
    auto spec = network::ParseCenterSpec(CenterJson(cluster, env_["SUANLI_SLURM_PARTITION"], i == 1));
    ASSERT_TRUE(spec.ok()) << spec.error().ToString();
    auto center = platform_->RegisterCenter(op[i], provider[i], *spec);
    ASSERT_TRUE(center.ok()) << center.error().ToString();
    center_id[i] = center->id;
    auto price = platform_->SetPrice(op[i], NewPrice{center->id, env_["SUANLI_SLURM_PARTITION"],
                                                     i == 0 ? "core_hour" : "card_hour",
                                                     i == 0 ? kCoreHourFen : kCardHourFen,
                                                     Date::Parse("2024-01-01").value(), ""});
    ASSERT_TRUE(price.ok()) << price.error().ToString();
  }
  NewUser officer{"officer", "officer", kPassword, Role::kOfficer, std::nullopt, std::nullopt};
  ASSERT_TRUE(platform_->CreateUser(sys, officer).ok());
  officer_ = Login("officer");
  const std::int64_t org[2] = {
      QualifiedOrg(WithUsccCheck("91510100MA61L0001"), "实验一科技有限公司", "one-admin"),
      QualifiedOrg(WithUsccCheck("91510100MA61L0002"), "实验二科技有限公司", "two-admin")};
  const std::string admin[2] = {"one-admin", "two-admin"};
  std::int64_t voucher[2][2];  // [org][center]
  // Accounts unique to this run: a lab kept up between runs still holds the last run's jobs.
  const std::string account[2] = {"meter-one-" + std::to_string(::getpid()),
                                  "meter-two-" + std::to_string(::getpid())};
  for (int o = 0; o < 2; ++o) {
    for (std::size_t c = 0; c < 2; ++c) {
      auto [contract, v] = Voucher(org[o], admin[o], provider[c]);
      voucher[o][c] = v;
      // The organisation's Slurm account on the center; the second pays class C (50 %).
      SlurmAccount a;
      a.center_id = center_id[c];
      a.account = account[o];
      a.org_id = org[o];
      a.contract_id = contract;
      if (o == 1) a.discount_class = 'C';
      auto mapped = platform_->MapSlurmAccount(op[c], a);
      ASSERT_TRUE(mapped.ok()) << mapped.error().ToString();
    }
  }

  // The same accounts on the clusters, and one job per organisation per center.
  const std::vector<std::string> users_one = {"root"}, users_two = {"nobody"};
  for (auto& c : connectors_) {
    ASSERT_TRUE(c->EnsureAccount(account[0], users_one).ok());
    ASSERT_TRUE(c->EnsureAccount(account[1], users_two).ok());
  }
  std::map<std::string, std::string> job_account[2];  // [center] job id → account
  for (std::size_t c = 0; c < 2; ++c) {
    const std::string gres = c == 1 ? "gpu:1" : "";
    for (int o = 0; o < 2; ++o) {
      auto id = connectors_[c]->Submit(
          Spec(c, account[o], o == 0 ? "root" : "nobody", o == 0 ? 1u : 2u, gres));
      ASSERT_TRUE(id.ok()) << id.error().ToString();
      job_account[c][std::to_string(id->value)] = account[o];
    }
  }

  // Pull every center's usage from its cursor until both jobs' records are in.
  std::vector<UsageRecord> pulled[2];
  for (std::size_t c = 0; c < 2; ++c) {
    network::UsageCursor cursor;
    std::map<std::string, bool> seen;
    for (int i = 0; i < 240 && seen.size() < job_account[c].size(); ++i) {
      auto page = connectors_[c]->PullUsage(cursor);
      ASSERT_TRUE(page.ok()) << page.error().ToString();
      for (const UsageRecord& r : page->records) {
        pulled[c].push_back(r);
        if (r.step.empty() && job_account[c].contains(r.job_id)) seen[r.job_id] = true;
      }
      cursor = page->next;
      if (seen.size() < job_account[c].size()) {
        std::this_thread::sleep_for(std::chrono::milliseconds(500));
      }
    }
    ASSERT_EQ(seen.size(), job_account[c].size()) << "center " << c << ": jobs never pulled";
  }

  // Into the program year (see the header), then ingest with the cursor.
  const Date day = pulled[0].front().end->CstDate();
  const std::int64_t shift_s =
      DaysBetween(Date::Parse("2024-03-14").value(), day) * kSecondsPerDay;
  auto shifted = [&](std::vector<UsageRecord> records) {
    for (auto& r : records) {
      r.submit = r.submit.AddSeconds(-shift_s);
      if (r.start) r.start = r.start->AddSeconds(-shift_s);
      if (r.end) r.end = r.end->AddSeconds(-shift_s);
    }
    return records;
  };
  std::int64_t expected_fen[2][2] = {};  // [org][center]
  std::int64_t rejected_other = 0;       // other tests' jobs in the lab: other accounts
  for (std::size_t c = 0; c < 2; ++c) {
    const auto records = shifted(pulled[c]);
    for (const auto& r : records) {
      if (!r.step.empty() || !job_account[c].contains(r.job_id)) continue;
      const int o = job_account[c][r.job_id] == account[0] ? 0 : 1;
      const std::int64_t units = c == 0 ? r.alloc_tres.at("cpu") : r.alloc_tres.at("gres/gpu");
      const std::int64_t per_unit_s = (c == 0 ? kCoreHourFen : kCardHourFen) / 3600;
      const std::int64_t full = units * r.elapsed_s * per_unit_s;
      expected_fen[o][c] += o == 1 ? full / 2 : full;  // class C pays 50 %: always whole fen here
      EXPECT_GT(r.elapsed_s, 0) << r.job_id;
      EXPECT_EQ(r.end->CstDate(), Date::Parse("2024-03-14").value()) << r.job_id;
    }
    auto report = platform_->IngestUsageRecords(op[c], center_id[c], records, "cursor-" + std::to_string(c));
    ASSERT_TRUE(report.ok()) << report.error().ToString();
    EXPECT_EQ(report->billed, 2u) << "center " << c;
    EXPECT_EQ(report->amount_fen, expected_fen[0][c] + expected_fen[1][c]);
    rejected_other += static_cast<std::int64_t>(report->rejected);
    for (const auto& x : report->rejects) EXPECT_EQ(x.kind, "unknown account") << x.ToString();
    // Again: nothing changes.
    auto again = platform_->IngestUsageRecords(op[c], center_id[c], records, std::nullopt);
    ASSERT_TRUE(again.ok());
    EXPECT_EQ(again->ingested, 0u);
    EXPECT_EQ(again->amount_fen, 0);
    EXPECT_EQ(again->already, report->ingested);
  }
  (void)rejected_other;

  // Bills and settlement: each organisation's bill on each center through that center's
  // voucher; the voucher pays 50 %, rounded down to the fen.
  for (int o = 0; o < 2; ++o) {
    for (std::size_t c = 0; c < 2; ++c) {
      EXPECT_GT(expected_fen[o][c], 0) << "org " << o << " center " << c << ": nothing metered";
      auto bills = platform_->Bills(op[c], org[o], "2024Q1");
      ASSERT_TRUE(bills.ok()) << bills.error().ToString();
      ASSERT_EQ(bills->size(), 1u);
      EXPECT_EQ(bills->front().total_fen, expected_fen[o][c]) << "org " << o << " center " << c;
      const SettlementResult r =
          Settle(op[c], org[o], voucher[o][c], "lab-" + std::to_string(o) + std::to_string(c));
      EXPECT_EQ(r.bill_fen, expected_fen[o][c]);
      EXPECT_EQ(r.deduction_fen, expected_fen[o][c] / 2);
      EXPECT_EQ(r.customer_pays_fen, expected_fen[o][c] - expected_fen[o][c] / 2);
      EXPECT_EQ(r.voucher_remaining_fen, 50'000'00 - expected_fen[o][c] / 2);
      std::cout << "org " << o << " on " << connectors_[c]->cluster() << ": bill "
                << r.bill_fen << " fen, voucher pays " << r.deduction_fen << ", customer "
                << r.customer_pays_fen << "\n";
    }
  }

  // Center-b's provider also bills organisation two by hand for more than was metered.
  std::promise<Result<SettlementResult>> extra;
  platform_->SubmitSettlement(op[1], SettlementRequest{"lab-inflated", voucher[1][1], "INV-X", 999'00},
                              [&](Result<SettlementResult> r) { extra.set_value(std::move(r)); });
  ASSERT_TRUE(extra.get_future().get().ok());

  clock_.Set(Instant::Parse("2024-04-02T09:00:00+08:00").value());
  for (std::size_t c = 0; c < 2; ++c) {
    op[c] = Login("op-" + std::string(c == 0 ? "center-a" : "center-b"));
    auto claim = platform_->CompileClaim(op[c], "chengdu-2024", "2024Q1");
    ASSERT_TRUE(claim.ok()) << claim.error().ToString();
    auto rec = platform_->ReconcileClaim(officer_, claim->id);
    ASSERT_TRUE(rec.ok()) << rec.error().ToString();
    ASSERT_EQ(rec->rows.size(), 2u);
    for (const auto& row : rec->rows) {
      const int o = static_cast<std::int64_t>(row.org.value) == org[0] ? 0 : 1;
      EXPECT_EQ(row.metered_fen, expected_fen[o][c]);
      const bool inflated = c == 1 && o == 1;
      EXPECT_EQ(row.claimed_fen, expected_fen[o][c] + (inflated ? 999'00 : 0));
      EXPECT_EQ(row.flagged, inflated) << "org " << o << " center " << c;
    }
    EXPECT_EQ(rec->flagged, c == 1 ? 1u : 0u);
  }
}

}  // namespace
}  // namespace suanli::workflow
