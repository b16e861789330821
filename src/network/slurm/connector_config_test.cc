// The connector settings file: what it accepts, and that every mistake names its field.
#include "network/slurm/connector_config.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

namespace suanli::network::slurm {
namespace {

namespace fs = std::filesystem;

class ConnectorConfigTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("suanli-connector-config-" + std::to_string(::getpid()));
    fs::create_directories(dir_);
    std::ofstream(dir_ / "a.jwt") << "SLURM_JWT=eyJhbGciOiJIUzI1NiJ9.e30.sig\n";
    std::ofstream(dir_ / "empty.jwt") << "\n";
  }
  void TearDown() override { fs::remove_all(dir_); }

  Result<std::vector<SlurmRestOptions>> Parse(const std::string& text) {
    return ParseConnectorConfig(text, "centers.toml", dir_.string());
  }
  // The field of the error `text` gets, or "ok".
  std::string FieldOf(const std::string& text) {
    auto r = Parse(text);
    return r.ok() ? "ok" : r.error().field;
  }

  fs::path dir_;
};

constexpr char kTwo[] = R"(
[[center]]
cluster = "cd-hpc"
rest_url = "http://127.0.0.1:6820"
token_file = "a.jwt"
slurm_conf = "/etc/slurm/cd-hpc.conf"
usage_settle_s = 5

[[center]]
cluster = "cd-ai"
rest_url = "http://127.0.0.1:6821"
token_file = "a.jwt"
token_user = "slurm"
timeout_ms = 2500
)";

TEST_F(ConnectorConfigTest, ReadsEveryCenterWithItsTokenAndDefaults) {
  auto r = Parse(kTwo);
  ASSERT_TRUE(r.ok()) << r.error().ToString();
  ASSERT_EQ(r->size(), 2u);
  const SlurmRestOptions& hpc = (*r)[0];
  EXPECT_EQ(hpc.cluster, "cd-hpc");
  EXPECT_EQ(hpc.rest_url, "http://127.0.0.1:6820");
  EXPECT_EQ(hpc.token, "eyJhbGciOiJIUzI1NiJ9.e30.sig");  // "SLURM_JWT=" and the newline gone
  EXPECT_EQ(hpc.token_user, "root");
  EXPECT_EQ(hpc.slurm_conf, "/etc/slurm/cd-hpc.conf");
  EXPECT_EQ(hpc.usage_settle_s, 5);
  EXPECT_EQ(hpc.timeout.count(), 15000);
  const SlurmRestOptions& ai = (*r)[1];
  EXPECT_EQ(ai.token_user, "slurm");
  EXPECT_EQ(ai.timeout.count(), 2500);
  EXPECT_EQ(ai.usage_settle_s, 30);
}

TEST_F(ConnectorConfigTest, AnEmptyFileIsAnEmptyNetwork) {
  auto r = Parse("# no real centers yet\n");
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->empty());
}

TEST_F(ConnectorConfigTest, MistakesNameTheirField) {
  const std::string good =
      "cluster = \"x\"\nrest_url = \"http://127.0.0.1:6820\"\ntoken_file = \"a.jwt\"\n";
  EXPECT_EQ(FieldOf("[[center]]\n" + good), "ok");
  EXPECT_EQ(FieldOf("[[center]]\n" + good + "colour = \"red\"\n"), "center[0].colour");
  EXPECT_EQ(FieldOf("[[center]]\nrest_url = \"http://127.0.0.1:1\"\ntoken_file = \"a.jwt\"\n"),
            "center[0].cluster");
  EXPECT_EQ(FieldOf("[[center]]\ncluster = \"x\"\nrest_url = \"ftp://h\"\ntoken_file = \"a.jwt\"\n"),
            "center[0].rest_url");
  EXPECT_EQ(FieldOf("[[center]]\ncluster = \"x\"\nrest_url = \"http://h:1\"\ntoken_file = \"no.jwt\"\n"),
            "center[0].token_file");
  EXPECT_EQ(FieldOf("[[center]]\ncluster = \"x\"\nrest_url = \"http://h:1\"\n"
                    "token_file = \"empty.jwt\"\n"),
            "center[0].token_file");
  EXPECT_EQ(FieldOf("[[center]]\n" + good + "timeout_ms = 0\n"), "center[0].timeout_ms");
  EXPECT_EQ(FieldOf("[[center]]\n" + good + "usage_settle_s = \"30\"\n"),
            "center[0].usage_settle_s");
  EXPECT_EQ(FieldOf("[[center]]\n" + good + "[[center]]\n" + good), "center[1].cluster");
  EXPECT_EQ(FieldOf("[center]\n" + good), "center");
  EXPECT_EQ(FieldOf("centre = 1\n"), "centre");
  EXPECT_EQ(FieldOf("[[center]\n"), "centers.toml");
}

TEST_F(ConnectorConfigTest, LoadReadsTokensBesideTheFile) {
  std::ofstream(dir_ / "centers.toml") << kTwo;
  auto r = LoadConnectorConfig((dir_ / "centers.toml").string());
  ASSERT_TRUE(r.ok()) << r.error().ToString();
  EXPECT_EQ(r->size(), 2u);
  EXPECT_FALSE(LoadConnectorConfig((dir_ / "missing.toml").string()).ok());
}

}  // namespace
}  // namespace suanli::network::slurm
