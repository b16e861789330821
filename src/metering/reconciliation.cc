// Claim against metered bills (reconciliation.h).
#include "metering/reconciliation.h"

#include <algorithm>
#include <map>

namespace suanli::metering {
namespace {

Error Overflow() { return MakeError(ErrorCode::kOverflow, "amount_fen", "a total overflows"); }

}  // namespace

std::vector<BasisTerm> MeteredBasis(const Period& claim_period,
                                    std::span<const Period> metered_bills, bool posted_bills) {
  std::vector<BasisTerm> terms;
  for (const Period& days : metered_bills) terms.push_back({days, false});
  if (!posted_bills) return terms;
  terms.push_back({claim_period, false});
  for (const Period& days : metered_bills) {
    const Period inside{std::max(days.first, claim_period.first),
                        std::min(days.last, claim_period.last)};
    if (inside.first <= inside.last) terms.push_back({inside, true});
  }
  return terms;
}

Result<Reconciliation> Reconcile(std::span<const ClaimAmount> claims,
                                 std::span<const MeteredAmount> metered, const Period& period,
                                 const ReconcileOptions& options) {
  if (options.tolerance_fen < 0) {
    return MakeError(ErrorCode::kNegativeAmount, "tolerance_fen", "must be >= 0");
  }
  std::map<std::uint64_t, const MeteredAmount*> metered_of;
  for (const MeteredAmount& m : metered) metered_of.emplace(m.org.value, &m);
  Reconciliation out;
  out.period = period;
  std::map<std::uint64_t, std::size_t> row_of;  // org → index in out.rows
  for (std::size_t i = 0; i < claims.size(); ++i) {
    const ClaimAmount& c = claims[i];
    if (c.claimed_fen < 0) {
      return MakeError(ErrorCode::kNegativeAmount, "claims[" + std::to_string(i) + "].claimed_fen",
                       "a claimed amount is >= 0");
    }
    const auto [it, fresh] = row_of.emplace(c.org.value, out.rows.size());
    if (fresh) {
      const auto m = metered_of.find(c.org.value);
      ReconciliationRow row{c.org, 0, 0, {period}, 0, false};
      if (m != metered_of.end()) {
        row.metered_fen = m->second->metered_fen;
        row.days = m->second->days;
      }
      if (__builtin_add_overflow(out.metered_fen, row.metered_fen, &out.metered_fen)) {
        return Overflow();
      }
      out.rows.push_back(std::move(row));
    }
    ReconciliationRow& row = out.rows[it->second];
    if (__builtin_add_overflow(row.claimed_fen, c.claimed_fen, &row.claimed_fen) ||
        __builtin_add_overflow(out.claimed_fen, c.claimed_fen, &out.claimed_fen)) {
      return Overflow();
    }
  }
  for (ReconciliationRow& row : out.rows) {
    if (__builtin_sub_overflow(row.claimed_fen, row.metered_fen, &row.difference_fen)) {
      return Overflow();
    }
    row.flagged = row.difference_fen > options.tolerance_fen;
    if (row.flagged) ++out.flagged;
  }
  return out;
}

Result<Reconciliation> Reconcile(std::span<const ClaimAmount> claims, std::span<const Bill> bills,
                                 const Period& period, const ReconcileOptions& options) {
  std::map<std::uint64_t, std::int64_t> by_org;  // org → net total of its bills in the period
  for (const Bill& b : bills) {
    if (b.period.first != period.first || b.period.last != period.last) continue;
    std::int64_t& m = by_org[b.org.value];
    if (__builtin_add_overflow(m, b.total_fen, &m)) return Overflow();
  }
  std::vector<MeteredAmount> metered;
  for (const auto& [org, fen] : by_org) metered.push_back({OrgId(org), fen, {period}});
  return Reconcile(claims, metered, period, options);
}

}  // namespace suanli::metering
