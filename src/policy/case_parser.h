// Case JSON → Case, strictly: malformed JSON, unknown fields, wrong types, negative or
// overflowing amounts, invalid USCCs and impossible dates are refused with the dotted path of
// the field ("contract.fee", "settlements[2].bill"). A case is parsed whole or not at all.
#pragma once

#include <string_view>

#include "core/result.h"
#include "policy/case.h"

namespace suanli::policy {

// Pure: no I/O. At most limits::kDocumentBytesMax bytes, limits::kQuoteSettlementsMax bills.
Result<Case> ParseCase(std::string_view json_text);

}  // namespace suanli::policy
