// Changes to the network's published offers through the Platform: a provider's operator edits
// and retires its own centers and reprices and withdraws its own goods; everyone reads goods in
// pages; every refusal leaves the offers as they were, and every change is on the audit log.
#include <algorithm>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "network/center_spec.h"
#include "workflow/demo.h"
#include "workflow/platform.h"
#include "workflow/workflow_testing.h"

namespace suanli::workflow {
namespace {

namespace fs = std::filesystem;

class PlatformNetworkTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = testing::FreshTestDir("suanli-network");
    auto opened = testing::OpenTestPlatform(dir_, &clock_);
    ASSERT_TRUE(opened.ok()) << opened.error().ToString();
    platform_ = std::move(opened).value();
    ASSERT_TRUE(SeedDemo(*platform_).ok());
    auto centers = platform_->ListCenters();
    ASSERT_TRUE(centers.ok());
    for (const Center& c : *centers) {
      if (c.spec.slurm_cluster == "cd-ai") ai_ = c;
      if (c.spec.slurm_cluster == "cd-hpc") hpc_ = c;
    }
    ASSERT_NE(ai_.id, 0);
    ASSERT_NE(hpc_.id, 0);
  }
  void TearDown() override {
    platform_.reset();
    fs::remove_all(dir_);
  }

  Principal As(std::string_view username) {
    auto p = testing::LoginAs(*platform_, username, kDemoPassword);
    EXPECT_TRUE(p.ok()) << username;
    return p.ok() ? *p : Principal{};
  }
  // What everyone can see of the network, to compare before and after a refusal.
  std::string Published() {
    std::string out;
    auto centers = platform_->ListCenters();
    EXPECT_TRUE(centers.ok());
    for (const Center& c : *centers) {
      out += network::CenterSpecJson(c.spec) + (c.retired_at ? " retired\n" : "\n");
    }
    auto goods = platform_->ListGoods(GoodsFilter{.include_withdrawn = true}, Page{});
    EXPECT_TRUE(goods.ok());
    for (const Goods& g : *goods) {
      out += g.name + "|" + std::to_string(g.price_fen) + "|" + g.unit + "|" + g.description +
             (g.withdrawn_at ? "|withdrawn\n" : "\n");
    }
    return out;
  }
  std::size_t AuditCount(const std::string& action) {
    auto page = platform_->ListAudit(As("auditor"), {.action = action, .limit = 1000});
    EXPECT_TRUE(page.ok());
    return page.ok() ? page->entries.size() : 0;
  }
  static network::CenterEdit Edit(std::string_view json) {
    auto e = network::ParseCenterEdit(json);
    EXPECT_TRUE(e.ok()) << json;
    return e.ok() ? *e : network::CenterEdit{};
  }

  ManualClock clock_{Instant::Parse("2024-03-15T09:00:00+08:00").value()};
  fs::path dir_;
  std::unique_ptr<Platform> platform_;
  Center ai_, hpc_;
};

TEST_F(PlatformNetworkTest, TheCentersOperatorEditsHowItIsDescribed) {
  const Principal op = As("op-ai");
  auto edited = platform_->EditCenter(
      op, ai_.id,
      Edit(R"({"name": "成都智算中心（一期）", "region": "成都天府",
               "software": [{"name": "MindSpore", "version": "2.3"}]})"));
  ASSERT_TRUE(edited.ok()) << edited.error().ToString();
  EXPECT_EQ(edited->spec.name, "成都智算中心（一期）");
  auto read = platform_->GetCenter(ai_.id);
  ASSERT_TRUE(read.ok());
  EXPECT_EQ(network::CenterSpecJson(read->spec), network::CenterSpecJson(edited->spec));
  EXPECT_EQ(read->spec.slurm_cluster, "cd-ai");
  EXPECT_EQ(read->spec.partitions.size(), ai_.spec.partitions.size());
  EXPECT_EQ(read->provider_id, ai_.provider_id);
  auto audit = platform_->ListAudit(As("auditor"), {.action = "center.edit"});
  ASSERT_TRUE(audit.ok() && audit->entries.size() == 1u);
  EXPECT_EQ(audit->entries[0].object, "center/" + std::to_string(ai_.id));
  EXPECT_NE(audit->entries[0].detail_json.find(
                R"("region":{"before":"成都","after":"成都天府"})"),
            std::string::npos) << audit->entries[0].detail_json;
  EXPECT_NE(audit->entries[0].detail_json.find(R"("after":["MindSpore 2.3"])"), std::string::npos)
      << audit->entries[0].detail_json;
  EXPECT_EQ(audit->entries[0].detail_json.find("kind"), std::string::npos);  // unchanged
  auto found = platform_->SearchCatalogue("天府", "compute");
  ASSERT_TRUE(found.ok());
  ASSERT_EQ(found->centers.size(), 1u);
  // The same edit again changes nothing and records nothing.
  ASSERT_TRUE(platform_->EditCenter(op, ai_.id, Edit(R"({"region": "成都天府"})")).ok());
  EXPECT_EQ(AuditCount("center.edit"), 1u);
  // An admin may edit any provider's center.
  ASSERT_TRUE(platform_->EditCenter(As("admin"), hpc_.id, Edit(R"({"latency_class": "province"})"))
                  .ok());
  EXPECT_EQ(platform_->GetCenter(hpc_.id)->spec.latency_class, "province");
  // The old name is free again; the new one is taken.
  auto spec = network::ParseCenterSpec(network::CenterSpecJson(ai_.spec));
  ASSERT_TRUE(spec.ok());
  spec.value().slurm_cluster = "cd-ai-2";
  spec.value().name = "成都智算中心（一期）";
  EXPECT_EQ(platform_->RegisterCenter(op, ai_.provider_id, *spec).error().code,
            ErrorCode::kDuplicate);
  spec.value().name = "成都智算中心";
  EXPECT_TRUE(platform_->RegisterCenter(op, ai_.provider_id, *spec).ok());
}

TEST_F(PlatformNetworkTest, EditsAndRetirementsRefusedChangeNothing) {
  const std::string before = Published();
  const struct {
    const char* who;
    std::int64_t center;
    const char* edit;
    ErrorCode code;
  } cases[] = {
      {"op-hpc", 0, R"({"region": "重庆"})", ErrorCode::kForbidden},       // not its center
      {"demo-applicant", 0, R"({"region": "重庆"})", ErrorCode::kForbidden},
      {"officer", 0, R"({"region": "重庆"})", ErrorCode::kForbidden},
      {"op-ai", 0, R"({"name": "国家超算成都中心"})", ErrorCode::kDuplicate},  // another's name
      {"op-ai", 999, R"({"region": "重庆"})", ErrorCode::kNotFound},
  };
  for (const auto& c : cases) {
    const std::int64_t id = c.center == 0 ? ai_.id : c.center;
    auto r = platform_->EditCenter(As(c.who), id, Edit(c.edit));
    ASSERT_FALSE(r.ok()) << c.who << " " << c.edit;
    EXPECT_EQ(r.error().code, c.code) << c.who << " " << c.edit << ": " << r.error().ToString();
    EXPECT_EQ(Published(), before) << c.who << " " << c.edit;
  }
  for (const char* who : {"op-hpc", "demo-applicant", "auditor"}) {
    EXPECT_EQ(platform_->RetireCenter(As(who), ai_.id, "").error().code, ErrorCode::kForbidden);
  }
  EXPECT_EQ(platform_->RetireCenter(As("op-ai"), ai_.id, std::string(501, 'x')).error().field,
            "reason");
  EXPECT_EQ(platform_->RetireCenter(As("op-ai"), 999, "").error().code, ErrorCode::kNotFound);
  EXPECT_EQ(Published(), before);
  EXPECT_EQ(AuditCount("center.edit") + AuditCount("center.retire"), 0u);
}

// Retired: out of the catalogue, still listed and readable with when it was retired; no edit,
// no second retirement, no goods on it; a price only as a correction of the days it ran.
TEST_F(PlatformNetworkTest, ARetiredCenterLeavesTheCatalogueAndKeepsItsPriceList) {
  clock_.Set(Instant::Parse("2024-03-20T15:00:00+08:00").value());
  auto retired = platform_->RetireCenter(As("op-ai"), ai_.id, "moved to the new campus");
  ASSERT_TRUE(retired.ok()) << retired.error().ToString();
  EXPECT_EQ(retired->retired_at, clock_.Now());
  auto audit = platform_->ListAudit(As("auditor"), {.action = "center.retire"});
  ASSERT_TRUE(audit.ok() && audit->entries.size() == 1u);
  EXPECT_NE(audit->entries[0].detail_json.find("moved to the new campus"), std::string::npos);

  auto found = platform_->SearchCatalogue("", "");
  ASSERT_TRUE(found.ok());
  // The other Chengdu center and the demo's Nanjing one (nj-ai) stay in it.
  ASSERT_EQ(found->centers.size(), 2u);
  EXPECT_EQ(found->centers[0].id, hpc_.id);
  EXPECT_EQ(found->centers[1].spec.slurm_cluster, "nj-ai");
  auto all = platform_->ListCenters();
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 3u);
  auto read = platform_->GetCenter(ai_.id);
  ASSERT_TRUE(read.ok() && read->retired_at == clock_.Now());

  const std::string before = Published();
  EXPECT_EQ(platform_->RetireCenter(As("op-ai"), ai_.id, "").error().code,
            ErrorCode::kStateConflict);
  EXPECT_EQ(platform_->EditCenter(As("op-ai"), ai_.id, Edit(R"({"region": "重庆"})")).error().code,
            ErrorCode::kStateConflict);
  auto goods = platform_->AddGoods(
      As("op-ai"), NewGoods{ai_.provider_id, ai_.id, "dataset", "语料", "", "份", 1'00});
  EXPECT_EQ(goods.error().code, ErrorCode::kStateConflict);
  EXPECT_EQ(goods.error().field, "center_id");
  EXPECT_EQ(Published(), before);

  const std::size_t prices = platform_->ListPrices(ai_.id)->size();
  NewPrice later{ai_.id, "ascend", "card_hour", 11'00, Date::Parse("2024-03-21").value(), ""};
  auto refused = platform_->SetPrice(As("op-ai"), later);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, ErrorCode::kStateConflict);
  EXPECT_EQ(refused.error().field, "effective_from");
  EXPECT_EQ(platform_->ListPrices(ai_.id)->size(), prices);
  NewPrice correction = later;
  correction.effective_from = Date::Parse("2024-03-20").value();  // the day it was retired
  ASSERT_TRUE(platform_->SetPrice(As("op-ai"), correction).ok());
  EXPECT_EQ(platform_->ListPrices(ai_.id)->size(), prices + 1);
  auto in_force = platform_->PricesInForce(Date::Parse("2024-03-20").value());
  ASSERT_TRUE(in_force.ok());
  int ai_entries = 0;
  for (const Price& p : *in_force) {
    if (p.center_id != ai_.id) continue;
    ++ai_entries;
    EXPECT_EQ(p.price_fen, 11'00);
  }
  EXPECT_EQ(ai_entries, 1);
}

// A retirement can be undone by the same operator: the center is in the catalogue again, takes
// prices from any day, may be edited; the audit record keeps when it had been retired and why it
// came back. Refusals (another provider, an applicant, a center in service, an unknown one, an
// over-long reason) change nothing.
TEST_F(PlatformNetworkTest, ARetiredCenterIsReinstatedByItsOperator) {
  clock_.Set(Instant::Parse("2024-03-20T15:00:00+08:00").value());
  const std::string in_service = Published();
  const auto catalogue = [&] {
    std::vector<std::int64_t> ids;
    auto found = platform_->SearchCatalogue("", "");
    EXPECT_TRUE(found.ok());
    for (const Center& c : found->centers) ids.push_back(c.id);
    return ids;
  };
  const std::vector<std::int64_t> listed = catalogue();
  ASSERT_NE(std::find(listed.begin(), listed.end(), ai_.id), listed.end());
  EXPECT_EQ(platform_->ReinstateCenter(As("op-ai"), ai_.id, "").error().code,
            ErrorCode::kStateConflict);
  ASSERT_TRUE(platform_->RetireCenter(As("op-ai"), ai_.id, "retired by mistake").ok());
  const Instant retired_at = clock_.Now();
  const std::string retired = Published();
  for (const char* who : {"op-hpc", "demo-applicant", "auditor"}) {
    EXPECT_EQ(platform_->ReinstateCenter(As(who), ai_.id, "").error().code,
              ErrorCode::kForbidden) << who;
  }
  EXPECT_EQ(platform_->ReinstateCenter(As("op-ai"), ai_.id, std::string(501, 'x')).error().field,
            "reason");
  EXPECT_EQ(platform_->ReinstateCenter(As("op-ai"), 999, "").error().code, ErrorCode::kNotFound);
  EXPECT_EQ(Published(), retired);
  EXPECT_EQ(AuditCount("center.reinstate"), 0u);

  clock_.Set(Instant::Parse("2024-03-22T10:00:00+08:00").value());
  auto back = platform_->ReinstateCenter(As("op-ai"), ai_.id, "the move was called off");
  ASSERT_TRUE(back.ok()) << back.error().ToString();
  EXPECT_FALSE(back->retired_at.has_value());
  EXPECT_EQ(Published(), in_service);
  EXPECT_EQ(catalogue(), listed);
  auto audit = platform_->ListAudit(As("auditor"), {.action = "center.reinstate"});
  ASSERT_TRUE(audit.ok() && audit->entries.size() == 1u);
  const std::string& detail = audit->entries[0].detail_json;
  EXPECT_NE(detail.find(retired_at.ToString()), std::string::npos) << detail;
  EXPECT_NE(detail.find("the move was called off"), std::string::npos) << detail;
  ASSERT_TRUE(platform_->SetPrice(As("op-ai"), NewPrice{ai_.id, "ascend", "card_hour", 11'00,
                                                        Date::Parse("2024-03-25").value(), ""})
                  .ok());
  ASSERT_TRUE(platform_->EditCenter(As("op-ai"), ai_.id, Edit(R"({"region": "重庆"})")).ok());
  EXPECT_EQ(platform_->ReinstateCenter(As("admin"), ai_.id, "").error().code,
            ErrorCode::kStateConflict);
}

// The prices in force on a day: per (center, partition, unit) the latest entry whose day began.
TEST_F(PlatformNetworkTest, PricesInForceAreTheLatestEntryPerPartitionAndUnit) {
  const Principal op = As("op-hpc");
  ASSERT_TRUE(platform_->SetPrice(op, NewPrice{hpc_.id, "dcu", "card_hour", 5'50,
                                              Date::Parse("2024-03-15").value(), ""}).ok());
  ASSERT_TRUE(platform_->SetPrice(op, NewPrice{hpc_.id, "dcu", "card_hour", 5'00,
                                              Date::Parse("2024-04-01").value(), ""}).ok());
  auto on = [&](const char* day) {
    std::vector<std::string> out;
    auto prices = platform_->PricesInForce(Date::Parse(day).value());
    EXPECT_TRUE(prices.ok());
    for (const Price& p : *prices) {
      out.push_back(std::to_string(p.center_id) + "/" + p.partition + "/" + p.unit + "=" +
                    std::to_string(p.price_fen));
    }
    return out;
  };
  const std::string h = std::to_string(hpc_.id), a = std::to_string(ai_.id);
  // The demo's third center, 南京智能计算中心's nj-ai (after the two Chengdu ones), unchanged.
  const std::string n = std::to_string(std::max(hpc_.id, ai_.id) + 1);
  const std::vector<std::string> mid_march = {h + "/cpu/node_hour=800", h + "/dcu/card_hour=550",
                                              a + "/ascend/card_hour=1200",
                                              n + "/mlu/card_hour=1000"};
  EXPECT_EQ(on("2024-03-15"), mid_march);
  EXPECT_EQ(on("2024-03-14")[1], h + "/dcu/card_hour=600");
  EXPECT_EQ(on("2024-04-01")[1], h + "/dcu/card_hour=500");
  EXPECT_TRUE(on("2023-12-31").empty());  // before the demo's first entries
}

TEST_F(PlatformNetworkTest, GoodsAreListedInPagesByProviderAndKind) {
  ASSERT_TRUE(platform_->AddGoods(As("op-ai"), NewGoods{ai_.provider_id, ai_.id, "dataset",
                                                        "川渝方言语音", "", "份", 800'00})
                  .ok());
  auto page1 = platform_->ListGoods(GoodsFilter{}, Page{.after_id = 0, .limit = 2});
  ASSERT_TRUE(page1.ok()) << page1.error().ToString();
  ASSERT_EQ(page1->size(), 2u);
  auto page2 = platform_->ListGoods(GoodsFilter{}, Page{.after_id = page1->back().id, .limit = 2});
  ASSERT_TRUE(page2.ok());
  ASSERT_EQ(page2->size(), 2u);
  EXPECT_GT(page2->front().id, page1->back().id);
  EXPECT_TRUE(platform_->ListGoods(GoodsFilter{}, Page{.after_id = page2->back().id})->empty());
  auto ai = platform_->ListGoods(GoodsFilter{.provider_id = ai_.provider_id}, Page{});
  ASSERT_TRUE(ai.ok());
  EXPECT_EQ(ai->size(), 3u);
  for (const Goods& g : *ai) EXPECT_EQ(g.provider_name, "成都智算中心") << g.name;
  auto models = platform_->ListGoods(GoodsFilter{.kind = "model"}, Page{});
  ASSERT_TRUE(models.ok());
  ASSERT_EQ(models->size(), 1u);
  EXPECT_EQ(models->front().kind, "model");
  EXPECT_EQ(platform_->ListGoods(GoodsFilter{.kind = "gold"}, Page{}).error().field, "kind");
}

TEST_F(PlatformNetworkTest, TheProviderRepricesAndWithdrawsItsGoods) {
  auto ai_goods = platform_->ListGoods(GoodsFilter{.provider_id = ai_.provider_id}, Page{});
  ASSERT_TRUE(ai_goods.ok() && ai_goods->size() == 2u);
  const Goods service = ai_goods->back();  // 模型迁移适配服务, ¥50,000.00 per 项
  const Principal op = As("op-ai");

  GoodsEdit reprice;
  reprice.price_fen = 45'000'00;
  auto repriced = platform_->EditGoods(op, service.id, reprice);
  ASSERT_TRUE(repriced.ok()) << repriced.error().ToString();
  EXPECT_EQ(repriced->price_fen, 45'000'00);
  EXPECT_EQ(repriced->unit, service.unit);
  EXPECT_EQ(platform_->GetGoods(service.id)->price_fen, 45'000'00);
  auto audit = platform_->ListAudit(As("auditor"), {.action = "goods.edit"});
  ASSERT_TRUE(audit.ok() && audit->entries.size() == 1u);
  EXPECT_NE(audit->entries[0].detail_json.find("\"before\":{\"price_fen\":5000000"),
            std::string::npos) << audit->entries[0].detail_json;
  EXPECT_NE(audit->entries[0].detail_json.find("\"after\":{\"price_fen\":4500000"),
            std::string::npos) << audit->entries[0].detail_json;
  ASSERT_TRUE(platform_->EditGoods(op, service.id, reprice).ok());  // the same: nothing recorded
  EXPECT_EQ(AuditCount("goods.edit"), 1u);
  GoodsEdit terms;
  terms.unit = "人天";
  terms.description = "按人天计费的迁移服务";
  auto described = platform_->EditGoods(As("admin"), service.id, terms);
  ASSERT_TRUE(described.ok()) << described.error().ToString();
  EXPECT_EQ(described->unit, "人天");
  EXPECT_EQ(described->price_fen, 45'000'00);

  auto offered = platform_->SearchCatalogue("适配服务", "");
  ASSERT_TRUE(offered.ok() && offered->goods.size() == 1u);  // before: found
  auto withdrawn = platform_->WithdrawGoods(op, service.id, "no longer offered");
  ASSERT_TRUE(withdrawn.ok()) << withdrawn.error().ToString();
  EXPECT_EQ(withdrawn->withdrawn_at, clock_.Now());
  EXPECT_EQ(AuditCount("goods.withdraw"), 1u);
  auto found = platform_->SearchCatalogue("适配服务", "");
  ASSERT_TRUE(found.ok());
  EXPECT_TRUE(found->goods.empty());
  EXPECT_EQ(platform_->ListGoods(GoodsFilter{.provider_id = ai_.provider_id}, Page{})->size(), 1u);
  auto with = platform_->ListGoods(
      GoodsFilter{.provider_id = ai_.provider_id, .include_withdrawn = true}, Page{});
  ASSERT_TRUE(with.ok());
  ASSERT_EQ(with->size(), 2u);
  EXPECT_TRUE(with->back().withdrawn_at.has_value());
  auto read = platform_->GetGoods(service.id);
  ASSERT_TRUE(read.ok());
  EXPECT_EQ(read->withdrawn_at, clock_.Now());
  // Its name stays taken.
  auto again = platform_->AddGoods(op, NewGoods{ai_.provider_id, std::nullopt, "service",
                                                service.name, "", "项", 1'00});
  EXPECT_EQ(again.error().code, ErrorCode::kDuplicate);
}

TEST_F(PlatformNetworkTest, GoodsChangesRefusedChangeNothing) {
  auto ai_goods = platform_->ListGoods(GoodsFilter{.provider_id = ai_.provider_id}, Page{});
  ASSERT_TRUE(ai_goods.ok() && !ai_goods->empty());
  const std::int64_t id = ai_goods->front().id;
  const std::string before = Published();
  auto edit = [](std::optional<std::int64_t> price, std::optional<std::string> unit,
                 std::optional<std::string> description) {
    GoodsEdit e;
    e.price_fen = price;
    e.unit = std::move(unit);
    e.description = std::move(description);
    return e;
  };
  const struct {
    const char* who;
    std::int64_t goods;
    GoodsEdit edit;
    ErrorCode code;
    const char* field;
  } cases[] = {
      {"op-ai", id, edit(-1, {}, {}), ErrorCode::kNegativeAmount, "price"},
      {"op-ai", id, edit(100'000'000'01, {}, {}), ErrorCode::kOutOfRange, "price"},
      {"op-ai", id, edit({}, "", {}), ErrorCode::kOutOfRange, "unit"},
      {"op-ai", id, edit({}, std::string(41, 'u'), {}), ErrorCode::kOutOfRange, "unit"},
      {"op-ai", id, edit({}, {}, std::string(4001, 'd')), ErrorCode::kOutOfRange, "description"},
      {"op-ai", id, edit({}, {}, {}), ErrorCode::kMissingField, ""},
      {"op-hpc", id, edit(1, {}, {}), ErrorCode::kForbidden, "provider_id"},
      {"demo-applicant", id, edit(1, {}, {}), ErrorCode::kForbidden, ""},
      {"op-ai", 999, edit(1, {}, {}), ErrorCode::kNotFound, "goods_id"},
  };
  for (const auto& c : cases) {
    auto r = platform_->EditGoods(As(c.who), c.goods, c.edit);
    ASSERT_FALSE(r.ok()) << c.who << " " << c.field;
    EXPECT_EQ(r.error().code, c.code) << c.who << " " << c.field << ": " << r.error().ToString();
    EXPECT_EQ(r.error().field, c.field) << r.error().ToString();
    EXPECT_EQ(Published(), before);
  }
  EXPECT_EQ(platform_->WithdrawGoods(As("op-hpc"), id, "").error().code, ErrorCode::kForbidden);
  EXPECT_EQ(platform_->WithdrawGoods(As("op-ai"), id, std::string(501, 'r')).error().field,
            "reason");
  EXPECT_EQ(Published(), before);
  ASSERT_TRUE(platform_->WithdrawGoods(As("op-ai"), id, "").ok());
  const std::string withdrawn = Published();
  EXPECT_EQ(platform_->WithdrawGoods(As("op-ai"), id, "").error().code,
            ErrorCode::kStateConflict);
  EXPECT_EQ(platform_->EditGoods(As("op-ai"), id, edit(1, {}, {})).error().code,
            ErrorCode::kStateConflict);
  EXPECT_EQ(Published(), withdrawn);
  EXPECT_EQ(AuditCount("goods.edit"), 0u);
  EXPECT_EQ(AuditCount("goods.withdraw"), 1u);
}

}  // namespace
}  // namespace suanli::workflow
