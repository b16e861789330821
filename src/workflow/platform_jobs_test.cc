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
    dir_ = fs::temp_directory_path() /
           ("suanli-jobs-" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) +
            "-" + ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
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
  // the applicant's organisation to an account there and returns the center's id. The
  // demo's own centers have no connector here, so only such centers take jobs.
  std::int64_t AddMixedCenter(std::string_view cluster, std::int64_t gpu_fen = 10'00) {
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
                                                        std::nullopt, std::nullopt})
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

}  // namespace
}  // namespace suanli::workflow
