// The state machine's core: batches and savepoints (the undo log, seal, commit and rollback)
// and account creation. Transfers, replay and the invariant checks live in the sibling
// state_machine_*.cc files; everything here is single-threaded and deterministic.
#include "ledger/state_machine.h"

#include <algorithm>
#include <string>

#include "core/check.h"
#include "core/limits.h"
#include "ledger/state_machine_internal.h"

namespace suanli::ledger {

using internal::KeyValid;
using internal::Add;

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
    transfer_index_.Erase(HashKey(TransferKey(index)), index);
  }
  transfers_.resize(sp.transfers);
  transfer_keys_.Truncate(sp.transfer_keys);
  for (std::size_t i = accounts_.size(); i > sp.accounts; --i) {
    const auto index = static_cast<std::uint32_t>(i - 1);
    account_index_.Erase(HashKey(AccountKey(index)), index);
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
  account_index_.Insert(HashKey(spec.key), index);
  open_->new_accounts.push_back(StoredAccount{index + 1u, spec.key, row.ledger, row.kind, row.flags,
                                        row.ceiling, row.cap_group, row.expires_at_us,
                                        spec.user_data, ts_us});
}

}  // namespace suanli::ledger
