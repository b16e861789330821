// A voucher program's rules as typed data: the loader (program_loader.h) builds a Program from
// a TOML file under programs/, the engine (quote.h) applies it to a case. Each rule is one small
// kind with its parameters and the clause of the source that states it; a rule a source does
// not state is still encodable but is marked `assumed`, so quotes list it as an assumption.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/cst_time.h"
#include "core/money.h"
#include "core/rate.h"

namespace suanli::policy {

// Where a rule comes from. `clause` is mandatory in program files; `assumed` marks a figure no
// source states, with `note` saying what is assumed and why.
struct RuleSource {
  std::string clause;
  bool assumed = false;
  std::string note;
};

// How a program hands out money (docs/policy.md §Modes).
enum class Mode : std::uint8_t {
  kVoucherDeduction,  // apply → voucher → provider deducts a share of each bill (Chengdu)
  kReimbursement,     // pay in full first, then claim on the actual payment (Yangzhou)
  kPostUseSubsidy,    // annual claim against a base period, no voucher (Nanning)
  kApplyThenRedeem,   // apply with the contract → voucher; redeem with invoice (Beijing)
  kExperienceDraw,    // free trial hours by weekly draw, plus discount classes (Nanjing)
};

// What a percentage is taken of.
enum class Base : std::uint8_t {
  kContractFee,    // contract.fee
  kActualPayment,  // contract.paid
  kSettledFee,     // contract.settled
  kFixedAmount,    // no base: the tier grants a fixed sum
};

enum class TierSelection : std::uint8_t {
  kFirstMatch,     // tiers in file order; the first whose condition holds
  kHighestSingle,  // every matching tier is computed; the highest amount wins, never stacked
};

enum class CapScope : std::uint8_t {
  kVoucher,            // this grant alone
  kContract,           // all grants on this contract
  kOrgYear,            // the organisation, per natural year
  kOrgCumulative,      // the organisation, over the whole program
  kProject,            // all grants for the project the contract belongs to
};

enum class Shortfall : std::uint8_t {
  kPartial,   // grant what is left in the pool
  kWaitlist,  // not granted now; the case waits for the next pool
  kRefuse,    // refused
};

enum class InvoiceMode : std::uint8_t {
  kActualPayment,  // the provider invoices what the customer paid (Chengdu, seed 001)
  kFullAmount,     // the provider invoices the whole bill (Qingyang)
};

std::string_view ModeName(Mode m);
std::string_view BaseName(Base b);
std::string_view CapScopeName(CapScope s);
std::string_view ShortfallName(Shortfall s);
std::string_view InvoiceModeName(InvoiceMode m);
std::string_view TierSelectionName(TierSelection s);

// Closed vocabularies shared by program files and cases; the loader and the case parser refuse
// any other value so a typo cannot silently fail to match.
const std::vector<std::string_view>& OrgTypes();         // enterprise, university, ...
const std::vector<std::string_view>& ResourceClasses();  // compute, intelligent_compute, ...
const std::vector<std::string_view>& ProjectLevels();    // national, provincial
const std::vector<std::string_view>& ChipOrigins();      // domestic, imported
// Program files only (bypass_classes, relaxed_for, when.org_class / when.provider_tag,
// provider.any_tags): a misspelt class or tag would silently never match.
const std::vector<std::string_view>& OrgClasses();       // major_project_lead, ...
const std::vector<std::string_view>& ProviderTags();     // qingyang_cluster, ...

struct Window {  // both days inclusive; the end day runs "截至24:00"
  Date start;
  Date end;
  RuleSource source;
};

struct MinRevenue {
  Money amount;
  bool inclusive = true;                    // "1000万元以上(含1000万元)"
  std::vector<std::string> bypass_classes;  // org classes exempt from the test
  RuleSource source;
};

struct Credit {
  bool refuse_blacklisted = false;         // on a credit 黑名单 / serious-dishonesty list
  bool refuse_active_sanction = false;     // a dishonesty sanction still in force
  std::optional<int> dishonesty_lookback_years;  // no record within N years before as_of
  RuleSource source;
};

struct ListRule {  // a whitelist: empty `values` means the rule is absent
  std::vector<std::string> values;
  RuleSource source;
};

struct Applicant {
  std::optional<ListRule> org_types;
  std::optional<ListRule> regions;
  std::optional<ListRule> industries;
  std::optional<MinRevenue> min_revenue;
  std::optional<Credit> credit;
};

struct ProviderRules {
  std::optional<ListRule> names;     // named whitelist
  std::optional<ListRule> any_tags;  // the provider must carry at least one of these tags
};

struct ContractRules {
  std::optional<Date> signed_on_or_after;
  RuleSource signed_on_or_after_source;
  bool signed_in_program_year = false;
  RuleSource signed_in_program_year_source;
  std::optional<int> term_months_max;
  RuleSource term_source;
  bool one_application = false;
  RuleSource one_application_source;
};

// A tier's condition: every attribute present must hold (AND); within a list, any value (OR).
struct Condition {
  std::vector<std::string> project_level;
  std::vector<std::string> chip_origin;
  std::vector<std::string> org_class;
  std::vector<std::string> provider_tag;
  std::vector<std::string> resource_class;
  std::optional<bool> uses_filed_model;
  // The applicant passes applicant.min_revenue on its revenue, whatever its bypass classes (a
  // tier for the revenue class only: Chengdu's 50 % standard tier, seed 001 class 一).
  std::optional<bool> meets_min_revenue;
  bool empty() const;
};

struct Tier {
  std::string id;
  std::string label;
  Condition when;
  Base base = Base::kContractFee;
  Rate rate = Rate::One();
  bool rate_up_to = false;  // "不超过X%": an officer-approved rate in the case may lower it
  Money fixed_amount;       // base = fixed_amount only
  bool once_per_org = false;  // a one-off grant (Langfang's settling-in voucher)
  Rounding rounding = kDownToFen;
  RuleSource source;
};

struct Cap {
  CapScope scope = CapScope::kVoucher;
  Money amount;
  std::vector<std::string> tiers;           // empty: applies to every tier
  std::vector<std::string> relaxed_for;     // org classes for which the cap is relaxed ...
  std::optional<Money> relaxed_amount;      // ... to this (required with relaxed_for: a relaxed
                                            // cap is never no cap at all)
  RuleSource source;
};

struct Floor {
  Money amount;
  std::vector<std::string> tiers;  // empty: every tier
  RuleSource source;
};

struct ProRate {  // by days of overlap with the base period (Nanning)
  Rounding base_rounding = kDownToFen;  // rounding of the pro-rated base
  RuleSource source;
};

struct Pool {
  Money amount_per_year;
  Shortfall shortfall = Shortfall::kPartial;
  RuleSource source;
};

struct Validity {
  // Exactly one of the two: a fixed month-day of the issue year ("当年度11月30日前"),
  // or N months from issue (Qingyang: 12 months).
  std::optional<int> through_month;
  std::optional<int> through_day;
  std::optional<int> months_from_issue;
  RuleSource source;
};

struct Deduction {
  Rate share = Rate::Percent(50);
  Rounding rounding = kDownToFen;
  InvoiceMode invoice = InvoiceMode::kActualPayment;
  RuleSource source;
};

struct Exclusions {
  std::optional<RuleSource> related_party;      // applicant and provider must not be related
  std::vector<std::string> no_stacking_with;    // other subsidies that may not cover this
  RuleSource no_stacking_source;
  std::optional<RuleSource> non_transferable;   // only the applicant may use the voucher
  std::optional<int> fraud_ban_years;           // banned N years after a fraud finding
  RuleSource fraud_ban_source;
};

struct Experience {  // Nanjing's free trial vouchers
  int hours_min = 24;
  int hours_max = 96;
  int hours_step = 24;
  int weekly_hours_min = 2400;
  // Days a voucher can be used, counting its issue day (CST): it expires at 24:00 of day
  // issue + valid_days − 1. None: the program states no validity and vouchers never expire.
  std::optional<int> valid_days;
  RuleSource source;
};

struct DiscountClass {
  std::string id;      // "A".."E"
  std::string who;     // the customer group
  Rate price_share;    // price paid as a share of the base price
  RuleSource source;
};

struct Discounts {
  Rate floor_share = Rate::Percent(30);  // "最低折扣为基准价的30%起"
  std::vector<DiscountClass> classes;
  RuleSource source;
};

struct Program {
  std::string id;
  std::string name;
  std::string city;
  std::string issuer;
  int year = 0;  // the program year (natural year of the grants)
  Mode mode = Mode::kVoucherDeduction;
  RuleSource mode_source;

  Applicant applicant;
  ProviderRules provider;
  std::optional<ListRule> resource_classes;
  ContractRules contract;
  std::optional<Window> application_window;
  std::optional<Window> base_period;
  std::optional<Validity> validity;

  TierSelection selection = TierSelection::kFirstMatch;
  RuleSource selection_source;
  std::vector<Tier> tiers;
  std::optional<ProRate> pro_rate;
  std::optional<Floor> floor;
  std::vector<Cap> caps;
  std::optional<Pool> pool;
  std::optional<Deduction> deduction;
  Exclusions exclusions;
  std::optional<Experience> experience;
  std::optional<Discounts> discounts;

  // Every rule marked assumed, as "path: note (clause)"; filled by the loader.
  struct Assumption {
    std::string rule;  // dotted path in the file
    std::string note;
    std::string clause;
  };
  std::vector<Assumption> assumptions;
};

}  // namespace suanli::policy
