// The demo's compute network: the two Chengdu centers of seed 000's annexes with their
// hardware and software as the annexes describe them (国家超算成都中心: domestic C86 CPUs and DCU
// accelerators, shared and exclusive billing, Slurm; 成都智算中心: Ascend cards, PyTorch 2.1.0,
// MindSpore 2.2). Node counts and prices are not in the seeds: they are illustrative figures,
// chosen to be of the order centers publish (a DCU card-hour ¥6, a CPU node-hour ¥8, an Ascend 910B card-hour ¥12).
#include "network/center_spec.h"
#include "network/simulated_center.h"
#include "workflow/demo.h"

#include <algorithm>

namespace suanli::workflow {

namespace {

constexpr std::string_view kHpcSpec = R"({
  "name": "国家超算成都中心", "kind": "supercomputing", "region": "成都",
  "latency_class": "metro", "slurm_cluster": "cd-hpc",
  "partitions": [
    {"name": "dcu", "billing_mode": "shared", "nodes": 512, "cpu_model": "Hygon C86 7285",
     "cores_per_node": 32, "memory_gb_per_node": 128,
     "accelerator": {"model": "Hygon DCU Z100", "per_node": 4, "memory_gb": 32,
                     "domestic": true, "gres": "dcu"}},
    {"name": "cpu", "billing_mode": "exclusive", "nodes": 256, "cpu_model": "Hygon C86 7285",
     "cores_per_node": 64, "memory_gb_per_node": 256}
  ],
  "software": [{"name": "GCC", "version": "12.2"}, {"name": "DTK", "version": "23.10"},
               {"name": "OpenMPI", "version": "4.1.5"}, {"name": "Gromacs", "version": "2023.3"},
               {"name": "PyTorch", "version": "2.1.0"}, {"name": "WRF", "version": "4.5"}]
})";

constexpr std::string_view kAiSpec = R"({
  "name": "成都智算中心", "kind": "intelligent", "region": "成都",
  "latency_class": "metro", "slurm_cluster": "cd-ai",
  "partitions": [
    {"name": "ascend", "billing_mode": "shared", "nodes": 120, "cpu_model": "Kunpeng 920",
     "cores_per_node": 192, "memory_gb_per_node": 1024,
     "accelerator": {"model": "Ascend 910B", "per_node": 8, "memory_gb": 64,
                     "domestic": true, "gres": "npu"}}
  ],
  "software": [{"name": "PyTorch", "version": "2.1.0"}, {"name": "MindSpore", "version": "2.2"},
               {"name": "TensorFlow", "version": "2.11"}]
})";

// 南京智能计算中心 (seed 002, the provider of Nanjing's experience vouchers): the article gives
// its scale (一期 80亿亿次/s) but no hardware; Cambricon MLU cards (its customers include
// 寒武纪) on a single partition are an illustrative assumption, as are the node count and the
// price (a card-hour ¥10). Trial accounts of experience vouchers are opened here.
constexpr std::string_view kNanjingSpec = R"({
  "name": "南京智能计算中心", "kind": "intelligent", "region": "南京",
  "latency_class": "national", "slurm_cluster": "nj-ai",
  "partitions": [
    {"name": "mlu", "billing_mode": "shared", "nodes": 64, "cpu_model": "Hygon C86 7285",
     "cores_per_node": 64, "memory_gb_per_node": 512,
     "accelerator": {"model": "Cambricon MLU370-X8", "per_node": 8, "memory_gb": 48,
                     "domestic": true, "gres": "mlu"}}
  ],
  "software": [{"name": "torch_mlu", "version": "1.13"},
               {"name": "CNToolkit", "version": "3.7"}]
})";

struct DemoPrice {
  std::string_view partition, unit;
  std::int64_t price_fen;
};

Status SeedCenter(Platform& p, std::int64_t provider_id, std::string_view spec_json,
                  std::initializer_list<DemoPrice> prices, Date from) {
  const Principal sys = Principal::System();
  SUANLI_ASSIGN(const network::CenterSpec spec, network::ParseCenterSpec(spec_json));
  SUANLI_ASSIGN(const Center center, p.RegisterCenter(sys, provider_id, spec));
  for (const DemoPrice& d : prices) {
    SUANLI_TRY(p.SetPrice(sys, NewPrice{center.id, std::string(d.partition), std::string(d.unit),
                                        d.price_fen, from, ""}));
  }
  return OkStatus();
}

}  // namespace

Status SeedDemoNetwork(Platform& p, std::int64_t hpc_provider_id, std::int64_t ai_provider_id) {
  SUANLI_ASSIGN(const Date from, Date::FromYmd(2024, 1, 1));
  SUANLI_TRY(SeedCenter(p, hpc_provider_id, kHpcSpec,
                        {{"dcu", "card_hour", 6'00}, {"cpu", "node_hour", 8'00}},
                        from));
  SUANLI_TRY(SeedCenter(p, ai_provider_id, kAiSpec, {{"ascend", "card_hour", 12'00}}, from));
  const Principal sys = Principal::System();
  SUANLI_TRY(p.AddGoods(sys, NewGoods{hpc_provider_id, std::nullopt, "software_licence",
                                      "ANSYS Fluent 并行许可", "按核时计费的商业 CFD 软件许可",
                                      "核时", 0'50}));
  SUANLI_TRY(p.AddGoods(sys, NewGoods{ai_provider_id, std::nullopt, "model",
                                      "Qwen 适配镜像 (Ascend)", "已迁移适配昇腾的开源大模型镜像",
                                      "次", 0}));
  SUANLI_TRY(p.AddGoods(sys, NewGoods{ai_provider_id, std::nullopt, "service",
                                      "模型迁移适配服务", "将 PyTorch 模型迁移到 MindSpore/昇腾",
                                      "项", 50'000'00}));
  return OkStatus();
}

Status SeedDemoNanjingCenter(Platform& p, std::int64_t nanjing_provider_id) {
  SUANLI_ASSIGN(const Date from, Date::FromYmd(2024, 1, 1));
  // No account is mapped here: the demo's organisations use it through an experience voucher's
  // one-time account, opened when the winner activates it.
  return SeedCenter(p, nanjing_provider_id, kNanjingSpec, {{"mlu", "card_hour", 10'00}}, from);
}

Status SeedDemoAccounts(Platform& p, std::int64_t firm_org_id, std::int64_t uni_org_id) {
  SUANLI_ASSIGN(const auto centers, p.ListCenters());
  for (const Center& c : centers) {
    if (c.spec.region != "成都") continue;  // Nanjing's center: trial accounts only
    SlurmAccount firm{0, c.id, "cd-firm", firm_org_id, std::nullopt, std::nullopt,
                      std::nullopt, false};
    SUANLI_TRY(p.MapSlurmAccount(Principal::System(), firm));
    // The university pays discount class B (seed 002's classes: 40 % of the base price), when
    // the Nanjing program that defines the classes is loaded; else the base price.
    const policy::Program* nanjing = p.FindProgram("nanjing-experience");
    const bool classes = nanjing != nullptr && nanjing->discounts.has_value();
    SlurmAccount uni{0, c.id, "cd-uni", uni_org_id, std::nullopt,
                     classes ? std::optional<char>('B') : std::nullopt, std::nullopt, false};
    SUANLI_TRY(p.MapSlurmAccount(Principal::System(), uni));
  }
  return OkStatus();
}

Result<std::vector<std::unique_ptr<network::CenterConnector>>> SimulateCenters(
    Platform& p, Clock& clock, const std::vector<std::string>& skip) {
  std::vector<std::unique_ptr<network::CenterConnector>> out;
  SUANLI_ASSIGN(const auto centers, p.ListCenters());
  for (const Center& c : centers) {
    if (std::find(skip.begin(), skip.end(), c.spec.slurm_cluster) != skip.end()) continue;
    network::SimulatedCenterOptions o;
    o.cluster = c.spec.slurm_cluster;
    o.seed = static_cast<std::uint64_t>(c.id);
    o.cpus = static_cast<std::uint32_t>(std::min<std::uint64_t>(c.spec.Cores(), 1'000'000));
    o.gpus = static_cast<std::uint32_t>(std::min<std::uint64_t>(c.spec.Cards(), 1'000'000));
    o.partition = c.spec.partitions.front().name;
    for (std::size_t i = 1; i < c.spec.partitions.size(); ++i) {
      o.other_partitions.push_back(c.spec.partitions[i].name);
    }
    for (const auto& part : c.spec.partitions) {
      if (part.accelerator) o.gres_name = part.accelerator->gres;
    }
    auto center = std::make_unique<network::SimulatedCenter>(o, clock);
    SUANLI_ASSIGN(const auto accounts, p.ListSlurmAccounts(Principal::System(), c.id));
    for (const auto& a : accounts) {
      const std::vector<std::string> users = {a.account};
      SUANLI_TRY(center->EnsureAccount(a.account, users));
    }
    p.AttachConnector(center.get());
    out.push_back(std::move(center));
  }
  return out;
}

}  // namespace suanli::workflow
