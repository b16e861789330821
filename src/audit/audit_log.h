// The tamper-evident audit log: every state change of the platform appends one entry to a
// hash chain kept in the audit_log table of the platform's own SQLite database, inside the
// same transaction as the change, so the entry and the change commit or roll back together.
// Verify walks the chain; an anchor file (the last known head) lets it detect truncation.
// Schema and hash definition: docs/audit.md.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/cst_time.h"
#include "core/result.h"
#include "storage/sqlite/db.h"

namespace suanli::audit {

// actor, action and object are short identifiers ("user:12", "application.approve",
// "application/42"); longer ones are refused rather than stored.
inline constexpr std::size_t kNameBytesMax = 256;
// detail is "small JSON" (reasons, amounts, ids); 64 KiB bounds a row and a page of List.
inline constexpr std::size_t kDetailBytesMax = 64 * 1024;
// A page of List: enough for a screen, bounded so one request cannot read the whole log.
inline constexpr int kListLimitMax = 1000;
// Verify keeps at most this many problem lines (it counts all of them); a wholesale rewrite
// would otherwise produce one line per entry.
inline constexpr std::size_t kVerifyProblemsMax = 100;
// prev_hash of seq 1.
inline constexpr std::string_view kGenesisHash =
    "0000000000000000000000000000000000000000000000000000000000000000";

// What the caller records. before_json/after_json are the object's JSON before and after the
// change ("" when the object did not exist / no longer exists); only their SHA-256 is stored,
// so the caller must serialise deterministically if it wants to compare them later.
// detail_json must be valid JSON (an object, usually), at most kDetailBytesMax bytes.
struct AuditRecord {
  std::string actor;        // "user:12", "apikey:3", "system"
  std::string action;       // "application.approve"
  std::string object;       // "application/42"
  std::string before_json;  // "" → hashed as "null"
  std::string after_json;   // "" → hashed as "null"
  std::string detail_json = "{}";
};

// One stored entry, as in the table.
struct AuditEntry {
  std::int64_t seq = 0;
  Instant at;
  std::string actor, action, object;
  std::string before_sha256, after_sha256;
  std::string detail_json;
  std::string prev_hash;
  std::string hash;
};

// Creates the audit_log table and its indexes if absent. Idempotent.
Status CreateSchema(storage::Db& db);

// SHA-256 hex of an object's JSON as stored in before_sha256/after_sha256 ("" → of "null").
std::string JsonSha256(std::string_view json);
// The hash of an entry over its fields (seq, at_us, actor, action, object, before_sha256,
// after_sha256, detail_json, prev_hash), each added with Sha256Builder::AddField; integers as
// decimal ASCII. The stored `hash` field itself is ignored. Exact definition: docs/audit.md.
std::string EntryHash(const AuditEntry& entry);

// Appends entries for one Db with its statements prepared once; the form for the platform,
// which appends on every state change. Holds a pointer to `db`, which must outlive it. Not
// thread-safe (neither is Db).
class AuditWriter {
 public:
  // Prepares the statements. kIo when the schema is missing (call CreateSchema first).
  static Result<AuditWriter> Open(storage::Db& db);

  // Appends one entry inside the caller's open transaction (Transaction::Begin, i.e. BEGIN
  // IMMEDIATE, already issued): reads the head (last seq and hash) and inserts seq+1 linked to
  // it, so the entry commits or rolls back with the caller's change. Because the caller holds
  // the write lock from BEGIN IMMEDIATE, no other process can append between the read and the
  // insert, and seq's PRIMARY KEY would refuse a second seq+1 anyway: the chain cannot fork.
  // Errors: kContradiction when no transaction is open (nothing is written); kMissingField,
  // kOutOfRange or kParse for a bad record (field named); kIo from the store. After an error
  // the caller should roll back its transaction.
  Result<AuditEntry> Append(Instant at, const AuditRecord& record);

 private:
  AuditWriter(storage::Db* db, storage::Stmt head, storage::Stmt insert)
      : db_(db), head_(std::move(head)), insert_(std::move(insert)) {}
  Status RequireOpenTransaction();

  storage::Db* db_;
  storage::Stmt head_;
  storage::Stmt insert_;
};

// The same as AuditWriter::Open(db) then Append: for occasional callers (tools, tests); it
// prepares its statements on every call.
Result<AuditEntry> Append(storage::Db& db, Instant at, const AuditRecord& record);

// A query over the log. Unset filters match everything. [from, to) is half-open on `at`.
// object_prefix matches by bytes ("application/" matches every application). Entries come in
// seq order, those with seq > after_seq, at most `limit` (1..kListLimitMax).
struct AuditFilter {
  // Default initializers let callers name only the filters they use ({.actor = "user:12"}).
  std::optional<std::string> actor = {};
  std::optional<std::string> action = {};
  std::optional<std::string> object_prefix = {};
  std::optional<Instant> from = {};
  std::optional<Instant> to = {};
  std::int64_t after_seq = 0;
  int limit = 50;
};

struct AuditPage {
  std::vector<AuditEntry> entries;
  // Set when more entries match: pass it as after_seq to read the next page.
  std::optional<std::int64_t> next_after_seq;
};

// One page of entries matching `filter` (cursor pagination by seq, stable under appends).
// kOutOfRange (field "limit") for a limit outside 1..kListLimitMax.
Result<AuditPage> List(storage::Db& db, const AuditFilter& filter);

// The last known head of the chain, kept outside the table so that deleting the last entries
// (which leaves a valid, shorter chain) is detected.
struct Anchor {
  std::int64_t seq = 0;
  std::string hash;
};

struct VerifyReport {
  bool ok = true;
  std::int64_t entries_checked = 0;
  std::optional<Anchor> head;  // the last entry read (none when the log is empty)
  // At most kVerifyProblemsMax lines, each naming a seq and what is wrong; problems_total
  // counts them all. Classes: "edited" (hash does not match the fields), "removed" (gap in
  // seq), "relinked" (prev_hash is not the previous entry's hash: reordered, forked or
  // inserted), "truncated" (head behind the anchor, or the anchor's hash differs).
  std::vector<std::string> problems;
  std::int64_t problems_total = 0;
};

// Walks the whole chain in seq order, streaming (memory does not grow with the log), in one
// read snapshot. `anchor`, when given, must be matched: the entry at anchor->seq must exist
// and carry anchor->hash. A missing audit_log table reads as an empty log. Errors only for
// failures to read (kIo); tampering is reported in the VerifyReport, not as an error.
Result<VerifyReport> Verify(storage::Db& db, const std::optional<Anchor>& anchor);

// Writes the anchor file atomically and durably: a temporary file beside it, fsync, rename
// over `file`, fsync of the directory. The platform calls it after each commit that appended
// (Anchor{entry.seq, entry.hash}); a crash in between leaves an older anchor, which Verify
// accepts (the head may be ahead of the anchor). kIo on failure.
Status WriteAnchor(const std::filesystem::path& file, const Anchor& anchor);
// Reads the anchor file: nullopt when it does not exist; kParse when it is not an anchor.
Result<std::optional<Anchor>> ReadAnchor(const std::filesystem::path& file);

// The anchor file of one process's writers (the platform's steps and its settlement journal
// append from different threads): Advance writes an anchor only when it is beyond the last one
// this object wrote, one write at a time, so a slower writer never puts an older head over a
// newer one. Thread-safe.
class AnchorFile {
 public:
  explicit AnchorFile(std::filesystem::path file) : file_(std::move(file)) {}
  // WriteAnchor(file, anchor) unless an anchor at or beyond anchor.seq was written already.
  Status Advance(const Anchor& anchor);
  const std::filesystem::path& path() const { return file_; }

 private:
  const std::filesystem::path file_;
  std::mutex mu_;
  std::int64_t written_seq_ = 0;
};

}  // namespace suanli::audit
