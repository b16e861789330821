// Schema, the entry hash, appends and listing. Verify is in audit_verify.cc and the anchor
// file in anchor.cc.
#include "audit/audit_log.h"

#include <boost/json.hpp>

#include "audit/audit_internal.h"
#include "core/check.h"
#include "security/digest.h"

namespace suanli::audit {
namespace {

// seq is the rowid (INTEGER PRIMARY KEY), so the head is one b-tree descent and seq is unique.
// The indexes serve List's most common questions: what did this actor do, what happened to
// this object.
constexpr std::string_view kSchemaSql = R"sql(
CREATE TABLE IF NOT EXISTS audit_log (
  seq INTEGER PRIMARY KEY,
  at_us INTEGER NOT NULL,
  actor TEXT NOT NULL,
  action TEXT NOT NULL,
  object TEXT NOT NULL,
  before_sha256 TEXT NOT NULL,
  after_sha256 TEXT NOT NULL,
  detail TEXT NOT NULL,
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS audit_log_actor ON audit_log (actor, seq);
CREATE INDEX IF NOT EXISTS audit_log_object ON audit_log (object, seq);
)sql";

constexpr std::string_view kHeadSql = "SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1";
constexpr std::string_view kInsertSql =
    "INSERT INTO audit_log (seq, at_us, actor, action, object, before_sha256, after_sha256, "
    "detail, prev_hash, hash) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)";

Status CheckName(const std::string& value, const char* field) {
  if (value.empty()) return MakeError(ErrorCode::kMissingField, field, "must not be empty");
  if (value.size() > kNameBytesMax) {
    return MakeError(ErrorCode::kOutOfRange, field,
                     "longer than " + std::to_string(kNameBytesMax) + " bytes");
  }
  return OkStatus();
}

Status CheckRecord(const AuditRecord& r) {
  SUANLI_TRY(CheckName(r.actor, "actor"));
  SUANLI_TRY(CheckName(r.action, "action"));
  SUANLI_TRY(CheckName(r.object, "object"));
  if (r.detail_json.size() > kDetailBytesMax) {
    return MakeError(ErrorCode::kOutOfRange, "detail",
                     "longer than " + std::to_string(kDetailBytesMax) + " bytes");
  }
  boost::system::error_code ec;
  (void)boost::json::parse(r.detail_json, ec);
  if (ec) return MakeError(ErrorCode::kParse, "detail", "not JSON: " + ec.message());
  return OkStatus();
}

// The byte just above every byte of UTF-8 text, so [p, p + kPastUtf8) covers all strings
// starting with p under SQLite's BINARY (memcmp) collation.
constexpr char kPastUtf8 = '\xff';

}  // namespace

Status CreateSchema(storage::Db& db) { return db.Exec(kSchemaSql); }

std::string JsonSha256(std::string_view json) {
  return security::Sha256Hex(json.empty() ? std::string_view("null") : json);
}

std::string EntryHash(const AuditEntry& e) {
  security::Sha256Builder b;
  b.AddField(std::to_string(e.seq));
  b.AddField(std::to_string(e.at.micros()));
  b.AddField(e.actor);
  b.AddField(e.action);
  b.AddField(e.object);
  b.AddField(e.before_sha256);
  b.AddField(e.after_sha256);
  b.AddField(e.detail_json);
  b.AddField(e.prev_hash);
  return security::ToHex(b.Finish());
}

Result<AuditWriter> AuditWriter::Open(storage::Db& db) {
  SUANLI_ASSIGN(storage::Stmt head, db.Prepare(kHeadSql));
  SUANLI_ASSIGN(storage::Stmt insert, db.Prepare(kInsertSql));
  return AuditWriter(&db, std::move(head), std::move(insert));
}

// Outside a transaction the entry would commit on its own, without the state change it
// describes: refuse.
Status AuditWriter::RequireOpenTransaction() {
  if (db_->InTransaction()) return OkStatus();
  return MakeError(ErrorCode::kContradiction, "transaction",
                   "audit Append needs the caller's open transaction (Transaction::Begin)");
}

Result<AuditEntry> AuditWriter::Append(Instant at, const AuditRecord& record) {
  SUANLI_TRY(CheckRecord(record));
  SUANLI_TRY(RequireOpenTransaction());

  AuditEntry e;
  head_.Reset();
  SUANLI_ASSIGN(const bool has_head, head_.Step());
  e.seq = has_head ? head_.Int(0) + 1 : 1;
  e.prev_hash = has_head ? head_.Text(1) : std::string(kGenesisHash);
  head_.Reset();
  e.at = at;
  e.actor = record.actor;
  e.action = record.action;
  e.object = record.object;
  e.before_sha256 = JsonSha256(record.before_json);
  e.after_sha256 = JsonSha256(record.after_json);
  e.detail_json = record.detail_json;
  e.hash = EntryHash(e);

  insert_.Reset();
  insert_.Bind(1, e.seq)
      .Bind(2, e.at.micros())
      .Bind(3, e.actor)
      .Bind(4, e.action)
      .Bind(5, e.object)
      .Bind(6, e.before_sha256)
      .Bind(7, e.after_sha256)
      .Bind(8, e.detail_json)
      .Bind(9, e.prev_hash)
      .Bind(10, e.hash);
  const Status inserted = insert_.Run();
  insert_.Reset();
  SUANLI_TRY(inserted);
  SUANLI_CHECK(e.seq >= 1 && e.hash.size() == kGenesisHash.size());
  return e;
}

Result<AuditEntry> Append(storage::Db& db, Instant at, const AuditRecord& record) {
  SUANLI_ASSIGN(AuditWriter writer, AuditWriter::Open(db));
  return writer.Append(at, record);
}

AuditEntry ReadEntry(const storage::Stmt& stmt) {
  AuditEntry e;
  e.seq = stmt.Int(0);
  e.at = Instant::FromMicros(stmt.Int(1));
  e.actor = stmt.Text(2);
  e.action = stmt.Text(3);
  e.object = stmt.Text(4);
  e.before_sha256 = stmt.Text(5);
  e.after_sha256 = stmt.Text(6);
  e.detail_json = stmt.Text(7);
  e.prev_hash = stmt.Text(8);
  e.hash = stmt.Text(9);
  return e;
}

// The WHERE clause is assembled from fixed fragments (never from values: those are bound), one
// per filter present, so SQLite can use the actor/object indexes.
Result<AuditPage> List(storage::Db& db, const AuditFilter& f) {
  if (f.limit < 1 || f.limit > kListLimitMax) {
    return MakeError(ErrorCode::kOutOfRange, "limit",
                     "must be 1.." + std::to_string(kListLimitMax));
  }
  std::string sql(kSelectColumnsSql);
  sql += " WHERE seq > ?1";
  if (f.actor) sql += " AND actor = ?2";
  if (f.action) sql += " AND action = ?3";
  if (f.object_prefix && !f.object_prefix->empty()) sql += " AND object >= ?4 AND object < ?5";
  if (f.from) sql += " AND at_us >= ?6";
  if (f.to) sql += " AND at_us < ?7";
  sql += " ORDER BY seq LIMIT ?8";
  SUANLI_ASSIGN(storage::Stmt stmt, db.Prepare(sql));
  stmt.Bind(1, f.after_seq);
  if (f.actor) stmt.Bind(2, *f.actor);
  if (f.action) stmt.Bind(3, *f.action);
  if (f.object_prefix && !f.object_prefix->empty()) {
    stmt.Bind(4, *f.object_prefix).Bind(5, *f.object_prefix + kPastUtf8);
  }
  if (f.from) stmt.Bind(6, f.from->micros());
  if (f.to) stmt.Bind(7, f.to->micros());
  stmt.Bind(8, std::int64_t{f.limit} + 1);  // one more than asked tells whether a next page exists

  AuditPage page;
  while (true) {
    SUANLI_ASSIGN(const bool row, stmt.Step());
    if (!row) break;
    if (page.entries.size() == static_cast<std::size_t>(f.limit)) {
      page.next_after_seq = page.entries.back().seq;
      break;
    }
    page.entries.push_back(ReadEntry(stmt));
  }
  return page;
}

}  // namespace suanli::audit
