// Internal to the engine: the stages Quote() runs, one file each. Every stage only appends to
// the QuoteResult it is given (reasons, steps, deductions), so Quote() reads as the list of
// stages in order. Not part of the policy library's public interface.
#pragma once

#include <string>

#include "policy/quote.h"

namespace suanli::policy::engine {

inline void Pass(QuoteResult& r, std::string code, std::string message, std::string clause) {
  r.reasons.push_back({std::move(code), true, std::move(message), std::move(clause)});
}
inline void Fail(QuoteResult& r, std::string code, std::string message, std::string clause) {
  r.reasons.push_back({std::move(code), false, std::move(message), std::move(clause)});
}
inline void AddStep(QuoteResult& r, std::string name, std::string detail, std::string value,
                    std::string clause) {
  r.steps.push_back({std::move(name), std::move(detail), std::move(value), std::move(clause)});
}
bool AllPassed(const QuoteResult& r);

// The revenue test of applicant.min_revenue on the organisation's revenue alone (its bypass
// classes not considered); false when the revenue is not given.
bool MeetsMinRevenue(const MinRevenue& m, const Organisation& o);

// eligibility.cc: application window, applicant, provider, resource class.
void CheckWindowAndApplicant(const Program& p, const Case& c, QuoteResult& r);
void CheckProviderAndResource(const Program& p, const Case& c, QuoteResult& r);
// contract_rules.cc: contract dates and term, one application per contract, exclusions.
void CheckContractAndExclusions(const Program& p, const Case& c, QuoteResult& r);

// grant.cc: tier selection and the amount through floor and caps, then the pool.
// Returns the amount granted (zero when a step refused it).
Money ComputeGrant(const Program& p, const Case& c, QuoteResult& r);

// discount.cc: Nanjing's discount classes (mode experience_draw).
Money ComputeDiscount(const Program& p, const Case& c, QuoteResult& r);

// usage.cc: the voucher's expiry, and what each settlement deducts.
void ComputeValidity(const Program& p, const Case& c, QuoteResult& r);
void ComputeDeductions(const Program& p, const Case& c, Money voucher, QuoteResult& r);

}  // namespace suanli::policy::engine
