#include "policy/program_text.h"

#include <utility>

namespace suanli::policy {
namespace {

std::string Join(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : ", ") + s;
  return out;
}

class Writer {
 public:
  // A section's title is written with its first rule, so a program without such rules shows
  // no empty heading.
  void Section(const std::string& title) {
    pending_ = "\n" + title + "\n";
    section_ = title;
  }
  void Rule(const std::string& text, const RuleSource& s) {
    rules_.push_back(TextRule{section_, text, s.clause, s.assumed, s.note});
    out_ += std::exchange(pending_, "");
    out_ += "  - " + text + "\n      [" + s.clause + "]";
    if (s.assumed) out_ += "\n      ASSUMED: " + s.note;
    else if (!s.note.empty()) out_ += "\n      note: " + s.note;
    out_ += "\n";
  }
  void Line(const std::string& text) { out_ += std::exchange(pending_, "") + text + "\n"; }
  std::string Take() { return std::move(out_); }
  std::vector<TextRule> TakeRules() { return std::move(rules_); }

 private:
  std::string out_;
  std::string section_ = "Program";
  std::vector<TextRule> rules_;
  std::string pending_;
};

void WriteEligibility(const Program& p, Writer& w) {
  w.Section("Applicant");
  const Applicant& a = p.applicant;
  if (a.org_types) w.Rule("organisation type: " + Join(a.org_types->values), a.org_types->source);
  if (a.regions) w.Rule("region: " + Join(a.regions->values), a.regions->source);
  if (a.industries) w.Rule("industry: " + Join(a.industries->values), a.industries->source);
  if (a.min_revenue) {
    std::string t = "prior-year main revenue " + std::string(a.min_revenue->inclusive ? "≥ " : "> ") +
                    a.min_revenue->amount.FormatYuan();
    if (!a.min_revenue->bypass_classes.empty()) t += " (not required of: " + Join(a.min_revenue->bypass_classes) + ")";
    w.Rule(t, a.min_revenue->source);
  }
  if (a.credit) {
    std::string t = "credit:";
    if (a.credit->refuse_blacklisted) t += " not blacklisted;";
    if (a.credit->refuse_active_sanction) t += " no dishonesty sanction in force;";
    if (a.credit->dishonesty_lookback_years) t += " no dishonesty record in " + std::to_string(*a.credit->dishonesty_lookback_years) + " years;";
    w.Rule(t, a.credit->source);
  }
  w.Section("Provider and resources");
  if (p.provider.names) w.Rule("provider is one of: " + Join(p.provider.names->values), p.provider.names->source);
  if (p.provider.any_tags) w.Rule("provider carries one of the tags: " + Join(p.provider.any_tags->values), p.provider.any_tags->source);
  if (p.resource_classes) w.Rule("resource class: " + Join(p.resource_classes->values), p.resource_classes->source);
}

void WriteContractAndWindows(const Program& p, Writer& w) {
  w.Section("Contract, windows and validity");
  const ContractRules& c = p.contract;
  if (c.signed_on_or_after) w.Rule("signed on or after " + c.signed_on_or_after->ToString(), c.signed_on_or_after_source);
  if (c.signed_in_program_year) w.Rule("signed in " + std::to_string(p.year), c.signed_in_program_year_source);
  if (c.term_months_max) w.Rule("term at most " + std::to_string(*c.term_months_max) + " months", c.term_source);
  if (c.one_application) w.Rule("one application per contract", c.one_application_source);
  if (p.application_window) {
    w.Rule("apply from " + p.application_window->start.ToString() + " 00:00 to " +
               p.application_window->end.ToString() + " 24:00 CST", p.application_window->source);
  }
  if (p.base_period) {
    w.Rule("base period " + p.base_period->start.ToString() + " → " + p.base_period->end.ToString(), p.base_period->source);
  }
  if (p.validity) {
    const Validity& v = *p.validity;
    w.Rule(v.months_from_issue ? "voucher valid " + std::to_string(*v.months_from_issue) + " months from issue"
                               : "voucher valid through " + std::to_string(*v.through_month) + "-" +
                                     std::to_string(*v.through_day) + " 24:00 of the issue year",
           v.source);
  }
}

void WriteGrant(const Program& p, Writer& w) {
  if (p.tiers.empty()) return;
  w.Section("Grant (" + std::string(TierSelectionName(p.selection)) + ")");
  w.Rule("tier selection: " + std::string(TierSelectionName(p.selection)), p.selection_source);
  for (const Tier& t : p.tiers) {
    std::string text = "tier " + t.id + " (" + t.label + "): ";
    text += t.base == Base::kFixedAmount ? "fixed " + t.fixed_amount.FormatYuan()
                                         : std::string(t.rate_up_to ? "up to " : "") + t.rate.ToString() +
                                               " of " + std::string(BaseName(t.base)) + ", " + t.rounding.Name();
    if (!t.when.empty()) {
      text += "; when";
      if (!t.when.project_level.empty()) text += " project_level ∈ {" + Join(t.when.project_level) + "}";
      if (!t.when.chip_origin.empty()) text += " chip_origin ∈ {" + Join(t.when.chip_origin) + "}";
      if (!t.when.org_class.empty()) text += " org_class ∈ {" + Join(t.when.org_class) + "}";
      if (!t.when.provider_tag.empty()) text += " provider_tag ∈ {" + Join(t.when.provider_tag) + "}";
      if (!t.when.resource_class.empty()) text += " resource_class ∈ {" + Join(t.when.resource_class) + "}";
      if (t.when.uses_filed_model) text += std::string(" uses_filed_model = ") + (*t.when.uses_filed_model ? "true" : "false");
      if (t.when.meets_min_revenue) text += std::string(" meets_min_revenue = ") + (*t.when.meets_min_revenue ? "true" : "false");
    }
    if (t.once_per_org) text += "; once per organisation";
    w.Rule(text, t.source);
  }
  if (p.pro_rate) w.Rule("pro-rated by days of overlap with the base period, base rounded " + p.pro_rate->base_rounding.Name(), p.pro_rate->source);
  if (p.floor) {
    w.Rule("minimum grant " + p.floor->amount.FormatYuan() + " (below it the case is refused)" +
               (p.floor->tiers.empty() ? "" : " for tiers " + Join(p.floor->tiers)), p.floor->source);
  }
  for (const Cap& c : p.caps) {
    std::string text = "cap " + std::string(CapScopeName(c.scope)) + " " + c.amount.FormatYuan();
    if (!c.tiers.empty()) text += " for tiers " + Join(c.tiers);
    if (!c.relaxed_for.empty()) {
      text += "; relaxed to " + (c.relaxed_amount ? c.relaxed_amount->FormatYuan() : std::string("?")) +
              " for " + Join(c.relaxed_for);
    }
    w.Rule(text, c.source);
  }
}

void WriteUsage(const Program& p, Writer& w) {
  w.Section("Pool, use and exclusions");
  if (p.pool) w.Rule("yearly pool " + p.pool->amount_per_year.FormatYuan() + ", shortfall: " + std::string(ShortfallName(p.pool->shortfall)), p.pool->source);
  if (p.deduction) {
    w.Rule("each settlement deducts " + p.deduction->share.ToString() + " of the bill (" + p.deduction->rounding.Name() +
               "), never more than the balance; invoice " + std::string(InvoiceModeName(p.deduction->invoice)),
           p.deduction->source);
  }
  const Exclusions& x = p.exclusions;
  if (x.related_party) w.Rule("applicant and provider must not be related parties", *x.related_party);
  if (!x.no_stacking_with.empty()) w.Rule("not combined with: " + Join(x.no_stacking_with), x.no_stacking_source);
  if (x.non_transferable) w.Rule("not transferable, given, sold or lent", *x.non_transferable);
  if (x.fraud_ban_years) w.Rule("banned " + std::to_string(*x.fraud_ban_years) + " years after fraud", x.fraud_ban_source);
  if (p.experience) {
    const Experience& e = *p.experience;
    w.Rule("experience vouchers " + std::to_string(e.hours_min) + "–" + std::to_string(e.hours_max) + " h (step " +
               std::to_string(e.hours_step) + "), at least " + std::to_string(e.weekly_hours_min) + " h a week, by draw" +
               (e.valid_days ? ", each usable " + std::to_string(*e.valid_days) + " days from its draw" : ""),
           e.source);
  }
  if (p.discounts) {
    w.Rule("discount floor: price at least " + p.discounts->floor_share.ToString() + " of the base price", p.discounts->source);
    for (const auto& c : p.discounts->classes) {
      w.Rule("class " + c.id + " (" + c.who + "): pays " + c.price_share.ToString() + " of the base price", c.source);
    }
  }
}

}  // namespace

static void WriteAll(const Program& p, Writer& w) {
  w.Line(p.name + " [" + p.id + "]");
  w.Line(p.city + " · " + p.issuer + " · " + std::to_string(p.year));
  w.Rule("mode: " + std::string(ModeName(p.mode)), p.mode_source);
  WriteEligibility(p, w);
  WriteContractAndWindows(p, w);
  WriteGrant(p, w);
  WriteUsage(p, w);
  if (!p.assumptions.empty()) {
    w.Section("Assumptions (not stated by any source; do not mistake for policy)");
    for (const auto& a : p.assumptions) w.Line("  * " + a.rule + ": " + a.note);
  }
}

std::string ProgramToText(const Program& p) {
  Writer w;
  WriteAll(p, w);
  return w.Take();
}

std::vector<TextRule> ProgramToRules(const Program& p) {
  Writer w;
  WriteAll(p, w);
  return w.TakeRules();
}

}  // namespace suanli::policy
