// Bills: the lines of one organisation (and contract) whose billing day falls in a period, with
// totals in fen. A bill is computed from the store's journal of lines, never stored: originals,
// and for every price correction a reversal and a correction line, so a bill shows its history
// and its total is always the net of them (rerate.h makes corrections).
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/cst_time.h"
#include "core/ids.h"
#include "core/result.h"
#include "metering/usage_store.h"

namespace suanli::metering {

// A closed range of CST days.
struct Period {
  Date first;
  Date last;  // inclusive

  static Period OfQuarter(Quarter q) { return Period{q.FirstDay(), q.LastDay()}; }
  // "2024Q3", or "2024-01-01..2024-03-31" (inclusive). kParse / kContradiction (last < first).
  static Result<Period> Parse(std::string_view text, std::string_view field = "period");
  bool Contains(Date d) const { return first <= d && d <= last; }
  std::string ToString() const;  // "2024-07-01..2024-09-30"
};

struct Bill {
  OrgId org;
  std::optional<ContractId> contract;  // nullopt: lines of accounts without a known contract
  Period period;
  std::vector<BillLine> lines;       // in journal order
  std::int64_t original_fen = 0;     // sum of original lines
  std::int64_t adjustments_fen = 0;  // sum of reversals and corrections (negative = refund)
  std::int64_t total_fen = 0;        // original + adjustments: what the organisation owes
};

// Groups `lines` by (org, contract) into bills for `period`, keeping only lines whose billing
// day is in the period; bills are ordered by org, then contract (none first). kOverflow when a
// total exceeds int64.
Result<std::vector<Bill>> BuildBills(std::span<const BillLine> lines, const Period& period);

// The bills of one organisation for a period, one per contract, read from the store.
Result<std::vector<Bill>> BillsFor(const UsageStore& store, OrgId org, const Period& period);

// The sum of total_fen over `bills` (an organisation's amount for reconciliation). kOverflow.
Result<std::int64_t> TotalFen(std::span<const Bill> bills);

}  // namespace suanli::metering
