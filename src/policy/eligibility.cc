// Who may apply and from whom they may buy: the application window, organisation type,
// region, industry, prior-year revenue (with classes that bypass it), credit and bans, the
// provider whitelist or tags, and the resource class.
#include <algorithm>

#include "policy/engine_steps.h"

namespace suanli::policy::engine {
namespace {

bool Contains(const std::vector<std::string>& v, const std::string& x) {
  return std::find(v.begin(), v.end(), x) != v.end();
}

bool Intersects(const std::vector<std::string>& a, const std::vector<std::string>& b) {
  return std::any_of(a.begin(), a.end(), [&](const std::string& x) { return Contains(b, x); });
}

std::string Join(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : ", ") + s;
  return out;
}

void CheckList(const std::optional<ListRule>& rule, const std::string& value,
               const std::string& code, const std::string& what, QuoteResult& r) {
  if (!rule) return;
  if (Contains(rule->values, value)) {
    Pass(r, code, what + " '" + value + "' is allowed", rule->source.clause);
  } else {
    Fail(r, code,
         what + " '" + (value.empty() ? "(none)" : value) + "' is not one of: " +
             Join(rule->values),
         rule->source.clause);
  }
}

void CheckApplicationWindow(const Program& p, const Case& c, QuoteResult& r) {
  if (!p.application_window) return;
  const Window& w = *p.application_window;
  const Instant open = Instant::StartOfDay(w.start);
  const Instant close = Instant::EndOfDay(w.end);  // "截至24:00": exclusive
  const std::string span = w.start.ToString() + " 00:00 to " + w.end.ToString() + " 24:00 CST";
  const Instant applied = c.applied_at.value_or(c.as_of);  // a decision: when it was applied for
  if (applied < open) {
    Fail(r, "application_window", "applied at " + applied.ToString() + ", before the window " + span,
         w.source.clause);
  } else if (applied >= close) {
    Fail(r, "application_window", "applied at " + applied.ToString() + ", after the window " + span + " closed",
         w.source.clause);
  } else {
    Pass(r, "application_window", "applied at " + applied.ToString() + ", within " + span,
         w.source.clause);
  }
}

void CheckRevenue(const Program& p, const Case& c, QuoteResult& r) {
  if (!p.applicant.min_revenue) return;
  const MinRevenue& m = *p.applicant.min_revenue;
  const Organisation& o = c.organisation;
  for (const auto& cls : m.bypass_classes) {
    if (Contains(o.classes, cls)) {
      Pass(r, "min_revenue", "revenue test does not apply to class '" + cls + "'", m.source.clause);
      return;
    }
  }
  if (!o.prior_year_revenue) {
    Fail(r, "min_revenue", "prior-year main revenue not given; at least " + m.amount.ToString() +
                               " required", m.source.clause);
    return;
  }
  const Money rev = *o.prior_year_revenue;
  const bool ok = MeetsMinRevenue(m, o);
  const std::string bound = std::string(m.inclusive ? "at least " : "above ") + m.amount.ToString();
  if (ok) {
    Pass(r, "min_revenue", "prior-year main revenue " + rev.ToString() + " is " + bound, m.source.clause);
  } else {
    Fail(r, "min_revenue", "prior-year main revenue " + rev.ToString() + " is not " + bound, m.source.clause);
  }
}

void CheckCredit(const Program& p, const Case& c, QuoteResult& r) {
  if (!p.applicant.credit) return;
  const Credit& rule = *p.applicant.credit;
  const CreditRecord& rec = c.organisation.credit;
  const std::string& clause = rule.source.clause;
  if (rule.refuse_blacklisted && rec.blacklisted) {
    Fail(r, "credit", "organisation is on a credit blacklist", clause);
    return;
  }
  if (rule.refuse_active_sanction && rec.sanction_active) {
    Fail(r, "credit", "a dishonesty sanction is still in force", clause);
    return;
  }
  if (rule.dishonesty_lookback_years && rec.last_dishonesty_on) {
    const Date as_of = c.as_of.CstDate();
    const Date horizon = as_of.AddMonths(-12 * *rule.dishonesty_lookback_years);
    if (*rec.last_dishonesty_on > horizon) {
      Fail(r, "credit", "dishonesty record on " + rec.last_dishonesty_on->ToString() +
                            " is within " + std::to_string(*rule.dishonesty_lookback_years) +
                            " years", clause);
      return;
    }
  }
  Pass(r, "credit", "credit record is clean", clause);
}

void CheckBans(const Program& p, const Case& c, QuoteResult& r) {
  const Organisation& o = c.organisation;
  const Date today = c.as_of.CstDate();
  if (o.banned_until && today <= *o.banned_until) {
    const std::string& clause = p.exclusions.fraud_ban_source.clause;
    Fail(r, "banned", "organisation is banned until " + o.banned_until->ToString(),
         clause.empty() ? "a ban recorded against the organisation (case organisation.banned_until)"
                        : clause);
  }
  if (p.exclusions.fraud_ban_years && o.fraud_found_on) {
    const Date end = o.fraud_found_on->AddMonths(12 * *p.exclusions.fraud_ban_years);
    if (today < end) {
      Fail(r, "banned", "fraud found on " + o.fraud_found_on->ToString() + ": banned for " +
                            std::to_string(*p.exclusions.fraud_ban_years) + " years, until " +
                            end.AddDays(-1).ToString(), p.exclusions.fraud_ban_source.clause);
    }
  }
}

}  // namespace

bool MeetsMinRevenue(const MinRevenue& m, const Organisation& o) {
  if (!o.prior_year_revenue) return false;
  return m.inclusive ? *o.prior_year_revenue >= m.amount : *o.prior_year_revenue > m.amount;
}

bool AllPassed(const QuoteResult& r) {
  return std::all_of(r.reasons.begin(), r.reasons.end(), [](const Reason& x) { return x.ok; });
}

void CheckWindowAndApplicant(const Program& p, const Case& c, QuoteResult& r) {
  CheckApplicationWindow(p, c, r);
  const Organisation& o = c.organisation;
  CheckList(p.applicant.org_types, o.type, "org_type", "organisation type", r);
  CheckList(p.applicant.regions, o.region, "region", "region", r);
  CheckList(p.applicant.industries, o.industry, "industry", "industry", r);
  CheckRevenue(p, c, r);
  CheckCredit(p, c, r);
  CheckBans(p, c, r);
}

void CheckProviderAndResource(const Program& p, const Case& c, QuoteResult& r) {
  CheckList(p.provider.names, c.provider.name, "provider", "provider", r);
  if (p.provider.any_tags) {
    const ListRule& t = *p.provider.any_tags;
    if (Intersects(c.provider.tags, t.values)) {
      Pass(r, "provider_tags", "provider carries a required tag", t.source.clause);
    } else {
      Fail(r, "provider_tags", "provider '" + c.provider.name + "' carries none of: " + Join(t.values),
           t.source.clause);
    }
  }
  CheckList(p.resource_classes, c.contract.resource_class, "resource_class", "resource class", r);
}

}  // namespace suanli::policy::engine
