// The public API of Suanli's double-entry ledger: account and transfer definitions, the stable
// numbered outcome codes, and the Ledger itself — one writer thread that applies queued
// requests in batches and makes each batch durable with one store transaction and one fsync
// before answering (docs/adr/0001-ledger-log-and-group-commit.md). Invariants: invariants.h.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <future>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/cst_time.h"
#include "core/ids.h"
#include "core/limits.h"
#include "core/result.h"
#include "ledger/store.h"

namespace suanli::ledger {

// The ledger number of Chinese yuan (amounts in fen). Other numbers are free for other units.
inline constexpr std::uint32_t kLedgerCny = 1;

// ---------------------------------------------------------------------------------------------
// Accounts

// What an account is for. Numbers are stored; append only.
enum class AccountKind : std::uint8_t {
  kFunder = 1,              // a funder's appropriation (central/provincial/city budget line)
  kPool = 2,                // a program's pool, one per funder
  kVoucher = 3,             // one enterprise's voucher; its grant is the credits ceiling
  kProviderReceivable = 4,  // what the program owes a compute provider
  kPayout = 5,              // money paid out to providers (the bank side)
  kLapsed = 6,              // amounts that lapsed at expiry, returned to the funder's books
  kCapGroup = 7,            // not a money account: a cap over the credits of its members
  kRecovery = 8,            // what an organisation must repay after a fraud finding
};
inline constexpr std::uint8_t kAccountKindMax = 8;

// Account flags (bit set). Unknown bits are refused (invalid_flags).
enum AccountFlag : std::uint16_t {
  kDebitsMustNotExceedCredits = 1u << 0,  // pools, vouchers, receivables: never overdrawn
  kCreditsMustNotExceedDebits = 1u << 1,  // funders seen from the credit side
};
inline constexpr std::uint16_t kAccountFlagsAll = 0x3;

// A request to create an account. `key` is the idempotency key (1..64 bytes): the same key
// with the same fields returns the original account (duplicate = true).
struct AccountSpec {
  std::string key;
  std::uint32_t ledger = 0;            // currency/ledger number, > 0 (1 = CNY)
  AccountKind kind = AccountKind::kPool;
  std::uint16_t flags = 0;
  // Upper bound on credits_posted + credits_pending; 0 = none. For a voucher: its grant.
  // For a kCapGroup account: the cap over the sum of its members' credits.
  std::int64_t credits_ceiling_fen = 0;
  AccountId cap_group_id;              // a kCapGroup account on the same ledger, or invalid
  Instant expires_at;                  // 0 = never; from then on debits need lapse/clawback
  std::uint64_t user_data = 0;         // opaque to the ledger (e.g. a VoucherId)
};

// An account as looked up: its definition and balances (all int64 fen, overflow-checked).
struct Account {
  AccountId id;
  std::string key;
  std::uint32_t ledger = 0;
  AccountKind kind = AccountKind::kPool;
  std::uint16_t flags = 0;
  std::int64_t credits_ceiling_fen = 0;
  AccountId cap_group_id;
  Instant expires_at;
  std::uint64_t user_data = 0;
  Instant timestamp;  // creation
  std::int64_t debits_posted_fen = 0;
  std::int64_t credits_posted_fen = 0;
  std::int64_t debits_pending_fen = 0;
  std::int64_t credits_pending_fen = 0;
  // kCapGroup only: sum of credits_posted + credits_pending over the members.
  std::int64_t cap_group_credits_fen = 0;

  // What a debit may still take from an account with kDebitsMustNotExceedCredits.
  std::int64_t available_fen() const {
    return credits_posted_fen - debits_posted_fen - debits_pending_fen;
  }
};

// ---------------------------------------------------------------------------------------------
// Transfers

// Transfer flags (bit set). Unknown bits or impossible combinations → invalid_flags.
enum TransferFlag : std::uint16_t {
  kLinked = 1u << 0,          // succeeds or fails with the next transfer of the request
  kPending = 1u << 1,         // a hold: moves to the pending balances until posted/voided
  kPostPending = 1u << 2,     // posts pending_id (amount 0 = the full held amount)
  kVoidPending = 1u << 3,     // voids pending_id
  kBalancingDebit = 1u << 4,  // amount = min(amount, what the debit account can afford)
  kLapse = 1u << 5,           // allowed to debit an expired account (expiry lapse)
  kClawback = 1u << 6,        // allowed to debit an expired account (recovery of funds)
};
inline constexpr std::uint16_t kTransferFlagsAll = 0x7f;

struct TransferSpec {
  std::string key;                // idempotency key, 1..64 bytes
  AccountId debit_account_id;     // for post/void: invalid, or equal to the pending's
  AccountId credit_account_id;    // for post/void: invalid, or equal to the pending's
  std::int64_t amount_fen = 0;    // > 0; with kBalancingDebit the maximum; post: 0 = full
  std::uint32_t ledger = 0;       // must equal both accounts' ledger (post/void: 0 or same)
  std::uint16_t code = 0;         // the business reason (opaque to the ledger)
  std::uint16_t flags = 0;
  TransferId pending_id;          // for kPostPending / kVoidPending
  std::uint32_t timeout_s = 0;    // kPending only: auto-void after this many seconds; 0 = never
  std::uint64_t user_data = 0;    // opaque (e.g. a bill id)
};

// The common transfer: `amount_fen` from `debit` to `credit` on `ledger`, with `flags`.
inline TransferSpec MakeTransfer(std::string key, AccountId debit, AccountId credit,
                                 std::int64_t amount_fen, std::uint32_t ledger,
                                 std::uint16_t flags = 0) {
  TransferSpec t;
  t.key = std::move(key);
  t.debit_account_id = debit;
  t.credit_account_id = credit;
  t.amount_fen = amount_fen;
  t.ledger = ledger;
  t.flags = flags;
  return t;
}

// The state of a stored transfer.
enum class TransferState : std::uint8_t {
  kPosted = 1,         // an ordinary transfer, or a post/void/auto-void record itself
  kPending = 2,        // a hold not yet resolved
  kPendingPosted = 3,
  kPendingVoided = 4,  // voided by a client
  kPendingExpired = 5, // auto-voided by its timeout
};

struct Transfer {
  TransferId id;
  std::string key;                // empty for an auto-void record
  AccountId debit_account_id;
  AccountId credit_account_id;
  std::int64_t amount_fen = 0;    // as applied (after balancing / partial post)
  std::int64_t requested_amount_fen = 0;
  std::uint32_t ledger = 0;
  std::uint16_t code = 0;
  std::uint16_t flags = 0;
  TransferId pending_id;
  std::uint32_t timeout_s = 0;
  std::uint64_t user_data = 0;
  Instant timestamp;
  TransferState state = TransferState::kPosted;
};

// ---------------------------------------------------------------------------------------------
// Outcomes: stable numbers (logs, API, audits). Append only; never renumber.

enum class ResultCode : std::uint16_t {
  kOk = 0,
  kLinkedEventFailed = 1,        // another event of this linked chain failed
  kLinkedEventChainOpen = 2,     // the request's last event has kLinked set
  kExistsWithDifferentFields = 3,// key already used with other content; `field` names it
  kKeyInvalid = 4,               // key empty or longer than 64 bytes
  kInvalidFlags = 5,             // unknown bit or impossible combination
  kAccountsMustBeDifferent = 6,
  kDebitAccountNotFound = 7,
  kCreditAccountNotFound = 8,
  kLedgerMismatch = 9,           // transfer and account ledgers differ
  kAmountMustBePositive = 10,
  kAmountTooLarge = 11,          // above limits::kAmountFenMax
  kExceedsCredits = 12,          // debit would exceed credits (kDebitsMustNotExceedCredits)
  kExceedsDebits = 13,           // credit would exceed debits (kCreditsMustNotExceedDebits)
  kExceedsCeiling = 14,          // credit account's credits ceiling (a voucher's grant)
  kExceedsCapGroup = 15,         // the credit account's cap group
  kAccountExpired = 16,          // debit from an expired account without kLapse/kClawback
  kPendingNotFound = 17,
  kPendingAlreadyPosted = 18,
  kPendingAlreadyVoided = 19,
  kPendingExpired = 20,
  kPendingAmountExceeded = 21,   // post amount above the held amount
  kPendingMismatch = 22,         // post/void names accounts or ledger other than the pending's
  kOverflow = 23,                // a balance or total would exceed int64
  kAccountIsCapGroup = 24,       // a transfer touches a kCapGroup account
  kLedgerInvalid = 25,           // account ledger 0
  kKindInvalid = 26,
  kCeilingInvalid = 27,          // negative ceiling, or a cap group without a cap
  kCapGroupNotFound = 28,        // cap_group_id not a kCapGroup account on the same ledger
  kTimeoutInvalid = 29,          // timeout on a non-pending transfer
  kAmountMustBeZero = 30,        // void with an amount
};
std::string_view ResultCodeName(ResultCode code);

struct AccountOutcome {
  ResultCode code = ResultCode::kOk;
  bool duplicate = false;  // same key, same fields: the original account is returned
  AccountId id;
  Instant timestamp;
  std::string_view field;  // kExistsWithDifferentFields: which field differs (static string)
};

struct TransferOutcome {
  ResultCode code = ResultCode::kOk;
  bool duplicate = false;  // same key, same fields: the original result is returned
  TransferId id;
  std::int64_t amount_fen = 0;  // the applied amount (clamped by kBalancingDebit)
  Instant timestamp;
  std::string_view field;
};

// Result of a full invariant check (invariants.h).
struct InvariantReport {
  std::uint64_t accounts = 0;
  std::uint64_t transfers = 0;
  std::uint64_t pending_open = 0;
  std::uint64_t batches = 0;
  std::vector<std::string> violations;  // empty when every invariant holds
  bool ok() const { return violations.empty(); }
};

struct LedgerStats {
  std::uint64_t batches_committed = 0;
  std::uint64_t requests_committed = 0;
  std::uint64_t events_committed = 0;   // account creations + transfers, ok or not
  std::uint64_t body_bytes_committed = 0;
};

// ---------------------------------------------------------------------------------------------
// The ledger

struct LedgerOptions {
  Clock* clock = nullptr;  // required; not owned; must outlive the Ledger
  Store* store = nullptr;  // required; not owned; must outlive the Ledger
  // Requests waiting for the writer; a submitter blocks while the queue is full (backpressure).
  std::size_t queue_requests_max = 4096;
  // Events (transfers or account creations) applied and committed together at most.
  std::size_t batch_events_max = limits::kTransfersPerBatchMax;
  // The next batch is applied while the previous one commits only when at least this many
  // events are queued (else waiting lets the next batch grow; see the ADR). 0: always overlap.
  std::size_t overlap_backlog_events_min = limits::kTransfersPerBatchMax / 2;
  // The idempotency indexes are sized at open for this many transfers / accounts in total.
  // Growing past a size rehashes the whole index at once (~1 s at 10^7 keys, on the writer):
  // a service that expects N transfers sets this to N. 0: grow as needed.
  std::size_t transfers_expected = 0;
  std::size_t accounts_expected = 0;
};

class StateMachine;

// Thread-safe. Every method may be called from any thread. Each request is atomic only for
// its linked chains; events without kLinked succeed or fail independently. Environment
// failures come back as the Result's Error: kIo (this batch failed, nothing changed — retry),
// kIoUncertain (this batch may or may not be durable: retry after reopening, with the same
// keys), kReadOnly (a previous uncertain failure: reopen), kOutOfRange (too many events).
class Ledger {
 public:
  // Recovers the state from `options.store` (replays every batch, then checks every
  // invariant — a violation aborts) and starts the writer thread.
  static Result<std::unique_ptr<Ledger>> Open(const LedgerOptions& options);
  // Answers everything queued, then stops the writer.
  ~Ledger();
  Ledger(const Ledger&) = delete;
  Ledger& operator=(const Ledger&) = delete;

  // Completion callbacks. Each is called exactly once, with the request's outcomes (one per
  // event, in order) once the batch holding the request and every earlier batch are durable,
  // or with the Error of the batch (kIo, kIoUncertain, kReadOnly, kConflict — see above).
  using AccountsDone = std::function<void(Result<std::vector<AccountOutcome>>)>;
  using TransfersDone = std::function<void(Result<std::vector<TransferOutcome>>)>;

  // Callback forms, for event loops (an Asio io_context) and request streams: nothing waits.
  // `done` runs on one of the ledger's threads (committer, responder or writer) — or, when the
  // request is refused before it is queued (too many events, the ledger closing), on the
  // calling thread before Submit returns. Callbacks of different requests may run
  // concurrently on different ledger threads. A callback must be short and must not block
  // (no future.get(), no blocking Create*/Lookup*/CheckInvariants, no waiting on a lock held
  // long): it delays every later answer. It may submit again; such a submission never waits
  // for queue room. A callback that resubmits after an error must stop at some point: a
  // closing ledger fails every submission at once, on the calling thread.
  // At most limits::kTransfersPerRequestMax events per request (else kOutOfRange).
  void SubmitAccounts(std::vector<AccountSpec> specs, AccountsDone done);
  void SubmitTransfers(std::vector<TransferSpec> specs, TransfersDone done);

  // Future forms, built on the callback forms: the future is ready once the batch holding the
  // request is durable (or failed). At most limits::kTransfersPerRequestMax events per request.
  std::future<Result<std::vector<AccountOutcome>>> SubmitAccounts(std::vector<AccountSpec> specs);
  std::future<Result<std::vector<TransferOutcome>>> SubmitTransfers(
      std::vector<TransferSpec> specs);

  // Blocking forms of the above.
  Result<std::vector<AccountOutcome>> CreateAccounts(std::vector<AccountSpec> specs);
  Result<std::vector<TransferOutcome>> CreateTransfers(std::vector<TransferSpec> specs);

  // Lookups from acknowledged state (run on the writer between batches). nullopt: unknown.
  Result<std::vector<std::optional<Account>>> LookupAccounts(std::vector<AccountId> ids);
  Result<std::optional<Account>> LookupAccountByKey(std::string key);
  Result<std::optional<Transfer>> LookupTransferByKey(std::string key);
  // The callback form, for event loops: `done` runs on the writer between batches (short, not
  // blocking, as every completion callback), or on the calling thread when the ledger is
  // closing (kReadOnly).
  using TransferLookupDone = std::function<void(Result<std::optional<Transfer>>)>;
  void SubmitLookupTransferByKey(std::string key, TransferLookupDone done);
  Result<std::optional<Transfer>> LookupTransfer(TransferId id);
  // Transfers with id > `after`, in id (= commit) order, at most `limit` (≤ 10,000) of them:
  // how readers rebuild their own indexes (the platform's settlement journal) after a crash.
  Result<std::vector<Transfer>> ScanTransfers(TransferId after, std::size_t limit);

  // Runs the full invariant check on the acknowledged state.
  Result<InvariantReport> CheckInvariants();

  // Counters since Open; cheap, lock-free.
  LedgerStats Stats() const;
  // True after an uncertain I/O failure: every write now fails with kReadOnly.
  bool read_only() const;

 private:
  struct Impl;
  explicit Ledger(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace suanli::ledger
