// Rules on the contract (signing date, program year, term, one application per contract) and
// the exclusions (related party, stacking with other subsidies, transfer of the voucher).
#include <algorithm>

#include "policy/engine_steps.h"

namespace suanli::policy::engine {
namespace {

bool Contains(const std::vector<std::string>& v, const std::string& x) {
  return !x.empty() && std::find(v.begin(), v.end(), x) != v.end();
}

void CheckContractTerm(const Program& p, const Case& c, QuoteResult& r) {
  if (!p.contract.term_months_max) return;
  const int months = *p.contract.term_months_max;
  const std::string& clause = p.contract.term_source.clause;
  if (!c.contract.start || !c.contract.end) {
    Fail(r, "contract_term", "contract start and end are needed to check the term of at most " +
                                 std::to_string(months) + " months", clause);
    return;
  }
  // The end day is the last day of service, so a term of N months ends before the same day
  // N months later: 2024-01-01 → 2024-12-31 is 12 months.
  const Date limit = c.contract.start->AddMonths(months);
  if (*c.contract.end < limit) {
    Pass(r, "contract_term", "term " + c.contract.start->ToString() + " → " +
                                 c.contract.end->ToString() + " is within " +
                                 std::to_string(months) + " months", clause);
  } else {
    Fail(r, "contract_term", "term " + c.contract.start->ToString() + " → " +
                                 c.contract.end->ToString() + " exceeds " +
                                 std::to_string(months) + " months", clause);
  }
}

void CheckSigning(const Program& p, const Case& c, QuoteResult& r) {
  const Date signed_on = c.contract.signed_on;
  if (p.contract.signed_on_or_after) {
    const Date floor = *p.contract.signed_on_or_after;
    const std::string& clause = p.contract.signed_on_or_after_source.clause;
    if (signed_on >= floor) {
      Pass(r, "contract_signed", "signed " + signed_on.ToString() + ", on or after " + floor.ToString(), clause);
    } else {
      Fail(r, "contract_signed", "signed " + signed_on.ToString() + ", before " + floor.ToString(), clause);
    }
  }
  if (p.contract.signed_in_program_year) {
    const std::string& clause = p.contract.signed_in_program_year_source.clause;
    if (signed_on.year() == p.year) {
      Pass(r, "contract_year", "signed in the program year " + std::to_string(p.year), clause);
    } else {
      Fail(r, "contract_year", "signed " + signed_on.ToString() + ", not in the program year " +
                                   std::to_string(p.year), clause);
    }
  }
  if (p.contract.one_application) {
    const std::string& clause = p.contract.one_application_source.clause;
    if (c.history.contract_already_applied) {
      Fail(r, "one_application", "contract " + c.contract.id + " has already been applied for", clause);
    } else {
      Pass(r, "one_application", "first application on contract " + c.contract.id, clause);
    }
  }
}

void CheckRelatedParty(const Program& p, const Case& c, QuoteResult& r) {
  if (!p.exclusions.related_party) return;
  const Organisation& o = c.organisation;
  const Provider& pv = c.provider;
  const bool related = Contains(o.related_parties, pv.name) || Contains(o.related_parties, pv.uscc) ||
                       Contains(pv.related_parties, o.name) || Contains(pv.related_parties, o.uscc);
  if (related) {
    Fail(r, "related_party", "applicant and provider '" + pv.name + "' are related parties",
         p.exclusions.related_party->clause);
  } else {
    Pass(r, "related_party", "no relation declared between applicant and provider",
         p.exclusions.related_party->clause);
  }
}

void CheckStackingAndTransfer(const Program& p, const Case& c, QuoteResult& r) {
  const Exclusions& x = p.exclusions;
  if (!x.no_stacking_with.empty()) {
    std::string clash;
    for (const auto& s : c.other_subsidies) {
      if (Contains(x.no_stacking_with, s)) clash = s;
    }
    if (clash.empty()) {
      Pass(r, "no_stacking", "no excluded subsidy on the same project", x.no_stacking_source.clause);
    } else {
      Fail(r, "no_stacking", "the same project already takes '" + clash + "', which may not be combined",
           x.no_stacking_source.clause);
    }
  }
  if (x.non_transferable && !c.used_by_uscc.empty() && c.used_by_uscc != c.organisation.uscc) {
    Fail(r, "non_transferable", "the voucher would be used by " + c.used_by_uscc +
                                    ", not the applicant; it may not be transferred, given, sold or lent",
         x.non_transferable->clause);
  }
}

}  // namespace

void CheckContractAndExclusions(const Program& p, const Case& c, QuoteResult& r) {
  CheckSigning(p, c, r);
  CheckContractTerm(p, c, r);
  CheckRelatedParty(p, c, r);
  CheckStackingAndTransfer(p, c, r);
}

}  // namespace suanli::policy::engine
