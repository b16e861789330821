// Jobs on the network through the Platform, against simulated centers: free units are counted
// per resource type, and a slow call to one center (a usage pull) does not hold up jobs on
// another.
#include <chrono>
#include <filesystem>
#include <future>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "network/center_spec.h"
#include "network/simulated_center.h"
#include "storage/sqlite/db.h"
#include "workflow/job_request_codec.h"
#include "workflow/job_routing.h"
#include "workflow/demo.h"
#include "workflow/platform.h"
#include "workflow/workflow_testing.h"

namespace suanli::workflow {
namespace {

namespace fs = std::filesystem;

// A center with GPU cards and plain CPU cores, on Slurm cluster `cluster`.
std::string MixedSpec(std::string_view cluster) {
  return R"({
  "name": "混合中心 )" + std::string(cluster) + R"(", "kind": "supercomputing", "region": "成都",
  "latency_class": "metro", "slurm_cluster": ")" + std::string(cluster) + R"(",
  "partitions": [
    {"name": "gpu", "billing_mode": "shared", "nodes": 2, "cpu_model": "Intel 8358",
     "cores_per_node": 8, "memory_gb_per_node": 64,
     "accelerator": {"model": "NVIDIA A800", "per_node": 4, "memory_gb": 80,
                     "domestic": false, "gres": "gpu"}},
    {"name": "cpu", "billing_mode": "shared", "nodes": 2, "cpu_model": "Intel 8358",
     "cores_per_node": 8, "memory_gb_per_node": 64}
  ],
  "software": [{"name": "PyTorch", "version": "2.1.0"}]
})";
}

// A simulated center whose first call of one kind (the usage pull, or a job's submission) waits
// until the test releases it.
class Blocking final : public network::CenterConnector {
 public:
  enum class Call { kPullUsage, kSubmit };
  Blocking(network::CenterConnector* inner, Call blocked) : inner_(inner), blocked_(blocked) {}
  std::promise<void> entered;
  std::promise<void> release;

  std::string_view cluster() const override { return inner_->cluster(); }
  Status EnsureAccount(std::string_view a, std::span<const std::string> u) override {
    return inner_->EnsureAccount(a, u);
  }
  Status SetAccountLimit(std::string_view a, const network::TresMap& t) override {
    return inner_->SetAccountLimit(a, t);
  }
  Result<network::SlurmJobId> Submit(const network::JobSpec& s) override {
    if (blocked_ == Call::kSubmit) Wait();
    return inner_->Submit(s);
  }
  Status Cancel(network::SlurmJobId id) override { return inner_->Cancel(id); }
  Result<network::JobStatus> GetJob(network::SlurmJobId id) override {
    return inner_->GetJob(id);
  }
  Result<network::UsagePage> PullUsage(const network::UsageCursor& c) override {
    if (blocked_ == Call::kPullUsage) Wait();
    return inner_->PullUsage(c);
  }

 private:
  void Wait() {  // the first such call only; calls to one center are serialised
    if (waited_) return;
    waited_ = true;
    entered.set_value();
    release.get_future().wait();
  }
  network::CenterConnector* inner_;
  const Call blocked_;
  bool waited_ = false;
};

class PlatformJobsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = testing::FreshTestDir("suanli-jobs");
    auto opened = testing::OpenTestPlatform(dir_, &clock_);
    ASSERT_TRUE(opened.ok()) << opened.error().ToString();
    platform_ = std::move(opened).value();
    ASSERT_TRUE(SeedDemo(*platform_).ok());
    auto applicant = testing::LoginAs(*platform_, "demo-applicant", kDemoPassword);
    ASSERT_TRUE(applicant.ok()) << applicant.error().ToString();
    applicant_ = *applicant;
    ASSERT_TRUE(applicant_.org_id.has_value());
  }
  void TearDown() override {
    platform_.reset();
    fs::remove_all(dir_);
  }

  // Registers a mixed center on `cluster` (GPU at gpu_fen a card-hour, CPU ¥0.05/core-hour), maps
  // the applicant's organisation to an account there (of `discount_class`) and returns the
  // center's id. The
  // demo's own centers have no connector here, so only such centers take jobs.
  std::int64_t AddMixedCenter(std::string_view cluster, std::int64_t gpu_fen = 10'00,
                              std::optional<char> discount_class = std::nullopt) {
    const Principal sys = Principal::System();
    auto centers = platform_->ListCenters();
    EXPECT_TRUE(centers.ok() && !centers->empty());
    auto spec = network::ParseCenterSpec(MixedSpec(cluster));
    EXPECT_TRUE(spec.ok()) << spec.error().ToString();
    auto center = platform_->RegisterCenter(sys, centers->front().provider_id, *spec);
    EXPECT_TRUE(center.ok()) << center.error().ToString();
    const Date from = Date::Parse("2024-01-01").value();
    EXPECT_TRUE(
        platform_->SetPrice(sys, NewPrice{center->id, "gpu", "card_hour", gpu_fen, from, ""}).ok());
    EXPECT_TRUE(
        platform_->SetPrice(sys, NewPrice{center->id, "cpu", "core_hour", 5, from, ""}).ok());
    EXPECT_TRUE(platform_
                    ->MapSlurmAccount(sys, SlurmAccount{0, center->id, "firm", *applicant_.org_id,
                                                        std::nullopt, discount_class,
                                                        std::nullopt, false})
                    .ok());
    return center->id;
  }
  std::unique_ptr<network::SimulatedCenter> Simulate(std::string cluster) {
    network::SimulatedCenterOptions so;
    so.cluster = std::move(cluster);
    so.partition = "gpu";
    so.other_partitions = {"cpu"};
    so.cpus = 16;
    so.gpus = 8;
    auto center = std::make_unique<network::SimulatedCenter>(so, clock_);
    const std::vector<std::string> users = {"firm"};
    EXPECT_TRUE(center->EnsureAccount("firm", users).ok());
    return center;
  }
  static NewJob Job(std::string type, std::uint32_t units) {
    NewJob job;
    job.framework = "PyTorch";
    job.script = "#!/bin/sh\ntrue\n";
    job.resource_type = std::move(type);
    job.units = units;
    return job;
  }

  void Reopen() {
    platform_.reset();
    auto reopened = testing::OpenTestPlatform(dir_, &clock_);
    ASSERT_TRUE(reopened.ok()) << reopened.error().ToString();
    platform_ = std::move(reopened).value();
    auto applicant = testing::LoginAs(*platform_, "demo-applicant", kDemoPassword);
    ASSERT_TRUE(applicant.ok());
    applicant_ = *applicant;
  }
  // Runs `sql` on platform.db with the platform closed.
  void Sql(const std::string& sql) {
    auto db = storage::Db::Open(storage::DbOptions{(dir_ / "platform.db").string()});
    ASSERT_TRUE(db.ok()) << db.error().ToString();
    const Status done = (*db)->Exec(sql);
    ASSERT_TRUE(done.ok()) << sql << ": " << done.error().ToString();
  }

  ManualClock clock_{Instant::Parse("2024-05-10T10:00:00+08:00").value()};
  fs::path dir_;
  std::unique_ptr<Platform> platform_;
  Principal applicant_;
};

TEST_F(PlatformJobsTest, UnitsAreHeldPerResourceType) {
  const std::int64_t mixed = AddMixedCenter("mixed");
  auto center = Simulate("mixed");
  platform_->AttachConnector(center.get());

  auto gpu = platform_->SubmitJob(applicant_, Job("gpu", 4));
  ASSERT_TRUE(gpu.ok()) << gpu.error().ToString();
  EXPECT_EQ(gpu->state, "submitted");
  EXPECT_EQ(gpu->center_id, mixed);

  // every core of the center: the GPU job holds cards, not cores
  auto cpu = platform_->SubmitJob(applicant_, Job("cpu", 16));
  ASSERT_TRUE(cpu.ok()) << cpu.error().ToString();
  EXPECT_EQ(cpu->state, "submitted") << cpu->placement_json;
  EXPECT_EQ(cpu->center_id, mixed);

  auto more = platform_->SubmitJob(applicant_, Job("cpu", 1));  // now every core is held
  ASSERT_TRUE(more.ok()) << more.error().ToString();
  EXPECT_EQ(more->state, "unplaced");
  EXPECT_NE(more->placement_json.find("insufficient_capacity"), std::string::npos)
      << more->placement_json;

  auto gpu2 = platform_->SubmitJob(applicant_, Job("gpu", 4));  // four cards are still free
  ASSERT_TRUE(gpu2.ok()) << gpu2.error().ToString();
  EXPECT_EQ(gpu2->state, "submitted") << gpu2->placement_json;
}

// A routed job's units are freed when a refresh sees it end: the server refreshes every
// --expiry-interval, not only when someone lists jobs (a job Slurm has forgotten, after its
// MinJobAge, could never be seen final and would hold its units for good).
TEST_F(PlatformJobsTest, ARefreshFreesTheUnitsOfJobsThatEnded) {
  AddMixedCenter("mixed");
  auto center = Simulate("mixed");
  platform_->AttachConnector(center.get());
  auto all = platform_->SubmitJob(applicant_, Job("cpu", 16));
  ASSERT_TRUE(all.ok()) << all.error().ToString();
  ASSERT_EQ(all->state, "submitted") << all->placement_json;
  auto held = platform_->SubmitJob(applicant_, Job("cpu", 16));
  ASSERT_TRUE(held.ok());
  EXPECT_EQ(held->state, "unplaced");
  clock_.Set(clock_.Now().AddSeconds(2 * 3600));  // past the job's time limit
  ASSERT_TRUE(platform_->RefreshJobs().ok());
  auto again = platform_->SubmitJob(applicant_, Job("cpu", 16));
  ASSERT_TRUE(again.ok()) << again.error().ToString();
  EXPECT_EQ(again->state, "submitted") << again->placement_json;
}

// Calls to one center are serialised by that center's own lock: while a usage pull waits on
// a slow center, and a job-state refresh waits behind it for a job there, a job is placed on and
// submitted to another center.
TEST_F(PlatformJobsTest, ASlowUsagePullDoesNotHoldUpJobsElsewhere) {
  const std::int64_t fast = AddMixedCenter("fast");
  const std::int64_t slow = AddMixedCenter("slow", 20'00);  // dearer: the router prefers fast
  auto fast_center = Simulate("fast");
  auto slow_inner = Simulate("slow");
  Blocking slow_center(slow_inner.get(), Blocking::Call::kPullUsage);
  platform_->AttachConnector(&slow_center);
  auto on_slow = platform_->SubmitJob(applicant_, Job("gpu", 2));  // the only center yet
  ASSERT_TRUE(on_slow.ok()) << on_slow.error().ToString();
  ASSERT_EQ(on_slow->center_id, slow) << on_slow->placement_json;
  platform_->AttachConnector(fast_center.get());

  std::thread puller([&] {
    auto pulled = platform_->PullUsage(Principal::System(), slow);
    EXPECT_TRUE(pulled.ok()) << pulled.error().ToString();
  });
  ASSERT_EQ(slow_center.entered.get_future().wait_for(std::chrono::seconds(30)),
            std::future_status::ready);
  // Listing jobs refreshes their states: it asks the slow center about its job, and waits.
  auto listed = std::async(std::launch::async, [&] { return platform_->ListJobs(applicant_); });
  std::this_thread::sleep_for(std::chrono::milliseconds(300));  // let it reach the slow center
  // A job for the cheaper, fast center must wait for neither.
  auto submitted = std::async(std::launch::async, [&] {
    NewJob job = Job("gpu", 8);
    return platform_->SubmitJob(applicant_, job);
  });
  const auto status = submitted.wait_for(std::chrono::seconds(10));
  slow_center.release.set_value();
  puller.join();
  ASSERT_EQ(status, std::future_status::ready) << "SubmitJob waited for another center";
  auto job = submitted.get();
  ASSERT_TRUE(job.ok()) << job.error().ToString();
  EXPECT_EQ(job->state, "submitted") << job->placement_json;
  EXPECT_EQ(job->center_id, fast) << job->placement_json;
  auto jobs = listed.get();
  ASSERT_TRUE(jobs.ok()) << jobs.error().ToString();
  EXPECT_GE(jobs->size(), 1u);
}

// The units routed jobs hold are rebuilt from the jobs table when the platform reopens.
TEST_F(PlatformJobsTest, HeldUnitsSurviveARestart) {
  const std::int64_t mixed = AddMixedCenter("mixed");
  auto center = Simulate("mixed");
  platform_->AttachConnector(center.get());
  auto first = platform_->SubmitJob(applicant_, Job("gpu", 6));
  ASSERT_TRUE(first.ok()) << first.error().ToString();
  ASSERT_EQ(first->center_id, mixed) << first->placement_json;

  platform_.reset();
  auto reopened = testing::OpenTestPlatform(dir_, &clock_);
  ASSERT_TRUE(reopened.ok()) << reopened.error().ToString();
  platform_ = std::move(reopened).value();
  platform_->AttachConnector(center.get());
  auto applicant = testing::LoginAs(*platform_, "demo-applicant", kDemoPassword);
  ASSERT_TRUE(applicant.ok());
  auto second = platform_->SubmitJob(*applicant, Job("gpu", 4));  // 2 of 8 cards left
  ASSERT_TRUE(second.ok()) << second.error().ToString();
  EXPECT_EQ(second->state, "unplaced") << second->placement_json;
  auto third = platform_->SubmitJob(*applicant, Job("gpu", 2));
  ASSERT_TRUE(third.ok()) << third.error().ToString();
  EXPECT_EQ(third->center_id, mixed) << third->placement_json;
}

// A submission waiting on a slow center holds its units there but not jobs_mu: meanwhile a job
// that no longer fits there is placed on and submitted to another center.
TEST_F(PlatformJobsTest, ASlowSubmissionDoesNotHoldUpJobsElsewhere) {
  const std::int64_t slow = AddMixedCenter("slow");          // cheaper: the router's first pick
  const std::int64_t fast = AddMixedCenter("fast", 20'00);
  auto slow_inner = Simulate("slow");
  auto fast_center = Simulate("fast");
  Blocking slow_center(slow_inner.get(), Blocking::Call::kSubmit);
  platform_->AttachConnector(&slow_center);
  platform_->AttachConnector(fast_center.get());

  auto first = std::async(std::launch::async, [&] {
    return platform_->SubmitJob(applicant_, Job("gpu", 2));
  });
  ASSERT_EQ(slow_center.entered.get_future().wait_for(std::chrono::seconds(30)),
            std::future_status::ready);
  // Eight cards: the slow center has six left once the first job's two are held.
  auto second = std::async(std::launch::async, [&] {
    return platform_->SubmitJob(applicant_, Job("gpu", 8));
  });
  const auto status = second.wait_for(std::chrono::seconds(10));
  slow_center.release.set_value();
  ASSERT_EQ(status, std::future_status::ready) << "SubmitJob waited for another center";
  auto placed = second.get();
  ASSERT_TRUE(placed.ok()) << placed.error().ToString();
  EXPECT_EQ(placed->center_id, fast) << placed->placement_json;
  auto slow_job = first.get();
  ASSERT_TRUE(slow_job.ok()) << slow_job.error().ToString();
  EXPECT_EQ(slow_job->center_id, slow) << slow_job->placement_json;
  // The hold became the job's: six cards left at the slow center, so six fit and a seventh not.
  auto six = platform_->SubmitJob(applicant_, Job("gpu", 6));
  ASSERT_TRUE(six.ok()) << six.error().ToString();
  EXPECT_EQ(six->center_id, slow) << six->placement_json;
}

// A job answers with its request as submitted (the defaults filled in) and the most it can cost:
// the chosen center's price × units × the time limit Slurm enforces (whole minutes), rounded up
// to the fen. Lists leave the script out; one job has it. It reads back so after a restart.
TEST_F(PlatformJobsTest, AJobEchoesItsRequestAndTheMostItCanCost) {
  const std::int64_t mixed = AddMixedCenter("mixed");  // GPU ¥10.00 a card-hour
  auto center = Simulate("mixed");
  platform_->AttachConnector(center.get());
  NewJob asked = Job("gpu", 1);
  asked.name = "finetune-7b";
  asked.framework_version_min = "2.0";
  asked.time_limit_s = 90 * 60 + 1;  // Slurm is asked for 91 minutes
  asked.data_region = "成都";
  asked.max_price_fen = 20'00;
  asked.deadline = Instant::Parse("2024-05-11T18:00:00+08:00").value();
  asked.user = "firm";
  asked.working_dir = "/scratch/firm";
  auto placed = platform_->SubmitJob(applicant_, asked);
  ASSERT_TRUE(placed.ok()) << placed.error().ToString();
  ASSERT_EQ(placed->center_id, mixed) << placed->placement_json;
  // 10.00 × 1 card × 91 min ÷ 60 = 15.1666… → 15.17 (up); by the seconds asked it would be 15.01.
  EXPECT_EQ(placed->max_cost_fen, 15'17);
  EXPECT_EQ(job_routing::MaxCostFen(10'00, 1, 90 * 60 + 1), 15'17);
  EXPECT_EQ(job_routing::MaxCostFen(10'00, 3, 91 * 60), 45'50);  // exact: nothing to round
  ASSERT_TRUE(placed->request.has_value());
  EXPECT_EQ(JobRequestJson(*placed->request), JobRequestJson(asked));
  EXPECT_EQ(placed->request->script, asked.script);

  NewJob defaults = Job("cpu", 2);  // no limit given: the platform's hour
  defaults.max_price_fen = 1;       // below the core-hour price: placed nowhere
  auto unplaced = platform_->SubmitJob(applicant_, defaults);
  ASSERT_TRUE(unplaced.ok()) << unplaced.error().ToString();
  EXPECT_EQ(unplaced->state, "unplaced");
  EXPECT_FALSE(unplaced->max_cost_fen.has_value());
  ASSERT_TRUE(unplaced->request.has_value());
  EXPECT_EQ(unplaced->request->time_limit_s, 3600);
  EXPECT_EQ(unplaced->request->max_price_fen, 1);

  Reopen();
  platform_->AttachConnector(center.get());
  auto listed = platform_->ListJobs(applicant_);
  ASSERT_TRUE(listed.ok()) << listed.error().ToString();
  ASSERT_EQ(listed->size(), 2u);
  const workflow::Job& first = listed->back();  // newest first
  ASSERT_EQ(first.id, placed->id);
  ASSERT_TRUE(first.request.has_value());
  EXPECT_FALSE(first.script_read);
  EXPECT_TRUE(first.request->script.empty());
  NewJob without_script = asked;
  without_script.script.clear();
  EXPECT_EQ(JobRequestJson(*first.request), JobRequestJson(without_script));
  EXPECT_EQ(first.request->deadline, asked.deadline);
  EXPECT_EQ(first.max_cost_fen, 15'17);
  auto one = platform_->GetJob(applicant_, placed->id);
  ASSERT_TRUE(one.ok()) << one.error().ToString();
  EXPECT_TRUE(one->script_read);
  EXPECT_EQ(one->request->script, asked.script);
  EXPECT_TRUE(one->script_sha256.empty());
  EXPECT_EQ(one->request->name, "finetune-7b");
}

// A job's script is the organisation's own code: an officer or auditor reading the job sees the
// rest of its request and the script's SHA-256, never its text; another organisation's
// applicant does not see the job at all.
TEST_F(PlatformJobsTest, OnlyTheOrganisationReadsItsJobsScript) {
  AddMixedCenter("mixed");
  auto center = Simulate("mixed");
  platform_->AttachConnector(center.get());
  NewJob asked = Job("gpu", 1);
  asked.script = "#!/bin/sh\n# the firm's own training recipe\ntorchrun train.py --lr 3e-4\n";
  auto placed = platform_->SubmitJob(applicant_, asked);
  ASSERT_TRUE(placed.ok()) << placed.error().ToString();
  // sha256sum of the script's bytes, computed outside Suanli.
  const std::string digest = "187edb9d01f25dd42e3711735f0a4230b2765ff0df54075424fda9887e4b8fe2";
  for (const char* who : {"officer", "auditor"}) {
    auto reader = testing::LoginAs(*platform_, who, kDemoPassword);
    ASSERT_TRUE(reader.ok()) << reader.error().ToString();
    auto seen = platform_->GetJob(*reader, placed->id);
    ASSERT_TRUE(seen.ok()) << who << ": " << seen.error().ToString();
    ASSERT_TRUE(seen->request.has_value());
    EXPECT_FALSE(seen->script_read) << who;
    EXPECT_TRUE(seen->request->script.empty()) << who;
    EXPECT_EQ(seen->script_sha256, digest) << who;
    EXPECT_EQ(seen->request->units, 1u);
  }
  auto other = testing::LoginAs(*platform_, "uni-applicant", kDemoPassword);
  ASSERT_TRUE(other.ok()) << other.error().ToString();
  auto hidden = platform_->GetJob(*other, placed->id);
  ASSERT_FALSE(hidden.ok());
  EXPECT_EQ(hidden.error().code, ErrorCode::kNotFound);
  auto own = platform_->GetJob(applicant_, placed->id);
  ASSERT_TRUE(own.ok()) << own.error().ToString();
  EXPECT_EQ(own->request->script, asked.script);
}

// A job is placed by what the organisation pays at each center: its discount class there (seed
// 002: class A pays 30 % of the base price, programs/nanjing-experience.toml) counts as metering
// will rate its usage. At list prices ¥8.00 beats ¥10.00; for a class-A customer of the dearer
// center, ¥3.00 beats ¥8.00.
TEST_F(PlatformJobsTest, AJobGoesWhereTheOrganisationsDiscountClassMakesItCheapest) {
  const std::int64_t cheap = AddMixedCenter("cheap", 8'00);
  const std::int64_t dear = AddMixedCenter("dear", 10'00, 'A');
  auto c1 = Simulate("cheap");
  auto c2 = Simulate("dear");
  platform_->AttachConnector(c1.get());
  platform_->AttachConnector(c2.get());
  auto placed = platform_->SubmitJob(applicant_, Job("gpu", 1));
  ASSERT_TRUE(placed.ok()) << placed.error().ToString();
  EXPECT_EQ(placed->center_id, dear) << placed->placement_json;
  EXPECT_NE(placed->center_id, cheap);
  EXPECT_EQ(placed->max_cost_fen, 3'00);  // 10.00 × 30 % × 1 card × 1 h

  // A maximum of ¥5.00 a card-hour: only the class-A price is within it.
  NewJob capped = Job("gpu", 1);
  capped.max_price_fen = 5'00;
  auto within = platform_->SubmitJob(applicant_, capped);
  ASSERT_TRUE(within.ok()) << within.error().ToString();
  EXPECT_EQ(within->center_id, dear);
}

// A retired center is offered no new job; a job already running there goes on (its state is
// still refreshed, it can still be cancelled) and its usage is still ingested and billed. Once
// reinstated, it takes jobs again.
TEST_F(PlatformJobsTest, ARetiredCenterTakesNoNewJobsButItsJobsGoOn) {
  const std::int64_t cheap = AddMixedCenter("cheap");
  const std::int64_t dear = AddMixedCenter("dear", 20'00);
  auto cheap_center = Simulate("cheap");
  auto dear_center = Simulate("dear");
  platform_->AttachConnector(cheap_center.get());
  platform_->AttachConnector(dear_center.get());
  auto running = platform_->SubmitJob(applicant_, Job("gpu", 2));
  auto queued = platform_->SubmitJob(applicant_, Job("gpu", 2));
  ASSERT_TRUE(running.ok() && queued.ok());
  ASSERT_EQ(running->center_id, cheap) << running->placement_json;
  ASSERT_EQ(queued->center_id, cheap) << queued->placement_json;

  auto retired = platform_->RetireCenter(Principal::System(), cheap, "decommissioned");
  ASSERT_TRUE(retired.ok()) << retired.error().ToString();
  ASSERT_TRUE(retired->retired_at.has_value());
  auto next = platform_->SubmitJob(applicant_, Job("gpu", 2));
  ASSERT_TRUE(next.ok()) << next.error().ToString();
  EXPECT_EQ(next->center_id, dear) << next->placement_json;
  // Not even listed with a reason: the router never sees it.
  EXPECT_EQ(next->placement_json.find("\"center_id\":" + std::to_string(cheap)),
            std::string::npos) << next->placement_json;

  auto cancelled = platform_->CancelJob(applicant_, queued->id);
  ASSERT_TRUE(cancelled.ok()) << cancelled.error().ToString();
  EXPECT_EQ(cancelled->state, "cancelled");
  clock_.Set(clock_.Now().AddSeconds(2 * 3600));  // past the running job's hour
  auto ended = platform_->GetJob(applicant_, running->id);
  ASSERT_TRUE(ended.ok()) << ended.error().ToString();
  EXPECT_NE(ended->state, "submitted");
  EXPECT_NE(ended->state, "running");

  // Its usage is still ingested, at its price list's price: 2 cards × 1 h × ¥10.00.
  const std::string sacct =
      "JobID|Cluster|Account|User|Partition|Submit|Start|End|ElapsedRaw|AllocTRES|State|"
      "ExitCode\n"
      "7001|cheap|firm|firm|gpu|2024-05-10T08:00:00|2024-05-10T08:00:00|2024-05-10T09:00:00|"
      "3600|cpu=4,gres/gpu=2,mem=64G,node=1|COMPLETED|0:0\n";
  auto ingested = platform_->IngestUsage(Principal::System(), cheap, sacct);
  ASSERT_TRUE(ingested.ok()) << ingested.error().ToString();
  EXPECT_EQ(ingested->billed, 1u) << (ingested->rejects.empty() ? "" : ingested->rejects[0].reason);
  EXPECT_EQ(ingested->amount_fen, 20'00);

  // Reinstated, it is the cheapest center again and takes the next job.
  ASSERT_TRUE(platform_->ReinstateCenter(Principal::System(), cheap, "recommissioned").ok());
  auto again = platform_->SubmitJob(applicant_, Job("gpu", 2));
  ASSERT_TRUE(again.ok()) << again.error().ToString();
  EXPECT_EQ(again->center_id, cheap) << again->placement_json;
}

// A database from before centers could be retired, goods withdrawn and jobs kept their request
// gets the columns at start-up: its centers in service, its goods offered, its jobs answering
// without a request or a most-it-can-cost; new jobs record theirs.
TEST_F(PlatformJobsTest, ADatabaseWithoutTheNewColumnsGetsThemAtStartUp) {
  const std::int64_t mixed = AddMixedCenter("mixed");
  auto center = Simulate("mixed");
  platform_->AttachConnector(center.get());
  auto old_job = platform_->SubmitJob(applicant_, Job("gpu", 2));
  ASSERT_TRUE(old_job.ok()) << old_job.error().ToString();
  platform_.reset();
  for (const char* column : {"request_json", "script", "max_cost_fen"}) {
    Sql(std::string("ALTER TABLE jobs DROP COLUMN ") + column);
  }
  Sql("ALTER TABLE compute_centers DROP COLUMN retired_at_us");
  Sql("ALTER TABLE goods DROP COLUMN withdrawn_at_us");
  Reopen();
  platform_->AttachConnector(center.get());
  auto before = platform_->GetJob(applicant_, old_job->id);
  ASSERT_TRUE(before.ok()) << before.error().ToString();
  EXPECT_FALSE(before->request.has_value());
  EXPECT_FALSE(before->max_cost_fen.has_value());
  EXPECT_EQ(before->resource_type, "gpu");
  auto c = platform_->GetCenter(mixed);
  ASSERT_TRUE(c.ok()) << c.error().ToString();
  EXPECT_FALSE(c->retired_at.has_value());
  auto goods = platform_->ListGoods(GoodsFilter{}, Page{});
  ASSERT_TRUE(goods.ok()) << goods.error().ToString();
  EXPECT_FALSE(goods->empty());  // the demo's, still offered
  for (const Goods& g : *goods) EXPECT_FALSE(g.withdrawn_at.has_value());
  auto fresh = platform_->SubmitJob(applicant_, Job("gpu", 2));
  ASSERT_TRUE(fresh.ok()) << fresh.error().ToString();
  EXPECT_TRUE(fresh->request.has_value());
  EXPECT_EQ(fresh->max_cost_fen, 20'00);  // ¥10.00 × 2 cards × 1 h
  ASSERT_TRUE(platform_->RetireCenter(Principal::System(), mixed, "").ok());
}

}  // namespace
}  // namespace suanli::workflow
