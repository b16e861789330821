#include "security/csrf.h"

#include "security/digest.h"

namespace suanli::security {

bool CsrfMatches(std::string_view expected, std::string_view header_value) {
  if (expected.empty() || header_value.empty()) return false;
  // ConstantTimeEquals leaks only whether the lengths differ; CSRF tokens have a fixed,
  // public length (NewToken's 43 characters), so that reveals nothing.
  return ConstantTimeEquals(expected, header_value);
}

}  // namespace suanli::security
