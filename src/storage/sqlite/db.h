// A small RAII wrapper over one SQLite connection, for the platform's relational state
// (organisations, contracts, applications, claims, the audit log): statements with typed
// binds and columns, and transactions that roll back unless committed. It keeps sqlite3.h
// inside storage/. Not thread-safe: one Db per thread, or the caller serialises.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>
#include <string_view>

#include "core/result.h"

struct sqlite3;
struct sqlite3_stmt;

namespace suanli::storage {

struct DbOptions {
  std::string path;         // a file, or ":memory:"
  bool read_only = false;
  bool synchronous_full = true;  // WAL + synchronous=FULL: a commit is durable when it returns
};

class Stmt;

class Db {
 public:
  // Opens (creating unless read_only) the database, in WAL mode with foreign keys on.
  static Result<std::unique_ptr<Db>> Open(const DbOptions& options);
  ~Db();
  Db(const Db&) = delete;
  Db& operator=(const Db&) = delete;

  // Runs one or more statements without results (schema, pragmas). kIo with SQLite's message.
  Status Exec(std::string_view sql);
  // Compiles one statement. kIo (with the SQL's first words) when it does not compile.
  Result<Stmt> Prepare(std::string_view sql);

  std::int64_t LastInsertRowid() const;
  // Rows changed by the last INSERT/UPDATE/DELETE.
  std::int64_t Changes() const;
  // True while a transaction is open on this connection (BEGIN … not yet COMMIT/ROLLBACK).
  bool InTransaction() const;
  const std::string& path() const { return path_; }
  // Makes every commit to this database so far durable, those of synchronous=NORMAL
  // connections included: fdatasync of its WAL file, where such a commit's frames sit in the
  // OS's cache until a checkpoint or a FULL commit syncs them. Call it before writing anything
  // durable that refers to those commits (an audit anchor). No WAL file, or ":memory:": nothing
  // to sync. kIo when the sync fails.
  Status SyncWal() const;

 private:
  explicit Db(sqlite3* db, std::string path) : db_(db), path_(std::move(path)) {}
  sqlite3* db_;
  std::string path_;
};

// A compiled statement. Bind indexes start at 1 (as in SQLite); column indexes at 0.
class Stmt {
 public:
  Stmt(Stmt&& other) noexcept;
  Stmt& operator=(Stmt&& other) noexcept;
  ~Stmt();

  Stmt& Bind(int index, std::int64_t value);
  Stmt& Bind(int index, std::string_view text);
  Stmt& Bind(int index, const char* text) { return Bind(index, std::string_view(text)); }
  Stmt& Bind(int index, const std::string& text) { return Bind(index, std::string_view(text)); }
  Stmt& BindBlob(int index, std::string_view bytes);
  Stmt& BindNull(int index);
  // Binds `value` or NULL.
  Stmt& Bind(int index, const std::optional<std::string>& value);
  Stmt& Bind(int index, const std::optional<std::int64_t>& value);

  // Advances: true when a row is available, false when done. kIo on failure; a constraint
  // violation is kContradiction with SQLite's message (e.g. "UNIQUE constraint failed: ...").
  Result<bool> Step();
  // Runs to completion, ignoring rows (INSERT/UPDATE/DELETE).
  Status Run();
  // Resets for another execution and clears the binds.
  void Reset();

  bool IsNull(int column) const;
  std::int64_t Int(int column) const;
  std::string Text(int column) const;  // "" for NULL
  std::optional<std::string> OptText(int column) const;
  std::optional<std::int64_t> OptInt(int column) const;
  // Steps to the end, collecting column 0 of every row as text.
  Result<std::vector<std::string>> TextColumn();
  // Steps to the end, collecting column 0 of every row as an integer (ids).
  Result<std::vector<std::int64_t>> IntColumn();

 private:
  friend class Db;
  Stmt(sqlite3_stmt* stmt, sqlite3* db) : stmt_(stmt), db_(db) {}
  sqlite3_stmt* stmt_ = nullptr;
  sqlite3* db_ = nullptr;
};

// BEGIN IMMEDIATE on construction (Begin), ROLLBACK on destruction unless Commit succeeded.
class Transaction {
 public:
  static Result<Transaction> Begin(Db& db);
  Transaction(Transaction&& other) noexcept : db_(other.db_) { other.db_ = nullptr; }
  Transaction& operator=(Transaction&&) = delete;
  ~Transaction();
  Status Commit();

 private:
  explicit Transaction(Db* db) : db_(db) {}
  Db* db_;
};

}  // namespace suanli::storage
