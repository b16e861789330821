// Verify: one pass over the chain in seq order. Each entry is checked against itself (its hash
// over its fields), against its predecessor (seq without a gap, prev_hash equal to the
// predecessor's hash) and, at the end, the chain's head against the anchor.
#include <string>

#include "audit/audit_internal.h"
#include "audit/audit_log.h"

namespace suanli::audit {
namespace {

void AddProblem(VerifyReport& report, std::string problem) {
  report.ok = false;
  ++report.problems_total;
  if (report.problems.size() < kVerifyProblemsMax) report.problems.push_back(std::move(problem));
}

std::string Seq(std::int64_t seq) { return "seq " + std::to_string(seq); }

// The walk's state between rows: what the next entry must look like.
struct Walk {
  std::int64_t expected_seq = 1;
  std::string prev_hash{kGenesisHash};
  std::optional<std::string> hash_at_anchor;
};

void CheckEntry(const AuditEntry& e, const std::optional<Anchor>& anchor, Walk& walk,
                VerifyReport& report) {
  bool gap = false;
  if (e.seq > walk.expected_seq) {
    gap = true;
    const std::string missing = e.seq - 1 == walk.expected_seq
                                    ? Seq(walk.expected_seq)
                                    : Seq(walk.expected_seq) + ".." + std::to_string(e.seq - 1);
    AddProblem(report, missing + ": removed (gap in seq before " + Seq(e.seq) + ")");
  } else if (e.seq < walk.expected_seq) {  // only a seq below 1 can get here (seq is unique)
    AddProblem(report, Seq(e.seq) + ": edited (seq numbers start at 1)");
  }
  if (EntryHash(e) != e.hash) {
    AddProblem(report, Seq(e.seq) + ": edited (stored hash does not match the entry's fields)");
  }
  // After a gap the link is necessarily broken; the gap is the cause already reported.
  if (!gap && e.prev_hash != walk.prev_hash) {
    AddProblem(report, Seq(e.seq) +
                           ": relinked (prev_hash is not the previous entry's hash: entries "
                           "reordered, forked or inserted)");
  }
  if (anchor && e.seq == anchor->seq) walk.hash_at_anchor = e.hash;
  walk.prev_hash = e.hash;
  walk.expected_seq = std::max(walk.expected_seq, e.seq + 1);
  report.head = Anchor{e.seq, e.hash};
  ++report.entries_checked;
}

void CheckAnchor(const Anchor& anchor, const Walk& walk, VerifyReport& report) {
  const std::int64_t head_seq = report.head ? report.head->seq : 0;
  if (anchor.seq <= 0) return;  // anchored an empty log: nothing can have been cut from it
  if (head_seq < anchor.seq) {
    const std::string cut = head_seq + 1 == anchor.seq
                                ? Seq(anchor.seq)
                                : Seq(head_seq + 1) + ".." + std::to_string(anchor.seq);
    AddProblem(report, cut + ": truncated (the log ends at " + Seq(head_seq) +
                           " but the anchor records " + Seq(anchor.seq) + ")");
  } else if (!walk.hash_at_anchor) {
    // Inside the log but absent: already reported as a gap; say that it was the anchored head.
    AddProblem(report, Seq(anchor.seq) + ": truncated (the anchored head is missing)");
  } else if (*walk.hash_at_anchor != anchor.hash) {
    AddProblem(report, Seq(anchor.seq) +
                           ": truncated (hash differs from the anchor's: the chain was cut and "
                           "appended to again, or rewritten)");
  }
}

}  // namespace

Result<VerifyReport> Verify(storage::Db& db, const std::optional<Anchor>& anchor) {
  VerifyReport report;
  Walk walk;
  SUANLI_ASSIGN(storage::Stmt exists,
                db.Prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND "
                           "name = 'audit_log'"));
  SUANLI_ASSIGN(const bool has_table, exists.Step());
  if (has_table) {
    // One statement is one read snapshot (WAL): appends committed meanwhile are not seen.
    SUANLI_ASSIGN(storage::Stmt rows, db.Prepare(std::string(kSelectColumnsSql) + " ORDER BY seq"));
    while (true) {
      SUANLI_ASSIGN(const bool row, rows.Step());
      if (!row) break;
      CheckEntry(ReadEntry(rows), anchor, walk, report);
    }
    // SQLite keeps any value in any column: at_us rewritten as text ("1700… (backdated)") reads
    // back through Int() as its numeric prefix, so the hash still matched while raw readers of
    // the table saw the forged value. Every stored value must have the type it was written as.
    SUANLI_ASSIGN(storage::Stmt typed,
                  db.Prepare("SELECT seq FROM audit_log WHERE typeof(at_us) <> 'integer' OR "
                             "typeof(actor) <> 'text' OR typeof(action) <> 'text' OR "
                             "typeof(object) <> 'text' OR typeof(before_sha256) <> 'text' OR "
                             "typeof(after_sha256) <> 'text' OR typeof(detail) <> 'text' OR "
                             "typeof(prev_hash) <> 'text' OR typeof(hash) <> 'text' ORDER BY seq"));
    while (true) {
      SUANLI_ASSIGN(const bool row, typed.Step());
      if (!row) break;
      AddProblem(report, Seq(typed.Int(0)) + ": edited (a field is stored as another type than "
                                             "it was written as)");
    }
  }
  if (anchor) CheckAnchor(*anchor, walk, report);
  return report;
}

}  // namespace suanli::audit
