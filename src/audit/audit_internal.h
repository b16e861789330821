// Pieces shared by the audit folder's .cc files (listing and verification read rows the same
// way); not part of the public interface.
#pragma once

#include <string_view>

#include "audit/audit_log.h"

namespace suanli::audit {

// Every column of an entry, in the order ReadEntry expects.
inline constexpr std::string_view kSelectColumnsSql =
    "SELECT seq, at_us, actor, action, object, before_sha256, after_sha256, detail, prev_hash, "
    "hash FROM audit_log";

// The entry at `stmt`'s current row; the statement selects kSelectColumnsSql's columns.
AuditEntry ReadEntry(const storage::Stmt& stmt);

}  // namespace suanli::audit
