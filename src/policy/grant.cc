// The grant: pick the tier, then base → pro-rating → rate → rounding → floor → caps, then the
// yearly pool. Every step is recorded with its clause so the figure can be checked by hand.
#include <algorithm>

#include "policy/engine_steps.h"

namespace suanli::policy::engine {
namespace {

bool Contains(const std::vector<std::string>& v, const std::string& x) {
  return std::find(v.begin(), v.end(), x) != v.end();
}
bool AnyIn(const std::vector<std::string>& have, const std::vector<std::string>& wanted) {
  return std::any_of(have.begin(), have.end(), [&](const auto& h) { return Contains(wanted, h); });
}
bool Applies(const std::vector<std::string>& tiers, const std::string& id) {
  return tiers.empty() || Contains(tiers, id);
}
Money Headroom(Money cap, Money used) { return used >= cap ? Money::Zero() : Money::FromFen(cap.fen() - used.fen()); }

bool Matches(const Program& p, const Tier& t, const Case& c) {
  const Condition& w = t.when;
  const Contract& k = c.contract;
  if (!w.project_level.empty() && !(k.project && Contains(w.project_level, k.project->level))) return false;
  if (!w.chip_origin.empty() && !Contains(w.chip_origin, k.chip_origin)) return false;
  if (!w.resource_class.empty() && !Contains(w.resource_class, k.resource_class)) return false;
  if (!w.org_class.empty() && !AnyIn(c.organisation.classes, w.org_class)) return false;
  if (!w.provider_tag.empty() && !AnyIn(c.provider.tags, w.provider_tag)) return false;
  if (w.uses_filed_model && *w.uses_filed_model != k.uses_filed_model) return false;
  if (w.meets_min_revenue && p.applicant.min_revenue &&
      *w.meets_min_revenue != MeetsMinRevenue(*p.applicant.min_revenue, c.organisation)) {
    return false;
  }
  if (t.once_per_org && Contains(c.history.one_off_tiers_received, t.id)) return false;
  return true;
}

// The base before pro-rating; fails when the case lacks the figure the tier is based on.
// A fixed grant in a reimbursement program reimburses what was paid: the firm pays in full
// first and then claims, so it is paid at most contract.paid, and a case that has not paid has
// nothing to reimburse yet (Langfang's one-off 500,000 on a 200,000 payment is 200,000).
bool ComputeBase(const Program& p, const Tier& t, const Case& c, QuoteResult& r, Money* base) {
  const Contract& k = c.contract;
  const std::optional<Money>* from = nullptr;
  switch (t.base) {
    case Base::kFixedAmount:
      *base = t.fixed_amount;
      if (p.mode == Mode::kReimbursement) {
        if (!k.paid) {
          Fail(r, "base_missing", "tier '" + t.id + "' reimburses at most the actual payment, "
                                  "which the case does not give (contract.paid)", p.mode_source.clause);
          return false;
        }
        if (*k.paid < *base) {
          *base = *k.paid;
          AddStep(r, "base", "fixed grant " + t.fixed_amount.ToString() + " of tier '" + t.id +
                                 "', limited to the actual payment of " + k.id + " (reimbursement)",
                  base->ToString(), t.source.clause);
          return true;
        }
      }
      AddStep(r, "base", "fixed grant of tier '" + t.id + "'", base->ToString(), t.source.clause);
      return true;
    case Base::kContractFee:
      *base = k.fee;
      AddStep(r, "base", "contract fee of " + k.id, base->ToString(), t.source.clause);
      return true;
    case Base::kActualPayment: from = &k.paid; break;
    case Base::kSettledFee: from = &k.settled; break;
  }
  if (!from->has_value()) {
    Fail(r, "base_missing", "tier '" + t.id + "' is based on the " + std::string(BaseName(t.base)) +
                                ", which the case does not give (contract." +
                                (t.base == Base::kActualPayment ? "paid" : "settled") + ")",
         t.source.clause);
    return false;
  }
  *base = **from;
  AddStep(r, "base", std::string(BaseName(t.base)) + " of " + k.id, base->ToString(), t.source.clause);
  return true;
}

// Nanning: base × (days of overlap with the base period) / (contract days), both b − a.
bool ProRate(const Program& p, const Case& c, QuoteResult& r, Money* base) {
  const Window& period = *p.base_period;
  const std::string& clause = p.pro_rate->source.clause;
  if (!c.contract.start || !c.contract.end) {
    Fail(r, "pro_rate", "contract start and end are needed to pro-rate by days", clause);
    return false;
  }
  const Date s = std::max(*c.contract.start, period.start);
  const Date e = std::min(*c.contract.end, period.end);
  const std::int64_t contract_days = DaysBetween(*c.contract.start, *c.contract.end);
  if (e < s) {
    Fail(r, "base_period", "contract " + c.contract.start->ToString() + " → " +
                               c.contract.end->ToString() + " does not overlap the base period " +
                               period.start.ToString() + " → " + period.end.ToString(),
         period.source.clause);
    return false;
  }
  // Days are counted b − a as the bureau does, so a contract that meets the period on one day
  // only (it ends on 03-01, or starts on 12-31) overlaps it by 0 days: it has no base in the
  // period. A one-day contract inside the period counts whole (0/0 days).
  const std::int64_t overlap_days = DaysBetween(s, e);
  if (overlap_days == 0 && contract_days > 0) {
    Fail(r, "base_period", "contract " + c.contract.start->ToString() + " → " +
                               c.contract.end->ToString() + " overlaps the base period " +
                               period.start.ToString() + " → " + period.end.ToString() +
                               " by 0 days (counted b − a, as the bureau counts 305 days for "
                               "03-01 → 12-31): nothing to subsidise",
         period.source.clause);
    return false;
  }
  const Rate ratio = contract_days == 0 ? Rate::One() : Rate{overlap_days, contract_days};
  auto prorated = MulRate(*base, ratio, p.pro_rate->base_rounding);
  if (!prorated.ok()) {
    Fail(r, "arithmetic", prorated.error().message, clause);
    return false;
  }
  AddStep(r, "pro_rate",
          base->ToString() + " × " + ratio.ToString() + " (" + std::to_string(DaysBetween(s, e)) +
              " days " + s.ToString() + "→" + e.ToString() + " of " + std::to_string(contract_days) +
              " contract days), " + p.pro_rate->base_rounding.Name() + " = " +
              prorated->FormatWan(4),
          prorated->ToString(), clause);
  *base = *prorated;
  return true;
}

bool ApplyRate(const Tier& t, const Case& c, QuoteResult& r, Money* amount) {
  if (t.base == Base::kFixedAmount) return true;
  Rate rate = t.rate;
  std::string why = "rate of tier '" + t.id + "'";
  if (t.rate_up_to) {
    if (c.contract.approved_rate) {
      if (t.rate.LessThan(*c.contract.approved_rate)) {
        Fail(r, "approved_rate", "approved rate " + c.contract.approved_rate->ToString() +
                                     " is above the ceiling " + t.rate.ToString(), t.source.clause);
        return false;
      }
      rate = *c.contract.approved_rate;
      why = "officer-approved rate (ceiling " + t.rate.ToString() + ")";
    } else {
      why = "ceiling of tier '" + t.id + "' (\"up to\"; the reviewing officer may approve less)";
    }
  }
  AddStep(r, "rate", why, rate.ToString(), t.source.clause);
  auto exact = MulRate(*amount, rate, kDownToFen);
  auto rounded = MulRate(*amount, rate, t.rounding);
  if (!exact.ok() || !rounded.ok()) {
    Fail(r, "arithmetic", "amount overflows", t.source.clause);
    return false;
  }
  AddStep(r, "rounding",
          amount->ToString() + " × " + rate.ToString() + " = " + exact->ToString() + " (to the fen), " +
              t.rounding.Name() + " → " + rounded->ToString() + " = " + rounded->FormatWan(4),
          rounded->ToString(), t.source.clause);
  *amount = *rounded;
  return true;
}

bool CheckFloor(const Program& p, const Tier& t, Money amount, QuoteResult& r, std::string_view when) {
  if (!p.floor || !Applies(p.floor->tiers, t.id)) return true;
  const Floor& f = *p.floor;
  if (amount < f.amount) {
    Fail(r, "below_minimum", std::string(when) + " " + amount.ToString() + " is below the minimum grant " +
                                 f.amount.ToString() + " (refused, not raised)", f.source.clause);
    return false;
  }
  AddStep(r, "floor", std::string(when) + " is at least the minimum " + f.amount.ToString(),
          amount.ToString(), f.source.clause);
  return true;
}

// What a cap has already used. A cap limited to given tiers counts only their grants when the
// case breaks its history down by tier; otherwise (no breakdown) every grant counts, so a cap
// is never under-counted. `*what` says which was counted.
Money UsedInScope(const Cap& cap, const Case& c, std::string* what) {
  const History& h = c.history;
  const std::optional<std::map<std::string, Money>>* by_tier = nullptr;
  Money total;
  switch (cap.scope) {
    case CapScope::kVoucher: return Money::Zero();
    case CapScope::kContract: return h.contract_granted;
    case CapScope::kProject: return h.project_granted;
    case CapScope::kOrgYear: total = h.org_granted_this_year; by_tier = &h.org_granted_this_year_by_tier; break;
    case CapScope::kOrgCumulative: total = h.org_granted_cumulative; by_tier = &h.org_granted_cumulative_by_tier; break;
  }
  if (cap.tiers.empty()) return total;
  if (!by_tier->has_value()) {
    *what = " (no grants by tier given: all counted)";
    return total;
  }
  std::int64_t sum = 0;
  std::string names;
  for (const auto& t : cap.tiers) {
    names += (names.empty() ? "" : ", ") + t;
    auto it = (*by_tier)->find(t);
    if (it != (*by_tier)->end()) sum += it->second.fen();
  }
  *what = " in tiers " + names;
  return Money::FromFen(sum);
}

bool ApplyCaps(const Program& p, const Tier& t, const Case& c, QuoteResult& r, Money* amount) {
  for (CapScope scope : {CapScope::kVoucher, CapScope::kContract, CapScope::kOrgYear,
                         CapScope::kOrgCumulative, CapScope::kProject}) {
    for (const Cap& cap : p.caps) {
      if (cap.scope != scope || !Applies(cap.tiers, t.id)) continue;
      const std::string name = "cap." + std::string(CapScopeName(scope));
      Money limit = cap.amount;
      std::string relaxed;
      if (cap.relaxed_amount && AnyIn(c.organisation.classes, cap.relaxed_for)) {
        limit = *cap.relaxed_amount;
        relaxed = " (relaxed from " + cap.amount.ToString() + " for this organisation's class)";
        Pass(r, "cap_relaxed", name + " of " + cap.amount.ToString() + " is relaxed to " + limit.ToString() +
                                   " (organisation class)", cap.source.clause);
      }
      std::string counted;
      const Money used = UsedInScope(cap, c, &counted);
      const Money room = Headroom(limit, used);
      const Money capped = Min(*amount, room);
      AddStep(r, name, "cap " + limit.ToString() + relaxed + ", already granted " + used.ToString() + counted +
                           ", room " + room.ToString() + (capped < *amount ? " → capped" : ""),
              capped.ToString(), cap.source.clause);
      *amount = capped;
      // Only a cap with no room left is "used up"; a grant already zero before the cap is
      // refused before the caps (RunTier), never reported as a cap.
      if (room.is_zero()) {
        Fail(r, "cap_exhausted", name + " of " + limit.ToString() + " is used up", cap.source.clause);
        return false;
      }
    }
  }
  return true;
}

// One tier's figure through floor and caps, recorded in `r` (a scratch result per tier).
Money RunTier(const Program& p, const Tier& t, const Case& c, QuoteResult& r) {
  Money amount;
  if (!ComputeBase(p, t, c, r, &amount)) return Money::Zero();
  if (p.pro_rate && t.base != Base::kFixedAmount && !ProRate(p, c, r, &amount)) return Money::Zero();
  if (!ApplyRate(t, c, r, &amount)) return Money::Zero();
  if (amount.is_zero()) {  // e.g. Nanning's truncation to the whole yuan of a base under 4 yuan
    Fail(r, "below_minimum", "computed grant 0.00: nothing to grant", t.source.clause);
    return Money::Zero();
  }
  if (!CheckFloor(p, t, amount, r, "computed grant")) return Money::Zero();
  if (!ApplyCaps(p, t, c, r, &amount)) return Money::Zero();
  // The floor is the least voucher the program issues, so caps may not leave less either.
  if (!CheckFloor(p, t, amount, r, "grant after caps")) return Money::Zero();
  return amount;
}

void Merge(const QuoteResult& from, QuoteResult& into) {
  into.reasons.insert(into.reasons.end(), from.reasons.begin(), from.reasons.end());
  into.steps.insert(into.steps.end(), from.steps.begin(), from.steps.end());
}

Money ApplyPool(const Program& p, const Tier& t, const Case& c, Money amount, QuoteResult& r) {
  if (!p.pool) return amount;
  const Pool& pool = *p.pool;
  const Money left = c.history.pool_remaining.value_or(pool.amount_per_year);
  const std::string known = c.history.pool_remaining ? "" : " (history.pool_remaining not given: taken as untouched)";
  if (amount <= left) {
    AddStep(r, "pool", "yearly pool " + pool.amount_per_year.ToString() + ", remaining " + left.ToString() + known,
            amount.ToString(), pool.source.clause);
    return amount;
  }
  const std::string what = "pool has " + left.ToString() + " left, less than " + amount.ToString();
  switch (pool.shortfall) {
    case Shortfall::kPartial:
      AddStep(r, "pool", what + "; partial grant of what is left", left.ToString(), pool.source.clause);
      if (left.is_zero()) {
        Fail(r, "pool_exhausted", "the yearly pool is used up", pool.source.clause);
        return Money::Zero();
      }
      // The minimum binds only the tiers it names (Chengdu: the standard tier), as in CheckFloor.
      if (p.floor && Applies(p.floor->tiers, t.id) && left < p.floor->amount) {
        Fail(r, "below_minimum", "what is left in the pool (" + left.ToString() +
                                     ") is below the minimum grant " + p.floor->amount.ToString(),
             p.floor->source.clause);
        return Money::Zero();
      }
      return left;
    case Shortfall::kWaitlist:
      Fail(r, "pool_waitlist", what + "; the case waits for the next pool", pool.source.clause);
      return Money::Zero();
    case Shortfall::kRefuse:
      Fail(r, "pool_exhausted", what + "; refused", pool.source.clause);
      return Money::Zero();
  }
  return Money::Zero();
}

}  // namespace

Money ComputeGrant(const Program& p, const Case& c, QuoteResult& r) {
  std::vector<std::pair<const Tier*, QuoteResult>> runs;
  for (const Tier& t : p.tiers) {
    if (!Matches(p, t, c)) continue;
    QuoteResult scratch;
    const Money amount = RunTier(p, t, c, scratch);
    scratch.amount = amount;
    runs.emplace_back(&t, std::move(scratch));
    if (p.selection == TierSelection::kFirstMatch) break;
  }
  if (runs.empty()) {
    Fail(r, "no_tier", "the case meets the condition of no grant tier", p.selection_source.clause);
    return Money::Zero();
  }
  std::size_t best = 0;
  std::string candidates;
  for (std::size_t i = 0; i < runs.size(); ++i) {
    candidates += (candidates.empty() ? "" : ", ") + runs[i].first->id + " " + runs[i].second.amount.ToString();
    const bool ok = AllPassed(runs[i].second);
    const bool best_ok = AllPassed(runs[best].second);
    if ((ok && !best_ok) || (ok == best_ok && runs[i].second.amount > runs[best].second.amount)) best = i;
  }
  const Tier& tier = *runs[best].first;
  r.tier = tier.id;
  AddStep(r, "tier",
          p.selection == TierSelection::kHighestSingle
              ? "highest single standard, never stacked; candidates: " + candidates
              : "first matching tier: " + tier.label,
          tier.id, p.selection == TierSelection::kHighestSingle ? p.selection_source.clause : tier.source.clause);
  Merge(runs[best].second, r);
  if (!AllPassed(runs[best].second)) return Money::Zero();
  return ApplyPool(p, tier, c, runs[best].second.amount, r);
}

}  // namespace suanli::policy::engine
