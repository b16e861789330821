// The names program files and quotes use for each enum, and the closed vocabularies.
#include "policy/program.h"

namespace suanli::policy {

std::string_view ModeName(Mode m) {
  switch (m) {
    case Mode::kVoucherDeduction: return "voucher_deduction";
    case Mode::kReimbursement: return "reimbursement";
    case Mode::kPostUseSubsidy: return "post_use_subsidy";
    case Mode::kApplyThenRedeem: return "apply_then_redeem";
    case Mode::kExperienceDraw: return "experience_draw";
  }
  return "?";
}

std::string_view BaseName(Base b) {
  switch (b) {
    case Base::kContractFee: return "contract_fee";
    case Base::kActualPayment: return "actual_payment";
    case Base::kSettledFee: return "settled_fee";
    case Base::kFixedAmount: return "fixed_amount";
  }
  return "?";
}

std::string_view CapScopeName(CapScope s) {
  switch (s) {
    case CapScope::kVoucher: return "voucher";
    case CapScope::kContract: return "contract";
    case CapScope::kOrgYear: return "org_year";
    case CapScope::kOrgCumulative: return "org_cumulative";
    case CapScope::kProject: return "project";
  }
  return "?";
}

std::string_view ShortfallName(Shortfall s) {
  switch (s) {
    case Shortfall::kPartial: return "partial";
    case Shortfall::kWaitlist: return "waitlist";
    case Shortfall::kRefuse: return "refuse";
  }
  return "?";
}

std::string_view InvoiceModeName(InvoiceMode m) {
  switch (m) {
    case InvoiceMode::kActualPayment: return "actual_payment";
    case InvoiceMode::kFullAmount: return "full_amount";
  }
  return "?";
}

std::string_view TierSelectionName(TierSelection s) {
  switch (s) {
    case TierSelection::kFirstMatch: return "first_match";
    case TierSelection::kHighestSingle: return "highest_single";
  }
  return "?";
}

const std::vector<std::string_view>& OrgTypes() {
  // maker: a non-legal-person team hosted by a recognised incubator (Langfang, Chengdu 2023).
  static const std::vector<std::string_view> k = {
      "enterprise", "research_institute", "university", "compute_intermediary", "maker",
      "individual"};
  return k;
}

const std::vector<std::string_view>& ResourceClasses() {
  static const std::vector<std::string_view> k = {
      "compute", "intelligent_compute", "supercompute", "storage", "network", "security",
      "tech_support"};
  return k;
}

const std::vector<std::string_view>& ProjectLevels() {
  static const std::vector<std::string_view> k = {"national", "provincial"};
  return k;
}

const std::vector<std::string_view>& ChipOrigins() {
  static const std::vector<std::string_view> k = {"domestic", "imported"};
  return k;
}

const std::vector<std::string_view>& OrgClasses() {
  static const std::vector<std::string_view> k = {
      "major_project_lead",     // leads a national/provincial major AI project (Chengdu, Langfang)
      "foundation_model_firm",  // Hangzhou's relaxed cap
      "newly_settled_ai_firm",  // Langfang's one-off voucher
  };
  return k;
}

const std::vector<std::string_view>& ProviderTags() {
  static const std::vector<std::string_view> k = {
      "beijing_compute_partner",      "hangzhou_plan_center",  "hangzhou_matchmaking_partner",
      "langfang_compute_platform",    "nanning_provider_list", "qingyang_cluster",
      "yangzhou_canal_platform",
  };
  return k;
}

bool Condition::empty() const {
  return project_level.empty() && chip_origin.empty() && org_class.empty() &&
         provider_tag.empty() && resource_class.empty() && !uses_filed_model.has_value() &&
         !meets_min_revenue.has_value();
}

}  // namespace suanli::policy
