// The demo `make run` starts with: the Chengdu 2024 program's two centers as providers, two
// applicant organisations, 南京智能计算中心 with one AI center for Nanjing's experience
// vouchers, this week's Nanjing experience draw (open, the university entered),
// and an account for every role (password kDemoPassword). Idempotent:
// a second start finds the accounts and changes nothing.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/result.h"
#include "workflow/platform.h"

namespace suanli::workflow {

inline constexpr char kDemoPassword[] = "suanli-demo-2024";

struct DemoLogin {
  std::string username;
  std::string role;
  std::string who;
};

// Seeds the demo unless its admin account exists; returns the logins either way.
Result<std::vector<DemoLogin>> SeedDemo(Platform& platform);

// The demo's two centers with their partitions and prices, and a few goods (demo_network.cc).
Status SeedDemoNetwork(Platform& platform, std::int64_t hpc_provider_id,
                       std::int64_t ai_provider_id);

// This week's draw of `program_id` (an experience_draw program: Nanjing's) opened by demo
// account `officer`, with `entrant`'s organisation entered (demo_draws.cc). Nothing when the
// program is not loaded or hands out no experience vouchers.
Status SeedDemoDraw(Platform& platform, std::string_view program_id, const std::string& officer,
                    const std::string& entrant);

// 南京智能计算中心's one AI center "nj-ai" (demo_network.cc), where the demo's experience
// vouchers open their trial accounts; no account is mapped on it.
Status SeedDemoNanjingCenter(Platform& platform, std::int64_t nanjing_provider_id);
// Slurm accounts "cd-firm" and "cd-uni" (class B) on every Chengdu demo center (demo_network.cc).
Status SeedDemoAccounts(Platform& platform, std::int64_t firm_org_id, std::int64_t uni_org_id);

// One deterministic simulated center (network/simulated_center.h) per registered center,
// attached to the platform for jobs, with every mapped account created on it. For the demo
// and tests without Slurm; the returned connectors must outlive the platform's use of them.
// Centers whose cluster is in `skip` (connected for real) are left alone.
Result<std::vector<std::unique_ptr<network::CenterConnector>>> SimulateCenters(
    Platform& platform, Clock& clock, const std::vector<std::string>& skip = {});

// A valid code from a 17-character body: the check character appended (demo and test data).
std::string WithUsccCheck(std::string_view body17);
std::string WithResidentIdCheck(std::string_view body17);

}  // namespace suanli::workflow
