// Reading accounts from the users table, for the files that implement account steps (users.cc,
// passwords.cc, api_keys.cc, user_changes.cc). Internal to workflow/.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/result.h"
#include "storage/sqlite/db.h"
#include "workflow/records.h"

namespace suanli::workflow {

// "SELECT <the columns ReadUser reads, 0-10> FROM users u ": append "WHERE ...".
extern const char* const kSelectUser;
// The account on the row `q` stands on, read from the first eleven columns of kSelectUser.
User ReadUser(const storage::Stmt& q);
// Account `user_id` as stored; kNotFound on "user_id".
Result<User> LoadUser(storage::Db& db, std::int64_t user_id);
// The principal an account acts as (its sessions; its API keys set via_api_key).
Principal ToPrincipal(const User& u);
// 1 to 128 bytes: the display name's rule, on creation and on change.
Status ValidateDisplayName(std::string_view name);
// kNotFound on org_id or provider_id when the organisation or provider named does not exist.
Status RequireAccountHome(storage::Db& db, const std::optional<std::int64_t>& org_id,
                          const std::optional<std::int64_t>& provider_id);
// Whether an account of `role` belongs to an organisation or a provider (an outside party's),
// not to the platform's staff.
bool IsPartyRole(Role role);

}  // namespace suanli::workflow
