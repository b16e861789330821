// The usage log's writer thread: batches land at their offsets in order, the caller's buffer
// comes back empty, and a failed write is reported by the next Wait (log_writer.h).
#include "metering/log_writer.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace suanli::metering {
namespace {

std::string TempFile(const char* name) {
  return (std::filesystem::temp_directory_path() /
          (std::string("log-writer-") + name + "-" + std::to_string(::getpid())))
      .string();
}

std::string Slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

TEST(LogWriterTest, BatchesLandAtTheirOffsetsInOrder) {
  const std::string path = TempFile("order");
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  ASSERT_GE(fd, 0);
  {
    LogWriter writer(fd, /*sync=*/true, path);
    LogBuffer batch;
    std::uint64_t offset = 0;
    for (int i = 0; i < 50; ++i) {
      const auto size = static_cast<std::size_t>(1000 + i);
      batch.append(std::string(size, static_cast<char>('a' + i % 26)));  // batch was empty
      ASSERT_TRUE(writer.Wait().ok());
      writer.Start(&batch, offset);
      EXPECT_TRUE(writer.busy());
      EXPECT_TRUE(batch.empty());  // the caller gets a cleared buffer to fill meanwhile
      offset += size;
    }
    EXPECT_TRUE(writer.Wait().ok());
    EXPECT_FALSE(writer.busy());
    EXPECT_TRUE(writer.Wait().ok());  // nothing in flight: ok at once
  }
  const std::string bytes = Slurp(path);
  std::string want;
  for (int i = 0; i < 50; ++i) {
    want.append(static_cast<std::size_t>(1000 + i), static_cast<char>('a' + i % 26));
  }
  EXPECT_EQ(bytes, want);
  ::close(fd);
  std::filesystem::remove(path);
}

TEST(LogWriterTest, AFailedWriteComesBackFromWait) {
  const std::string path = TempFile("fail");
  { std::ofstream(path) << "x"; }
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);  // every write fails (EBADF)
  ASSERT_GE(fd, 0);
  LogWriter writer(fd, /*sync=*/true, path);
  LogBuffer batch;
  batch.append("entries");
  writer.Start(&batch, 0);
  const Status written = writer.Wait();
  ASSERT_FALSE(written.ok());
  EXPECT_EQ(written.error().code, ErrorCode::kIoUncertain);
  EXPECT_NE(written.error().ToString().find("write failed"), std::string::npos);
  EXPECT_TRUE(writer.Wait().ok());  // reported once
  ::close(fd);
  std::filesystem::remove(path);
}

}  // namespace
}  // namespace suanli::metering
