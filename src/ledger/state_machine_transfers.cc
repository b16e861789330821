// Transfers: validation, their effects on balances (with undo records), hold resolution,
// auto-voiding expired holds, and encoding each applied transfer into the open batch's body.
#include "ledger/state_machine.h"

#include <algorithm>
#include <array>
#include <string>

#include "core/check.h"
#include "core/limits.h"
#include "core/prefetch.h"
#include "ledger/state_machine_internal.h"

namespace suanli::ledger {

using internal::i128;
using internal::kStatePosted;
using internal::kStatePending;
using internal::kStatePendingPosted;
using internal::kStatePendingVoided;
using internal::kStatePendingExpired;
using internal::KeyValid;
using internal::Add;

// ---------------------------------------------------------------------------------------------
// Transfers

std::uint64_t StateMachine::Prefetch(const TransferSpec& spec) const {
  // A new key's slot in the index is a cache miss once the index holds millions of keys, and
  // so is the debit row with 10^7 vouchers: start both while earlier events apply.
  const std::uint64_t hash = HashKey(spec.key);
  transfer_index_.Prefetch(hash);
  const std::uint64_t d = spec.debit_account_id.value, c = spec.credit_account_id.value;
  if (d != 0 && d <= accounts_.size()) PrefetchLine(&accounts_[d - 1]);
  if (c != 0 && c <= accounts_.size()) PrefetchLine(&accounts_[c - 1]);
  return hash;
}

void StateMachine::ApplyTransfers(std::span<const TransferSpec> specs,
                                  std::span<TransferOutcome> out) {
  SUANLI_CHECK(open_ != nullptr);
  SUANLI_CHECK(specs.size() == out.size());
  SUANLI_CHECK(specs.size() <= limits::kTransfersPerRequestMax);
  // specs[k] for k in [applying, prefetched) have been prefetched, and the hash of specs[k]'s
  // key is hashes[k % kPrefetchDistance]. A failed chain skips specs, which restarts the run.
  std::array<std::uint64_t, kPrefetchDistance> hashes;
  std::size_t prefetched = 0;
  const auto hash_of = [&](std::size_t k) {
    prefetched = std::max(prefetched, k);
    for (; prefetched < std::min(k + kPrefetchDistance, specs.size()); ++prefetched) {
      hashes[prefetched % kPrefetchDistance] = Prefetch(specs[prefetched]);
    }
    return hashes[k % kPrefetchDistance];
  };
  std::size_t i = 0;
  // Each pass handles one chain (a single unlinked transfer is a chain of one).
  while (i < specs.size()) {
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
      const std::uint64_t hash = hash_of(k);
      out[k] = TransferOutcome{};
      out[k].code = ApplyTransfer(specs[k], hash, &out[k]);
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

ResultCode StateMachine::ApplyTransfer(const TransferSpec& spec, std::uint64_t hash,
                                       TransferOutcome* out) {
  if (!KeyValid(spec.key)) return ResultCode::kKeyInvalid;
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
  const std::uint32_t index = AddTransferRow(spec.key, hash, spec, e, ts_us, state);
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

std::uint32_t StateMachine::AddTransferRow(std::string_view key, std::uint64_t hash,
                                           const TransferSpec& spec, const Effect& e,
                                           std::int64_t ts_us, std::uint8_t state) {
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
  transfer_index_.Insert(hash, index);
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

}  // namespace suanli::ledger
