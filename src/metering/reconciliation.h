// Reconciliation: a redemption claim's amounts per organisation against what was metered for
// the same organisations and period, so reviewers see the differences before they decide. Pure:
// the caller supplies the claim and the bills (bills.h).
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "core/ids.h"
#include "core/result.h"
#include "metering/bills.h"

namespace suanli::metering {

struct ClaimAmount {
  OrgId org;
  std::int64_t claimed_fen = 0;  // the bill amount the claim asks to redeem for the period
};

struct ReconcileOptions {
  // A claim may exceed the metered amount by at most this much before it is flagged. 0 fen by
  // default: any excess is shown, since metering and the provider's bill use the same prices.
  std::int64_t tolerance_fen = 0;
};

struct ReconciliationRow {
  OrgId org;
  std::int64_t claimed_fen = 0;
  std::int64_t metered_fen = 0;     // the net total of the organisation's bills in the period
  std::int64_t difference_fen = 0;  // claimed − metered (> 0: claimed more than metered)
  bool flagged = false;             // difference_fen > tolerance_fen
};

struct Reconciliation {
  Period period;
  std::vector<ReconciliationRow> rows;  // one per claimed organisation, in the claim's order
  std::int64_t claimed_fen = 0;
  std::int64_t metered_fen = 0;
  std::size_t flagged = 0;
};

// Compares each claimed organisation with the bills of that organisation (all contracts) whose
// period is `period`; an organisation with no bill is metered 0. Claims for the same org are
// summed into one row. Errors: kNegativeAmount (a claim below 0 or a negative tolerance),
// kOverflow.
Result<Reconciliation> Reconcile(std::span<const ClaimAmount> claims, std::span<const Bill> bills,
                                 const Period& period, const ReconcileOptions& options = {});

}  // namespace suanli::metering
