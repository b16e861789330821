#include "workflow/settlement_journal.h"

#include <boost/json.hpp>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <optional>
#include <vector>

namespace suanli::workflow {
namespace {

constexpr const char* kInsertSettlement =
    "INSERT OR IGNORE INTO settlements (transfer_id, voucher_id, provider_id, program_id, "
    "bill_no, bill_fen, deduction_fen, at_us, recovered) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9)";
// Rows per SQLite transaction at most: bounds how long the journal holds the write lock.
constexpr std::size_t kRowsPerTransactionMax = 4096;
constexpr int kJournalCheckpointPages = 128;

}  // namespace

Result<std::unique_ptr<SettlementJournal>> SettlementJournal::Open(
    const std::string& db_path, std::shared_ptr<audit::AnchorFile> anchor_file) {
  // synchronous=NORMAL: the ledger already made the settlement durable; this is an index. A
  // power cut can lose the last batches' rows and audit entries together (never one without
  // the other: one transaction); start-up rebuilds them from the ledger.
  SUANLI_ASSIGN(auto db, storage::Db::Open(storage::DbOptions{db_path, false, false}));
  // Checkpoints of platform.db's WAL come mostly from this connection's commits. Small ones
  // (512 KiB, not SQLite's 4 MiB) keep each checkpoint's fdatasync near a millisecond, so the
  // ledger's fsyncs, which queue behind it on the same disk, are not held for 10 ms.
  SUANLI_TRY(db->Exec("PRAGMA wal_autocheckpoint=" + std::to_string(kJournalCheckpointPages)));
  SUANLI_ASSIGN(auto audit, audit::AuditWriter::Open(*db));
  return std::unique_ptr<SettlementJournal>(
      new SettlementJournal(std::move(db), std::move(audit), std::move(anchor_file)));
}

SettlementJournal::SettlementJournal(std::unique_ptr<storage::Db> db, audit::AuditWriter audit,
                                     std::shared_ptr<audit::AnchorFile> anchor_file)
    : db_(std::move(db)), audit_(std::move(audit)), anchor_file_(std::move(anchor_file)) {
  thread_ = std::thread([this] { Run(); });
}

SettlementJournal::~SettlementJournal() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

void SettlementJournal::Enqueue(JournalRow row) {
  bool wake = false;
  {
    std::lock_guard lock(mu_);
    if (queue_.empty()) {
      first_queued_at_ = std::chrono::steady_clock::now();
      wake = true;  // starts the gather window
    }
    queue_.push_back(std::move(row));
    ++enqueued_;
    wake = wake || queue_.size() == kRowsPerTransactionMax;
  }
  if (wake) wake_.notify_one();
}

bool SettlementJournal::RowsDue(std::chrono::steady_clock::time_point now) const {
  if (queue_.empty()) return false;
  return stopping_ || queue_.size() >= kRowsPerTransactionMax || anchor_target_ > written_count_ ||
         !checks_.empty() || now >= first_queued_at_ + kGatherWindow;
}

void SettlementJournal::CheckReplay(std::int64_t transfer_id, std::string bill_no,
                                    ReplayCheckDone done) {
  {
    std::lock_guard lock(mu_);
    checks_.push_back(ReplayCheck{enqueued_, transfer_id, std::move(bill_no), std::move(done)});
  }
  wake_.notify_one();
}

Result<bool> SettlementJournal::SameBill(const ReplayCheck& check) {
  SUANLI_ASSIGN(auto q, db_->Prepare("SELECT bill_no, recovered FROM settlements "
                                     "WHERE transfer_id = ?1"));
  q.Bind(1, check.transfer_id);
  SUANLI_ASSIGN(const bool found, q.Step());
  if (!found) {
    // Its write failed (logged); start-up rebuilds it from the ledger. Until then the replay
    // cannot be told from another bill under the same key: a retryable 503, not a 404.
    return MakeError(ErrorCode::kIo, "Idempotency-Key",
                     "the first settlement under this key is not recorded yet; retry later");
  }
  return q.Int(1) != 0 || q.Text(0) == check.bill_no;
}

Status SettlementJournal::Flush() {
  std::unique_lock lock(mu_);
  const std::uint64_t target = enqueued_;
  anchor_target_ = std::max(anchor_target_, target);
  wake_.notify_one();
  written_.wait(lock, [&] {
    return (written_count_ >= target && anchored_count_ >= target) || !last_error_.ok();
  });
  return last_error_;
}

void SettlementJournal::WaitForWork(std::unique_lock<std::mutex>& lock) {
  using Clock = std::chrono::steady_clock;
  const auto ready = [&] {
    const auto now = Clock::now();
    return stopping_ || RowsDue(now) || anchor_target_ > anchored_count_ ||
           (!checks_.empty() && checks_.front().after_rows <= written_count_) ||
           (unanchored_ && now >= last_anchor_at_ + kAnchorInterval);
  };
  // The deadline is taken again after every wake-up: the first row of a gather window usually
  // arrives while the journal sleeps with nothing queued (no deadline), and waiting on for the
  // next notification (only a full queue, a Flush or a replay check sends one) left quiet-hour
  // rows in memory, unwritten and unanchored, until the next busy minute or shutdown.
  while (!ready()) {
    Clock::time_point deadline = Clock::time_point::max();
    if (!queue_.empty()) deadline = first_queued_at_ + kGatherWindow;
    if (unanchored_) deadline = std::min(deadline, last_anchor_at_ + kAnchorInterval);
    if (deadline == Clock::time_point::max()) {
      wake_.wait(lock);
    } else {
      wake_.wait_until(lock, deadline);
    }
  }
}

void SettlementJournal::Run() {
  std::unique_lock lock(mu_);
  using Clock = std::chrono::steady_clock;
  while (true) {
    WaitForWork(lock);
    if (RowsDue(Clock::now())) {
      std::deque<JournalRow> batch;
      while (!queue_.empty() && batch.size() < kRowsPerTransactionMax) {
        batch.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
      lock.unlock();
      std::optional<audit::AuditEntry> last;
      Status s = WriteBatch(batch, &last);
      lock.lock();
      if (!s.ok()) {
        spdlog::error("settlement journal: {} (rows are rebuilt from the ledger at start-up)",
                      s.error().ToString());
        last_error_ = s;
      }
      written_count_ += batch.size();
      if (last) unanchored_ = audit::Anchor{last->seq, last->hash};
    }
    if (!unanchored_) {
      anchored_count_ = written_count_;  // nothing written since the last anchor needs one
    } else if (anchor_target_ > anchored_count_ || stopping_ ||
               std::chrono::steady_clock::now() >= last_anchor_at_ + kAnchorInterval) {
      const audit::Anchor anchor = *unanchored_;
      const std::uint64_t covered = written_count_;
      unanchored_.reset();
      last_anchor_at_ = std::chrono::steady_clock::now();
      lock.unlock();
      // This connection commits with synchronous=NORMAL: the entries the anchor names may not
      // be on disk yet, and an anchor that outlives them (a power cut) would make verify report
      // entries removed. So their WAL is synced first; without that, no anchor.
      Status s = db_->SyncWal();
      if (s.ok()) s = anchor_file_->Advance(anchor);
      lock.lock();
      if (!s.ok()) {
        // The log is intact without it; verify only protects less of it until the next one.
        spdlog::error("settlement journal: anchor not written: {}", s.error().ToString());
      }
      anchored_count_ = std::max(anchored_count_, covered);
    }
    written_.notify_all();
    // Replay checks whose rows are written (or whose write failed: SameBill says not found).
    while (!checks_.empty() && checks_.front().after_rows <= written_count_) {
      ReplayCheck check = std::move(checks_.front());
      checks_.pop_front();
      lock.unlock();
      check.done(SameBill(check));
      lock.lock();
    }
    if (stopping_ && queue_.empty() && !unanchored_ && checks_.empty()) return;
  }
}

namespace {

// Settlements per audit entry at most: the entry's detail lists their transfer ids, which must
// stay within audit::kDetailBytesMax (1,024 ids of up to 20 digits: ≤ 22 KB).
constexpr std::size_t kSettlementsPerEntryMax = 1024;

std::string Quoted(std::string_view text) {
  return boost::json::serialize(boost::json::string(text));
}

// One settlement as the audit entry's "after" lists it: every field the row holds, and who
// posted it.
void AppendRowJson(const JournalRow& r, std::string* out) {
  out->append(out->empty() ? "[" : ",");
  out->append("{\"transfer_id\":").append(std::to_string(r.transfer_id));
  out->append(",\"actor\":").append(Quoted(r.actor));
  out->append(",\"voucher_id\":").append(std::to_string(r.voucher_id));
  out->append(",\"provider_id\":").append(std::to_string(r.provider_id));
  out->append(",\"program_id\":").append(Quoted(r.program_id));
  out->append(",\"bill_no\":").append(Quoted(r.bill_no));
  out->append(",\"bill_fen\":").append(std::to_string(r.bill_fen));
  out->append(",\"deduction_fen\":").append(std::to_string(r.deduction_fen));
  out->append(",\"at_us\":").append(std::to_string(r.at_us));
  out->append(r.recovered ? ",\"recovered\":true}" : ",\"recovered\":false}");
}

// The settlements one audit entry covers, gathered while their rows are inserted.
class EntryBuilder {
 public:
  bool empty() const { return ids_.empty(); }
  std::size_t size() const { return ids_.size(); }
  bool recovered() const { return recovered_; }

  void Add(const JournalRow& r) {
    if (ids_.empty()) recovered_ = r.recovered;
    AppendRowJson(r, &rows_json_);
    ids_.push_back(r.transfer_id);
    deduction_fen_ += r.deduction_fen;
    at_us_ = std::max(at_us_, r.at_us);
  }

  // Appends the entry and starts over.
  Result<audit::AuditEntry> AppendTo(audit::AuditWriter& audit) {
    std::string detail = "{\"count\":" + std::to_string(ids_.size()) +
                         ",\"deduction_fen\":" + std::to_string(deduction_fen_) +
                         ",\"transfer_ids\":[";
    for (std::size_t i = 0; i < ids_.size(); ++i) {
      if (i > 0) detail += ',';
      detail += std::to_string(ids_[i]);
    }
    detail += "]}";
    rows_json_ += "]";
    const auto [low, high] = std::minmax_element(ids_.begin(), ids_.end());
    Result<audit::AuditEntry> entry = audit.Append(
        Instant::FromMicros(at_us_),
        audit::AuditRecord{.actor = "system",
                           .action = recovered_ ? "settlement.recover" : "settlement.post",
                           .object = "settlements/" + std::to_string(*low) + "-" +
                                     std::to_string(*high),
                           .before_json = "",
                           .after_json = std::move(rows_json_),
                           .detail_json = std::move(detail)});
    *this = EntryBuilder();
    return entry;
  }

 private:
  std::vector<std::int64_t> ids_;
  std::string rows_json_;
  std::int64_t deduction_fen_ = 0;
  std::int64_t at_us_ = 0;
  bool recovered_ = false;
};

}  // namespace

// Each settlement row the batch adds is also listed in an audit entry of the same transaction:
// one entry per up to kSettlementsPerEntryMax rows (one per row would cost more CPU than the
// settlement itself: an audit row with its indexes is ≈ 12 µs here, against ≈ 0.7 µs for
// listing a row). A row already present (start-up recovery re-checks written ones) was
// listed when it was written.
Status SettlementJournal::WriteBatch(std::deque<JournalRow>& rows,
                                     std::optional<audit::AuditEntry>* last_entry) {
  SUANLI_ASSIGN(auto tx, storage::Transaction::Begin(*db_));
  SUANLI_ASSIGN(auto insert, db_->Prepare(kInsertSettlement));
  std::optional<audit::AuditEntry> last;
  EntryBuilder entry;
  for (const JournalRow& r : rows) {
    insert.Reset();
    insert.Bind(1, r.transfer_id).Bind(2, r.voucher_id).Bind(3, r.provider_id);
    insert.Bind(4, r.program_id).Bind(5, r.bill_no).Bind(6, r.bill_fen);
    insert.Bind(7, r.deduction_fen).Bind(8, r.at_us).Bind(9, std::int64_t{r.recovered ? 1 : 0});
    SUANLI_TRY(insert.Run());
    if (db_->Changes() == 0) continue;
    if (!entry.empty() &&
        (entry.size() == kSettlementsPerEntryMax || entry.recovered() != r.recovered)) {
      SUANLI_ASSIGN(last, entry.AppendTo(audit_));
    }
    entry.Add(r);
  }
  if (!entry.empty()) {
    SUANLI_ASSIGN(last, entry.AppendTo(audit_));
  }
  SUANLI_TRY(tx.Commit());
  *last_entry = std::move(last);
  return OkStatus();
}

}  // namespace suanli::workflow
