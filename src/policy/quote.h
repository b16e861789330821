// The policy engine: Quote(program, case) decides whether the organisation, the provider and
// the resource class qualify, computes the grant step by step (base, pro-rating, rate, tier,
// rounding, floor, caps, pool), the deduction at each settlement and the voucher's expiry, and
// says which figures rest on assumptions. Pure: no I/O, no clock (the case carries `as_of`).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/cst_time.h"
#include "core/money.h"
#include "policy/case.h"
#include "policy/program.h"

namespace suanli::policy {

// One test the case passed or failed, with the clause that states it. Codes are stable
// snake_case strings (docs/policy.md lists them).
struct Reason {
  std::string code;
  bool ok = true;
  std::string message;
  std::string clause;
};

// One step of the computation, in order, for the applicant and the auditor.
struct Step {
  std::string name;    // "base", "pro_rate", "rate", "tier", "floor", "cap.org_year", ...
  std::string detail;  // the arithmetic in words
  std::string value;   // the figure after the step ("100000.00", "305/729", ...)
  std::string clause;
};

// What one bill becomes under the voucher.
struct DeductionLine {
  std::size_t index = 0;
  Money bill;
  Money deducted;       // paid by the voucher
  Money customer_pays;  // bill − deducted
  Money invoiced;       // what the provider invoices (full bill or actual payment)
  Money remaining;      // voucher balance after this bill
  std::string note;
};

struct QuoteResult {
  std::string program_id;
  bool eligible = false;
  Money amount;        // the grant; zero when not eligible
  std::string tier;    // the tier chosen, if any
  std::string unit;    // "CNY"; experience hours are drawn (draw.h), never quoted
  std::vector<Reason> reasons;
  std::vector<Step> steps;
  std::vector<DeductionLine> deductions;
  std::optional<Instant> expires_at;  // exclusive: the voucher is usable while t < expires_at
  std::string validity;               // the rule in words
  std::vector<Program::Assumption> assumptions;
};

// Total: every case gets an answer (eligible or not, with reasons); arithmetic overflow, which
// validated inputs cannot reach, is reported as a failed reason rather than a wrong figure.
QuoteResult Quote(const Program& program, const Case& c);

}  // namespace suanli::policy
