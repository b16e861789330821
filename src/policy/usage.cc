// Using a voucher: when it expires, and what each settlement deducts from it.
#include "policy/engine_steps.h"

namespace suanli::policy::engine {

// The quote takes the voucher as issued on the CST day of `as_of`.
//  - through MM-DD: usable to the end of that day of the issue year (exclusive bound at the
//    next day's 00:00), the reading of "当年度11月30日前有效" documented in docs/policy.md;
//  - N months from issue: the Civil Code's reckoning of a period in months (民法典 §201: the
//    day of issue is not counted, the period starts the next day; §202: it ends on the
//    corresponding day of the last month, or that month's last day if it has none; §203: the
//    last day runs to 24:00). Issued 2024-04-01 → usable through 2025-04-01 24:00; issued
//    2024-02-29 → through 2025-02-28 24:00. The same convention docs/policy.md §5 uses for
//    Chengdu's "11月30日前"; the reading is marked assumed in the program file.
void ComputeValidity(const Program& p, const Case& c, QuoteResult& r) {
  if (!p.validity) return;
  const Validity& v = *p.validity;
  const Date issued = c.as_of.CstDate();
  Instant expires;
  if (v.months_from_issue) {
    const Date last = issued.AddMonths(*v.months_from_issue);  // month ends clamp (§202)
    expires = Instant::EndOfDay(last);
    r.validity = std::to_string(*v.months_from_issue) + " months from issue, through " +
                 last.ToString() + " 24:00 CST";
  } else {
    auto last = Date::FromYmd(issued.year(), *v.through_month, *v.through_day);
    if (!last.ok()) {  // 02-29 in a common year: the month's last day
      last = Date::FromYmd(issued.year(), *v.through_month, *v.through_day - 1);
    }
    expires = Instant::EndOfDay(*last);
    r.validity = "through " + last->ToString() + " 24:00 CST of the issue year";
  }
  r.expires_at = expires;
  AddStep(r, "validity", "issued " + issued.ToString() + "; usable while before " + expires.ToString(),
          expires.ToString(), v.source.clause);
  if (expires <= c.as_of) {
    Fail(r, "validity", "the voucher would already have expired when issued", v.source.clause);
  }
}

// Each bill: share × bill rounded as named, never more than the balance; the customer pays the
// rest. Bills dated on or after expiry deduct nothing.
void ComputeDeductions(const Program& p, const Case& c, Money voucher, QuoteResult& r) {
  if (c.settlements.empty()) return;
  if (!p.deduction) {
    AddStep(r, "settlements", "this program does not deduct at settlement (mode " +
                                  std::string(ModeName(p.mode)) + "); bills are not simulated",
            "", p.mode_source.clause);
    return;
  }
  const Deduction& d = *p.deduction;
  Money left = voucher;
  for (std::size_t i = 0; i < c.settlements.size(); ++i) {
    const Settlement& s = c.settlements[i];
    DeductionLine line;
    line.index = i;
    line.bill = s.bill;
    if (s.on && r.expires_at && Instant::StartOfDay(*s.on) >= *r.expires_at) {
      line.note = "voucher expired before " + s.on->ToString();
    } else if (left.is_zero()) {
      line.note = voucher.is_zero() ? "no voucher" : "voucher used up";
    } else {
      auto share = MulRate(s.bill, d.share, d.rounding);
      line.deducted = share.ok() ? Min(*share, left) : left;
      if (share.ok() && *share > left) line.note = "limited to the remaining balance";
    }
    line.customer_pays = Money::FromFen(s.bill.fen() - line.deducted.fen());
    line.invoiced = d.invoice == InvoiceMode::kFullAmount ? s.bill : line.customer_pays;
    left = Money::FromFen(left.fen() - line.deducted.fen());
    line.remaining = left;
    r.deductions.push_back(line);
  }
  AddStep(r, "deduction", d.share.ToString() + " of each bill, " + d.rounding.Name() +
                              ", never more than the balance; invoice " +
                              std::string(InvoiceModeName(d.invoice)),
          left.ToString(), d.source.clause);
}

}  // namespace suanli::policy::engine
