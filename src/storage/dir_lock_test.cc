// DirLock: one holder per directory; released when the holder goes, so the next may take it.
#include "storage/dir_lock.h"

#include <unistd.h>

#include <filesystem>
#include <string>

#include <gtest/gtest.h>

namespace suanli::storage {
namespace {

TEST(DirLockTest, OneHolderAtATimeAndTheNextAfterItGoes) {
  const auto dir = std::filesystem::temp_directory_path() /
                   ("suanli-dirlock-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  {
    auto first = DirLock::Acquire(dir);
    ASSERT_TRUE(first.ok()) << first.error().ToString();
    EXPECT_TRUE(first->held());
    // flock locks belong to the open file description: a second open in this same process is
    // refused as another process's would be.
    auto second = DirLock::Acquire(dir);
    ASSERT_FALSE(second.ok());
    EXPECT_EQ(second.error().code, ErrorCode::kConflict);
    EXPECT_NE(second.error().message.find("another Suanli process"), std::string::npos);
    DirLock moved = std::move(first).value();
    EXPECT_TRUE(moved.held());
    EXPECT_FALSE(DirLock::Acquire(dir).ok());  // the move kept it
  }
  auto again = DirLock::Acquire(dir);
  EXPECT_TRUE(again.ok()) << again.error().ToString();
  auto missing = DirLock::Acquire(dir / "no" / "such");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, ErrorCode::kIo);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace suanli::storage
