// The SQLite comparator: the same voucher deduction as ledger_bench, written the way an
// application on SQLite would write it — ONE transaction per deduction, WAL, synchronous=FULL:
//
//   BEGIN IMMEDIATE;                                    -- take the write lock first
//   SELECT remaining_fen FROM vouchers WHERE id = ?;    -- deducted = min(bill / 2, remaining)
//   UPDATE vouchers SET remaining_fen = remaining_fen - ? WHERE id = ?;
//   INSERT INTO settlements (idem_key, ...) VALUES (?, ...);  -- UNIQUE refuses a replay
//   COMMIT;                                             -- fsync of the WAL
//
// Each client thread has its own connection. SQLite admits one writer at a time; left to its
// busy handler, waiting writers sleep and retry (1, 2, 5, 10 ... ms), which costs far more
// than the lock itself. So that the comparator shows SQLite at its best, clients queue on an
// in-process mutex for the transaction instead (busy_timeout stays as a safety net). Latency is
// measured from the start of the wait to the COMMIT's return.
//
// Prints one RESULT line (bench_util.h) and checks afterwards that the money adds up.
#include <sqlite3.h>

#include <CLI/CLI.hpp>
#include <atomic>
#include <filesystem>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "bench/bench_util.h"

namespace suanli::bench {
namespace {

struct Options {
  std::string db_path;
  std::int64_t vouchers = 10'000;
  int clients = 1;
  double seconds = 5.0;
  std::int64_t deductions_max = 50'000'000;  // a bound on the run besides its duration
  std::uint64_t seed = 1;
  bool busy_handler_only = false;  // queue on SQLite's busy handler instead of the mutex
};

void Exec(sqlite3* db, const char* sql) {
  char* err = nullptr;
  if (sqlite3_exec(db, sql, nullptr, nullptr, &err) != SQLITE_OK) {
    std::fprintf(stderr, "sqlite: %s: %s\n", sql, err ? err : "?");
    std::abort();
  }
}

sqlite3* Open(const std::string& path) {
  sqlite3* db = nullptr;
  SUANLI_CHECK(sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
                                                      SQLITE_OPEN_NOMUTEX,
                               nullptr) == SQLITE_OK);
  // The busy timeout first: with 64 connections opening while others write, even a PRAGMA can
  // meet a lock. journal_mode=WAL is persistent, so only CreateAndLoad sets it.
  SUANLI_CHECK(sqlite3_busy_timeout(db, 10'000) == SQLITE_OK);
  Exec(db, "PRAGMA synchronous=FULL");  // per connection: every COMMIT fsyncs the WAL
  return db;
}

sqlite3_stmt* Prepare(sqlite3* db, const char* sql) {
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v3(db, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, nullptr) != SQLITE_OK) {
    std::fprintf(stderr, "sqlite: prepare %s: %s\n", sql, sqlite3_errmsg(db));
    std::abort();
  }
  return stmt;
}

void Step(sqlite3* db, sqlite3_stmt* stmt, int want) {
  const int rc = sqlite3_step(stmt);
  if (rc != want) {
    std::fprintf(stderr, "sqlite: step: %s\n", sqlite3_errmsg(db));
    std::abort();
  }
  sqlite3_reset(stmt);
}

void CreateAndLoad(const Options& o) {
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(o.db_path + suffix);
  sqlite3* db = Open(o.db_path);
  Exec(db, "PRAGMA journal_mode=WAL");
  Exec(db,
       "CREATE TABLE vouchers (id INTEGER PRIMARY KEY,"
       " remaining_fen INTEGER NOT NULL CHECK (remaining_fen >= 0));"
       "CREATE TABLE settlements (id INTEGER PRIMARY KEY, idem_key TEXT NOT NULL UNIQUE,"
       " voucher_id INTEGER NOT NULL, bill_fen INTEGER NOT NULL,"
       " deducted_fen INTEGER NOT NULL, at_us INTEGER NOT NULL);");
  Exec(db, "BEGIN");
  sqlite3_stmt* ins = Prepare(db, "INSERT INTO vouchers (id, remaining_fen) VALUES (?, ?)");
  for (std::int64_t id = 1; id <= o.vouchers; ++id) {
    sqlite3_bind_int64(ins, 1, id);
    sqlite3_bind_int64(ins, 2, kVoucherFenInitial);
    Step(db, ins, SQLITE_DONE);
  }
  sqlite3_finalize(ins);
  Exec(db, "COMMIT");
  Exec(db, "PRAGMA wal_checkpoint(TRUNCATE)");
  sqlite3_close(db);
}

struct Shared {
  std::mutex writer_mutex;  // see the file comment: SQLite's one writer, queued in-process
  std::atomic<bool> stop{false};
  std::atomic<std::int64_t> deductions{0};
};

void Client(const Options& o, int client, Shared& shared, Latencies& lat, Clock::time_point end) {
  sqlite3* db = Open(o.db_path);
  sqlite3_stmt* begin = Prepare(db, "BEGIN IMMEDIATE");
  sqlite3_stmt* select = Prepare(db, "SELECT remaining_fen FROM vouchers WHERE id = ?");
  sqlite3_stmt* update =
      Prepare(db, "UPDATE vouchers SET remaining_fen = remaining_fen - ? WHERE id = ?");
  sqlite3_stmt* insert = Prepare(db,
                                 "INSERT INTO settlements (idem_key, voucher_id, bill_fen,"
                                 " deducted_fen, at_us) VALUES (?, ?, ?, ?, ?)");
  sqlite3_stmt* commit = Prepare(db, "COMMIT");
  Random rng(o.seed * 1'000'003 + static_cast<std::uint64_t>(client));
  std::int64_t n = 0;
  while (!shared.stop.load(std::memory_order_relaxed) && !lat.Full()) {
    const std::int64_t voucher = rng.Between(1, o.vouchers);
    const std::int64_t bill_fen = rng.Between(kBillFenMin, kBillFenMax);
    const std::string key = "sq-" + std::to_string(o.seed) + "-" + std::to_string(client) + "-" +
                            std::to_string(++n);
    const auto t0 = Clock::now();
    {
      std::unique_lock lock(shared.writer_mutex, std::defer_lock);
      if (!o.busy_handler_only) lock.lock();
      Step(db, begin, SQLITE_DONE);
      sqlite3_bind_int64(select, 1, voucher);
      SUANLI_CHECK(sqlite3_step(select) == SQLITE_ROW);
      const std::int64_t remaining_fen = sqlite3_column_int64(select, 0);
      sqlite3_reset(select);
      const std::int64_t deducted_fen = std::min(bill_fen / 2, remaining_fen);  // round down
      sqlite3_bind_int64(update, 1, deducted_fen);
      sqlite3_bind_int64(update, 2, voucher);
      Step(db, update, SQLITE_DONE);
      sqlite3_bind_text(insert, 1, key.data(), static_cast<int>(key.size()), SQLITE_TRANSIENT);
      sqlite3_bind_int64(insert, 2, voucher);
      sqlite3_bind_int64(insert, 3, bill_fen);
      sqlite3_bind_int64(insert, 4, deducted_fen);
      sqlite3_bind_int64(insert, 5,
                         std::chrono::duration_cast<std::chrono::microseconds>(
                             std::chrono::system_clock::now().time_since_epoch())
                             .count());
      Step(db, insert, SQLITE_DONE);
      Step(db, commit, SQLITE_DONE);
    }
    const auto t1 = Clock::now();
    lat.Add(t1 - t0);
    if (shared.deductions.fetch_add(1, std::memory_order_relaxed) + 1 >= o.deductions_max ||
        t1 >= end) {
      shared.stop.store(true);
    }
  }
  for (auto* s : {begin, select, update, insert, commit}) sqlite3_finalize(s);
  sqlite3_close(db);
}

// The money adds up: what the vouchers lost is what the settlements record, row for row.
void Verify(const Options& o, std::int64_t deductions) {
  sqlite3* db = Open(o.db_path);
  sqlite3_stmt* q = Prepare(db,
                            "SELECT (SELECT ? * count(*) - sum(remaining_fen) FROM vouchers),"
                            " (SELECT coalesce(sum(deducted_fen), 0) FROM settlements),"
                            " (SELECT count(*) FROM settlements)");
  sqlite3_bind_int64(q, 1, kVoucherFenInitial);
  SUANLI_CHECK(sqlite3_step(q) == SQLITE_ROW);
  SUANLI_CHECK(sqlite3_column_int64(q, 0) == sqlite3_column_int64(q, 1));
  SUANLI_CHECK(sqlite3_column_int64(q, 2) == deductions);
  sqlite3_finalize(q);
  sqlite3_close(db);
}

int Run(const Options& o) {
  CreateAndLoad(o);
  Shared shared;
  std::vector<Latencies> lat(static_cast<std::size_t>(o.clients));
  for (auto& l : lat) l.Reserve(static_cast<std::size_t>(o.seconds * 20'000));
  const std::int64_t cpu0_us = ProcessCpuUs();
  const auto t0 = Clock::now();
  const auto end = t0 + std::chrono::duration_cast<Clock::duration>(
                            std::chrono::duration<double>(o.seconds));
  std::vector<std::thread> threads;
  for (int c = 0; c < o.clients; ++c) {
    threads.emplace_back(Client, std::cref(o), c, std::ref(shared),
                         std::ref(lat[static_cast<std::size_t>(c)]), end);
  }
  for (auto& t : threads) t.join();
  const double elapsed_s = Seconds(Clock::now() - t0);
  const std::int64_t cpu_us = ProcessCpuUs() - cpu0_us;
  const std::int64_t n = shared.deductions.load();
  Verify(o, n);
  const Percentiles p = ComputePercentiles(lat);
  std::printf(
      "RESULT system=sqlite vouchers=%lld clients=%d k=1 seconds=%.2f deductions=%lld failed=0 "
      "dps=%.1f p50_us=%u p99_us=%u max_us=%u cpu_us_per_deduction=%.2f\n",
      static_cast<long long>(o.vouchers), o.clients, elapsed_s, static_cast<long long>(n),
      static_cast<double>(n) / elapsed_s, p.p50_us, p.p99_us, p.max_us,
      static_cast<double>(cpu_us) / static_cast<double>(std::max<std::int64_t>(n, 1)));
  return 0;
}

}  // namespace
}  // namespace suanli::bench

int main(int argc, char** argv) {
  suanli::bench::Options o;
  CLI::App app{"SQLite comparator: one transaction per voucher deduction, WAL, synchronous=FULL"};
  app.add_option("--db", o.db_path, "database file (recreated)")->required();
  app.add_option("--vouchers", o.vouchers, "vouchers to load")->check(CLI::Range(1, 100'000'000));
  app.add_option("--clients", o.clients, "client threads")->check(CLI::Range(1, 256));
  app.add_option("--seconds", o.seconds, "run duration")->check(CLI::Range(0.1, 600.0));
  app.add_option("--deductions-max", o.deductions_max, "stop after this many deductions");
  app.add_option("--seed", o.seed, "random seed");
  app.add_flag("--busy-handler-only", o.busy_handler_only,
               "no in-process queue: waiting writers rely on SQLite's busy_timeout");
  CLI11_PARSE(app, argc, argv);
  return suanli::bench::Run(o);
}
