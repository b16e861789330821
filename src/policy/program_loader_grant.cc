// TOML → Program, second half: the grant (tiers, floor, caps, pro-rating) and the rules that
// govern use (pool, deduction, exclusions, experience vouchers, discount classes).
#include <algorithm>

#include "policy/program_loader.h"
#include "policy/toml_table.h"

namespace suanli::policy {
namespace {

Result<RuleSource> ReadSource(TomlTable& t, Program& p) {
  SUANLI_ASSIGN(RuleSource s, t.Source());
  if (s.assumed) p.assumptions.push_back({t.path(), s.note, s.clause});
  return s;
}

template <typename E>
Result<E> ParseEnum(const std::string& s, const std::string& field,
                    std::initializer_list<E> values, std::string_view (*name)(E)) {
  std::string known;
  for (E e : values) {
    if (name(e) == s) return e;
    known += (known.empty() ? "" : ", ") + std::string(name(e));
  }
  return MakeError(ErrorCode::kOutOfRange, field, "unknown value '" + s + "' (one of " + known + ")");
}

Result<Base> ParseBase(const std::string& s, const std::string& field) {
  return ParseEnum<Base>(s, field, {Base::kContractFee, Base::kActualPayment, Base::kSettledFee, Base::kFixedAmount}, BaseName);
}
Result<CapScope> ParseCapScope(const std::string& s, const std::string& field) {
  return ParseEnum<CapScope>(s, field, {CapScope::kVoucher, CapScope::kContract, CapScope::kOrgYear, CapScope::kOrgCumulative, CapScope::kProject}, CapScopeName);
}
Result<Shortfall> ParseShortfall(const std::string& s, const std::string& field) {
  return ParseEnum<Shortfall>(s, field, {Shortfall::kPartial, Shortfall::kWaitlist, Shortfall::kRefuse}, ShortfallName);
}
Result<InvoiceMode> ParseInvoice(const std::string& s, const std::string& field) {
  return ParseEnum<InvoiceMode>(s, field, {InvoiceMode::kActualPayment, InvoiceMode::kFullAmount}, InvoiceModeName);
}
Result<TierSelection> ParseSelection(const std::string& s, const std::string& field) {
  return ParseEnum<TierSelection>(s, field, {TierSelection::kFirstMatch, TierSelection::kHighestSingle}, TierSelectionName);
}

Status CheckRateAtMostOne(Rate r, const std::string& field) {
  if (Rate::One().LessThan(r)) {
    return MakeError(ErrorCode::kOutOfRange, field,
                     "rate " + r.ToString() + " is above 100% (a grant cannot exceed its base)");
  }
  return OkStatus();
}

Result<Condition> ReadCondition(TomlTable& t) {
  Condition c;
  SUANLI_ASSIGN(c.project_level, t.EnumList("project_level", ProjectLevels()));
  SUANLI_ASSIGN(c.chip_origin, t.EnumList("chip_origin", ChipOrigins()));
  SUANLI_ASSIGN(c.resource_class, t.EnumList("resource_class", ResourceClasses()));
  SUANLI_ASSIGN(c.org_class, t.EnumList("org_class", OrgClasses()));
  SUANLI_ASSIGN(c.provider_tag, t.EnumList("provider_tag", ProviderTags()));
  SUANLI_ASSIGN(c.uses_filed_model, t.Bool("uses_filed_model"));
  SUANLI_ASSIGN(c.meets_min_revenue, t.Bool("meets_min_revenue"));
  // Finish() names any other attribute as unknown: a condition on an attribute no case carries
  // would never match, which is a silent bug in a program file.
  SUANLI_TRY(t.Finish());
  return c;
}

// Reads every key first and refuses unknown ones before checking what is missing, so a
// misspelt key is reported as unknown rather than as the key it was meant to be.
Result<Tier> ReadTier(TomlTable& t, Program& p) {
  Tier tier;
  SUANLI_ASSIGN(tier.id, t.RequiredString("id"));
  SUANLI_ASSIGN(auto label, t.String("label"));
  tier.label = label.value_or(tier.id);
  SUANLI_ASSIGN(auto when, t.Table("when"));
  if (when) {
    SUANLI_ASSIGN(tier.when, ReadCondition(*when));
  }
  SUANLI_ASSIGN(auto base, t.String("base"));
  SUANLI_ASSIGN(auto rate, t.RateValue("rate"));
  SUANLI_ASSIGN(auto amount, t.MoneyValue("amount"));
  SUANLI_ASSIGN(auto up_to, t.Bool("rate_up_to"));
  SUANLI_ASSIGN(auto once, t.Bool("once_per_org"));
  SUANLI_ASSIGN(auto rounding, t.RoundingValue("rounding"));
  SUANLI_ASSIGN(tier.source, ReadSource(t, p));
  SUANLI_TRY(t.Finish());
  if (!base) return MakeError(ErrorCode::kMissingField, t.PathOf("base"), "required");
  SUANLI_ASSIGN(tier.base, ParseBase(*base, t.PathOf("base")));
  if (tier.base == Base::kFixedAmount) {
    if (!amount) return MakeError(ErrorCode::kMissingField, t.PathOf("amount"), "a fixed_amount tier needs 'amount'");
    if (rate) return MakeError(ErrorCode::kContradiction, t.PathOf("rate"), "a fixed_amount tier has no rate");
    tier.fixed_amount = *amount;
  } else {
    if (!rate) return MakeError(ErrorCode::kMissingField, t.PathOf("rate"), "required");
    if (amount) return MakeError(ErrorCode::kContradiction, t.PathOf("amount"), "'amount' is for base = \"fixed_amount\" only");
    SUANLI_TRY(CheckRateAtMostOne(*rate, t.PathOf("rate")));
    tier.rate = *rate;
  }
  tier.rate_up_to = up_to.value_or(false);
  tier.once_per_org = once.value_or(false);
  tier.rounding = rounding.value_or(kDownToFen);
  return tier;
}

Result<Cap> ReadCap(TomlTable& t, Program& p) {
  Cap cap;
  SUANLI_ASSIGN(auto scope, t.String("scope"));
  SUANLI_ASSIGN(auto amount, t.MoneyValue("amount"));
  SUANLI_ASSIGN(cap.tiers, t.StringList("tiers"));
  SUANLI_ASSIGN(cap.relaxed_for, t.EnumList("relaxed_for", OrgClasses()));
  SUANLI_ASSIGN(cap.relaxed_amount, t.MoneyValue("relaxed_amount"));
  SUANLI_ASSIGN(cap.source, ReadSource(t, p));
  SUANLI_TRY(t.Finish());
  if (!scope) return MakeError(ErrorCode::kMissingField, t.PathOf("scope"), "required");
  SUANLI_ASSIGN(cap.scope, ParseCapScope(*scope, t.PathOf("scope")));
  if (!amount) return MakeError(ErrorCode::kMissingField, t.PathOf("amount"), "required");
  cap.amount = *amount;
  // "Can be relaxed" without a figure would otherwise mean no cap at all (a quote up to the
  // whole pool): the file must say how far, marked assumed if no source does.
  if (!cap.relaxed_for.empty() && !cap.relaxed_amount) {
    return MakeError(ErrorCode::kMissingField, t.PathOf("relaxed_amount"),
                     "a cap relaxed for some classes needs the relaxed cap (mark it assumed if no source gives one)");
  }
  if (cap.relaxed_amount && cap.relaxed_for.empty()) {
    return MakeError(ErrorCode::kContradiction, t.PathOf("relaxed_amount"), "relaxed_amount needs relaxed_for");
  }
  if (cap.relaxed_amount && *cap.relaxed_amount < cap.amount) {
    return MakeError(ErrorCode::kContradiction, t.PathOf("relaxed_amount"),
                     "the relaxed cap is below the cap it relaxes");
  }
  return cap;
}

Status ReadFloorAndProRate(TomlTable& g, Program& p) {
  SUANLI_ASSIGN(auto floor, g.Table("floor"));
  if (floor) {
    Floor f;
    SUANLI_ASSIGN(auto amount, floor->MoneyValue("amount"));
    if (!amount) return MakeError(ErrorCode::kMissingField, floor->PathOf("amount"), "required");
    f.amount = *amount;
    SUANLI_ASSIGN(f.tiers, floor->StringList("tiers"));
    SUANLI_ASSIGN(f.source, ReadSource(*floor, p));
    SUANLI_TRY(floor->Finish());
    p.floor = std::move(f);
  }
  SUANLI_ASSIGN(auto pro, g.Table("pro_rate"));
  if (pro) {
    ProRate r;
    SUANLI_ASSIGN(auto rounding, pro->RoundingValue("base_rounding"));
    r.base_rounding = rounding.value_or(kDownToFen);
    SUANLI_ASSIGN(r.source, ReadSource(*pro, p));
    SUANLI_TRY(pro->Finish());
    p.pro_rate = std::move(r);
  }
  return OkStatus();
}

Status ReadPoolAndDeduction(TomlTable& root, Program& p) {
  SUANLI_ASSIGN(auto pool, root.Table("pool"));
  if (pool) {
    Pool pl;
    SUANLI_ASSIGN(auto amount, pool->MoneyValue("amount_per_year"));
    if (!amount) return MakeError(ErrorCode::kMissingField, pool->PathOf("amount_per_year"), "required");
    pl.amount_per_year = *amount;
    SUANLI_ASSIGN(auto shortfall, pool->String("shortfall"));
    SUANLI_ASSIGN(pl.shortfall, ParseShortfall(shortfall.value_or("partial"), pool->PathOf("shortfall")));
    SUANLI_ASSIGN(pl.source, ReadSource(*pool, p));
    SUANLI_TRY(pool->Finish());
    p.pool = std::move(pl);
  }
  SUANLI_ASSIGN(auto d, root.Table("deduction"));
  if (d) {
    Deduction ded;
    SUANLI_ASSIGN(auto share, d->RateValue("share"));
    if (!share) return MakeError(ErrorCode::kMissingField, d->PathOf("share"), "required");
    SUANLI_TRY(CheckRateAtMostOne(*share, d->PathOf("share")));
    if (share->num == 0) return MakeError(ErrorCode::kOutOfRange, d->PathOf("share"), "a zero share never uses the voucher");
    ded.share = *share;
    SUANLI_ASSIGN(auto rounding, d->RoundingValue("rounding"));
    ded.rounding = rounding.value_or(kDownToFen);
    SUANLI_ASSIGN(auto invoice, d->String("invoice"));
    SUANLI_ASSIGN(ded.invoice, ParseInvoice(invoice.value_or("actual_payment"), d->PathOf("invoice")));
    SUANLI_ASSIGN(ded.source, ReadSource(*d, p));
    SUANLI_TRY(d->Finish());
    p.deduction = std::move(ded);
  }
  return OkStatus();
}

Status ReadExclusions(TomlTable& root, Program& p) {
  SUANLI_ASSIGN(auto t, root.Table("exclusions"));
  if (!t) return OkStatus();
  Exclusions& x = p.exclusions;
  SUANLI_ASSIGN(auto related, t->Table("related_party"));
  if (related) {
    SUANLI_ASSIGN(x.related_party, ReadSource(*related, p));
    SUANLI_TRY(related->Finish());
  }
  SUANLI_ASSIGN(auto stacking, t->Table("no_stacking"));
  if (stacking) {
    SUANLI_ASSIGN(x.no_stacking_with, stacking->StringList("with"));
    if (x.no_stacking_with.empty()) {
      return MakeError(ErrorCode::kMissingField, stacking->PathOf("with"), "name at least one subsidy");
    }
    SUANLI_ASSIGN(x.no_stacking_source, ReadSource(*stacking, p));
    SUANLI_TRY(stacking->Finish());
  }
  SUANLI_ASSIGN(auto transfer, t->Table("non_transferable"));
  if (transfer) {
    SUANLI_ASSIGN(x.non_transferable, ReadSource(*transfer, p));
    SUANLI_TRY(transfer->Finish());
  }
  SUANLI_ASSIGN(auto ban, t->Table("fraud_ban"));
  if (ban) {
    SUANLI_ASSIGN(auto years, ban->Int("years", 1, 20));
    if (!years) return MakeError(ErrorCode::kMissingField, ban->PathOf("years"), "required");
    x.fraud_ban_years = static_cast<int>(*years);
    SUANLI_ASSIGN(x.fraud_ban_source, ReadSource(*ban, p));
    SUANLI_TRY(ban->Finish());
  }
  return t->Finish();
}

Status ReadExperience(TomlTable& root, Program& p) {
  SUANLI_ASSIGN(auto t, root.Table("experience"));
  if (!t) return OkStatus();
  Experience e;
  SUANLI_ASSIGN(auto min, t->Int("hours_min", 1, 10000));
  SUANLI_ASSIGN(auto max, t->Int("hours_max", 1, 10000));
  SUANLI_ASSIGN(auto step, t->Int("hours_step", 1, 10000));
  SUANLI_ASSIGN(auto weekly, t->Int("weekly_hours_min", 1, 1000000));
  // A trial of more than ten years is a typo, not a trial.
  SUANLI_ASSIGN(auto valid_days, t->Int("valid_days", 1, 3660));
  if (!min || !max || !weekly) {
    return MakeError(ErrorCode::kMissingField, t->path(), "hours_min, hours_max and weekly_hours_min are required");
  }
  if (*min > *max) {
    return MakeError(ErrorCode::kContradiction, t->PathOf("hours_min"), "hours_min is above hours_max");
  }
  e.hours_min = static_cast<int>(*min);
  e.hours_max = static_cast<int>(*max);
  e.hours_step = static_cast<int>(step.value_or(1));
  if ((e.hours_max - e.hours_min) % e.hours_step != 0) {
    return MakeError(ErrorCode::kContradiction, t->PathOf("hours_step"),
                     "hours_max is not reachable from hours_min in steps of hours_step");
  }
  e.weekly_hours_min = static_cast<int>(*weekly);
  if (valid_days) e.valid_days = static_cast<int>(*valid_days);
  SUANLI_ASSIGN(e.source, ReadSource(*t, p));
  SUANLI_TRY(t->Finish());
  p.experience = e;
  return OkStatus();
}

Status ReadDiscounts(TomlTable& root, Program& p) {
  SUANLI_ASSIGN(auto t, root.Table("discounts"));
  if (!t) return OkStatus();
  Discounts d;
  SUANLI_ASSIGN(auto floor, t->RateValue("floor_share"));
  if (!floor) return MakeError(ErrorCode::kMissingField, t->PathOf("floor_share"), "required");
  SUANLI_TRY(CheckRateAtMostOne(*floor, t->PathOf("floor_share")));
  d.floor_share = *floor;
  SUANLI_ASSIGN(d.source, ReadSource(*t, p));
  SUANLI_ASSIGN(auto classes, t->TableArray("classes"));
  for (auto& c : classes) {
    DiscountClass dc;
    SUANLI_ASSIGN(dc.id, c.RequiredString("id"));
    SUANLI_ASSIGN(dc.who, c.RequiredString("who"));
    SUANLI_ASSIGN(auto share, c.RateValue("price_share"));
    if (!share) return MakeError(ErrorCode::kMissingField, c.PathOf("price_share"), "required");
    SUANLI_TRY(CheckRateAtMostOne(*share, c.PathOf("price_share")));
    if (share->LessThan(d.floor_share)) {
      return MakeError(ErrorCode::kContradiction, c.PathOf("price_share"),
                       "class " + dc.id + " price " + share->ToString() +
                           " of the base price is below the program floor " +
                           d.floor_share.ToString());
    }
    dc.price_share = *share;
    SUANLI_ASSIGN(dc.source, ReadSource(c, p));
    SUANLI_TRY(c.Finish());
    d.classes.push_back(std::move(dc));
  }
  if (d.classes.empty()) {
    return MakeError(ErrorCode::kMissingField, t->PathOf("classes"), "at least one class");
  }
  SUANLI_TRY(t->Finish());
  p.discounts = std::move(d);
  return OkStatus();
}

}  // namespace

Status ReadGrant(TomlTable& root, Program& p) {
  SUANLI_ASSIGN(auto g, root.Table("grant"));
  if (!g) return OkStatus();  // CheckProgram decides whether the mode needs one
  SUANLI_ASSIGN(auto selection, g->String("selection"));
  SUANLI_ASSIGN(p.selection, ParseSelection(selection.value_or("first_match"), g->PathOf("selection")));
  SUANLI_ASSIGN(auto tiers, g->TableArray("tiers"));
  for (auto& t : tiers) {
    SUANLI_ASSIGN(Tier tier, ReadTier(t, p));
    p.tiers.push_back(std::move(tier));
  }
  SUANLI_ASSIGN(auto caps, g->TableArray("caps"));
  for (auto& c : caps) {
    SUANLI_ASSIGN(Cap cap, ReadCap(c, p));
    p.caps.push_back(std::move(cap));
  }
  SUANLI_TRY(ReadFloorAndProRate(*g, p));
  SUANLI_ASSIGN(p.selection_source, ReadSource(*g, p));
  return g->Finish();
}

Status ReadUsageRules(TomlTable& root, Program& p) {
  SUANLI_TRY(ReadPoolAndDeduction(root, p));
  SUANLI_TRY(ReadExclusions(root, p));
  SUANLI_TRY(ReadExperience(root, p));
  SUANLI_TRY(ReadDiscounts(root, p));
  return OkStatus();
}

}  // namespace suanli::policy
