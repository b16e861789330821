// Utilisation per center and day, from metered usage: the card- and core-seconds jobs held
// (each job's allocation spread over the CST days its run overlapped) against the center's
// declared capacity, the jobs that ended, the amount billed, and the share of the provider's
// metered bills that vouchers paid. Computed on request by one scan of the usage log, which
// at a city's scale (tens of thousands of jobs a day) takes milliseconds; dashboards ask for a
// range of days, not every second.
#include <algorithm>
#include <map>

#include "workflow/platform.h"
#include "workflow/platform_state.h"

namespace suanli::workflow {

namespace {

constexpr std::int32_t kUtilisationDaysMax = 366;

std::int64_t TresCount(const network::TresMap& tres, std::string_view name) {
  auto it = tres.find(name);
  return it == tres.end() ? 0 : it->second;
}

}  // namespace

Result<Utilisation> Platform::CenterUtilisation(std::int64_t center_id, Date first, Date last) {
  if (last < first) return MakeError(ErrorCode::kContradiction, "to", "before from");
  if (DaysBetween(first, last) >= kUtilisationDaysMax) {
    return MakeError(ErrorCode::kOutOfRange, "to", "at most 366 days");
  }
  SUANLI_ASSIGN(const Center center, GetCenter(center_id));
  std::string gres = "gres/gpu";
  for (const auto& p : center.spec.partitions) {
    if (p.accelerator) gres = "gres/" + p.accelerator->gres;
  }
  Utilisation out;
  out.center_id = center_id;
  const auto days = static_cast<std::size_t>(DaysBetween(first, last) + 1);
  out.days.resize(days);
  for (std::size_t i = 0; i < days; ++i) {
    auto& d = out.days[i];
    d.day = first.AddDays(static_cast<std::int32_t>(i));
    d.card_capacity_s = static_cast<std::int64_t>(center.spec.Cards()) * kSecondsPerDay;
    d.core_capacity_s = static_cast<std::int64_t>(center.spec.Cores()) * kSecondsPerDay;
  }
  const Instant range_start = Instant::StartOfDay(first);
  const Instant range_end = Instant::EndOfDay(last);
  {
    std::lock_guard lock(state_->metering_mu);
    SUANLI_TRY(state_->usage->ScanUsage([&](const metering::StoredUsage& u) -> Status {
      const auto& r = u.record;
      if (r.cluster != center.spec.slurm_cluster || !r.step.empty() || !r.start || !r.end) {
        return OkStatus();
      }
      const Date end_day = r.end->CstDate();
      if (first <= end_day && end_day <= last) {
        auto& d = out.days[static_cast<std::size_t>(DaysBetween(first, end_day))];
        ++d.jobs;
        if (u.figures) d.billed_fen += u.figures->amount_fen;
      }
      // The allocation over each day the run overlapped, clipped to the range.
      const std::int64_t cards = TresCount(r.alloc_tres, gres);
      const std::int64_t cores = TresCount(r.alloc_tres, "cpu");
      Instant from = std::max(*r.start, range_start);
      const Instant to = std::min(*r.end, range_end);
      while (from < to) {
        const Date day = from.CstDate();
        const Instant day_end = std::min(Instant::EndOfDay(day), to);
        const std::int64_t s = (day_end.micros() - from.micros()) / kMicrosPerSecond;
        auto& d = out.days[static_cast<std::size_t>(DaysBetween(first, day))];
        d.card_used_s += cards * s;
        d.core_used_s += cores * s;
        from = day_end;
      }
      return OkStatus();
    }));
  }
  // Vouchers' share of the provider's metered bills settled in the range (bill numbers "M-…",
  // which only metered settlements may carry: kMeteredBillPrefix). Every settlement the
  // ledger has answered is in the table first (the journal writes it after the reply; without
  // this a settlement just answered was missing from the figure now and then).
  SUANLI_TRY(state_->journal->Flush());
  std::lock_guard lock(state_->mu);
  SUANLI_ASSIGN(auto q, state_->db->Prepare(
                            "SELECT COALESCE(SUM(bill_fen), 0), COALESCE(SUM(deduction_fen), 0) "
                            "FROM settlements WHERE provider_id = ?1 AND bill_no LIKE 'M-%' AND "
                            "reversed_by IS NULL AND at_us >= ?2 AND at_us < ?3"));
  SUANLI_ASSIGN(const bool row, q.Bind(1, center.provider_id)
                                    .Bind(2, range_start.micros())
                                    .Bind(3, range_end.micros())
                                    .Step());
  if (row) {
    out.provider_metered_settled_fen = q.Int(0);
    out.provider_voucher_paid_fen = q.Int(1);
  }
  return out;
}

}  // namespace suanli::workflow
