// Cross-field checks: a program whose rules contradict one another is refused at load time, so
// the engine never has to guess which of two rules the bureau meant.
#include <algorithm>
#include <set>

#include "policy/program_loader.h"

namespace suanli::policy {
namespace {

bool Applies(const std::vector<std::string>& tiers, const std::string& tier_id) {
  return tiers.empty() || std::find(tiers.begin(), tiers.end(), tier_id) != tiers.end();
}

std::string Indexed(std::string_view base, std::size_t i) {
  return std::string(base) + "[" + std::to_string(i) + "]";
}

Status CheckModeSections(const Program& p) {
  const bool draw = p.mode == Mode::kExperienceDraw;
  if (!draw && p.tiers.empty()) {
    return MakeError(ErrorCode::kMissingField, "grant.tiers",
                     "mode " + std::string(ModeName(p.mode)) + " needs at least one tier");
  }
  if (draw && !p.experience && !p.discounts) {
    return MakeError(ErrorCode::kMissingField, "experience",
                     "mode experience_draw needs [experience] or [discounts]");
  }
  if (p.mode == Mode::kVoucherDeduction && !p.deduction) {
    return MakeError(ErrorCode::kMissingField, "deduction",
                     "mode voucher_deduction needs a [deduction] rule (share of each bill)");
  }
  if (p.mode != Mode::kVoucherDeduction && p.deduction) {
    return MakeError(ErrorCode::kContradiction, "deduction",
                     "only mode voucher_deduction deducts at settlement");
  }
  if (p.mode == Mode::kPostUseSubsidy && p.validity) {
    return MakeError(ErrorCode::kContradiction, "validity",
                     "a post-use subsidy issues no voucher, so it has no validity");
  }
  if (p.pro_rate && !p.base_period) {
    return MakeError(ErrorCode::kMissingField, "windows.base_period",
                     "grant.pro_rate pro-rates by overlap with the base period; define it");
  }
  return OkStatus();
}

Status CheckTierReferences(const Program& p, const std::set<std::string>& ids) {
  for (std::size_t i = 0; i < p.caps.size(); ++i) {
    for (const auto& t : p.caps[i].tiers) {
      if (!ids.count(t)) {
        return MakeError(ErrorCode::kContradiction, Indexed("grant.caps", i) + ".tiers",
                         "names tier '" + t + "', which grant.tiers does not define");
      }
    }
  }
  if (p.floor) {
    for (const auto& t : p.floor->tiers) {
      if (!ids.count(t)) {
        return MakeError(ErrorCode::kContradiction, "grant.floor.tiers",
                         "names tier '" + t + "', which grant.tiers does not define");
      }
    }
  }
  return OkStatus();
}

// A floor above a cap on the same tier refuses every case of that tier.
Status CheckFloorBelowCaps(const Program& p) {
  if (!p.floor) return OkStatus();
  for (const Tier& tier : p.tiers) {
    if (!Applies(p.floor->tiers, tier.id)) continue;
    for (std::size_t i = 0; i < p.caps.size(); ++i) {
      const Cap& cap = p.caps[i];
      if (Applies(cap.tiers, tier.id) && p.floor->amount > cap.amount) {
        return MakeError(ErrorCode::kContradiction, "grant.floor.amount",
                         "minimum grant " + p.floor->amount.ToString() + " is above the " +
                             std::string(CapScopeName(cap.scope)) + " cap " +
                             cap.amount.ToString() + " (" + Indexed("grant.caps", i) +
                             ") for tier '" + tier.id + "'");
      }
    }
    if (p.pool && p.floor->amount > p.pool->amount_per_year) {
      return MakeError(ErrorCode::kContradiction, "grant.floor.amount",
                       "minimum grant is above the whole yearly pool");
    }
  }
  return OkStatus();
}

}  // namespace

Status CheckProgram(const Program& p) {
  SUANLI_TRY(CheckModeSections(p));
  std::set<std::string> ids;
  for (std::size_t i = 0; i < p.tiers.size(); ++i) {
    if (!ids.insert(p.tiers[i].id).second) {
      return MakeError(ErrorCode::kContradiction, Indexed("grant.tiers", i) + ".id",
                       "duplicate tier id '" + p.tiers[i].id + "'");
    }
  }
  SUANLI_TRY(CheckTierReferences(p, ids));
  for (std::size_t i = 0; i < p.tiers.size(); ++i) {
    if (p.tiers[i].when.meets_min_revenue && !p.applicant.min_revenue) {
      return MakeError(ErrorCode::kContradiction, Indexed("grant.tiers", i) + ".when.meets_min_revenue",
                       "names the revenue test, but the program has no applicant.min_revenue");
    }
  }
  SUANLI_TRY(CheckFloorBelowCaps(p));
  if (p.discounts) {
    std::set<std::string> classes;
    for (std::size_t i = 0; i < p.discounts->classes.size(); ++i) {
      if (!classes.insert(p.discounts->classes[i].id).second) {
        return MakeError(ErrorCode::kContradiction, Indexed("discounts.classes", i) + ".id",
                         "duplicate discount class");
      }
    }
  }
  if (p.application_window && p.application_window->start.year() > p.year + 1) {
    return MakeError(ErrorCode::kContradiction, "windows.application.start",
                     "application window opens more than a year after the program year");
  }
  return OkStatus();
}

}  // namespace suanli::policy
