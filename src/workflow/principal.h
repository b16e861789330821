// Who is acting: a person signed in with a session, a provider's system with an API key, or
// the platform itself (sweepers, start-up recovery). Routes are checked against the role matrix
// in api/; the workflow checks ownership (an applicant sees only its own organisation's data).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace suanli::workflow {

enum class Role : std::uint8_t {
  kAdmin = 1,      // platform administrator: accounts, providers, programs
  kOfficer = 2,    // program officer: reviews, approvals, panels, payouts, enforcement
  kExpert = 3,     // expert reviewer: opinions on assigned claims
  kProvider = 4,   // a compute provider's operator (or its system, by API key)
  kApplicant = 5,  // a member of an applicant organisation
  kAuditor = 6,    // reads everything, changes nothing
};
inline constexpr Role kAllRoles[] = {Role::kAdmin,    Role::kOfficer,   Role::kExpert,
                                     Role::kProvider, Role::kApplicant, Role::kAuditor};

std::string_view RoleName(Role role);
std::optional<Role> ParseRole(std::string_view name);

struct Principal {
  std::int64_t user_id = 0;  // 0 for the system
  std::string username;
  Role role = Role::kAuditor;
  std::optional<std::int64_t> org_id;       // applicants
  std::optional<std::int64_t> provider_id;  // provider operators
  bool org_admin = false;                   // may invite members of its organisation
  bool via_api_key = false;

  static Principal System() {
    Principal p;
    p.username = "system";
    p.role = Role::kAdmin;
    return p;
  }
  bool is_system() const { return user_id == 0; }
  // The audit log's actor field: "user:12", "apikey:12", "system".
  std::string Actor() const;
};

}  // namespace suanli::workflow
