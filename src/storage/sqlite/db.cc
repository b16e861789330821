#include "storage/sqlite/db.h"

#include <fcntl.h>
#include <sqlite3.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "core/check.h"

namespace suanli::storage {
namespace {

Error SqliteError(sqlite3* db, int rc, std::string_view what) {
  const int primary = rc & 0xff;
  const ErrorCode code = primary == SQLITE_CONSTRAINT ? ErrorCode::kContradiction : ErrorCode::kIo;
  std::string message = std::string(what) + ": " + (db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
  return MakeError(code, "", std::move(message));
}

}  // namespace

Result<std::unique_ptr<Db>> Db::Open(const DbOptions& options) {
  sqlite3* raw = nullptr;
  const int flags = options.read_only ? SQLITE_OPEN_READONLY
                                      : (SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
  const int rc = sqlite3_open_v2(options.path.c_str(), &raw, flags | SQLITE_OPEN_NOMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    Error e = SqliteError(raw, rc, "open " + options.path);
    sqlite3_close(raw);
    return e;
  }
  std::unique_ptr<Db> db(new Db(raw, options.path));
  std::string pragmas = "PRAGMA foreign_keys=ON; PRAGMA busy_timeout=5000;";
  if (!options.read_only) {
    pragmas += " PRAGMA journal_mode=WAL;";
    pragmas += options.synchronous_full ? " PRAGMA synchronous=FULL;" : " PRAGMA synchronous=NORMAL;";
  }
  SUANLI_TRY(db->Exec(pragmas));
  return db;
}

Db::~Db() { sqlite3_close_v2(db_); }

Status Db::SyncWal() const {
  const sqlite3_filename main = sqlite3_db_filename(db_, "main");
  if (main == nullptr || *main == '\0') return OkStatus();  // in memory or temporary
  const char* wal = sqlite3_filename_wal(main);
  const int fd = ::open(wal, O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return OkStatus();  // no WAL: every commit is in the synced database
    return MakeError(ErrorCode::kIo, "", std::string("open ") + wal + ": " + std::strerror(errno));
  }
  // fdatasync flushes the file, not the descriptor: one opened read-only serves.
  const int rc = ::fdatasync(fd);
  const int sync_errno = errno;
  ::close(fd);
  if (rc != 0) {
    return MakeError(ErrorCode::kIo, "", std::string("fdatasync ") + wal + ": " +
                                             std::strerror(sync_errno));
  }
  return OkStatus();
}

Status Db::Exec(std::string_view sql) {
  char* err = nullptr;
  const std::string text(sql);
  const int rc = sqlite3_exec(db_, text.c_str(), nullptr, nullptr, &err);
  if (rc != SQLITE_OK) {
    std::string message = err ? err : sqlite3_errstr(rc);
    sqlite3_free(err);
    return MakeError(ErrorCode::kIo, "", "sql: " + message);
  }
  return OkStatus();
}

Result<Stmt> Db::Prepare(std::string_view sql) {
  sqlite3_stmt* stmt = nullptr;
  const int rc = sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()),
                                    SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
  if (rc != SQLITE_OK) return SqliteError(db_, rc, "prepare '" + std::string(sql.substr(0, 40)) + "'");
  return Stmt(stmt, db_);
}

std::int64_t Db::LastInsertRowid() const { return sqlite3_last_insert_rowid(db_); }
std::int64_t Db::Changes() const { return sqlite3_changes64(db_); }

bool Db::InTransaction() const { return sqlite3_get_autocommit(db_) == 0; }

Stmt::Stmt(Stmt&& other) noexcept : stmt_(other.stmt_), db_(other.db_) { other.stmt_ = nullptr; }

Stmt& Stmt::operator=(Stmt&& other) noexcept {
  if (this != &other) {
    sqlite3_finalize(stmt_);
    stmt_ = other.stmt_;
    db_ = other.db_;
    other.stmt_ = nullptr;
  }
  return *this;
}

Stmt::~Stmt() { sqlite3_finalize(stmt_); }

Stmt& Stmt::Bind(int index, std::int64_t value) {
  SUANLI_CHECK(sqlite3_bind_int64(stmt_, index, value) == SQLITE_OK);
  return *this;
}

Stmt& Stmt::Bind(int index, std::string_view text) {
  SUANLI_CHECK(sqlite3_bind_text64(stmt_, index, text.data(), text.size(), SQLITE_TRANSIENT,
                                   SQLITE_UTF8) == SQLITE_OK);
  return *this;
}

Stmt& Stmt::BindBlob(int index, std::string_view bytes) {
  SUANLI_CHECK(sqlite3_bind_blob64(stmt_, index, bytes.data(), bytes.size(), SQLITE_TRANSIENT) ==
               SQLITE_OK);
  return *this;
}

Stmt& Stmt::BindNull(int index) {
  SUANLI_CHECK(sqlite3_bind_null(stmt_, index) == SQLITE_OK);
  return *this;
}

Stmt& Stmt::Bind(int index, const std::optional<std::string>& value) {
  return value ? Bind(index, std::string_view(*value)) : BindNull(index);
}

Stmt& Stmt::Bind(int index, const std::optional<std::int64_t>& value) {
  return value ? Bind(index, *value) : BindNull(index);
}

Result<std::vector<std::string>> Stmt::TextColumn() {
  std::vector<std::string> out;
  while (true) {
    SUANLI_ASSIGN(const bool row, Step());
    if (!row) return out;
    out.push_back(Text(0));
  }
}

Result<std::vector<std::int64_t>> Stmt::IntColumn() {
  std::vector<std::int64_t> out;
  while (true) {
    SUANLI_ASSIGN(const bool row, Step());
    if (!row) return out;
    out.push_back(Int(0));
  }
}

Result<bool> Stmt::Step() {
  const int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return SqliteError(db_, rc, "step");
}

Status Stmt::Run() {
  while (true) {
    SUANLI_ASSIGN(const bool row, Step());
    if (!row) return OkStatus();
  }
}

void Stmt::Reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

bool Stmt::IsNull(int column) const { return sqlite3_column_type(stmt_, column) == SQLITE_NULL; }

std::int64_t Stmt::Int(int column) const { return sqlite3_column_int64(stmt_, column); }

std::string Stmt::Text(int column) const {
  const auto* p = static_cast<const char*>(sqlite3_column_blob(stmt_, column));
  const int n = sqlite3_column_bytes(stmt_, column);
  return p ? std::string(p, static_cast<std::size_t>(n)) : std::string();
}

std::optional<std::string> Stmt::OptText(int column) const {
  if (IsNull(column)) return std::nullopt;
  return Text(column);
}

std::optional<std::int64_t> Stmt::OptInt(int column) const {
  if (IsNull(column)) return std::nullopt;
  return Int(column);
}

Result<Transaction> Transaction::Begin(Db& db) {
  SUANLI_TRY(db.Exec("BEGIN IMMEDIATE"));
  return Transaction(&db);
}

Transaction::~Transaction() {
  if (db_ != nullptr) (void)db_->Exec("ROLLBACK");
}

Status Transaction::Commit() {
  SUANLI_CHECK(db_ != nullptr);
  Status s = db_->Exec("COMMIT");
  if (s.ok()) db_ = nullptr;
  return s;
}

}  // namespace suanli::storage
