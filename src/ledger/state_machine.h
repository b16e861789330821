// The ledger's deterministic core: in-memory accounts, transfers, pending holds and idempotency
// indexes, with no threads, no clock and no I/O. The writer (ledger.cc) drives it one batch at
// a time: BeginBatch, Apply* per request, CheckBatchInvariants, then CommitBatch once the body
// is durable or RollbackBatch if it is not. Replay() applies a stored body during recovery.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <queue>
#include <span>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/unordered/unordered_flat_map.hpp>

#include "core/cst_time.h"
#include "core/result.h"
#include "ledger/batch_codec.h"
#include "ledger/key_index.h"
#include "ledger/segmented_vector.h"
#include "ledger/ledger.h"
#include "ledger/store.h"

namespace suanli::ledger {

// Auto-voids of expired holds per batch: bounds the time a batch spends on them; the rest
// are voided by the next batches (a post arriving late still gets pending_expired).
inline constexpr std::size_t kAutoVoidsPerBatchMax = 4096;
// Ids are dense uint32 indexes internally: 4 billion accounts or transfers per ledger.
inline constexpr std::uint64_t kIdsMax = UINT32_MAX - 1;

class StateMachine {
 public:
  StateMachine();

  // ---- One batch: Begin, Apply..., CheckBatchInvariants, then Commit or Rollback. A batch
  // can instead be sealed (CheckBatchInvariants, Seal) and the next one begun while the
  // sealed one is being made durable (pipelining); the sealed batch is then committed
  // (CommitSealed) or, after the open one is rolled back, rolled back too (RollbackSealed).
  // Starts batch `seq` (last committed or sealed seq + 1) at time `now`; voids up to
  // kAutoVoidsPerBatchMax expired holds.
  void BeginBatch(std::uint64_t seq, Instant now);
  // Applies one request; out must have specs.size() elements. Linked chains are atomic.
  void ApplyAccounts(std::span<const AccountSpec> specs, std::span<AccountOutcome> out);
  void ApplyTransfers(std::span<const TransferSpec> specs, std::span<TransferOutcome> out);
  // Aborts (CHECK) when an invariant fails for anything the open batch touched.
  void CheckBatchInvariants() const;
  // The open batch's invariant violations, described; empty when all hold. Replay uses it: a
  // stored batch that breaks them is a corrupt store (kIo), not a bug to abort on.
  std::vector<std::string> BatchViolations() const;
  // True when the open batch changed nothing (then there is nothing to append).
  bool batch_empty() const { return open_->body.size() == 1; }
  BatchView batch() const;
  const std::vector<StoredAccount>& batch_new_accounts() const { return open_->new_accounts; }
  std::uint64_t batch_events() const { return open_->events; }
  void CommitBatch();  // Seal + CommitSealed
  void RollbackBatch();  // the open batch
  // Ends an open batch that changed nothing (batch_empty()) without consuming its seq.
  void AbandonEmptyBatch();

  void Seal();
  bool has_sealed() const { return sealed_ != nullptr; }
  BatchView sealed_batch() const;
  const std::vector<StoredAccount>& sealed_new_accounts() const;
  void CommitSealed();
  void RollbackSealed();  // only with no open batch

  // Sizes the idempotency indexes for this many keys in total (no rehash below that).
  void Reserve(std::size_t accounts, std::size_t transfers) {
    account_index_.Reserve(accounts);
    transfer_index_.Reserve(transfers);
  }

  // ---- Recovery. Applies a stored batch (seq must be last_seq()+1). Errors: kIo if the body
  // is malformed or inconsistent with the state (a corrupt store).
  Status Replay(const BatchView& batch);

  // ---- Queries on the current state (between batches).
  InvariantReport CheckAll() const;
  std::optional<Account> GetAccount(AccountId id) const;
  std::optional<Account> GetAccountByKey(std::string_view key) const;
  std::optional<Transfer> GetTransfer(TransferId id) const;
  std::optional<Transfer> GetTransferByKey(std::string_view key) const;
  std::uint64_t last_seq() const { return last_seq_; }
  std::uint64_t account_count() const { return accounts_.size(); }
  std::uint64_t transfer_count() const { return transfers_.size(); }

 private:
  // What a transfer reads and writes: one cache line, so a deduction against a random one of
  // 10^7 vouchers costs one miss. The rest of the account lives in AccountCold.
  struct alignas(64) AccountRow {
    std::int64_t debits_posted = 0;
    std::int64_t credits_posted = 0;
    std::int64_t debits_pending = 0;
    std::int64_t credits_pending = 0;
    std::int64_t ceiling = 0;
    std::int64_t expires_at_us = 0;
    std::uint32_t ledger = 0;
    std::uint32_t cap_group = 0;  // AccountId value of the group, 0 = none
    std::uint32_t ledger_slot = 0;
    std::uint16_t flags = 0;
    std::uint8_t kind = 0;
  };
  static_assert(sizeof(AccountRow) == 64);
  struct AccountCold {
    std::int64_t group_credits = 0;  // kCapGroup: members' credits_posted + credits_pending
    std::int64_t timestamp_us = 0;
    std::uint64_t user_data = 0;
    std::uint64_t key_ref = 0;
    std::uint8_t key_len = 0;
  };
  struct TransferRow {
    std::int64_t amount = 0;
    std::int64_t requested_amount = 0;
    std::int64_t timestamp_us = 0;
    std::uint64_t user_data = 0;
    std::uint64_t key_ref = 0;
    std::uint32_t debit = 0;   // AccountId values
    std::uint32_t credit = 0;
    std::uint32_t pending_id = 0;
    std::uint32_t ledger = 0;
    std::uint32_t timeout_s = 0;
    std::uint16_t code = 0;
    std::uint16_t flags = 0;
    std::uint8_t key_len = 0;
    std::uint8_t state = 0;
  };
  struct LedgerTotals {
    std::uint32_t ledger = 0;
    std::int64_t debits_posted = 0;
    std::int64_t credits_posted = 0;
    std::int64_t debits_pending = 0;
    std::int64_t credits_pending = 0;
    std::int64_t open_pending = 0;  // sum of open pending transfers' amounts (invariant 5)
  };
  // One undo step. kAccount/kGroup/kTotals restore a snapshot (balances, a cap group's total,
  // a ledger's totals); kState restores a transfer's state.
  struct Undo {
    enum Kind : std::uint8_t { kAccount, kGroup, kTotals, kState } kind;
    std::uint32_t index;
    std::int64_t v[5];
  };
  struct Savepoint {
    std::size_t undo, accounts, transfers, body, new_accounts;
    std::uint64_t account_keys, transfer_keys;
    std::int64_t last_ts_us;
  };
  // A transfer's effect, validated (live) or decoded (replay).
  struct Effect {
    std::uint32_t debit = 0, credit = 0, pending = 0;  // pending: the resolved hold's id
    std::int64_t amount = 0;
  };

  // Everything one batch needs until it is committed or rolled back.
  struct Batch {
    std::uint64_t seq = 0;
    std::int64_t ts_us = 0;
    std::vector<Undo> undo;
    std::vector<std::uint8_t> body;
    std::vector<StoredAccount> new_accounts;
    // Deadlines popped by this batch's auto-voids: pushed back if the batch rolls back.
    std::vector<std::pair<std::int64_t, std::uint32_t>> popped_deadlines;
    std::uint64_t events = 0;
    Savepoint start{};
  };

  void StartBatch(std::uint64_t seq, std::int64_t ts_us);
  Savepoint Mark() const;
  void RollbackTo(Batch& b, const Savepoint& sp);
  void Rollback(Batch* b);
  std::int64_t NextTimestamp();

  ResultCode ApplyAccount(const AccountSpec& spec, AccountOutcome* out);
  ResultCode ValidateAccount(const AccountSpec& spec) const;
  std::string_view AccountDiff(const AccountSpec& spec, std::uint32_t index) const;
  void CreateAccount(const AccountSpec& spec, std::int64_t ts_us);

  // Events ahead whose key slot and account rows are prefetched while the current one applies.
  static constexpr std::size_t kPrefetchDistance = 8;
  // Prefetches what applying `spec` will touch; returns the hash of its key.
  std::uint64_t Prefetch(const TransferSpec& spec) const;
  ResultCode ApplyTransfer(const TransferSpec& spec, std::uint64_t key_hash, TransferOutcome* out);
  std::string_view TransferDiff(const TransferSpec& spec, const TransferRow& row) const;
  ResultCode ValidateFlags(const TransferSpec& spec) const;
  ResultCode ValidateNew(const TransferSpec& spec, std::int64_t ts_us, Effect* effect) const;
  ResultCode ValidateResolve(const TransferSpec& spec, std::int64_t ts_us, Effect* effect) const;
  // Applies an effect (live or replay); returns false on overflow, having changed nothing.
  bool ApplyNewEffect(const Effect& e, bool pending);
  bool ApplyResolveEffect(const Effect& e, std::uint8_t new_state);
  // Stores a transfer (spec's fields but `key`, which is passed separately) and indexes it.
  std::uint32_t AddTransferRow(std::string_view key, std::uint64_t hash, const TransferSpec& spec,
                               const Effect& e, std::int64_t ts_us, std::uint8_t state);
  void EncodeTransfer(const TransferRow& row);
  void AutoVoidExpired(std::int64_t now_us);

  void SnapshotAccount(std::uint32_t index);
  void SnapshotGroup(std::uint32_t index);
  void SnapshotTotals(std::uint32_t slot);
  void SetState(std::uint32_t transfer_index, std::uint8_t state);
  std::uint32_t TotalsSlot(std::uint32_t ledger);
  // Appends a description of each invariant (2)–(4) that account `index` breaks.
  void AccountViolations(std::uint32_t index, std::vector<std::string>* out) const;
  void TotalsViolations(const LedgerTotals& t, std::vector<std::string>* out) const;

  Status ReplayAccount(codec::Reader& r, std::int64_t base_us);
  Status ReplayTransfer(codec::Reader& r, std::int64_t base_us);
  Status ReplayAutoVoid(codec::Reader& r, std::int64_t base_us);

  Account ToAccount(std::uint32_t index) const;
  Transfer ToTransfer(std::uint32_t index) const;
  std::string_view AccountKey(std::uint32_t index) const {
    return account_keys_.Get(cold_[index].key_ref, cold_[index].key_len);
  }
  std::string_view TransferKey(std::uint32_t index) const {
    return transfer_keys_.Get(transfers_[index].key_ref, transfers_[index].key_len);
  }

  SegmentedVector<AccountRow> accounts_;
  SegmentedVector<AccountCold> cold_;  // parallel to accounts_
  SegmentedVector<TransferRow> transfers_;
  std::vector<LedgerTotals> totals_;
  boost::unordered_flat_map<std::uint32_t, std::uint32_t> totals_slot_;  // ledger → slot
  KeyArena account_keys_, transfer_keys_;
  KeyIndex account_index_, transfer_index_;
  // (deadline_us, transfer index) of holds with a timeout; stale entries are skipped.
  std::priority_queue<std::pair<std::int64_t, std::uint32_t>,
                      std::vector<std::pair<std::int64_t, std::uint32_t>>, std::greater<>>
      deadlines_;

  // Batches: at most one open (being applied) and one sealed (being made durable).
  std::uint64_t last_seq_ = 0;  // the last committed batch
  std::int64_t last_ts_us_ = 0;
  Batch batches_[2];
  Batch* open_ = nullptr;
  Batch* sealed_ = nullptr;
};

}  // namespace suanli::ledger
