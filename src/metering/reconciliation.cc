// Claim against metered bills (reconciliation.h).
#include "metering/reconciliation.h"

#include <map>

namespace suanli::metering {
namespace {

Error Overflow() { return MakeError(ErrorCode::kOverflow, "amount_fen", "a total overflows"); }

}  // namespace

Result<Reconciliation> Reconcile(std::span<const ClaimAmount> claims, std::span<const Bill> bills,
                                 const Period& period, const ReconcileOptions& options) {
  if (options.tolerance_fen < 0) {
    return MakeError(ErrorCode::kNegativeAmount, "tolerance_fen", "must be >= 0");
  }
  std::map<std::uint64_t, std::int64_t> metered;  // org → net total of its bills in the period
  for (const Bill& b : bills) {
    if (b.period.first != period.first || b.period.last != period.last) continue;
    std::int64_t& m = metered[b.org.value];
    if (__builtin_add_overflow(m, b.total_fen, &m)) return Overflow();
  }
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
      const auto m = metered.find(c.org.value);
      out.rows.push_back(ReconciliationRow{c.org, 0, m == metered.end() ? 0 : m->second, 0, false});
      if (__builtin_add_overflow(out.metered_fen, out.rows.back().metered_fen, &out.metered_fen)) {
        return Overflow();
      }
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

}  // namespace suanli::metering
