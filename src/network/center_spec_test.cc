#include "network/center_spec.h"

#include <gtest/gtest.h>

namespace suanli::network {
namespace {

constexpr std::string_view kAiCenter = R"({
  "name": "成都智算中心", "kind": "intelligent", "region": "成都", "latency_class": "metro",
  "slurm_cluster": "cdai",
  "partitions": [
    {"name": "ascend", "billing_mode": "shared", "nodes": 120, "cpu_model": "Kunpeng 920",
     "cores_per_node": 192, "memory_gb_per_node": 1024,
     "accelerator": {"model": "Ascend 910B", "per_node": 8, "memory_gb": 64, "domestic": true}},
    {"name": "cpu", "billing_mode": "exclusive", "nodes": 10, "cpu_model": "Kunpeng 920",
     "cores_per_node": 96, "memory_gb_per_node": 512}
  ],
  "software": [{"name": "MindSpore", "version": "2.2"}, {"name": "PyTorch", "version": "2.1.0"}]
})";

TEST(CenterSpec, ParsesAndCountsCapacity) {
  auto s = ParseCenterSpec(kAiCenter);
  ASSERT_TRUE(s.ok()) << s.error().message;
  EXPECT_EQ(s->Cards(), 960u);               // 120 nodes × 8 cards
  EXPECT_EQ(s->Cores(), 120u * 192 + 960u);  // + 10 × 96
  ASSERT_NE(s->FindPartition("ascend"), nullptr);
  EXPECT_TRUE(s->FindPartition("ascend")->accelerator->domestic);
  EXPECT_EQ(s->FindPartition("ascend")->accelerator->gres, "gpu");
  EXPECT_EQ(s->FindPartition("gpu"), nullptr);
  EXPECT_EQ(s->software[1].version, "2.1.0");
}

TEST(CenterSpec, RoundTripsThroughItsJson) {
  auto s = ParseCenterSpec(kAiCenter);
  ASSERT_TRUE(s.ok());
  auto again = ParseCenterSpec(CenterSpecJson(*s));
  ASSERT_TRUE(again.ok()) << again.error().message;
  EXPECT_EQ(CenterSpecJson(*again), CenterSpecJson(*s));
}

struct Bad {
  std::string_view from, to;  // replace `from` in kAiCenter by `to`
  ErrorCode code;
  std::string_view field;
};

TEST(CenterSpec, RefusesBadInputWithTheFieldAndReason) {
  const Bad cases[] = {
      {R"("kind": "intelligent")", R"("kind": "quantum")", ErrorCode::kOutOfRange, "kind"},
      {R"("per_node": 8)", R"("per_node": 0)", ErrorCode::kOutOfRange,
       "partitions[0].accelerator.per_node"},
      {R"("per_node": 8)", R"("per_node": "8")", ErrorCode::kWrongType,
       "partitions[0].accelerator.per_node"},
      {R"("nodes": 10)", R"("nodes": -1)", ErrorCode::kOutOfRange, "partitions[1].nodes"},
      {R"("name": "cpu")", R"("name": "ascend")", ErrorCode::kDuplicate, "partitions[1].name"},
      {R"("slurm_cluster": "cdai")", R"("slurm_cluster": "CD AI")", ErrorCode::kOutOfRange,
       "slurm_cluster"},
      {R"("domestic": true)", R"("domestic": true, "colour": "red")", ErrorCode::kUnknownField,
       "partitions[0].accelerator.colour"},
      {R"("billing_mode": "shared")", R"("billing_mode": "free")", ErrorCode::kOutOfRange,
       "partitions[0].billing_mode"},
      {R"("version": "2.2")", R"("version": "")", ErrorCode::kMissingField, "software[0].version"},
      {R"("region": "成都",)", "", ErrorCode::kMissingField, "region"},
  };
  for (const Bad& b : cases) {
    std::string text(kAiCenter);
    const auto at = text.find(b.from);
    ASSERT_NE(at, std::string::npos) << b.from;
    text.replace(at, b.from.size(), b.to);
    auto s = ParseCenterSpec(text);
    ASSERT_FALSE(s.ok()) << b.to;
    EXPECT_EQ(s.error().code, b.code) << b.to << ": " << s.error().message;
    EXPECT_EQ(s.error().field, b.field) << b.to;
  }
  EXPECT_EQ(ParseCenterSpec("{").error().code, ErrorCode::kParse);
  EXPECT_EQ(ParseCenterSpec("[]").error().code, ErrorCode::kWrongType);
  EXPECT_EQ(ParseCenterSpec(R"({"name":"x","kind":"intelligent","region":"r",
      "latency_class":"metro","slurm_cluster":"c","partitions":[]})").error().field, "partitions");
}

// An edit changes how a center is described and nothing else; each field present is checked
// as registration checks it, under the same path.
TEST(CenterEdit, ReplacesTheDescriptiveFieldsGiven) {
  auto spec = ParseCenterSpec(kAiCenter);
  ASSERT_TRUE(spec.ok());
  auto edit = ParseCenterEdit(R"({"region": "重庆", "latency_class": "province",
      "software": [{"name": "PyTorch", "version": "2.3.0"}]})");
  ASSERT_TRUE(edit.ok()) << edit.error().message;
  EXPECT_FALSE(edit->name.has_value());
  const CenterSpec edited = ApplyCenterEdit(*spec, *edit);
  EXPECT_EQ(edited.name, "成都智算中心");
  EXPECT_EQ(edited.kind, "intelligent");
  EXPECT_EQ(edited.region, "重庆");
  EXPECT_EQ(edited.latency_class, "province");
  ASSERT_EQ(edited.software.size(), 1u);
  EXPECT_EQ(edited.software[0].version, "2.3.0");
  EXPECT_EQ(edited.slurm_cluster, spec->slurm_cluster);
  EXPECT_EQ(edited.partitions.size(), spec->partitions.size());
  // An empty software list clears it.
  auto cleared = ParseCenterEdit(R"({"software": []})");
  ASSERT_TRUE(cleared.ok());
  EXPECT_TRUE(ApplyCenterEdit(*spec, *cleared).software.empty());
}

TEST(CenterEdit, RefusesFixedUnknownAndBadFields) {
  const struct {
    std::string_view body;
    ErrorCode code;
    std::string_view field;
  } cases[] = {
      {R"({"slurm_cluster": "other"})", ErrorCode::kUnknownField, "slurm_cluster"},
      {R"({"name": "x", "partitions": []})", ErrorCode::kUnknownField, "partitions"},
      {R"({"provider_id": 2})", ErrorCode::kUnknownField, "provider_id"},
      {R"({"id": 2, "name": "x"})", ErrorCode::kUnknownField, "id"},
      {R"({"kind": "quantum"})", ErrorCode::kOutOfRange, "kind"},
      {R"({"latency_class": "orbit"})", ErrorCode::kOutOfRange, "latency_class"},
      {R"({"name": ""})", ErrorCode::kMissingField, "name"},
      {R"({"name": null})", ErrorCode::kMissingField, "name"},
      {R"({"region": 3})", ErrorCode::kWrongType, "region"},
      {R"({"software": {"name": "x"}})", ErrorCode::kWrongType, "software"},
      {R"({"software": [{"name": "x"}]})", ErrorCode::kMissingField, "software[0].version"},
      {R"({"software": [{"name": "x", "version": "1", "licence": "y"}]})",
       ErrorCode::kUnknownField, "software[0].licence"},
      {R"({})", ErrorCode::kMissingField, ""},
      {R"([])", ErrorCode::kWrongType, ""},
      {R"({"name": )", ErrorCode::kParse, ""},
  };
  for (const auto& c : cases) {
    auto e = ParseCenterEdit(c.body);
    ASSERT_FALSE(e.ok()) << c.body;
    EXPECT_EQ(e.error().code, c.code) << c.body << ": " << e.error().message;
    EXPECT_EQ(e.error().field, c.field) << c.body;
  }
  const std::string long_name(201, 'x');
  EXPECT_EQ(ParseCenterEdit(R"({"name": ")" + long_name + R"("})").error().code,
            ErrorCode::kOutOfRange);
}

}  // namespace
}  // namespace suanli::network
