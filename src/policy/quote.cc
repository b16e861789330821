#include "policy/quote.h"

#include "policy/engine_steps.h"

namespace suanli::policy {

QuoteResult Quote(const Program& p, const Case& c) {
  using namespace engine;
  QuoteResult r;
  r.program_id = p.id;
  r.unit = "CNY";
  r.assumptions = p.assumptions;

  CheckWindowAndApplicant(p, c, r);
  CheckProviderAndResource(p, c, r);
  CheckContractAndExclusions(p, c, r);

  const Money amount =
      p.mode == Mode::kExperienceDraw ? ComputeDiscount(p, c, r) : ComputeGrant(p, c, r);
  ComputeValidity(p, c, r);

  r.eligible = AllPassed(r);
  r.amount = r.eligible ? amount : Money::Zero();
  AddStep(r, "final", r.eligible ? "granted" : "not eligible: see the failed reasons",
          r.amount.ToString(), "");
  ComputeDeductions(p, c, r.amount, r);
  return r;
}

}  // namespace suanli::policy
