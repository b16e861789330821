// Reconciliation: a redemption claim's amounts per organisation against what was metered for
// the same organisations and days, so reviewers see the differences before they decide. Pure:
// the caller supplies the claim and the metered amounts (or the bills, bills.h).
//
// Which days a claimed organisation is compared over (MeteredBasis): a claim gathers the
// settlements made in its quarter, and a bill posted by hand says nothing about the days it
// covers, so those are compared with the quarter's metering. A metered bill names its days
// ("M-<org>-2024-01-01..2024-03-31"), and the days of a whole quarter can only be settled once
// the quarter is over, that is in the next quarter's claim: such a bill is compared with the
// metering of its own days, not of the claim's quarter (which would flag every quarter-end bill
// as unmetered).
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

// What was metered for one organisation, over `days` (the claim's period and/or the days of its
// metered bills, as MeteredBasis lists them).
struct MeteredAmount {
  OrgId org;
  std::int64_t metered_fen = 0;
  std::vector<Period> days;
};

// One term of an organisation's metered amount: + or − the metering of `days`.
struct BasisTerm {
  Period days;
  bool subtract = false;
};

// The terms whose sum is what an organisation's claimed bills are compared with: the days of
// each metered bill in the claim (`metered_bills`, which never overlap: each day is settled
// once), and when the claim also holds bills posted by hand, the claim's period less the days
// of those metered bills that fall inside it (so no day counts twice).
std::vector<BasisTerm> MeteredBasis(const Period& claim_period,
                                    std::span<const Period> metered_bills, bool posted_bills);

struct ReconciliationRow {
  OrgId org;
  std::int64_t claimed_fen = 0;
  std::int64_t metered_fen = 0;     // the net total of the organisation's bills over `days`
  std::vector<Period> days;         // the days compared (the claim's period, or its bills' own)
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

// Compares each claimed organisation with its metered amount; an organisation without one is
// metered 0 over the claim's `period`. Claims for the same org are summed into one row.
// Errors: kNegativeAmount (a claim below 0 or a negative tolerance), kOverflow.
Result<Reconciliation> Reconcile(std::span<const ClaimAmount> claims,
                                 std::span<const MeteredAmount> metered, const Period& period,
                                 const ReconcileOptions& options = {});

// The same, with every organisation compared over `period`: the net total of its bills (all
// contracts) whose period is `period`.
Result<Reconciliation> Reconcile(std::span<const ClaimAmount> claims, std::span<const Bill> bills,
                                 const Period& period, const ReconcileOptions& options = {});

}  // namespace suanli::metering
