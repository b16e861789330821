// The workflow's records of the compute network: centers, prices, goods, Slurm accounts, jobs
// and their utilisation (centers.cc, catalogue.cc, jobs.cc, metering.cc, utilisation.cc).
// Plain structs, money in fen, instants in CST, as in records.h.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/cst_time.h"
#include "network/center_spec.h"

namespace suanli::workflow {

struct Center {
  std::int64_t id = 0;
  std::int64_t provider_id = 0;
  network::CenterSpec spec;
  Instant created_at;
  // Retired (center_changes.cc): no new placements and out of the catalogue; its jobs go on,
  // its price list stays for the metering of past usage, and its usage is still ingested.
  std::optional<Instant> retired_at = std::nullopt;
};

// Units a price is quoted in. A card-hour needs a partition with accelerators.
// billing_hour prices Slurm's billing units (Σ weight × TRES, the center's TRESBillingWeights).
inline constexpr const char* kPriceUnits[] = {"card_hour", "core_hour", "node_hour",
                                              "billing_hour", "gb_month"};

struct NewPrice {
  std::int64_t center_id = 0;
  std::string partition;  // the center's partition the price applies to
  std::string unit;       // one of kPriceUnits
  std::int64_t price_fen = 0;  // base price per unit, before any discount class
  Date effective_from;         // in force from 00:00 CST of this day until the next entry's
  std::string billing_weights;  // billing_hour only: Slurm's spelling, "CPU=1.0,GRES/gpu=8.0"
};

struct Price {
  std::int64_t id = 0, center_id = 0;
  std::string partition, unit;
  std::int64_t price_fen = 0;
  Date effective_from;
  Instant created_at;
  std::string billing_weights;
  // SetPrice only: the lines already billed that the entry re-rated (a reversal and a correction
  // each), their net change, and those the new price list could not rate (left as they were).
  std::uint64_t lines_rerated = 0;
  std::int64_t rerated_delta_fen = 0;
  std::uint64_t lines_rerate_failed = 0;
};

// Goods beyond raw compute: software licences, datasets, models, services.
inline constexpr const char* kGoodsKinds[] = {"software_licence", "dataset", "model", "service"};

struct NewGoods {
  std::int64_t provider_id = 0;
  std::optional<std::int64_t> center_id;
  std::string kind, name, description, unit;
  std::int64_t price_fen = 0;
};

struct Goods {
  std::int64_t id = 0, provider_id = 0;
  std::optional<std::int64_t> center_id;
  std::string kind, name, description, unit, provider_name;
  std::int64_t price_fen = 0;
  Instant created_at;
  // Withdrawn by its provider (goods.cc): out of the catalogue and the default listing, still
  // readable by id; the audit log keeps its prices.
  std::optional<Instant> withdrawn_at = std::nullopt;
};

// GET /goods: every provider's goods, or one provider's, of every kind or one.
struct GoodsFilter {
  std::optional<std::int64_t> provider_id = std::nullopt;
  std::string kind = {};           // "" = every kind
  bool include_withdrawn = false;
};

// What a provider may change on its goods: the price and how it is sold. Absent: unchanged.
struct GoodsEdit {
  std::optional<std::int64_t> price_fen;
  std::optional<std::string> unit, description;

  bool empty() const { return !price_fen && !unit && !description; }
};

// A Slurm account on a center and who pays for its jobs (metering.cc).
struct SlurmAccount {
  std::int64_t id = 0, center_id = 0;
  std::string account;
  std::int64_t org_id = 0;
  std::optional<std::int64_t> contract_id;
  std::optional<char> discount_class;  // 'A'..'E'; none pays the base price
  // An experience voucher's one-time account (experience_vouchers.cc): free usage, rated at
  // 0 fen; `trial_open` while its voucher is active (jobs are placed on it only then).
  std::optional<std::int64_t> experience_voucher_id;
  bool trial_open = false;
};

// A job an organisation submits to the network (jobs.cc).
struct NewJob {
  std::string name;
  std::string resource_type;  // "cpu" (cores) or an accelerator's gres: "gpu", "npu", "dcu"
  std::uint32_t units = 1;
  std::string framework, framework_version_min;  // "" = none required
  std::int64_t time_limit_s = 3600;
  std::string data_region;                        // "" = no data to move
  std::optional<std::int64_t> max_price_fen;      // per unit-hour, what the organisation pays
  bool domestic_only = false;
  std::optional<Instant> deadline;
  std::optional<std::int64_t> voucher_id;         // its share lowers the price at its provider
  std::string script;                              // the batch script ("#!...")
  std::string user;                                // the Unix user; default: the account name
  std::string working_dir;
};

struct Job {
  std::int64_t id = 0, org_id = 0;
  std::string resource_type;
  std::uint32_t units = 0;
  // The request as submitted, defaults filled in; none for a job recorded before requests
  // were stored. Its script is read only for one job (GetJob), not in lists.
  std::optional<NewJob> request;
  bool script_read = false;
  // One job read by an officer, admin or auditor: the script's SHA-256 (hex) in place of its
  // text, which only the organisation reads (GetJob). Empty otherwise.
  std::string script_sha256;
  // What the organisation pays at most (job_routing::MaxCostFen): placed jobs only.
  std::optional<std::int64_t> max_cost_fen;
  std::optional<std::int64_t> center_id;
  std::string slurm_job_id;
  std::string state;           // submitted | unplaced | then Slurm's state, lower case
  std::string placement_json;  // every center's verdict: [{center_id, verdict, ...}]
  std::string attempts_json;   // the submissions tried: [{center_id, code, reason}]
  Instant created_at;
};

// Jobs placed together by the batch planner (job_batch.cc).
struct JobBatch {
  std::vector<Job> jobs;               // in the order submitted
  std::int64_t planned_score_fen = 0;  // Σ router score of the planned placements
  std::size_t planned_unplaced = 0;    // jobs the plan left queued (no room, or no center)
  bool proven_optimal = false;         // the planner proved no plan scores less
};

// A center's utilisation per CST day (utilisation.cc): running over capacity, in unit-seconds.
struct UtilisationDay {
  Date day;
  std::int64_t card_used_s = 0, card_capacity_s = 0;
  std::int64_t core_used_s = 0, core_capacity_s = 0;
  std::int64_t jobs = 0;        // jobs that ended that day
  std::int64_t billed_fen = 0;  // their rated amount
};

struct Utilisation {
  std::int64_t center_id = 0;
  std::vector<UtilisationDay> days;
  // The center's provider's metered bills settled through vouchers in the range, and what the
  // vouchers paid of them: the voucher-funded share (settlements are per provider).
  std::int64_t provider_metered_settled_fen = 0, provider_voucher_paid_fen = 0;
};

// One pull of a center's usage from its connector, page by page from the stored cursor
// (usage_pull.cc): how many records came, and what ingesting them did.
struct UsagePull {
  std::int64_t center_id = 0;
  std::uint64_t pages = 0, records = 0;
  std::uint64_t ingested = 0, already = 0, rejected = 0;
  std::int64_t amount_fen = 0;  // rated amount of the newly ingested lines
  std::string cursor;           // where the next pull starts ("" = from the beginning)
  bool more = false;            // stopped at the page limit with records still to come
};

// One search of the catalogue: the centers and the goods that match.
struct CatalogueResult {
  std::vector<Center> centers;
  std::vector<Goods> goods;
};

}  // namespace suanli::workflow
