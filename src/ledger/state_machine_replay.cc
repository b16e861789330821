// Replay (recovery): decodes a stored batch body and re-applies its account creations,
// transfers and auto-voids exactly as recorded, without consulting a clock.
#include "ledger/state_machine.h"

#include <algorithm>
#include <string>

#include "core/check.h"
#include "core/limits.h"
#include "ledger/state_machine_internal.h"

namespace suanli::ledger {

using internal::kStatePosted;
using internal::kStatePending;
using internal::kStatePendingPosted;
using internal::kStatePendingVoided;
using internal::kStatePendingExpired;
using internal::KeyValid;
using internal::Corrupt;

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
  // A stored batch whose effect breaks an invariant (edited on disk with a recomputed CRC, or
  // written by a bug) fails the open like any other corruption, naming the first violation;
  // it used to abort the process, so the platform could not even start to report it.
  if (const std::vector<std::string> violations = BatchViolations(); !violations.empty()) {
    RollbackBatch();
    return Corrupt(batch.seq, "invariant broken: " + violations.front());
  }
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
  const std::uint64_t hash = HashKey(key);
  if (transfer_index_.Find(key, hash, [this](std::uint32_t i) {
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
  AddTransferRow(key, hash, spec, e, ts_us, state);
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

}  // namespace suanli::ledger
