// The ledger's Store on SQLite: one file, WAL, synchronous=FULL. Each batch is ONE row of
// `batches` (its encoded body and a CRC-32) plus the rows of the accounts it creates, written
// in one transaction; COMMIT fsyncs the WAL once. The only code in Suanli that includes
// sqlite3.h lives in this folder.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "ledger/store.h"

struct sqlite3;
struct sqlite3_stmt;

namespace suanli::storage {

struct SqliteStoreOptions {
  std::string path;  // the database file; created if missing
  // Page cache: large, so the accounts projection and the batches index stay in memory.
  std::int64_t cache_kib = 256 * 1024;
  // Checkpoints run on a background thread with its own connection (PASSIVE: they never
  // block the writer), this often while batches arrive. The WAL is then reused from its start
  // instead of growing, and a commit's fsync does not also journal the file's new size
  // (measured: ~650 µs vs ~900 µs per append). 0 = SQLite's own checkpoints in the writer's
  // COMMIT (every wal_autocheckpoint_pages), which stall the writer for milliseconds.
  int checkpoint_interval_ms = 10;
  int wal_autocheckpoint_pages = 1000;
  // With background checkpoints: when a commit leaves more WAL pages than this (64 MiB of 4 KiB
  // pages), the writer checkpoints with RESTART itself, at most every 100 ms and never waiting
  // for the lock (busy: the next commit tries again). A backstop: SQLite starts the WAL over
  // only when a writer begins right after a checkpoint copied all of it, and under a steady
  // stream of commits that moment can be long in coming (WALs of 10,000 pages seen). 0: never.
  int wal_restart_pages = 16384;
};

// Not thread-safe: the ledger's writer thread is its only user (Open replays before the writer
// starts). The checkpointer thread uses its own connection.
class SqliteStore final : public ledger::Store {
 public:
  // Opens or creates the database and its schema. Errors: kIo.
  static Result<std::unique_ptr<SqliteStore>> Open(const SqliteStoreOptions& options);
  ~SqliteStore() override;
  SqliteStore(const SqliteStore&) = delete;
  SqliteStore& operator=(const SqliteStore&) = delete;

  Result<std::uint64_t> LastSeq() override;
  Status Append(const ledger::BatchView& batch,
                std::span<const ledger::StoredAccount> new_accounts) override;
  Status ReadFrom(std::uint64_t from_seq,
                  const std::function<Status(const ledger::BatchView&)>& visit) override;
  Result<std::uint64_t> CountAccounts() override;

 private:
  SqliteStore() = default;
  Status Prepare();
  Error SqlError(std::string_view what) const;
  // ROLLBACK after a failed statement inside Append; returns the error to report.
  Error RollbackWith(Error error);
  Status InsertAccount(const ledger::StoredAccount& a, std::uint64_t seq);
  void Checkpointer(int interval_ms);
  // After a commit: restarts the WAL when it has grown past wal_restart_pages (see there).
  void RestartWalIfLong();

  sqlite3* db_ = nullptr;
  sqlite3_stmt* begin_ = nullptr;
  sqlite3_stmt* commit_ = nullptr;
  sqlite3_stmt* rollback_ = nullptr;
  sqlite3_stmt* insert_batch_ = nullptr;
  sqlite3_stmt* insert_account_ = nullptr;
  sqlite3_stmt* last_seq_ = nullptr;
  sqlite3_stmt* read_from_ = nullptr;
  sqlite3_stmt* count_accounts_ = nullptr;

  // WAL pages after the last commit (sqlite3_wal_hook), and when the writer last tried a
  // RESTART checkpoint. Writer thread only.
  int wal_pages_ = 0;
  int wal_restart_pages_ = 0;  // 0: no restarts (no background checkpoints)
  std::chrono::steady_clock::time_point restart_tried_at_{};

  sqlite3* checkpoint_db_ = nullptr;  // the checkpointer's connection
  std::thread checkpointer_;
  std::mutex checkpoint_mu_;
  std::condition_variable checkpoint_stop_cv_;
  bool checkpoint_stop_ = false;                  // guarded by checkpoint_mu_
  std::atomic<std::uint64_t> appends_{0};         // batches appended since Open
};

// CRC-32 (IEEE 802.3, as zlib) of a batch body, stored beside it to detect corruption.
std::uint32_t Crc32(std::span<const std::uint8_t> data);

}  // namespace suanli::storage
