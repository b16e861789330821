#include "http/static_files.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

namespace suanli::http {
namespace {

namespace fs = std::filesystem;

void WriteFile(const fs::path& p, const std::string& text) {
  fs::create_directories(p.parent_path());
  std::ofstream(p, std::ios::binary) << text;
}

class StaticFilesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    base_ = fs::temp_directory_path() / ("suanli-static-" + std::to_string(::getpid()) + "-" +
                                         ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(base_);
    root_ = base_ / "www";
    WriteFile(root_ / "index.html", "<html>app</html>");
    WriteFile(root_ / "assets" / "index-3fa9c1b2.js", "console.log(1)");
    WriteFile(root_ / "logo.svg", "<svg/>");
    WriteFile(root_ / "docs" / "index.html", "docs");
    WriteFile(root_ / ".env", "SECRET=1");
    WriteFile(base_ / "secret.txt", "outside");
    fs::create_symlink(base_ / "secret.txt", root_ / "link.txt");
  }
  void TearDown() override { fs::remove_all(base_); }

  fs::path base_;
  fs::path root_;
};

TEST_F(StaticFilesTest, ServesFilesWithTypesAndCaching) {
  StaticFiles files(root_.string());
  auto js = files.Serve("/assets/index-3fa9c1b2.js");
  ASSERT_TRUE(js.has_value());
  EXPECT_EQ(js->body, "console.log(1)");
  EXPECT_EQ(js->content_type, "text/javascript; charset=utf-8");
  ASSERT_EQ(js->headers.size(), 1u);
  EXPECT_EQ(js->headers[0].second, "public, max-age=31536000, immutable");
  auto svg = files.Serve("/logo.svg");
  ASSERT_TRUE(svg.has_value());
  EXPECT_EQ(svg->content_type, "image/svg+xml");
  EXPECT_EQ(svg->headers[0].second, "no-cache");
  auto root = files.Serve("/");
  ASSERT_TRUE(root.has_value());
  EXPECT_EQ(root->body, "<html>app</html>");
  EXPECT_EQ(files.Serve("/docs/")->body, "docs");
}

TEST_F(StaticFilesTest, ClientRoutesFallBackToIndexButMissingAssetsDoNot) {
  StaticFiles files(root_.string());
  auto route = files.Serve("/vouchers/42");
  ASSERT_TRUE(route.has_value());
  EXPECT_EQ(route->body, "<html>app</html>");
  EXPECT_EQ(route->content_type, "text/html; charset=utf-8");
  EXPECT_FALSE(files.Serve("/assets/missing.js").has_value());
}

TEST_F(StaticFilesTest, NeverLeavesTheRoot) {
  StaticFiles files(root_.string());
  EXPECT_FALSE(files.Serve("/../secret.txt").has_value());
  EXPECT_FALSE(files.Serve("/assets/../../secret.txt").has_value());
  EXPECT_FALSE(files.Serve("/./index.html").has_value());
  EXPECT_FALSE(files.Serve("/.env").has_value());
  EXPECT_FALSE(files.Serve("/..\\secret.txt").has_value());
  EXPECT_FALSE(files.Serve("/link.txt").has_value());  // symlink pointing outside
  EXPECT_FALSE(files.Serve(std::string_view("/index.html\0x", 13)).has_value());
}

TEST(ContentHash, RecognisesBundlerNames) {
  EXPECT_TRUE(LooksContentHashed("index-3fa9c1b2.js"));
  EXPECT_TRUE(LooksContentHashed("app.8f2c44e1.css"));
  EXPECT_TRUE(LooksContentHashed("index-BXk2_3fA.js"));
  EXPECT_FALSE(LooksContentHashed("index.html"));
  EXPECT_FALSE(LooksContentHashed("my-component.js"));
  EXPECT_FALSE(LooksContentHashed("vendor-abcdefgh.js"));  // no digit: a word, not a hash
  EXPECT_EQ(ContentTypeFor("A.PNG"), "image/png");
  EXPECT_EQ(ContentTypeFor("blob"), "application/octet-stream");
}

}  // namespace
}  // namespace suanli::http
