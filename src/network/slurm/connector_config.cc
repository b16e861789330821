// The connector settings file's reader (connector_config.h).
#include "network/slurm/connector_config.h"

#include <toml++/toml.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "network/slurm/http_client.h"

namespace suanli::network::slurm {

namespace {

constexpr std::int64_t kTimeoutMsMax = 600'000;  // ten minutes: beyond that a center is down
constexpr std::int64_t kSettleSMax = 86'400;     // slurmdbd lags seconds, not days
constexpr std::size_t kTokenBytesMax = 16 << 10;

Result<std::string> ReadToken(const std::string& path, const std::string& field) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return MakeError(ErrorCode::kIo, field, "cannot read " + path);
  std::ostringstream text;
  text << in.rdbuf();
  std::string token = text.str();
  while (!token.empty() && std::isspace(static_cast<unsigned char>(token.back()))) {
    token.pop_back();
  }
  // `scontrol token` prints "SLURM_JWT=<token>"; accept the file as it writes it.
  if (token.starts_with("SLURM_JWT=")) token.erase(0, 10);
  if (token.empty()) return MakeError(ErrorCode::kOutOfRange, field, path + " is empty");
  if (token.size() > kTokenBytesMax || token.find_first_of(" \t\r\n") != std::string::npos) {
    return MakeError(ErrorCode::kOutOfRange, field, path + " does not hold one JWT");
  }
  return token;
}

Result<SlurmRestOptions> ParseCenter(const toml::table& t, const std::string& f,
                                     const std::string& base_dir) {
  static const std::set<std::string, std::less<>> kKeys = {
      "cluster", "rest_url", "token_file", "token_user", "slurm_conf", "timeout_ms",
      "usage_settle_s"};
  for (const auto& [key, _] : t) {
    if (!kKeys.contains(key.str())) {
      return MakeError(ErrorCode::kUnknownField, f + "." + std::string(key.str()), "unknown key");
    }
  }
  auto text = [&](std::string_view key, bool required) -> Result<std::string> {
    const toml::node* n = t.get(key);
    if (n == nullptr) {
      if (required) return MakeError(ErrorCode::kMissingField, f + "." + std::string(key), "required");
      return std::string();
    }
    if (!n->is_string()) {
      return MakeError(ErrorCode::kWrongType, f + "." + std::string(key), "must be a string");
    }
    std::string v = n->as_string()->get();
    if (v.empty()) return MakeError(ErrorCode::kOutOfRange, f + "." + std::string(key), "empty");
    return v;
  };
  auto integer = [&](std::string_view key, std::int64_t fallback, std::int64_t lo,
                     std::int64_t hi) -> Result<std::int64_t> {
    const toml::node* n = t.get(key);
    if (n == nullptr) return fallback;
    if (!n->is_integer()) {
      return MakeError(ErrorCode::kWrongType, f + "." + std::string(key), "must be an integer");
    }
    const std::int64_t v = n->as_integer()->get();
    if (v < lo || v > hi) {
      return MakeError(ErrorCode::kOutOfRange, f + "." + std::string(key),
                       "must be in [" + std::to_string(lo) + ", " + std::to_string(hi) + "]");
    }
    return v;
  };
  SlurmRestOptions o;
  SUANLI_ASSIGN(o.cluster, text("cluster", true));
  SUANLI_ASSIGN(o.rest_url, text("rest_url", true));
  SUANLI_ASSIGN(std::string token_file, text("token_file", true));
  SUANLI_ASSIGN(std::string token_user, text("token_user", false));
  if (!token_user.empty()) o.token_user = std::move(token_user);
  SUANLI_ASSIGN(o.slurm_conf, text("slurm_conf", false));
  SUANLI_ASSIGN(const std::int64_t timeout_ms,
                integer("timeout_ms", o.timeout.count(), 1, kTimeoutMsMax));
  o.timeout = std::chrono::milliseconds(timeout_ms);
  SUANLI_ASSIGN(o.usage_settle_s, integer("usage_settle_s", o.usage_settle_s, 0, kSettleSMax));
  if (auto url = HttpClient::Create(o.rest_url, o.timeout); !url.ok()) {
    return MakeError(ErrorCode::kOutOfRange, f + ".rest_url", url.error().message);
  }
  std::filesystem::path token_path(token_file);
  if (token_path.is_relative() && !base_dir.empty()) token_path = base_dir / token_path;
  SUANLI_ASSIGN(o.token, ReadToken(token_path.string(), f + ".token_file"));
  return o;
}

}  // namespace

Result<std::vector<SlurmRestOptions>> ParseConnectorConfig(std::string_view toml_text,
                                                           std::string_view origin,
                                                           const std::string& base_dir) {
  toml::table doc;
  try {
    doc = toml::parse(toml_text, origin);
  } catch (const toml::parse_error& e) {
    return MakeError(ErrorCode::kParse, std::string(origin),
                     std::string(e.description()) + " at line " +
                         std::to_string(e.source().begin.line));
  }
  for (const auto& [key, _] : doc) {
    if (key.str() != "center") {
      return MakeError(ErrorCode::kUnknownField, std::string(key.str()),
                       "unknown key (one [[center]] table per cluster)");
    }
  }
  std::vector<SlurmRestOptions> out;
  const toml::node* centers = doc.get("center");
  if (centers == nullptr) return out;  // no real centers: a valid, empty network
  const toml::array* a = centers->as_array();
  if (a == nullptr) return MakeError(ErrorCode::kWrongType, "center", "must be [[center]] tables");
  std::set<std::string, std::less<>> clusters;
  for (std::size_t i = 0; i < a->size(); ++i) {
    const std::string f = "center[" + std::to_string(i) + "]";
    const toml::table* t = (*a)[i].as_table();
    if (t == nullptr) return MakeError(ErrorCode::kWrongType, f, "must be a table");
    SUANLI_ASSIGN(SlurmRestOptions o, ParseCenter(*t, f, base_dir));
    if (!clusters.insert(o.cluster).second) {
      return MakeError(ErrorCode::kDuplicate, f + ".cluster", "cluster " + o.cluster + " twice");
    }
    out.push_back(std::move(o));
  }
  return out;
}

Result<std::vector<SlurmRestOptions>> LoadConnectorConfig(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return MakeError(ErrorCode::kIo, "centers", "cannot read " + path);
  std::ostringstream text;
  text << in.rdbuf();
  return ParseConnectorConfig(text.str(), path,
                              std::filesystem::path(path).parent_path().string());
}

}  // namespace suanli::network::slurm
