// Price corrections as reversal + correction lines (rerate.h).
#include "metering/rerate.h"

#include "core/check.h"

namespace suanli::metering {
namespace {

bool SameFigures(const RatedFigures& a, const RatedFigures& b) {
  return a.org == b.org && a.contract == b.contract && a.day == b.day && a.unit == b.unit &&
         a.quantity_unit_s == b.quantity_unit_s && a.unit_price_fen == b.unit_price_fen &&
         a.price_effective_from == b.price_effective_from && a.discount_share == b.discount_share &&
         a.amount_fen == b.amount_fen;
}

bool InScope(const network::UsageRecord& r, const RerateScope& scope) {
  return r.cluster == scope.center && (scope.partition.empty() || r.partition == scope.partition) &&
         r.start && *r.start >= scope.started_from;
}

}  // namespace

Result<RerateReport> Rerate(UsageStore* store, const Rater& corrected, const RerateScope& scope,
                            const std::string& reason) {
  SUANLI_CHECK(store != nullptr);
  RerateReport report;
  // Collect first, then append: the scan reads the log the adjustments are appended to.
  std::vector<Adjustment> adjustments;
  std::array<network::TresCount, network::kSacctMaxTres> tres;
  SUANLI_TRY(store->ScanUsage([&](const StoredUsage& u) -> Status {
    if (u.kind != RatingKind::kBilled || !InScope(u.record, scope)) return OkStatus();
    ++report.examined;
    const RatingOutcome outcome = corrected.Rate(UsageView::FromRecord(u.record, &tres));
    if (!outcome.ok || outcome.kind != RatingKind::kBilled) {
      ++report.failed;
      report.failures.push_back(LineReject{0, u.record.cluster + "/" + u.record.job_id,
                                           std::string(RejectReasonName(outcome.reject)),
                                           outcome.detail});
      return OkStatus();
    }
    if (SameFigures(*u.figures, outcome.figures)) {
      ++report.unchanged;
      return OkStatus();
    }
    adjustments.push_back(Adjustment{u.record.cluster, u.record.job_id, u.record.step, u.revision,
                                     *u.figures, outcome.figures, reason});
    return OkStatus();
  }));
  for (const Adjustment& a : adjustments) {
    SUANLI_TRY(store->Adjust(a));
    ++report.changed;
    if (__builtin_sub_overflow(report.reversed_fen, a.old_figures.amount_fen,
                               &report.reversed_fen) ||
        __builtin_add_overflow(report.corrected_fen, a.new_figures.amount_fen,
                               &report.corrected_fen)) {
      return MakeError(ErrorCode::kOverflow, "amount_fen", "the correction's totals overflow");
    }
  }
  SUANLI_TRY(store->Commit());
  return report;
}

}  // namespace suanli::metering
