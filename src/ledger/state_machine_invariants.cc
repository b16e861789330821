// The invariant checks of invariants.h (per batch and in full) and the read-only lookups that
// turn stored rows back into Account and Transfer values.
#include "ledger/state_machine.h"

#include <algorithm>
#include <string>

#include "core/check.h"
#include "core/limits.h"
#include "ledger/state_machine_internal.h"

namespace suanli::ledger {

using internal::i128;
using internal::kStatePending;
using internal::KeyValid;

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

std::vector<std::string> StateMachine::BatchViolations() const {
  std::vector<std::string> violations;
  for (std::size_t i = open_->start.undo; i < open_->undo.size(); ++i) {
    const Undo& u = open_->undo[i];
    if (u.kind == Undo::kAccount || u.kind == Undo::kGroup) AccountViolations(u.index, &violations);
    if (u.kind == Undo::kTotals) TotalsViolations(totals_[u.index], &violations);
  }
  return violations;
}

void StateMachine::CheckBatchInvariants() const {
  const std::vector<std::string> violations = BatchViolations();
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
