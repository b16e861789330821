// The file names of a Suanli data directory that the audit log depends on, named once so the
// platform (which writes them) and `suanli audit` (which reads them) cannot disagree.
#pragma once

namespace suanli::audit {

// The platform's relational state, including the audit_log table: DIR/platform.db.
inline constexpr char kPlatformDbFile[] = "platform.db";
// The last committed head of the audit log (seq and hash), rewritten after each commit:
// DIR/audit.anchor. See WriteAnchor in audit_log.h.
inline constexpr char kAnchorFile[] = "audit.anchor";

}  // namespace suanli::audit
