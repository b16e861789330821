// What a provider declares about one of its compute centers: partitions with their nodes, CPUs
// and accelerators (model, count, memory, whether the chip is domestic — some programs pay
// more for domestic chips), the software it offers, its region and latency class, and how it
// bills (shared or exclusive nodes). One parser serves the API and the stored copy, so a spec
// that was accepted once always reads back the same.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace suanli::network {

struct Accelerator {
  std::string model;          // "Ascend 910B", "Hygon DCU Z100", "NVIDIA A800"
  std::uint32_t per_node = 0; // cards per node
  std::uint32_t memory_gb = 0;
  bool domestic = false;      // domestic chip (国产芯片)
  std::string gres = "gpu";   // the Slurm gres name the cards are requested by
};

struct Partition {
  std::string name;                 // the Slurm partition
  std::string billing_mode;         // "shared" (per core/card) | "exclusive" (whole nodes)
  std::uint32_t nodes = 0;
  std::string cpu_model;            // "Hygon 7285", "Kunpeng 920"
  std::uint32_t cores_per_node = 0;
  std::uint32_t memory_gb_per_node = 0;
  std::optional<Accelerator> accelerator;
};

struct Software {
  std::string name;     // "PyTorch"
  std::string version;  // "2.1.0"
};

struct CenterSpec {
  std::string name;           // 国家超算成都中心
  std::string kind;           // "supercomputing" | "intelligent"
  std::string region;         // 成都
  std::string latency_class;  // "metro" | "province" | "national"
  std::string slurm_cluster;  // the Slurm ClusterName its usage records carry
  std::vector<Partition> partitions;
  std::vector<Software> software;

  // Total accelerator cards and CPU cores over all partitions.
  std::uint64_t Cards() const;
  std::uint64_t Cores() const;
  const Partition* FindPartition(std::string_view name) const;
};

// Parses and validates a spec from JSON text. Unknown fields, wrong types, empty names, zero
// counts, duplicate partitions and unknown enum values are refused with the field's dotted path
// ("partitions[1].accelerator.per_node") and the reason.
Result<CenterSpec> ParseCenterSpec(std::string_view json_text);
// The spec as JSON text that ParseCenterSpec reads back to an equal spec.
std::string CenterSpecJson(const CenterSpec& spec);

// What an edit of a registered center may change: how it is described (name, kind, region,
// latency class, software offered). Not its Slurm cluster (usage records name their center by
// it) nor its partitions (price entries, rating and the utilisation's capacity of past days
// refer to them). A field left out stays as it is; `software`, when given, replaces the list.
struct CenterEdit {
  std::optional<std::string> name, kind, region, latency_class;
  std::optional<std::vector<Software>> software;

  bool empty() const { return !name && !kind && !region && !latency_class && !software; }
};

// Parses an edit from JSON text with ParseCenterSpec's rules for each field present (the same
// paths: "software[2].version"). `slurm_cluster` and `partitions` are refused as not editable,
// other fields as unknown, and an edit without any field as kMissingField.
Result<CenterEdit> ParseCenterEdit(std::string_view json_text);
// `spec` with the edit's fields in place of its own.
CenterSpec ApplyCenterEdit(CenterSpec spec, const CenterEdit& edit);

}  // namespace suanli::network
