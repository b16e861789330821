#include "network/center_spec.h"

#include <boost/json.hpp>
#include <initializer_list>
#include <set>

#include "core/codes.h"

namespace suanli::network {

namespace json = boost::json;

namespace {

constexpr std::size_t kNameBytesMax = 200;
constexpr std::size_t kPartitionsMax = 64;   // a center with more is a data error, not a center
constexpr std::size_t kSoftwareMax = 256;
constexpr std::uint32_t kCountMax = 1'000'000;  // nodes, cores or cards: far above any center

// A JSON object read field by field; fields nobody asked for are refused at the end.
class Fields {
 public:
  Fields(const json::object& o, std::string path) : o_(o), path_(std::move(path)) {}

  std::string Path(std::string_view key) const {
    return path_.empty() ? std::string(key) : path_ + "." + std::string(key);
  }

  Result<std::string> Text(std::string_view key, bool required = true,
                           std::initializer_list<std::string_view> allowed = {}) {
    seen_.insert(std::string(key));
    const json::value* v = o_.if_contains(key);
    if (v == nullptr || v->is_null()) {
      if (required) return MakeError(ErrorCode::kMissingField, Path(key), "required");
      return std::string();
    }
    if (!v->is_string()) return MakeError(ErrorCode::kWrongType, Path(key), "must be a string");
    std::string s(v->as_string());
    if (required && s.empty()) return MakeError(ErrorCode::kMissingField, Path(key), "empty");
    if (s.size() > kNameBytesMax) {
      return MakeError(ErrorCode::kOutOfRange, Path(key), "at most 200 bytes");
    }
    if (allowed.size() > 0) {
      bool ok = false;
      std::string list;
      for (std::string_view a : allowed) {
        ok = ok || a == s;
        list += (list.empty() ? "" : ", ") + std::string(a);
      }
      if (!ok) return MakeError(ErrorCode::kOutOfRange, Path(key), "one of " + list);
    }
    return s;
  }

  Result<std::uint32_t> Count(std::string_view key, bool zero_ok = false) {
    seen_.insert(std::string(key));
    const json::value* v = o_.if_contains(key);
    if (v == nullptr) return MakeError(ErrorCode::kMissingField, Path(key), "required");
    if (!v->is_int64() && !v->is_uint64()) {
      return MakeError(ErrorCode::kWrongType, Path(key), "must be an integer");
    }
    const std::int64_t n = v->is_int64() ? v->as_int64() : static_cast<std::int64_t>(kCountMax) + 1;
    if (n < (zero_ok ? 0 : 1) || n > kCountMax) {
      return MakeError(ErrorCode::kOutOfRange, Path(key),
                       std::string(zero_ok ? "0" : "1") + " to 1000000");
    }
    return static_cast<std::uint32_t>(n);
  }

  Result<bool> Flag(std::string_view key) {
    seen_.insert(std::string(key));
    const json::value* v = o_.if_contains(key);
    if (v == nullptr) return false;
    if (!v->is_bool()) return MakeError(ErrorCode::kWrongType, Path(key), "must be true or false");
    return v->as_bool();
  }

  Result<const json::array*> Array(std::string_view key, std::size_t max) {
    seen_.insert(std::string(key));
    const json::value* v = o_.if_contains(key);
    if (v == nullptr) return static_cast<const json::array*>(nullptr);
    if (!v->is_array()) return MakeError(ErrorCode::kWrongType, Path(key), "must be an array");
    if (v->as_array().size() > max) {
      return MakeError(ErrorCode::kOutOfRange, Path(key), "at most " + std::to_string(max));
    }
    return &v->as_array();
  }

  Result<const json::object*> Object(std::string_view key) {
    seen_.insert(std::string(key));
    const json::value* v = o_.if_contains(key);
    if (v == nullptr || v->is_null()) return static_cast<const json::object*>(nullptr);
    if (!v->is_object()) return MakeError(ErrorCode::kWrongType, Path(key), "must be an object");
    return &v->as_object();
  }

  Status NoOthers() const {
    for (const auto& kv : o_) {
      if (seen_.count(std::string(kv.key())) == 0) {
        return MakeError(ErrorCode::kUnknownField, Path(kv.key()), "not a field of a center");
      }
    }
    return OkStatus();
  }

 private:
  const json::object& o_;
  std::string path_;
  std::set<std::string, std::less<>> seen_;
};

Result<const json::object*> AsObject(const json::value& v, const std::string& path) {
  if (!v.is_object()) return MakeError(ErrorCode::kWrongType, path, "must be an object");
  return &v.as_object();
}

Result<Accelerator> ParseAccelerator(const json::object& o, const std::string& path) {
  Fields f(o, path);
  Accelerator a;
  SUANLI_ASSIGN(a.model, f.Text("model"));
  SUANLI_ASSIGN(a.per_node, f.Count("per_node"));
  SUANLI_ASSIGN(a.memory_gb, f.Count("memory_gb"));
  SUANLI_ASSIGN(a.domestic, f.Flag("domestic"));
  SUANLI_ASSIGN(std::string gres, f.Text("gres", false));
  if (!gres.empty()) a.gres = std::move(gres);
  SUANLI_TRY(f.NoOthers());
  return a;
}

Result<Partition> ParsePartition(const json::object& o, const std::string& path) {
  Fields f(o, path);
  Partition p;
  SUANLI_ASSIGN(p.name, f.Text("name"));
  SUANLI_ASSIGN(p.billing_mode, f.Text("billing_mode", true, {"shared", "exclusive"}));
  SUANLI_ASSIGN(p.nodes, f.Count("nodes"));
  SUANLI_ASSIGN(p.cpu_model, f.Text("cpu_model"));
  SUANLI_ASSIGN(p.cores_per_node, f.Count("cores_per_node"));
  SUANLI_ASSIGN(p.memory_gb_per_node, f.Count("memory_gb_per_node"));
  SUANLI_ASSIGN(const json::object* acc, f.Object("accelerator"));
  if (acc != nullptr) {
    SUANLI_ASSIGN(p.accelerator, ParseAccelerator(*acc, f.Path("accelerator")));
  }
  SUANLI_TRY(f.NoOthers());
  return p;
}

Result<std::vector<Software>> ParseSoftware(const json::array& items) {
  std::vector<Software> out;
  for (std::size_t i = 0; i < items.size(); ++i) {
    const std::string path = "software[" + std::to_string(i) + "]";
    SUANLI_ASSIGN(const json::object* so, AsObject(items[i], path));
    Fields sf(*so, path);
    Software sw;
    SUANLI_ASSIGN(sw.name, sf.Text("name"));
    SUANLI_ASSIGN(sw.version, sf.Text("version"));
    SUANLI_TRY(sf.NoOthers());
    out.push_back(std::move(sw));
  }
  return out;
}

}  // namespace

std::uint64_t CenterSpec::Cards() const {
  std::uint64_t n = 0;
  for (const auto& p : partitions) {
    if (p.accelerator) n += std::uint64_t{p.nodes} * p.accelerator->per_node;
  }
  return n;
}

std::uint64_t CenterSpec::Cores() const {
  std::uint64_t n = 0;
  for (const auto& p : partitions) n += std::uint64_t{p.nodes} * p.cores_per_node;
  return n;
}

const Partition* CenterSpec::FindPartition(std::string_view partition) const {
  for (const auto& p : partitions) {
    if (p.name == partition) return &p;
  }
  return nullptr;
}

Result<CenterSpec> ParseCenterSpec(std::string_view json_text) {
  boost::system::error_code ec;
  const json::value root = json::parse(json_text, ec);
  if (ec) return MakeError(ErrorCode::kParse, "", "not JSON: " + ec.message());
  SUANLI_ASSIGN(const json::object* o, AsObject(root, ""));
  Fields f(*o, "");
  CenterSpec s;
  SUANLI_ASSIGN(s.name, f.Text("name"));
  SUANLI_ASSIGN(s.kind, f.Text("kind", true, {"supercomputing", "intelligent"}));
  SUANLI_ASSIGN(s.region, f.Text("region"));
  SUANLI_ASSIGN(s.latency_class, f.Text("latency_class", true, {"metro", "province", "national"}));
  SUANLI_ASSIGN(s.slurm_cluster, f.Text("slurm_cluster"));
  for (char c : s.slurm_cluster) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
    if (!ok) {
      return MakeError(ErrorCode::kOutOfRange, "slurm_cluster",
                       "lower-case letters, digits, '-' and '_' (Slurm's ClusterName)");
    }
  }
  SUANLI_ASSIGN(const json::array* parts, f.Array("partitions", kPartitionsMax));
  if (parts == nullptr || parts->empty()) {
    return MakeError(ErrorCode::kMissingField, "partitions", "at least one partition");
  }
  std::set<std::string, std::less<>> names;
  for (std::size_t i = 0; i < parts->size(); ++i) {
    const std::string path = "partitions[" + std::to_string(i) + "]";
    SUANLI_ASSIGN(const json::object* po, AsObject((*parts)[i], path));
    SUANLI_ASSIGN(Partition p, ParsePartition(*po, path));
    if (!names.insert(p.name).second) {
      return MakeError(ErrorCode::kDuplicate, path + ".name", "partition " + p.name + " twice");
    }
    s.partitions.push_back(std::move(p));
  }
  SUANLI_ASSIGN(const json::array* soft, f.Array("software", kSoftwareMax));
  if (soft != nullptr) {
    SUANLI_ASSIGN(s.software, ParseSoftware(*soft));
  }
  SUANLI_TRY(f.NoOthers());
  return s;
}

Result<CenterEdit> ParseCenterEdit(std::string_view json_text) {
  boost::system::error_code ec;
  const json::value root = json::parse(json_text, ec);
  if (ec) return MakeError(ErrorCode::kParse, "", "not JSON: " + ec.message());
  SUANLI_ASSIGN(const json::object* o, AsObject(root, ""));
  for (std::string_view fixed : {"slurm_cluster", "partitions"}) {
    if (o->contains(fixed)) {
      return MakeError(ErrorCode::kUnknownField, std::string(fixed),
                       "not editable: usage records, price entries and past utilisation refer to "
                       "it; register another center instead");
    }
  }
  Fields f(*o, "");
  CenterEdit e;
  if (o->contains("name")) {
    SUANLI_ASSIGN(e.name, f.Text("name"));
  }
  if (o->contains("kind")) {
    SUANLI_ASSIGN(e.kind, f.Text("kind", true, {"supercomputing", "intelligent"}));
  }
  if (o->contains("region")) {
    SUANLI_ASSIGN(e.region, f.Text("region"));
  }
  if (o->contains("latency_class")) {
    SUANLI_ASSIGN(e.latency_class,
                  f.Text("latency_class", true, {"metro", "province", "national"}));
  }
  if (o->contains("software")) {
    SUANLI_ASSIGN(const json::array* soft, f.Array("software", kSoftwareMax));
    if (soft == nullptr) return MakeError(ErrorCode::kWrongType, "software", "must be an array");
    SUANLI_ASSIGN(e.software, ParseSoftware(*soft));
  }
  SUANLI_TRY(f.NoOthers());
  if (e.empty()) {
    return MakeError(ErrorCode::kMissingField, "",
                     "nothing to change: name, kind, region, latency_class or software");
  }
  return e;
}

CenterSpec ApplyCenterEdit(CenterSpec spec, const CenterEdit& edit) {
  if (edit.name) spec.name = *edit.name;
  if (edit.kind) spec.kind = *edit.kind;
  if (edit.region) spec.region = *edit.region;
  if (edit.latency_class) spec.latency_class = *edit.latency_class;
  if (edit.software) spec.software = *edit.software;
  return spec;
}

std::string CenterSpecJson(const CenterSpec& s) {
  json::array parts;
  for (const auto& p : s.partitions) {
    json::object po{{"name", p.name},
                     {"billing_mode", p.billing_mode},
                     {"nodes", p.nodes},
                     {"cpu_model", p.cpu_model},
                     {"cores_per_node", p.cores_per_node},
                     {"memory_gb_per_node", p.memory_gb_per_node}};
    if (p.accelerator) {
      po["accelerator"] = json::object{{"model", p.accelerator->model},
                                       {"per_node", p.accelerator->per_node},
                                       {"memory_gb", p.accelerator->memory_gb},
                                       {"domestic", p.accelerator->domestic},
                                       {"gres", p.accelerator->gres}};
    }
    parts.push_back(std::move(po));
  }
  json::array soft;
  for (const auto& sw : s.software) {
    soft.push_back(json::object{{"name", sw.name}, {"version", sw.version}});
  }
  return json::serialize(json::object{{"name", s.name},
                                      {"kind", s.kind},
                                      {"region", s.region},
                                      {"latency_class", s.latency_class},
                                      {"slurm_cluster", s.slurm_cluster},
                                      {"partitions", std::move(parts)},
                                      {"software", std::move(soft)}});
}

}  // namespace suanli::network
