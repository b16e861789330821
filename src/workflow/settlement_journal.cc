#include "workflow/settlement_journal.h"

#include <spdlog/spdlog.h>

namespace suanli::workflow {
namespace {

constexpr const char* kInsertSettlement =
    "INSERT OR IGNORE INTO settlements (transfer_id, voucher_id, provider_id, program_id, "
    "bill_no, bill_fen, deduction_fen, at_us, recovered) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9)";
// Rows per SQLite transaction at most: bounds how long the journal holds the write lock.
constexpr std::size_t kRowsPerTransactionMax = 4096;

}  // namespace

Result<std::unique_ptr<SettlementJournal>> SettlementJournal::Open(const std::string& db_path) {
  // synchronous=NORMAL: the ledger already made the settlement durable; this is an index.
  SUANLI_ASSIGN(auto db, storage::Db::Open(storage::DbOptions{db_path, false, false}));
  return std::unique_ptr<SettlementJournal>(new SettlementJournal(std::move(db)));
}

SettlementJournal::SettlementJournal(std::unique_ptr<storage::Db> db) : db_(std::move(db)) {
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
  {
    std::lock_guard lock(mu_);
    queue_.push_back(std::move(row));
    ++enqueued_;
  }
  wake_.notify_one();
}

Status SettlementJournal::Flush() {
  std::unique_lock lock(mu_);
  const std::uint64_t target = enqueued_;
  written_.wait(lock, [&] { return written_count_ >= target || !last_error_.ok(); });
  return last_error_;
}

void SettlementJournal::Run() {
  std::unique_lock lock(mu_);
  while (true) {
    wake_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
    if (queue_.empty() && stopping_) return;
    std::deque<JournalRow> batch;
    while (!queue_.empty() && batch.size() < kRowsPerTransactionMax) {
      batch.push_back(std::move(queue_.front()));
      queue_.pop_front();
    }
    lock.unlock();
    Status s = WriteBatch(batch);
    lock.lock();
    if (!s.ok()) {
      spdlog::error("settlement journal: {} (rows are rebuilt from the ledger at start-up)",
                    s.error().ToString());
      last_error_ = s;
    }
    written_count_ += batch.size();
    written_.notify_all();
  }
}

Status SettlementJournal::WriteBatch(std::deque<JournalRow>& rows) {
  SUANLI_ASSIGN(auto tx, storage::Transaction::Begin(*db_));
  SUANLI_ASSIGN(auto insert, db_->Prepare(kInsertSettlement));
  for (const JournalRow& r : rows) {
    insert.Reset();
    insert.Bind(1, r.transfer_id).Bind(2, r.voucher_id).Bind(3, r.provider_id);
    insert.Bind(4, r.program_id).Bind(5, r.bill_no).Bind(6, r.bill_fen);
    insert.Bind(7, r.deduction_fen).Bind(8, r.at_us).Bind(9, std::int64_t{r.recovered ? 1 : 0});
    SUANLI_TRY(insert.Run());
  }
  return tx.Commit();
}

}  // namespace suanli::workflow
