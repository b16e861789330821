// Jobs on the network through the Platform: a center's free units are counted per resource
// type, so a GPU job placed on a center with GPU and CPU partitions leaves every CPU core free.
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "network/center_spec.h"
#include "network/simulated_center.h"
#include "workflow/demo.h"
#include "workflow/platform.h"

namespace suanli::workflow {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view kMixedSpec = R"({
  "name": "混合中心", "kind": "supercomputing", "region": "成都", "latency_class": "metro",
  "slurm_cluster": "mixed",
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

TEST(PlatformJobsTest, UnitsAreHeldPerResourceType) {
  const fs::path dir = fs::temp_directory_path() /
                       ("suanli-jobs-" +
                        std::to_string(::testing::UnitTest::GetInstance()->random_seed()));
  fs::remove_all(dir);
  ManualClock clock{Instant::Parse("2024-05-10T10:00:00+08:00").value()};
  PlatformOptions o;
  o.data_dir = dir.string();
  o.programs_dir = "programs";
  o.clock = &clock;
  o.fast_password_hashing = true;
  auto opened = Platform::Open(o);
  ASSERT_TRUE(opened.ok()) << opened.error().ToString();
  std::unique_ptr<Platform> platform = std::move(opened).value();
  Platform& p = *platform;
  ASSERT_TRUE(SeedDemo(p).ok());

  // The demo's centers have no connector here; only the mixed one can take jobs.
  auto centers = p.ListCenters();
  ASSERT_TRUE(centers.ok() && !centers->empty());
  const Principal sys = Principal::System();
  auto spec = network::ParseCenterSpec(kMixedSpec);
  ASSERT_TRUE(spec.ok()) << spec.error().ToString();
  auto mixed = p.RegisterCenter(sys, centers->front().provider_id, *spec);
  ASSERT_TRUE(mixed.ok()) << mixed.error().ToString();
  const Date from = Date::Parse("2024-01-01").value();
  ASSERT_TRUE(p.SetPrice(sys, NewPrice{mixed->id, "gpu", "card_hour", 10'00, from, ""}).ok());
  ASSERT_TRUE(p.SetPrice(sys, NewPrice{mixed->id, "cpu", "core_hour", 5, from, ""}).ok());
  auto login = p.Login("demo-applicant", kDemoPassword, "test");
  ASSERT_TRUE(login.ok()) << login.error().ToString();
  Principal applicant;
  applicant.user_id = login->user.id;
  applicant.username = login->user.username;
  applicant.role = login->user.role;
  applicant.org_id = login->user.org_id;
  ASSERT_TRUE(applicant.org_id.has_value());
  ASSERT_TRUE(p.MapSlurmAccount(sys, SlurmAccount{0, mixed->id, "mixed-firm", *applicant.org_id,
                                                  std::nullopt, std::nullopt})
                  .ok());
  network::SimulatedCenterOptions so;
  so.cluster = "mixed";
  so.partition = "gpu";
  so.other_partitions = {"cpu"};
  so.cpus = 16;
  so.gpus = 8;
  network::SimulatedCenter center(so, clock);
  const std::vector<std::string> users = {"mixed-firm"};
  ASSERT_TRUE(center.EnsureAccount("mixed-firm", users).ok());
  p.AttachConnector(&center);

  NewJob job;
  job.framework = "PyTorch";
  job.script = "#!/bin/sh\ntrue\n";
  job.resource_type = "gpu";
  job.units = 4;
  auto gpu = p.SubmitJob(applicant, job);
  ASSERT_TRUE(gpu.ok()) << gpu.error().ToString();
  EXPECT_EQ(gpu->state, "submitted");
  EXPECT_EQ(gpu->center_id, mixed->id);

  job.resource_type = "cpu";
  job.units = 16;  // every core of the center: the GPU job holds cards, not cores
  auto cpu = p.SubmitJob(applicant, job);
  ASSERT_TRUE(cpu.ok()) << cpu.error().ToString();
  EXPECT_EQ(cpu->state, "submitted") << cpu->placement_json;
  EXPECT_EQ(cpu->center_id, mixed->id);

  job.units = 1;  // now every core is held
  auto more = p.SubmitJob(applicant, job);
  ASSERT_TRUE(more.ok()) << more.error().ToString();
  EXPECT_EQ(more->state, "unplaced");
  EXPECT_NE(more->placement_json.find("insufficient_capacity"), std::string::npos)
      << more->placement_json;

  job.resource_type = "gpu";
  job.units = 4;  // and four cards are still free
  auto gpu2 = p.SubmitJob(applicant, job);
  ASSERT_TRUE(gpu2.ok()) << gpu2.error().ToString();
  EXPECT_EQ(gpu2->state, "submitted") << gpu2->placement_json;

  platform.reset();
  fs::remove_all(dir);
}

}  // namespace
}  // namespace suanli::workflow
