// Price corrections: re-rates the stored lines a correction affects with a corrected Rater and,
// for every line whose figures change, appends a reversal of the current line and a correction
// line (never an edit), durably, in one batch per kBatchBytesTarget.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/cst_time.h"
#include "core/result.h"
#include "metering/ingest.h"
#include "metering/rating.h"
#include "metering/usage_store.h"

namespace suanli::metering {

// Which stored jobs a correction may touch: those on `center` (and `partition`, unless empty)
// whose Start is at or after `started_from`. Narrow it to what the correction changed.
struct RerateScope {
  std::string center;
  std::string partition;  // "" = every partition of the center
  Instant started_from;
};

struct RerateReport {
  std::uint64_t examined = 0;  // billed jobs in scope
  std::uint64_t changed = 0;   // got a reversal and a correction
  std::uint64_t unchanged = 0;
  std::uint64_t failed = 0;          // the corrected rater rejects them: left as they are, reported
  std::int64_t reversed_fen = 0;     // sum of reversal amounts (≤ 0)
  std::int64_t corrected_fen = 0;    // sum of correction amounts
  std::vector<LineReject> failures;  // line = 0; column = the key "center/job"
};

// Re-rates every billed job in `scope` with `corrected` and commits the adjustments (with
// `reason`, e.g. "price correction 2024-04-02: cdai/ascend") before returning. A line whose new
// figures equal its current ones is left alone, so running the same correction twice changes
// nothing the second time. Errors: the store's.
Result<RerateReport> Rerate(UsageStore* store, const Rater& corrected, const RerateScope& scope,
                            const std::string& reason);

}  // namespace suanli::metering
