// Helpers for tests that drive the Platform directly (src/workflow/*_test.cc, tests/slurm/):
// a platform on a fresh data directory, and the Principal a login gives. Header-only; test
// code only.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

#include <gtest/gtest.h>

#include "core/result.h"
#include "workflow/platform.h"

namespace suanli::workflow::testing {

// A platform on `dir` (created if missing) with the shipped programs (tests run from the
// repository root) or those in `programs_dir`, `clock`, and cheap password hashing.
inline Result<std::unique_ptr<Platform>> OpenTestPlatform(const std::filesystem::path& dir,
                                                         Clock* clock,
                                                         std::string programs_dir = "programs") {
  PlatformOptions o;
  o.data_dir = dir.string();
  o.programs_dir = std::move(programs_dir);
  o.clock = clock;
  o.fast_password_hashing = true;
  return Platform::Open(o);
}

// A fresh, empty directory under the system's temp directory for the running gtest test:
// "<prefix>-<seed>-<test name>" (removed first if a crashed run left it).
inline std::filesystem::path FreshTestDir(std::string_view prefix) {
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  const std::filesystem::path dir =
      std::filesystem::temp_directory_path() /
      (std::string(prefix) + "-" +
       std::to_string(::testing::UnitTest::GetInstance()->random_seed()) + "-" + info->name());
  std::filesystem::remove_all(dir);
  return dir;
}

// The principal `username` acts as once logged in with `password`.
inline Result<Principal> LoginAs(Platform& platform, std::string_view username,
                                 std::string_view password) {
  SUANLI_ASSIGN(const Session s, platform.Login(username, password, "test"));
  Principal p;
  p.user_id = s.user.id;
  p.username = s.user.username;
  p.role = s.user.role;
  p.org_id = s.user.org_id;
  p.provider_id = s.user.provider_id;
  p.org_admin = s.user.org_admin;  // an organisation's admin invites its members
  return p;
}

}  // namespace suanli::workflow::testing
