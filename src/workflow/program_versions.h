// Every version of every program file the platform has run with. Programs are data (programs/
// *.toml) and an operator may edit one between two starts: the platform keeps each distinct
// text it loaded, numbered per program, with an audit entry (`program.load` for the first,
// `program.change` for each later one), so an auditor can see which rules were in force when
// and a voucher can name the version it was issued under (voucher_terms.h).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "audit/audit_log.h"
#include "core/cst_time.h"
#include "core/result.h"
#include "storage/sqlite/db.h"
#include "workflow/records.h"

namespace suanli::workflow {

// A program file as loaded at start-up: its id and its bytes.
struct ProgramSource {
  std::string program_id;
  std::string text;
};

// What RecordProgramVersions did: the version in force per program, and the last audit entry
// it appended (none when every file was as last recorded), for the caller to advance the anchor.
struct RecordedProgramVersions {
  std::map<std::string, std::int64_t, std::less<>> current;
  std::optional<audit::Anchor> last_entry;
};

// Compares each loaded file with its program's last recorded version and records a new version
// (with its audit entry, actor "system") where the bytes differ or none is recorded; one
// transaction. A program that left programs/ keeps its versions.
Result<RecordedProgramVersions> RecordProgramVersions(storage::Db& db, audit::AuditWriter& writer,
                                                      const std::vector<ProgramSource>& sources,
                                                      Instant now);

// The recorded versions of one program, oldest first (none for an unknown id).
Result<std::vector<ProgramVersion>> ListProgramVersions(storage::Db& db,
                                                        std::string_view program_id);

// The file text of one version; kNotFound when there is no such version.
Result<std::string> ProgramVersionText(storage::Db& db, std::string_view program_id,
                                       std::int64_t version);

}  // namespace suanli::workflow
