// Program file versions: recorded at start-up, read by the programs API (program_versions.h).
#include "workflow/program_versions.h"

#include "security/digest.h"
#include "workflow/platform_state.h"

namespace suanli::workflow {

static std::string VersionJson(std::int64_t version, const std::string& sha256) {
  return "{\"sha256\":\"" + sha256 + "\",\"version\":" + std::to_string(version) + "}";
}

Result<RecordedProgramVersions> RecordProgramVersions(storage::Db& db, audit::AuditWriter& writer,
                                                      const std::vector<ProgramSource>& sources,
                                                      Instant now) {
  RecordedProgramVersions out;
  SUANLI_ASSIGN(auto tx, storage::Transaction::Begin(db));
  SUANLI_ASSIGN(auto last, db.Prepare("SELECT version, sha256 FROM program_versions WHERE "
                                      "program_id = ?1 ORDER BY version DESC LIMIT 1"));
  SUANLI_ASSIGN(auto ins, db.Prepare("INSERT INTO program_versions (program_id, version, sha256, "
                                     "text, loaded_at_us) VALUES (?1,?2,?3,?4,?5)"));
  for (const ProgramSource& src : sources) {
    const std::string sha = security::Sha256Hex(src.text);
    last.Reset();
    SUANLI_ASSIGN(const bool has_last, last.Bind(1, src.program_id).Step());
    const std::int64_t last_version = has_last ? last.Int(0) : 0;
    const std::string last_sha = has_last ? last.Text(1) : std::string();
    if (has_last && last_sha == sha) {
      out.current[src.program_id] = last_version;
      continue;
    }
    const std::int64_t version = last_version + 1;
    ins.Reset();
    ins.Bind(1, src.program_id).Bind(2, version).Bind(3, sha).Bind(4, src.text);
    SUANLI_TRY(ins.Bind(5, now.micros()).Run());
    SUANLI_ASSIGN(const audit::AuditEntry e,
                  writer.Append(now, {"system", has_last ? "program.change" : "program.load",
                                      "program/" + src.program_id,
                                      has_last ? VersionJson(last_version, last_sha) : "",
                                      VersionJson(version, sha), "{}"}));
    out.last_entry = audit::Anchor{e.seq, e.hash};
    out.current[src.program_id] = version;
  }
  SUANLI_TRY(tx.Commit());
  return out;
}

Result<std::vector<ProgramVersion>> ListProgramVersions(storage::Db& db,
                                                        std::string_view program_id) {
  SUANLI_ASSIGN(auto q, db.Prepare("SELECT p.version, p.sha256, p.loaded_at_us, (SELECT count(*) "
                                   "FROM vouchers v WHERE v.program_id = p.program_id AND "
                                   "v.program_version = p.version) FROM program_versions p WHERE "
                                   "p.program_id = ?1 ORDER BY p.version"));
  q.Bind(1, program_id);
  std::vector<ProgramVersion> out;
  while (true) {
    SUANLI_ASSIGN(const bool row, q.Step());
    if (!row) break;
    ProgramVersion v;
    v.program_id = std::string(program_id);
    v.version = q.Int(0);
    v.sha256 = q.Text(1);
    v.loaded_at = Instant::FromMicros(q.Int(2));
    v.vouchers_issued = q.Int(3);
    out.push_back(std::move(v));
  }
  return out;
}

Result<std::string> ProgramVersionText(storage::Db& db, std::string_view program_id,
                                       std::int64_t version) {
  SUANLI_ASSIGN(auto q, db.Prepare("SELECT text FROM program_versions WHERE program_id = ?1 AND "
                                   "version = ?2"));
  SUANLI_ASSIGN(const bool row, q.Bind(1, program_id).Bind(2, version).Step());
  if (!row) {
    return MakeError(ErrorCode::kNotFound, "version",
                     "program " + std::string(program_id) + " has no version " +
                         std::to_string(version));
  }
  return q.Text(0);
}

Result<std::vector<ProgramVersion>> Platform::ProgramVersions(std::string_view program_id) {
  State& s = *state_;
  std::lock_guard lock(s.mu);
  SUANLI_ASSIGN(auto versions, ListProgramVersions(*s.db, program_id));
  if (versions.empty()) {
    return MakeError(ErrorCode::kNotFound, "program_id",
                     "no program '" + std::string(program_id) + "' was ever loaded");
  }
  return versions;
}

Result<std::string> Platform::ProgramVersionText(std::string_view program_id,
                                                 std::int64_t version) {
  State& s = *state_;
  std::lock_guard lock(s.mu);
  return workflow::ProgramVersionText(*s.db, program_id, version);
}

}  // namespace suanli::workflow
