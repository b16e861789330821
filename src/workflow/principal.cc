#include "workflow/principal.h"

namespace suanli::workflow {

std::string_view RoleName(Role role) {
  switch (role) {
    case Role::kAdmin: return "admin";
    case Role::kOfficer: return "officer";
    case Role::kExpert: return "expert";
    case Role::kProvider: return "provider";
    case Role::kApplicant: return "applicant";
    case Role::kAuditor: return "auditor";
  }
  return "unknown";
}

std::optional<Role> ParseRole(std::string_view name) {
  for (Role r : kAllRoles) {
    if (RoleName(r) == name) return r;
  }
  return std::nullopt;
}

std::string Principal::Actor() const {
  if (is_system()) return "system";
  if (user_id < 0) return "registrant";  // self-registration, before the account exists
  return (via_api_key ? "apikey:" : "user:") + std::to_string(user_id);
}

}  // namespace suanli::workflow
