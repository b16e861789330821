// The demo `make run` starts with: the Chengdu 2024 program's two centers as providers, two
// applicant organisations, and an account for every role (password kDemoPassword). Idempotent:
// a second start finds the accounts and changes nothing.
#pragma once

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

// A valid code from a 17-character body: the check character appended (demo and test data).
std::string WithUsccCheck(std::string_view body17);
std::string WithResidentIdCheck(std::string_view body17);

}  // namespace suanli::workflow
