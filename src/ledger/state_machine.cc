// The ledger's state machine: validation, effects with an undo log, batch encoding, replay and
// the invariant checks of invariants.h. Everything here is single-threaded and deterministic.
#include "ledger/state_machine.h"

#include <algorithm>
#include <string>

#include "core/check.h"
#include "core/limits.h"

namespace suanli::ledger {
namespace {

using i128 = __int128;

constexpr std::uint8_t kStatePosted = static_cast<std::uint8_t>(TransferState::kPosted);
constexpr std::uint8_t kStatePending = static_cast<std::uint8_t>(TransferState::kPending);
constexpr std::uint8_t kStatePendingPosted = static_cast<std::uint8_t>(TransferState::kPendingPosted);
constexpr std::uint8_t kStatePendingVoided = static_cast<std::uint8_t>(TransferState::kPendingVoided);
constexpr std::uint8_t kStatePendingExpired =
    static_cast<std::uint8_t>(TransferState::kPendingExpired);

bool KeyValid(std::string_view key) {
  return !key.empty() && key.size() <= limits::kIdempotencyKeyBytesMax;
}

bool Add(std::int64_t a, std::int64_t b, std::int64_t* out) {
  return !__builtin_add_overflow(a, b, out);
}

Error Corrupt(std::uint64_t seq, std::string what) {
  return MakeError(ErrorCode::kIo, "batches.body",
                   "batch " + std::to_string(seq) + " is corrupt: " + std::move(what));
}

}  // namespace

StateMachine::StateMachine() {
  for (Batch& b : batches_) {
    b.undo.reserve(4 * limits::kTransfersPerBatchMax);
    b.body.reserve(1 << 20);
  }
}

// ---------------------------------------------------------------------------------------------
// Batches and savepoints

void StateMachine::BeginBatch(std::uint64_t seq, Instant now) {
  StartBatch(seq, now.micros());
  AutoVoidExpired(open_->ts_us);
}

void StateMachine::StartBatch(std::uint64_t seq, std::int64_t ts_us) {
  SUANLI_CHECK(open_ == nullptr);
  SUANLI_CHECK(seq == (sealed_ != nullptr ? sealed_->seq : last_seq_) + 1);
  open_ = sealed_ == &batches_[0] ? &batches_[1] : &batches_[0];
  open_->seq = seq;
  open_->ts_us = ts_us;
  open_->body.clear();
  open_->body.push_back(codec::kBodyVersion);
  open_->new_accounts.clear();
  open_->undo.clear();
  open_->popped_deadlines.clear();
  open_->events = 0;
  open_->start = Mark();
}

BatchView StateMachine::batch() const {
  SUANLI_CHECK(open_ != nullptr);
  return BatchView{open_->seq, open_->ts_us, std::span<const std::uint8_t>(open_->body)};
}

BatchView StateMachine::sealed_batch() const {
  SUANLI_CHECK(sealed_ != nullptr);
  return BatchView{sealed_->seq, sealed_->ts_us, std::span<const std::uint8_t>(sealed_->body)};
}

const std::vector<StoredAccount>& StateMachine::sealed_new_accounts() const {
  SUANLI_CHECK(sealed_ != nullptr);
  return sealed_->new_accounts;
}

void StateMachine::Seal() {
  SUANLI_CHECK(open_ != nullptr && sealed_ == nullptr);
  sealed_ = open_;
  open_ = nullptr;
}

void StateMachine::CommitSealed() {
  SUANLI_CHECK(sealed_ != nullptr);
  last_seq_ = sealed_->seq;
  sealed_->undo.clear();
  sealed_->popped_deadlines.clear();
  sealed_ = nullptr;
}

void StateMachine::CommitBatch() {
  Seal();
  CommitSealed();
}

void StateMachine::AbandonEmptyBatch() {
  SUANLI_CHECK(open_ != nullptr && batch_empty());
  SUANLI_CHECK(open_->undo.size() == open_->start.undo);
  open_->popped_deadlines.clear();  // only stale entries: an auto-void would have written a record
  open_ = nullptr;
}

void StateMachine::Rollback(Batch* b) {
  RollbackTo(*b, b->start);
  for (const auto& d : b->popped_deadlines) deadlines_.push(d);
  b->popped_deadlines.clear();
}

void StateMachine::RollbackBatch() {
  SUANLI_CHECK(open_ != nullptr);
  Rollback(open_);
  open_ = nullptr;
}

void StateMachine::RollbackSealed() {
  SUANLI_CHECK(sealed_ != nullptr && open_ == nullptr);  // newest first
  Rollback(sealed_);
  sealed_ = nullptr;
}

StateMachine::Savepoint StateMachine::Mark() const {
  return Savepoint{open_->undo.size(),  accounts_.size(),           transfers_.size(),
                   open_->body.size(),  open_->new_accounts.size(), account_keys_.size(),
                   transfer_keys_.size(), last_ts_us_};
}

void StateMachine::RollbackTo(Batch& b, const Savepoint& sp) {
  std::vector<Undo>& undo = b.undo;
  // Loop bound: the undo log only grows within a batch (≤ 4 entries per event).
  while (undo.size() > sp.undo) {
    const Undo& u = undo.back();
    if (u.kind == Undo::kAccount) {
      AccountRow& a = accounts_[u.index];
      a.debits_posted = u.v[0];
      a.credits_posted = u.v[1];
      a.debits_pending = u.v[2];
      a.credits_pending = u.v[3];
    } else if (u.kind == Undo::kGroup) {
      cold_[u.index].group_credits = u.v[0];
    } else if (u.kind == Undo::kTotals) {
      LedgerTotals& t = totals_[u.index];
      t.debits_posted = u.v[0];
      t.credits_posted = u.v[1];
      t.debits_pending = u.v[2];
      t.credits_pending = u.v[3];
      t.open_pending = u.v[4];
    } else {
      transfers_[u.index].state = static_cast<std::uint8_t>(u.v[0]);
    }
    undo.pop_back();
  }
  for (std::size_t i = transfers_.size(); i > sp.transfers; --i) {
    const auto index = static_cast<std::uint32_t>(i - 1);
    const std::string_view key = TransferKey(index);
    transfer_index_.Erase(key, HashKey(key), index);
  }
  transfers_.resize(sp.transfers);
  transfer_keys_.Truncate(sp.transfer_keys);
  for (std::size_t i = accounts_.size(); i > sp.accounts; --i) {
    const auto index = static_cast<std::uint32_t>(i - 1);
    const std::string_view key = AccountKey(index);
    account_index_.Erase(key, HashKey(key), index);
  }
  accounts_.resize(sp.accounts);
  cold_.resize(sp.accounts);
  account_keys_.Truncate(sp.account_keys);
  b.body.resize(sp.body);
  b.new_accounts.resize(sp.new_accounts);
  // A rolled-back chain or batch leaves no trace, not even in the timestamps (so replay, which
  // never sees it, and the live ledger assign the same timestamps afterwards).
  last_ts_us_ = sp.last_ts_us;
}

std::int64_t StateMachine::NextTimestamp() {
  last_ts_us_ = std::max(open_->ts_us, last_ts_us_ + 1);
  return last_ts_us_;
}

void StateMachine::SnapshotAccount(std::uint32_t index) {
  const AccountRow& a = accounts_[index];
  open_->undo.push_back(Undo{Undo::kAccount, index,
                       {a.debits_posted, a.credits_posted, a.debits_pending, a.credits_pending,
                        0}});
}

void StateMachine::SnapshotGroup(std::uint32_t index) {
  open_->undo.push_back(Undo{Undo::kGroup, index, {cold_[index].group_credits, 0, 0, 0, 0}});
}

void StateMachine::SnapshotTotals(std::uint32_t slot) {
  const LedgerTotals& t = totals_[slot];
  open_->undo.push_back(Undo{Undo::kTotals, slot,
                       {t.debits_posted, t.credits_posted, t.debits_pending, t.credits_pending,
                        t.open_pending}});
}

void StateMachine::SetState(std::uint32_t transfer_index, std::uint8_t state) {
  open_->undo.push_back(Undo{Undo::kState, transfer_index, {transfers_[transfer_index].state, 0, 0, 0, 0}});
  transfers_[transfer_index].state = state;
}

std::uint32_t StateMachine::TotalsSlot(std::uint32_t ledger) {
  const auto [it, inserted] =
      totals_slot_.try_emplace(ledger, static_cast<std::uint32_t>(totals_.size()));
  if (inserted) totals_.push_back(LedgerTotals{ledger, 0, 0, 0, 0, 0});
  return it->second;
}

// ---------------------------------------------------------------------------------------------
// Accounts

void StateMachine::ApplyAccounts(std::span<const AccountSpec> specs,
                                 std::span<AccountOutcome> out) {
  SUANLI_CHECK(open_ != nullptr);
  SUANLI_CHECK(specs.size() == out.size());
  SUANLI_CHECK(specs.size() <= limits::kTransfersPerRequestMax);
  for (std::size_t i = 0; i < specs.size(); ++i) {
    out[i] = AccountOutcome{};
    out[i].code = ApplyAccount(specs[i], &out[i]);
  }
  open_->events += specs.size();
}

ResultCode StateMachine::ApplyAccount(const AccountSpec& spec, AccountOutcome* out) {
  if (!KeyValid(spec.key)) return ResultCode::kKeyInvalid;
  const std::uint64_t hash = HashKey(spec.key);
  const std::uint32_t found =
      account_index_.Find(spec.key, hash, [this](std::uint32_t i) { return AccountKey(i); });
  if (found != KeyIndex::kNone) {
    out->field = AccountDiff(spec, found);
    if (!out->field.empty()) return ResultCode::kExistsWithDifferentFields;
    out->duplicate = true;
    out->id = AccountId(found + 1);
    out->timestamp = Instant::FromMicros(cold_[found].timestamp_us);
    return ResultCode::kOk;
  }
  const ResultCode code = ValidateAccount(spec);
  if (code != ResultCode::kOk) return code;
  const std::int64_t ts_us = NextTimestamp();
  CreateAccount(spec, ts_us);
  const AccountRow& row = accounts_.back();
  codec::Writer w(&open_->body);
  w.U8(codec::kTagAccount);
  w.Bytes(spec.key);
  w.Var(row.ledger);
  w.U8(row.kind);
  w.Var(row.flags);
  w.SVar(row.ceiling);
  w.Var(row.cap_group);
  w.SVar(row.expires_at_us);
  w.Var(spec.user_data);
  w.Var(static_cast<std::uint64_t>(ts_us - open_->ts_us));
  out->id = AccountId(accounts_.size());
  out->timestamp = Instant::FromMicros(ts_us);
  return ResultCode::kOk;
}

ResultCode StateMachine::ValidateAccount(const AccountSpec& spec) const {
  const auto kind = static_cast<std::uint8_t>(spec.kind);
  if ((spec.flags & ~kAccountFlagsAll) != 0) return ResultCode::kInvalidFlags;
  if ((spec.flags & kDebitsMustNotExceedCredits) && (spec.flags & kCreditsMustNotExceedDebits)) {
    return ResultCode::kInvalidFlags;
  }
  if (spec.ledger == 0) return ResultCode::kLedgerInvalid;
  if (kind == 0 || kind > kAccountKindMax) return ResultCode::kKindInvalid;
  if (spec.credits_ceiling_fen < 0) return ResultCode::kCeilingInvalid;
  const bool must_not_overdraw = spec.kind == AccountKind::kVoucher ||
                                 spec.kind == AccountKind::kPool ||
                                 spec.kind == AccountKind::kProviderReceivable;
  if (must_not_overdraw && !(spec.flags & kDebitsMustNotExceedCredits)) {
    return ResultCode::kInvalidFlags;
  }
  if (spec.kind == AccountKind::kVoucher && spec.credits_ceiling_fen == 0) {
    return ResultCode::kCeilingInvalid;
  }
  if (spec.kind == AccountKind::kCapGroup) {
    if (spec.flags != 0) return ResultCode::kInvalidFlags;
    if (spec.credits_ceiling_fen == 0) return ResultCode::kCeilingInvalid;
    if (spec.cap_group_id.valid()) return ResultCode::kCapGroupNotFound;
  }
  if (spec.cap_group_id.valid()) {
    const std::uint64_t g = spec.cap_group_id.value;
    if (g > accounts_.size()) return ResultCode::kCapGroupNotFound;
    const AccountRow& group = accounts_[g - 1];
    if (group.kind != static_cast<std::uint8_t>(AccountKind::kCapGroup) ||
        group.ledger != spec.ledger) {
      return ResultCode::kCapGroupNotFound;
    }
  }
  if (accounts_.size() >= kIdsMax) return ResultCode::kOverflow;
  return ResultCode::kOk;
}

std::string_view StateMachine::AccountDiff(const AccountSpec& spec, std::uint32_t index) const {
  const AccountRow& row = accounts_[index];
  if (spec.ledger != row.ledger) return "ledger";
  if (static_cast<std::uint8_t>(spec.kind) != row.kind) return "kind";
  if (spec.flags != row.flags) return "flags";
  if (spec.credits_ceiling_fen != row.ceiling) return "credits_ceiling_fen";
  if (spec.cap_group_id.value != row.cap_group) return "cap_group_id";
  if (spec.expires_at.micros() != row.expires_at_us) return "expires_at";
  if (spec.user_data != cold_[index].user_data) return "user_data";
  return {};
}

void StateMachine::CreateAccount(const AccountSpec& spec, std::int64_t ts_us) {
  AccountRow row;
  row.ceiling = spec.credits_ceiling_fen;
  row.expires_at_us = spec.expires_at.micros();
  AccountCold cold;
  cold.timestamp_us = ts_us;
  cold.user_data = spec.user_data;
  cold.key_ref = account_keys_.Add(spec.key);
  cold.key_len = static_cast<std::uint8_t>(spec.key.size());
  row.ledger = spec.ledger;
  row.cap_group = static_cast<std::uint32_t>(spec.cap_group_id.value);
  row.ledger_slot = TotalsSlot(spec.ledger);
  row.flags = spec.flags;
  row.kind = static_cast<std::uint8_t>(spec.kind);
  const auto index = static_cast<std::uint32_t>(accounts_.size());
  accounts_.push_back(row);
  cold_.push_back(cold);
  account_index_.Insert(spec.key, HashKey(spec.key), index);
  open_->new_accounts.push_back(StoredAccount{index + 1u, spec.key, row.ledger, row.kind, row.flags,
                                        row.ceiling, row.cap_group, row.expires_at_us,
                                        spec.user_data, ts_us});
}

// ---------------------------------------------------------------------------------------------
// Transfers

void StateMachine::Prefetch(const TransferSpec& spec) const {
  // With 10^7 vouchers the debit row is a cache miss; start it while earlier events apply.
  const std::uint64_t d = spec.debit_account_id.value, c = spec.credit_account_id.value;
  if (d != 0 && d <= accounts_.size()) __builtin_prefetch(&accounts_[d - 1], 1);
  if (c != 0 && c <= accounts_.size()) __builtin_prefetch(&accounts_[c - 1], 1);
}

void StateMachine::ApplyTransfers(std::span<const TransferSpec> specs,
                                  std::span<TransferOutcome> out) {
  SUANLI_CHECK(open_ != nullptr);
  SUANLI_CHECK(specs.size() == out.size());
  SUANLI_CHECK(specs.size() <= limits::kTransfersPerRequestMax);
  std::size_t i = 0;
  // Each pass handles one chain (a single unlinked transfer is a chain of one).
  while (i < specs.size()) {
    if (i == 0) {
      for (std::size_t k = 0; k < std::min(kPrefetchDistance, specs.size()); ++k) {
        Prefetch(specs[k]);
      }
    }
    std::size_t end = i;  // the chain is [i, end]
    while (end < specs.size() && (specs[end].flags & kLinked)) ++end;
    if (end == specs.size()) {  // the last event is linked: the chain is open
      for (std::size_t k = i; k < specs.size(); ++k) {
        out[k] = TransferOutcome{};
        out[k].code = k + 1 == specs.size() ? ResultCode::kLinkedEventChainOpen
                                            : ResultCode::kLinkedEventFailed;
      }
      break;
    }
    const Savepoint sp = Mark();
    std::size_t failed = end + 1;
    for (std::size_t k = i; k <= end; ++k) {
      if (k + kPrefetchDistance < specs.size()) Prefetch(specs[k + kPrefetchDistance]);
      out[k] = TransferOutcome{};
      out[k].code = ApplyTransfer(specs[k], &out[k]);
      if (out[k].code != ResultCode::kOk) {
        failed = k;
        break;
      }
    }
    if (failed <= end) {
      RollbackTo(*open_, sp);
      for (std::size_t k = i; k <= end; ++k) {
        if (k == failed) continue;
        out[k] = TransferOutcome{};
        out[k].code = ResultCode::kLinkedEventFailed;
      }
    }
    i = end + 1;
  }
  open_->events += specs.size();
}

ResultCode StateMachine::ApplyTransfer(const TransferSpec& spec, TransferOutcome* out) {
  if (!KeyValid(spec.key)) return ResultCode::kKeyInvalid;
  const std::uint64_t hash = HashKey(spec.key);
  const std::uint32_t found =
      transfer_index_.Find(spec.key, hash, [this](std::uint32_t i) { return TransferKey(i); });
  if (found != KeyIndex::kNone) {
    const TransferRow& row = transfers_[found];
    out->field = TransferDiff(spec, row);
    if (!out->field.empty()) return ResultCode::kExistsWithDifferentFields;
    out->duplicate = true;
    out->id = TransferId(found + 1);
    out->amount_fen = row.amount;
    out->timestamp = Instant::FromMicros(row.timestamp_us);
    return ResultCode::kOk;
  }
  ResultCode code = ValidateFlags(spec);
  if (code != ResultCode::kOk) return code;
  const std::int64_t ts_us = std::max(open_->ts_us, last_ts_us_ + 1);  // if it succeeds
  const bool resolve = (spec.flags & (kPostPending | kVoidPending)) != 0;
  Effect e;
  code = resolve ? ValidateResolve(spec, ts_us, &e) : ValidateNew(spec, ts_us, &e);
  if (code != ResultCode::kOk) return code;
  std::uint8_t state = kStatePosted;
  if (resolve) {
    const std::uint8_t resolved =
        (spec.flags & kPostPending) ? kStatePendingPosted : kStatePendingVoided;
    if (!ApplyResolveEffect(e, resolved)) return ResultCode::kOverflow;
  } else {
    const bool pending = (spec.flags & kPending) != 0;
    if (!ApplyNewEffect(e, pending)) return ResultCode::kOverflow;
    if (pending) state = kStatePending;
  }
  SUANLI_CHECK(NextTimestamp() == ts_us);
  const std::uint32_t index = AddTransferRow(spec.key, spec, e, ts_us, state);
  EncodeTransfer(transfers_[index]);
  out->id = TransferId(index + 1u);
  out->amount_fen = e.amount;
  out->timestamp = Instant::FromMicros(ts_us);
  return ResultCode::kOk;
}

std::string_view StateMachine::TransferDiff(const TransferSpec& spec, const TransferRow& row) const {
  // A post/void may leave accounts and ledger unset (then the pending's are used).
  const bool resolve = (row.flags & (kPostPending | kVoidPending)) != 0;
  const auto differs = [resolve](std::uint64_t given, std::uint64_t stored) {
    return given != stored && !(resolve && given == 0);
  };
  if (spec.flags != row.flags) return "flags";
  if (differs(spec.debit_account_id.value, row.debit)) return "debit_account_id";
  if (differs(spec.credit_account_id.value, row.credit)) return "credit_account_id";
  if (spec.amount_fen != row.requested_amount) return "amount_fen";
  if (differs(spec.ledger, row.ledger)) return "ledger";
  if (spec.code != row.code) return "code";
  if (spec.pending_id.value != row.pending_id) return "pending_id";
  if (spec.timeout_s != row.timeout_s) return "timeout_s";
  if (spec.user_data != row.user_data) return "user_data";
  return {};
}

ResultCode StateMachine::ValidateFlags(const TransferSpec& spec) const {
  const std::uint16_t f = spec.flags;
  if ((f & ~kTransferFlagsAll) != 0) return ResultCode::kInvalidFlags;
  const bool post = f & kPostPending, void_ = f & kVoidPending;
  if (post && void_) return ResultCode::kInvalidFlags;
  if ((post || void_) && (f & (kPending | kBalancingDebit | kLapse | kClawback))) {
    return ResultCode::kInvalidFlags;
  }
  if ((f & kLapse) && (f & kClawback)) return ResultCode::kInvalidFlags;
  if (!(post || void_) && spec.pending_id.valid()) return ResultCode::kInvalidFlags;
  if (spec.timeout_s != 0 && !(f & kPending)) return ResultCode::kTimeoutInvalid;
  return ResultCode::kOk;
}

ResultCode StateMachine::ValidateNew(const TransferSpec& spec, std::int64_t ts_us,
                                     Effect* effect) const {
  if (spec.amount_fen <= 0) return ResultCode::kAmountMustBePositive;
  if (spec.amount_fen > limits::kAmountFenMax) return ResultCode::kAmountTooLarge;
  if (spec.debit_account_id == spec.credit_account_id) {
    return ResultCode::kAccountsMustBeDifferent;
  }
  const std::uint64_t d_id = spec.debit_account_id.value, c_id = spec.credit_account_id.value;
  if (d_id == 0 || d_id > accounts_.size()) return ResultCode::kDebitAccountNotFound;
  if (c_id == 0 || c_id > accounts_.size()) return ResultCode::kCreditAccountNotFound;
  const AccountRow& d = accounts_[d_id - 1];
  const AccountRow& c = accounts_[c_id - 1];
  constexpr auto kGroup = static_cast<std::uint8_t>(AccountKind::kCapGroup);
  if (d.kind == kGroup || c.kind == kGroup) return ResultCode::kAccountIsCapGroup;
  if (spec.ledger != d.ledger || spec.ledger != c.ledger) return ResultCode::kLedgerMismatch;
  if (d.expires_at_us != 0 && ts_us >= d.expires_at_us && !(spec.flags & (kLapse | kClawback))) {
    return ResultCode::kAccountExpired;
  }
  std::int64_t amount = spec.amount_fen;
  if (d.flags & kDebitsMustNotExceedCredits) {
    const i128 available = i128{d.credits_posted} - d.debits_posted - d.debits_pending;
    if (spec.flags & kBalancingDebit) {
      amount = static_cast<std::int64_t>(std::min<i128>(amount, std::max<i128>(available, 0)));
      if (amount == 0) return ResultCode::kExceedsCredits;
    }
    if (i128{amount} > available) return ResultCode::kExceedsCredits;
  }
  if ((c.flags & kCreditsMustNotExceedDebits) &&
      i128{c.credits_posted} + c.credits_pending + amount > c.debits_posted) {
    return ResultCode::kExceedsDebits;
  }
  if (c.ceiling > 0 && i128{c.credits_posted} + c.credits_pending + amount > c.ceiling) {
    return ResultCode::kExceedsCeiling;
  }
  if (c.cap_group != 0) {
    const std::int64_t group_credits = cold_[c.cap_group - 1].group_credits;
    if (i128{group_credits} + amount > accounts_[c.cap_group - 1].ceiling) {
      return ResultCode::kExceedsCapGroup;
    }
  }
  *effect = Effect{static_cast<std::uint32_t>(d_id), static_cast<std::uint32_t>(c_id), 0, amount};
  return ResultCode::kOk;
}

ResultCode StateMachine::ValidateResolve(const TransferSpec& spec, std::int64_t ts_us,
                                         Effect* effect) const {
  const std::uint64_t pid = spec.pending_id.value;
  if (pid == 0 || pid > transfers_.size()) return ResultCode::kPendingNotFound;
  const TransferRow& p = transfers_[pid - 1];
  if (!(p.flags & kPending)) return ResultCode::kPendingNotFound;
  if (p.state == kStatePendingPosted) return ResultCode::kPendingAlreadyPosted;
  if (p.state == kStatePendingVoided) return ResultCode::kPendingAlreadyVoided;
  if (p.state == kStatePendingExpired) return ResultCode::kPendingExpired;
  SUANLI_CHECK(p.state == kStatePending);
  if (p.timeout_s != 0 &&
      ts_us >= p.timestamp_us + std::int64_t{p.timeout_s} * kMicrosPerSecond) {
    return ResultCode::kPendingExpired;
  }
  if ((spec.debit_account_id.valid() && spec.debit_account_id.value != p.debit) ||
      (spec.credit_account_id.valid() && spec.credit_account_id.value != p.credit) ||
      (spec.ledger != 0 && spec.ledger != p.ledger)) {
    return ResultCode::kPendingMismatch;
  }
  std::int64_t amount = p.amount;
  if (spec.flags & kVoidPending) {
    if (spec.amount_fen != 0 && spec.amount_fen != p.amount) return ResultCode::kAmountMustBeZero;
  } else {
    if (spec.amount_fen < 0) return ResultCode::kAmountMustBePositive;
    if (spec.amount_fen > p.amount) return ResultCode::kPendingAmountExceeded;
    if (spec.amount_fen > 0) amount = spec.amount_fen;
  }
  *effect = Effect{p.debit, p.credit, static_cast<std::uint32_t>(pid), amount};
  return ResultCode::kOk;
}

bool StateMachine::ApplyNewEffect(const Effect& e, bool pending) {
  AccountRow& d = accounts_[e.debit - 1];
  AccountRow& c = accounts_[e.credit - 1];
  LedgerTotals& t = totals_[d.ledger_slot];
  SUANLI_CHECK(d.ledger_slot == c.ledger_slot);
  SUANLI_CHECK(e.amount > 0);
  std::int64_t d_new, c_new, td_new, tc_new, open_new = t.open_pending, g_new = 0;
  std::int64_t& d_field = pending ? d.debits_pending : d.debits_posted;
  std::int64_t& c_field = pending ? c.credits_pending : c.credits_posted;
  std::int64_t& td_field = pending ? t.debits_pending : t.debits_posted;
  std::int64_t& tc_field = pending ? t.credits_pending : t.credits_posted;
  if (!Add(d_field, e.amount, &d_new) || !Add(c_field, e.amount, &c_new) ||
      !Add(td_field, e.amount, &td_new) || !Add(tc_field, e.amount, &tc_new)) {
    return false;
  }
  if (pending && !Add(t.open_pending, e.amount, &open_new)) return false;
  AccountCold* g = c.cap_group != 0 ? &cold_[c.cap_group - 1] : nullptr;
  if (g != nullptr && !Add(g->group_credits, e.amount, &g_new)) return false;
  SnapshotAccount(e.debit - 1);
  SnapshotAccount(e.credit - 1);
  SnapshotTotals(d.ledger_slot);
  d_field = d_new;
  c_field = c_new;
  td_field = td_new;
  tc_field = tc_new;
  t.open_pending = open_new;
  if (g != nullptr) {
    SnapshotGroup(c.cap_group - 1);
    g->group_credits = g_new;
  }
  return true;
}

bool StateMachine::ApplyResolveEffect(const Effect& e, std::uint8_t new_state) {
  const std::uint32_t p_index = e.pending - 1;
  const std::int64_t held = transfers_[p_index].amount;
  const std::int64_t posted = new_state == kStatePendingPosted ? e.amount : 0;
  SUANLI_CHECK(posted >= 0 && posted <= held);
  AccountRow& d = accounts_[e.debit - 1];
  AccountRow& c = accounts_[e.credit - 1];
  LedgerTotals& t = totals_[d.ledger_slot];
  std::int64_t d_new, c_new, td_new, tc_new;
  if (!Add(d.debits_posted, posted, &d_new) || !Add(c.credits_posted, posted, &c_new) ||
      !Add(t.debits_posted, posted, &td_new) || !Add(t.credits_posted, posted, &tc_new)) {
    return false;
  }
  SnapshotAccount(e.debit - 1);
  SnapshotAccount(e.credit - 1);
  SnapshotTotals(d.ledger_slot);
  d.debits_pending -= held;
  c.credits_pending -= held;
  t.debits_pending -= held;
  t.credits_pending -= held;
  t.open_pending -= held;
  d.debits_posted = d_new;
  c.credits_posted = c_new;
  t.debits_posted = td_new;
  t.credits_posted = tc_new;
  if (c.cap_group != 0 && posted != held) {
    SnapshotGroup(c.cap_group - 1);
    cold_[c.cap_group - 1].group_credits -= held - posted;
  }
  SetState(p_index, new_state);
  return true;
}

std::uint32_t StateMachine::AddTransferRow(std::string_view key, const TransferSpec& spec,
                                           const Effect& e, std::int64_t ts_us,
                                           std::uint8_t state) {
  SUANLI_CHECK(transfers_.size() < kIdsMax);
  TransferRow row;
  row.amount = e.amount;
  row.requested_amount = spec.amount_fen;
  row.timestamp_us = ts_us;
  row.user_data = spec.user_data;
  row.key_ref = transfer_keys_.Add(key);
  row.key_len = static_cast<std::uint8_t>(key.size());
  row.debit = e.debit;
  row.credit = e.credit;
  row.pending_id = static_cast<std::uint32_t>(spec.pending_id.value);
  row.ledger = accounts_[e.debit - 1].ledger;
  row.timeout_s = spec.timeout_s;
  row.code = spec.code;
  row.flags = spec.flags;
  row.state = state;
  const auto index = static_cast<std::uint32_t>(transfers_.size());
  transfers_.push_back(row);
  transfer_index_.Insert(key, HashKey(key), index);
  if (state == kStatePending && row.timeout_s != 0) {
    deadlines_.emplace(ts_us + std::int64_t{row.timeout_s} * kMicrosPerSecond, index);
  }
  return index;
}

void StateMachine::EncodeTransfer(const TransferRow& row) {
  codec::Writer w(&open_->body);
  w.U8(codec::kTagTransfer);
  w.Bytes(transfer_keys_.Get(row.key_ref, row.key_len));
  w.Var(row.flags);
  w.Var(row.debit);
  w.Var(row.credit);
  w.SVar(row.amount);
  w.SVar(row.requested_amount);
  w.Var(row.ledger);
  w.Var(row.code);
  w.Var(row.pending_id);
  w.Var(row.timeout_s);
  w.Var(row.user_data);
  w.Var(static_cast<std::uint64_t>(row.timestamp_us - open_->ts_us));
}

void StateMachine::AutoVoidExpired(std::int64_t now_us) {
  std::size_t voided = 0;
  // Bounded: stale entries are at most one per pending transfer ever created, and voids stop
  // at kAutoVoidsPerBatchMax.
  while (!deadlines_.empty() && voided < kAutoVoidsPerBatchMax) {
    const auto [deadline_us, index] = deadlines_.top();
    if (deadline_us > now_us) break;
    deadlines_.pop();
    open_->popped_deadlines.emplace_back(deadline_us, index);
    if (index >= transfers_.size()) continue;  // rolled back
    const TransferRow& p = transfers_[index];
    if (p.state != kStatePending || p.timeout_s == 0 ||
        p.timestamp_us + std::int64_t{p.timeout_s} * kMicrosPerSecond != deadline_us) {
      continue;  // already resolved, or an entry of a rolled-back transfer
    }
    const std::int64_t ts_us = NextTimestamp();
    const bool applied = ApplyResolveEffect(Effect{p.debit, p.credit, index + 1, 0},
                                            kStatePendingExpired);
    SUANLI_CHECK(applied);  // a void only subtracts
    codec::Writer w(&open_->body);
    w.U8(codec::kTagAutoVoid);
    w.Var(index + 1u);
    w.Var(static_cast<std::uint64_t>(ts_us - open_->ts_us));
    ++voided;
  }
}

// ---------------------------------------------------------------------------------------------
// Replay (recovery)

Status StateMachine::Replay(const BatchView& batch) {
  SUANLI_CHECK(open_ == nullptr && sealed_ == nullptr);
  if (batch.seq != last_seq_ + 1) {
    return Corrupt(batch.seq, "expected seq " + std::to_string(last_seq_ + 1));
  }
  codec::Reader r(batch.body);
  if (r.U8() != codec::kBodyVersion) return Corrupt(batch.seq, "unknown body version");
  // Auto-voids are replayed from their records, not re-derived from the clock.
  StartBatch(batch.seq, batch.ts_us);
  Status status = OkStatus();
  // Each record consumes at least one byte: the body's size bounds the loop.
  while (status.ok() && !r.done()) {
    const std::uint8_t tag = r.U8();
    if (tag == codec::kTagAccount) {
      status = ReplayAccount(r, batch.ts_us);
    } else if (tag == codec::kTagTransfer) {
      status = ReplayTransfer(r, batch.ts_us);
    } else if (tag == codec::kTagAutoVoid) {
      status = ReplayAutoVoid(r, batch.ts_us);
    } else {
      status = Corrupt(batch.seq, "unknown record tag " + std::to_string(tag));
    }
  }
  if (!status.ok()) {
    RollbackBatch();
    return status;
  }
  CheckBatchInvariants();
  CommitBatch();
  return OkStatus();
}

Status StateMachine::ReplayAccount(codec::Reader& r, std::int64_t base_us) {
  AccountSpec spec;
  spec.key = std::string(r.Bytes(limits::kIdempotencyKeyBytesMax));
  spec.ledger = static_cast<std::uint32_t>(r.Var());
  spec.kind = static_cast<AccountKind>(r.U8());
  spec.flags = static_cast<std::uint16_t>(r.Var());
  spec.credits_ceiling_fen = r.SVar();
  spec.cap_group_id = AccountId(r.Var());
  spec.expires_at = Instant::FromMicros(r.SVar());
  spec.user_data = r.Var();
  const std::int64_t ts_us = base_us + static_cast<std::int64_t>(r.Var());
  if (!r.ok()) return Corrupt(open_->seq, "truncated account record");
  if (!KeyValid(spec.key) || ValidateAccount(spec) != ResultCode::kOk) {
    return Corrupt(open_->seq, "invalid account record");
  }
  if (account_index_.Find(spec.key, HashKey(spec.key),
                          [this](std::uint32_t i) { return AccountKey(i); }) != KeyIndex::kNone) {
    return Corrupt(open_->seq, "account key used twice");
  }
  if (ts_us <= last_ts_us_) return Corrupt(open_->seq, "account timestamp not increasing");
  last_ts_us_ = ts_us;
  CreateAccount(spec, ts_us);
  return OkStatus();
}

Status StateMachine::ReplayTransfer(codec::Reader& r, std::int64_t base_us) {
  const std::string_view key = r.Bytes(limits::kIdempotencyKeyBytesMax);
  TransferSpec spec;
  spec.flags = static_cast<std::uint16_t>(r.Var());
  Effect e;
  e.debit = static_cast<std::uint32_t>(r.Var());
  e.credit = static_cast<std::uint32_t>(r.Var());
  e.amount = r.SVar();
  spec.amount_fen = r.SVar();
  spec.ledger = static_cast<std::uint32_t>(r.Var());
  spec.code = static_cast<std::uint16_t>(r.Var());
  spec.pending_id = TransferId(r.Var());
  spec.timeout_s = static_cast<std::uint32_t>(r.Var());
  spec.user_data = r.Var();
  const std::int64_t ts_us = base_us + static_cast<std::int64_t>(r.Var());
  if (!r.ok()) return Corrupt(open_->seq, "truncated transfer record");
  if (!KeyValid(key) || ValidateFlags(spec) != ResultCode::kOk) {
    return Corrupt(open_->seq, "invalid transfer record");
  }
  if (transfer_index_.Find(key, HashKey(key), [this](std::uint32_t i) {
        return TransferKey(i);
      }) != KeyIndex::kNone) {
    return Corrupt(open_->seq, "transfer key used twice");
  }
  if (ts_us <= last_ts_us_) return Corrupt(open_->seq, "transfer timestamp not increasing");
  if (e.debit == 0 || e.debit > accounts_.size() || e.credit == 0 ||
      e.credit > accounts_.size() || e.debit == e.credit ||
      accounts_[e.debit - 1].ledger != spec.ledger ||
      accounts_[e.credit - 1].ledger != spec.ledger) {
    return Corrupt(open_->seq, "transfer accounts invalid");
  }
  std::uint8_t state = kStatePosted;
  if (spec.flags & (kPostPending | kVoidPending)) {
    const std::uint64_t pid = spec.pending_id.value;
    if (pid == 0 || pid > transfers_.size()) return Corrupt(open_->seq, "pending not found");
    const TransferRow& p = transfers_[pid - 1];
    if (p.state != kStatePending || p.debit != e.debit || p.credit != e.credit ||
        e.amount < 0 || e.amount > p.amount) {
      return Corrupt(open_->seq, "pending resolution inconsistent");
    }
    e.pending = static_cast<std::uint32_t>(pid);
    const std::uint8_t resolved =
        (spec.flags & kPostPending) ? kStatePendingPosted : kStatePendingVoided;
    if (!ApplyResolveEffect(e, resolved)) return Corrupt(open_->seq, "overflow");
  } else {
    const bool pending = (spec.flags & kPending) != 0;
    if (e.amount <= 0 || e.amount > spec.amount_fen) return Corrupt(open_->seq, "amount invalid");
    if (!ApplyNewEffect(e, pending)) return Corrupt(open_->seq, "overflow");
    if (pending) state = kStatePending;
  }
  last_ts_us_ = ts_us;
  AddTransferRow(key, spec, e, ts_us, state);
  return OkStatus();
}

Status StateMachine::ReplayAutoVoid(codec::Reader& r, std::int64_t base_us) {
  const std::uint64_t pid = r.Var();
  const std::int64_t ts_us = base_us + static_cast<std::int64_t>(r.Var());
  if (!r.ok()) return Corrupt(open_->seq, "truncated auto-void record");
  if (pid == 0 || pid > transfers_.size()) return Corrupt(open_->seq, "auto-void of unknown transfer");
  const TransferRow& p = transfers_[pid - 1];
  if (p.state != kStatePending || p.timeout_s == 0 ||
      p.timestamp_us + std::int64_t{p.timeout_s} * kMicrosPerSecond > base_us) {
    return Corrupt(open_->seq, "auto-void of a transfer that is not an expired hold");
  }
  if (ts_us <= last_ts_us_) return Corrupt(open_->seq, "auto-void timestamp not increasing");
  last_ts_us_ = ts_us;
  const bool applied = ApplyResolveEffect(
      Effect{p.debit, p.credit, static_cast<std::uint32_t>(pid), 0}, kStatePendingExpired);
  SUANLI_CHECK(applied);
  return OkStatus();
}

// ---------------------------------------------------------------------------------------------
// Invariants (invariants.h)

void StateMachine::AccountViolations(std::uint32_t index, std::vector<std::string>* out) const {
  const AccountRow& a = accounts_[index];
  const bool is_group = a.kind == static_cast<std::uint8_t>(AccountKind::kCapGroup);
  const char* broken = nullptr;  // the first broken rule; strings only when something broke
  if (a.debits_posted < 0 || a.credits_posted < 0 || a.debits_pending < 0 ||
      a.credits_pending < 0 || (is_group && cold_[index].group_credits < 0)) {
    broken = "(1) negative balance";
  } else if ((a.flags & kDebitsMustNotExceedCredits) &&
             i128{a.debits_posted} + a.debits_pending > a.credits_posted) {
    broken = "(2)/(3) debits exceed credits";
  } else if ((a.flags & kCreditsMustNotExceedDebits) &&
             i128{a.credits_posted} + a.credits_pending > a.debits_posted) {
    broken = "(3) credits exceed debits";
  } else if (!is_group && a.ceiling > 0 &&
             i128{a.credits_posted} + a.credits_pending > a.ceiling) {
    broken = "(2)/(3) credits exceed the ceiling";
  } else if (is_group && cold_[index].group_credits > a.ceiling) {
    broken = "(4) cap group exceeded";
  } else if (a.cap_group != 0 &&
             cold_[a.cap_group - 1].group_credits > accounts_[a.cap_group - 1].ceiling) {
    broken = "(4) its cap group is exceeded";
  }
  if (broken != nullptr) out->push_back("account " + std::to_string(index + 1) + ": " + broken);
}

void StateMachine::TotalsViolations(const LedgerTotals& t, std::vector<std::string>* out) const {
  const char* broken = t.debits_posted != t.credits_posted     ? "(1) posted debits != credits"
                       : t.debits_pending != t.credits_pending ? "(1) pending debits != credits"
                       : t.open_pending != t.debits_pending
                           ? "(5) open pending transfers != pending balances"
                           : nullptr;
  if (broken != nullptr) out->push_back("ledger " + std::to_string(t.ledger) + ": " + broken);
}

void StateMachine::CheckBatchInvariants() const {
  std::vector<std::string> violations;
  for (std::size_t i = open_->start.undo; i < open_->undo.size(); ++i) {
    const Undo& u = open_->undo[i];
    if (u.kind == Undo::kAccount || u.kind == Undo::kGroup) AccountViolations(u.index, &violations);
    if (u.kind == Undo::kTotals) TotalsViolations(totals_[u.index], &violations);
  }
  for (const std::string& v : violations) std::fprintf(stderr, "invariant: %s\n", v.c_str());
  SUANLI_CHECK(violations.empty());
}

InvariantReport StateMachine::CheckAll() const {
  SUANLI_CHECK(open_ == nullptr && sealed_ == nullptr);
  InvariantReport report;
  report.accounts = accounts_.size();
  report.transfers = transfers_.size();
  report.batches = last_seq_;
  std::vector<LedgerTotals> sums(totals_.size());
  std::vector<std::int64_t> group_sums(accounts_.size(), 0);
  std::vector<std::int64_t> d_pending(accounts_.size(), 0), c_pending(accounts_.size(), 0);
  auto& out = report.violations;
  for (std::uint32_t i = 0; i < accounts_.size(); ++i) {
    const AccountRow& a = accounts_[i];
    LedgerTotals& s = sums[a.ledger_slot];
    s.debits_posted += a.debits_posted;
    s.credits_posted += a.credits_posted;
    s.debits_pending += a.debits_pending;
    s.credits_pending += a.credits_pending;
    if (a.cap_group != 0) group_sums[a.cap_group - 1] += a.credits_posted + a.credits_pending;
    AccountViolations(i, &out);
  }
  std::int64_t last_ts = INT64_MIN;
  for (std::uint32_t i = 0; i < transfers_.size(); ++i) {
    const TransferRow& t = transfers_[i];
    if (t.timestamp_us <= last_ts) out.push_back("transfer timestamps not increasing");
    last_ts = t.timestamp_us;
    if (t.state != kStatePending) continue;
    ++report.pending_open;
    d_pending[t.debit - 1] += t.amount;
    c_pending[t.credit - 1] += t.amount;
    sums[accounts_[t.debit - 1].ledger_slot].open_pending += t.amount;
  }
  for (std::uint32_t i = 0; i < accounts_.size(); ++i) {
    const AccountRow& a = accounts_[i];
    const std::string who = "account " + std::to_string(i + 1) + ": ";
    if (a.debits_pending != d_pending[i] || a.credits_pending != c_pending[i]) {
      out.push_back(who + "(5) pending balances differ from the open pending transfers");
    }
    if (a.kind == static_cast<std::uint8_t>(AccountKind::kCapGroup) &&
        cold_[i].group_credits != group_sums[i]) {
      out.push_back(who + "(4) cap group total differs from its members' credits");
    }
  }
  for (std::size_t slot = 0; slot < totals_.size(); ++slot) {
    sums[slot].ledger = totals_[slot].ledger;
    TotalsViolations(sums[slot], &out);
    const LedgerTotals& t = totals_[slot];
    if (t.debits_posted != sums[slot].debits_posted || t.debits_pending != sums[slot].debits_pending ||
        t.open_pending != sums[slot].open_pending) {
      out.push_back("ledger " + std::to_string(t.ledger) + ": (1) totals differ from accounts");
    }
  }
  return report;
}

// ---------------------------------------------------------------------------------------------
// Queries

Account StateMachine::ToAccount(std::uint32_t index) const {
  const AccountRow& a = accounts_[index];
  Account out;
  out.id = AccountId(index + 1u);
  out.key = std::string(AccountKey(index));
  out.ledger = a.ledger;
  out.kind = static_cast<AccountKind>(a.kind);
  out.flags = a.flags;
  out.credits_ceiling_fen = a.ceiling;
  out.cap_group_id = AccountId(a.cap_group);
  out.expires_at = Instant::FromMicros(a.expires_at_us);
  out.user_data = cold_[index].user_data;
  out.timestamp = Instant::FromMicros(cold_[index].timestamp_us);
  out.debits_posted_fen = a.debits_posted;
  out.credits_posted_fen = a.credits_posted;
  out.debits_pending_fen = a.debits_pending;
  out.credits_pending_fen = a.credits_pending;
  out.cap_group_credits_fen = cold_[index].group_credits;
  return out;
}

Transfer StateMachine::ToTransfer(std::uint32_t index) const {
  const TransferRow& t = transfers_[index];
  Transfer out;
  out.id = TransferId(index + 1u);
  out.key = std::string(TransferKey(index));
  out.debit_account_id = AccountId(t.debit);
  out.credit_account_id = AccountId(t.credit);
  out.amount_fen = t.amount;
  out.requested_amount_fen = t.requested_amount;
  out.ledger = t.ledger;
  out.code = t.code;
  out.flags = t.flags;
  out.pending_id = TransferId(t.pending_id);
  out.timeout_s = t.timeout_s;
  out.user_data = t.user_data;
  out.timestamp = Instant::FromMicros(t.timestamp_us);
  out.state = static_cast<TransferState>(t.state);
  return out;
}

std::optional<Account> StateMachine::GetAccount(AccountId id) const {
  if (id.value == 0 || id.value > accounts_.size()) return std::nullopt;
  return ToAccount(static_cast<std::uint32_t>(id.value - 1));
}

std::optional<Account> StateMachine::GetAccountByKey(std::string_view key) const {
  if (!KeyValid(key)) return std::nullopt;
  const std::uint32_t i =
      account_index_.Find(key, HashKey(key), [this](std::uint32_t k) { return AccountKey(k); });
  if (i == KeyIndex::kNone) return std::nullopt;
  return ToAccount(i);
}

std::optional<Transfer> StateMachine::GetTransfer(TransferId id) const {
  if (id.value == 0 || id.value > transfers_.size()) return std::nullopt;
  return ToTransfer(static_cast<std::uint32_t>(id.value - 1));
}

std::optional<Transfer> StateMachine::GetTransferByKey(std::string_view key) const {
  if (!KeyValid(key)) return std::nullopt;
  const std::uint32_t i =
      transfer_index_.Find(key, HashKey(key), [this](std::uint32_t k) { return TransferKey(k); });
  if (i == KeyIndex::kNone) return std::nullopt;
  return ToTransfer(i);
}

}  // namespace suanli::ledger
