// Metered usage pulled from the centers themselves: each connector returns the jobs that became
// final after the center's cursor (slurmdbd through slurmrestd, or the simulated center), and
// each page is ingested with the cursor after it in one durable batch, so a crash between pages
// re-reads at most one page and ingesting it again changes nothing (idempotent by center, job
// and step). Records the rater refuses (an account no one mapped yet, a price not in force) are
// reported and skipped; the cursor still moves past them, and the provider uploads the
// `sacct` file again once the mapping exists (docs/network.md, "Connecting real centers").
#include <spdlog/spdlog.h>

#include "workflow/platform.h"
#include "workflow/platform_state.h"

namespace suanli::workflow {

Result<UsagePull> Platform::PullUsage(const Principal& actor, std::int64_t center_id,
                                      std::size_t pages_max) {
  SUANLI_TRY(RequireRole(actor, {Role::kAdmin, Role::kProvider}));
  SUANLI_ASSIGN(const Center center, GetCenter(center_id));
  SUANLI_TRY(RequireProviderAccess(actor, center.provider_id));
  std::lock_guard pull_lock(state_->pull_mu);
  UsagePull out;
  out.center_id = center_id;
  SUANLI_ASSIGN(const auto stored, UsageCursor(center_id));
  network::UsageCursor cursor;
  if (stored && !stored->empty()) {
    SUANLI_ASSIGN(cursor, network::UsageCursor::Parse(*stored));
  }
  out.cursor = stored.value_or("");
  for (std::size_t page_no = 0; page_no < pages_max; ++page_no) {
    // Under the center's own lock only: jobs on other centers go on while a page is read.
    network::CenterConnector* conn = state_->ConnectorFor(center.spec.slurm_cluster);
    if (conn == nullptr) {
      return MakeError(ErrorCode::kNotFound, "center_id",
                       "no connector is attached for cluster " + center.spec.slurm_cluster +
                           " (suanli serve --centers)");
    }
    SUANLI_ASSIGN(network::UsagePage page, conn->PullUsage(cursor));
    if (page.records.empty()) return out;
    ++out.pages;
    out.records += page.records.size();
    const std::string next = page.next.ToString();
    SUANLI_ASSIGN(const metering::IngestReport r,
                  IngestUsageRecords(actor, center_id, page.records, next));
    out.ingested += r.ingested;
    out.already += r.already;
    out.rejected += r.rejected;
    out.amount_fen += r.amount_fen;
    for (const auto& reject : r.rejects) {
      spdlog::warn("usage from {}: record {} refused: {} ({})", center.spec.slurm_cluster,
                   reject.line, reject.kind, reject.reason);
    }
    out.cursor = next;
    cursor = page.next;
  }
  out.more = true;
  return out;
}

std::vector<UsagePull> Platform::PullAllUsage() {
  std::vector<UsagePull> out;
  auto centers = ListCenters();
  if (!centers.ok()) {
    spdlog::error("usage pull: {}", centers.error().ToString());
    return out;
  }
  for (const Center& c : *centers) {
    if (state_->ConnectorFor(c.spec.slurm_cluster) == nullptr) continue;
    auto pulled = PullUsage(Principal::System(), c.id);
    if (!pulled.ok()) {
      spdlog::error("usage pull from {}: {}", c.spec.slurm_cluster, pulled.error().ToString());
      continue;
    }
    if (pulled->records > 0) {
      spdlog::info("usage pull from {}: {} records, {} new, {} already, {} refused, {} fen",
                   c.spec.slurm_cluster, pulled->records, pulled->ingested, pulled->already,
                   pulled->rejected, pulled->amount_fen);
    }
    out.push_back(*pulled);
  }
  return out;
}

}  // namespace suanli::workflow
