// The wire forms of a quote and of an input error: what `suanli quote` prints and, later, what
// the API returns. Money is a decimal string; "amount_display" is for people only.
#pragma once

#include <string>

#include <boost/json.hpp>

#include "core/result.h"
#include "policy/program.h"
#include "policy/quote.h"

namespace suanli::policy {

// {"program", "eligible", "amount", "amount_display", "tier", "reasons", "steps",
//  "deductions", "expires_at", "validity", "assumptions"} (docs/case-schema.md §Output).
boost::json::object QuoteToJson(const QuoteResult& r);

// {"error": "kMissingField"-style code name, "code": number, "field", "message"}.
boost::json::object ErrorToJson(const Error& e);

// One program's summary for `suanli programs`: id, name, city, mode, pool, assumptions count.
boost::json::object ProgramSummaryJson(const Program& p);

// Indented JSON text with a trailing newline (for people reading CLI output).
std::string PrettyJson(const boost::json::value& v);

}  // namespace suanli::policy
