// The settlement journal: a background writer that records each durable settlement (bill
// number, bill amount, deduction) in platform.db's `settlements` table, many per transaction,
// so the hot path never waits on SQLite. The ledger is the truth: the reply is sent when the
// ledger transfer is durable, and rows a crash lost are rebuilt from the ledger at start-up
// (ledger::Ledger::ScanTransfers) with recovered = 1. The rows it adds are also listed, up to
// 1,024 per entry, in the hash-chained audit log in the same transaction ("settlement.post", or
// "settlement.recover" for rebuilt rows; each row with who posted it), and the anchor follows
// each batch (docs/audit.md, "Settlements").
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "audit/audit_log.h"
#include "core/result.h"
#include "storage/sqlite/db.h"

namespace suanli::workflow {

struct JournalRow {
  std::string actor;  // who posted the bill (Principal::Actor()); "system" when recovered
  std::int64_t transfer_id = 0;
  std::int64_t voucher_id = 0;
  std::int64_t provider_id = 0;
  std::string program_id;
  std::string bill_no;
  std::int64_t bill_fen = 0;
  std::int64_t deduction_fen = 0;
  std::int64_t at_us = 0;
  bool recovered = false;
};

class SettlementJournal {
 public:
  // Opens its own connection to `db_path` (WAL lets it write beside the workflow's), whose
  // audit_log must exist. The head of its entries goes to `anchor_file` at most once per
  // kAnchorInterval while settlements flow (an anchor costs three fsyncs, the WAL's, the
  // file's and its directory's, which the ledger's own fsyncs would otherwise queue behind), on
  // Flush, and when it stops.
  static Result<std::unique_ptr<SettlementJournal>> Open(
      const std::string& db_path, std::shared_ptr<audit::AnchorFile> anchor_file);
  ~SettlementJournal();  // writes what is queued and its anchor, then stops

  static constexpr std::chrono::milliseconds kAnchorInterval{1000};
  // How long rows gather before they are written, unless someone waits for them (Flush, a
  // replay check, stopping) or a transaction's worth is queued. A transaction per handful of
  // rows rewrote the same table and index pages each time: at 5,000 settlements/s the journal
  // wrote 27 MB/s to platform.db's WAL, and every checkpoint's 10 ms fdatasync held the
  // ledger's fsyncs behind it (paced settlement p99, docs/benchmarks-http.md).
  static constexpr std::chrono::milliseconds kGatherWindow{20};

  void Enqueue(JournalRow row);
  // Whether the settlement of ledger transfer `transfer_id` was posted with `bill_no`: for a
  // replayed settlement key, whose ledger transfer keeps the amounts but not the bill number.
  // A row rebuilt from the ledger (bill number unknown) matches any. Answered on the journal's
  // thread once every row enqueued before the call is written, so the first posting's row is
  // there; kIo when it is not (its write failed: rebuilt at start-up) or the read fails.
  using ReplayCheckDone = std::function<void(Result<bool>)>;
  void CheckReplay(std::int64_t transfer_id, std::string bill_no, ReplayCheckDone done);
  // Returns once every row enqueued before the call is written and its entries anchored (or
  // failed: the error).
  Status Flush();

 private:
  SettlementJournal(std::unique_ptr<storage::Db> db, audit::AuditWriter audit,
                    std::shared_ptr<audit::AnchorFile> anchor_file);
  void Run();
  // Returns (mu_ held through `lock`) once there is something to do: rows due, an anchor due or
  // asked for, a replay check answerable, or stopping.
  void WaitForWork(std::unique_lock<std::mutex>& lock);
  // Whether the queued rows are to be written now (see kGatherWindow). Under mu_.
  bool RowsDue(std::chrono::steady_clock::time_point now) const;
  // Writes the rows and their audit entries in one transaction; *last is the last entry
  // appended, if any.
  Status WriteBatch(std::deque<JournalRow>& rows, std::optional<audit::AuditEntry>* last);
  struct ReplayCheck {
    std::uint64_t after_rows;  // enqueued_ when asked: answered once these are written
    std::int64_t transfer_id;
    std::string bill_no;
    ReplayCheckDone done;
  };
  Result<bool> SameBill(const ReplayCheck& check);

  std::unique_ptr<storage::Db> db_;
  audit::AuditWriter audit_;  // on db_: the journal's entries chain with everyone else's
  const std::shared_ptr<audit::AnchorFile> anchor_file_;
  std::mutex mu_;
  std::condition_variable wake_, written_;
  std::deque<JournalRow> queue_;
  std::deque<ReplayCheck> checks_;  // in the order asked, so after_rows never decreases
  std::uint64_t enqueued_ = 0, written_count_ = 0;
  // Rows whose entries an anchor covers: every row written before the last anchor was taken.
  std::uint64_t anchored_count_ = 0;
  std::optional<audit::Anchor> unanchored_;  // the newest entry no anchor covers yet
  std::chrono::steady_clock::time_point last_anchor_at_{};
  std::chrono::steady_clock::time_point first_queued_at_{};  // when queue_ last became non-empty
  std::uint64_t anchor_target_ = 0;  // a Flush waits for rows up to here to be anchored
  Status last_error_ = OkStatus();
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace suanli::workflow
