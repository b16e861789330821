// The pieces of Platform::State that every step uses: indexes, the step context, the money
// outbox, access checks.
#include <algorithm>

#include <boost/json.hpp>
#include <spdlog/spdlog.h>

#include "core/limits.h"
#include "workflow/audited_state.h"
#include "workflow/platform_state.h"

namespace suanli::workflow {

VoucherEntry* VoucherIndex::Find(std::int64_t voucher_id) const {
  std::shared_lock lock(mu_);
  auto it = by_id_.find(voucher_id);
  return it == by_id_.end() ? nullptr : it->second.get();
}

VoucherEntry* VoucherIndex::FindByAccount(AccountId account) const {
  std::shared_lock lock(mu_);
  auto it = by_account_.find(account.value);
  return it == by_account_.end() ? nullptr : it->second;
}

VoucherEntry* VoucherIndex::Insert(std::unique_ptr<VoucherEntry> entry) {
  std::unique_lock lock(mu_);
  VoucherEntry* raw = entry.get();
  by_account_[entry->account.value] = raw;
  by_id_[entry->id] = std::move(entry);
  return raw;
}

std::vector<VoucherEntry*> VoucherIndex::All() const {
  std::shared_lock lock(mu_);
  std::vector<VoucherEntry*> out;
  out.reserve(by_id_.size());
  for (const auto& [id, e] : by_id_) out.push_back(e.get());
  return out;
}

void AdvanceAnchorAfterCommit(audit::AnchorFile& file, const audit::Anchor& head) {
  if (Status s = file.Advance(head); !s.ok()) {
    spdlog::error("audit anchor not written after a committed step (seq {}): {}", head.seq,
                  s.error().ToString());
  }
}

Status StepContext::Audit(std::string action, std::string object, std::string before_json,
                          std::string after_json, std::string detail_json) {
  audit::AuditRecord record{actor.Actor(), std::move(action), std::move(object),
                            std::move(before_json), std::move(after_json), std::move(detail_json)};
  SUANLI_ASSIGN(const audit::AuditEntry entry, state.audit->Append(now, record));
  head = audit::Anchor{entry.seq, entry.hash};
  appended_audit = true;
  return OkStatus();
}

Status StepContext::AuditChange(std::string action, std::string object, std::string before_json,
                                std::string detail_json) {
  SUANLI_ASSIGN(std::string after_json, StateOf(object));
  return Audit(std::move(action), std::move(object), std::move(before_json), std::move(after_json),
               std::move(detail_json));
}

Status StepContext::AuditRemoval(std::string action, std::string object, std::string before_json,
                                 std::string detail_json) {
  const Result<std::string> still = StateOf(object);
  if (still.ok()) {
    return MakeError(ErrorCode::kContradiction, "object", object + " is still there");
  }
  if (still.error().code != ErrorCode::kNotFound) return still.error();
  return Audit(std::move(action), std::move(object), std::move(before_json),
               std::string(kAbsentStateForm), std::move(detail_json));
}

Result<std::string> StepContext::StateOf(std::string_view object) {
  return AuditedStateJson(db, object);
}

Status StepContext::Move(PlannedMove move) {
  SUANLI_ASSIGN(auto insert,
                db.Prepare("INSERT INTO money_moves (ledger_key, debit_account, credit_account, "
                           "amount_fen, flags, code, user_data, status, created_at_us) VALUES "
                           "(?1,?2,?3,?4,?5,?6,?7,'pending',?8)"));
  insert.Bind(1, move.key)
      .Bind(2, static_cast<std::int64_t>(move.debit.value))
      .Bind(3, static_cast<std::int64_t>(move.credit.value))
      .Bind(4, move.amount_fen)
      .Bind(5, std::int64_t{move.flags})
      .Bind(6, std::int64_t{move.code})
      .Bind(7, static_cast<std::int64_t>(move.user_data))
      .Bind(8, now.micros());
  SUANLI_TRY(insert.Run());
  moves.push_back(std::move(move));
  return OkStatus();
}

Status Platform::State::ExecutePendingMoves() {
  SUANLI_ASSIGN(auto pending,
                db->Prepare("SELECT id, ledger_key, debit_account, credit_account, amount_fen, "
                            "flags, code, user_data FROM money_moves WHERE status = 'pending' "
                            "ORDER BY id"));
  std::vector<std::int64_t> ids;
  std::vector<ledger::TransferSpec> specs;
  while (true) {
    SUANLI_ASSIGN(const bool row, pending.Step());
    if (!row) break;
    ids.push_back(pending.Int(0));
    ledger::TransferSpec t = ledger::MakeTransfer(
        pending.Text(1), AccountId(static_cast<std::uint64_t>(pending.Int(2))),
        AccountId(static_cast<std::uint64_t>(pending.Int(3))), pending.Int(4), ledger::kLedgerCny,
        static_cast<std::uint16_t>(pending.Int(5)));
    t.code = static_cast<std::uint16_t>(pending.Int(6));
    t.user_data = static_cast<std::uint64_t>(pending.Int(7));
    specs.push_back(std::move(t));
  }
  pending.Reset();
  // In requests of at most the ledger's limit: one expiry sweep lapses every voucher of a
  // program at once (Chengdu's all expire on 30 November), and a request above the limit would
  // be refused whole, every time, at every later step and at start-up.
  for (std::size_t first = 0; first < specs.size(); first += limits::kTransfersPerRequestMax) {
    const std::size_t n = std::min(limits::kTransfersPerRequestMax, specs.size() - first);
    const std::vector<ledger::TransferSpec> submitted(specs.begin() + static_cast<std::ptrdiff_t>(first),
                                                      specs.begin() + static_cast<std::ptrdiff_t>(first + n));
    SUANLI_ASSIGN(const auto results, ledger->CreateTransfers(submitted));
    // The voucher index first, from the ledger's answer: if recording the outcomes below fails,
    // the rows stay pending and their next run is a duplicate, which must not count again (nor,
    // after a restart, which rebuilds the index from the ledger).
    for (std::size_t i = 0; i < results.size(); ++i) {
      const auto& r = results[i];
      if (r.code != ledger::ResultCode::kOk || r.duplicate) continue;
      const ledger::TransferSpec& t = submitted[i];
      if (VoucherEntry* v = vouchers.FindByAccount(t.debit_account_id)) {
        v->debits_fen += r.amount_fen;
        if (t.code == kCodeLapse || t.code == kCodeClawback) v->lapsed_fen += r.amount_fen;
      }
      if (VoucherEntry* v = vouchers.FindByAccount(t.credit_account_id)) {
        v->credits_fen += r.amount_fen;
      }
    }
    SUANLI_ASSIGN(auto tx, storage::Transaction::Begin(*db));
    SUANLI_ASSIGN(auto done, db->Prepare("UPDATE money_moves SET status = ?2, applied_fen = ?3, "
                                         "result = ?4 WHERE id = ?1"));
    for (std::size_t i = 0; i < results.size(); ++i) {
      const auto& r = results[i];
      const bool ok = r.code == ledger::ResultCode::kOk;
      done.Reset();
      done.Bind(1, ids[first + i]).Bind(2, ok ? "done" : "failed").Bind(3, r.amount_fen);
      done.Bind(4, std::string(ledger::ResultCodeName(r.code)));
      SUANLI_TRY(done.Run());
      if (!ok) {
        // The step checked everything the ledger checks; a refusal here is a bug to look at
        // (or a claw that found nothing left, which its finding's tally reads as 0).
        spdlog::error("money move {} refused by the ledger: {}", submitted[i].key,
                      ledger::ResultCodeName(r.code));
      }
    }
    SUANLI_TRY(tx.Commit());
  }
  return OkStatus();
}

void LogOutboxFailure(const Status& ran, const std::string& first_key) {
  if (ran.ok()) return;
  spdlog::error("a committed step's money moves (from {}) wait in the outbox: {}", first_key,
                ran.error().ToString());
}

void Platform::State::DrainOutbox() {
  {
    std::lock_guard lock(mu);
    if (Status ran = ExecutePendingMoves(); !ran.ok()) {
      spdlog::error("money moves still wait in the outbox: {}", ran.error().ToString());
      return;
    }
  }
  if (Status tallied = TallyPendingFindings(*this); !tallied.ok()) {
    spdlog::error("fraud findings still to tally: {}", tallied.error().ToString());
  }
}

Result<AccountId> Platform::State::EnsureAccount(const std::string& key, ledger::AccountKind kind,
                                                 std::uint16_t flags, Instant expires_at,
                                                 std::int64_t credits_ceiling_fen) {
  ledger::AccountSpec spec;
  spec.key = key;
  spec.ledger = ledger::kLedgerCny;
  spec.kind = kind;
  spec.flags = flags;
  spec.expires_at = expires_at;
  spec.credits_ceiling_fen = credits_ceiling_fen;
  SUANLI_ASSIGN(const auto out, ledger->CreateAccounts({spec}));
  if (out[0].code != ledger::ResultCode::kOk) {
    return MakeError(ErrorCode::kContradiction, "account",
                     key + ": " + std::string(ledger::ResultCodeName(out[0].code)) +
                         (out[0].field.empty() ? "" : " (" + std::string(out[0].field) + ")"));
  }
  return out[0].id;
}

Result<ledger::Account> Platform::State::LookupAccount(AccountId id) {
  SUANLI_ASSIGN(const auto rows, ledger->LookupAccounts({id}));
  if (!rows[0]) return MakeError(ErrorCode::kNotFound, "account", "no ledger account " + std::to_string(id.value));
  return *rows[0];
}

std::string Quoted(std::string_view s) { return boost::json::serialize(boost::json::string(s)); }

Status RequireRole(const Principal& actor, std::initializer_list<Role> roles) {
  if (actor.is_system()) return OkStatus();
  for (Role r : roles) {
    if (actor.role == r) return OkStatus();
  }
  return MakeError(ErrorCode::kForbidden, "", "the role " + std::string(RoleName(actor.role)) +
                                                  " may not do this");
}

// Officers, admins and auditors see every organisation and provider; `own_role` sees only the
// one its account belongs to (`mine`).
static Status RequireOwnAccess(const Principal& actor, Role own_role,
                               std::optional<std::int64_t> mine, std::int64_t id,
                               const char* field, const char* what) {
  if (actor.is_system()) return OkStatus();
  if (actor.role == Role::kAdmin || actor.role == Role::kOfficer || actor.role == Role::kAuditor) {
    return OkStatus();
  }
  if (actor.role == own_role && mine == id) return OkStatus();
  return MakeError(ErrorCode::kForbidden, field, what);
}

Status RequireOrgAccess(const Principal& actor, std::int64_t org_id) {
  return RequireOwnAccess(actor, Role::kApplicant, actor.org_id, org_id, "org_id",
                          "not your organisation");
}

Status RequireProviderAccess(const Principal& actor, std::int64_t provider_id) {
  return RequireOwnAccess(actor, Role::kProvider, actor.provider_id, provider_id, "provider_id",
                          "not your provider");
}

Result<std::vector<std::int64_t>> ExpertPanelOrgs(storage::Db& db, const Principal& actor) {
  if (actor.role != Role::kExpert || actor.is_system()) return std::vector<std::int64_t>{};
  SUANLI_ASSIGN(auto q, db.Prepare("SELECT DISTINCT v.org_id FROM panel_members p JOIN "
                                   "claim_items i ON i.claim_id = p.claim_id JOIN settlements t "
                                   "ON t.transfer_id = i.transfer_id JOIN vouchers v ON v.id = "
                                   "t.voucher_id WHERE p.expert_id = ?1 ORDER BY v.org_id"));
  q.Bind(1, actor.user_id);
  return q.IntColumn();
}

Status RequireOrgReadAccess(const Principal& actor, std::int64_t org_id,
                            const std::vector<std::int64_t>& panel_orgs, std::string_view field) {
  if (actor.role != Role::kExpert || actor.is_system()) return RequireOrgAccess(actor, org_id);
  if (std::binary_search(panel_orgs.begin(), panel_orgs.end(), org_id)) return OkStatus();
  return MakeError(ErrorCode::kForbidden, std::string(field),
                   "not on the panel of a claim with this organisation's settlements");
}

Status RequireText(std::string_view value, std::string_view field, std::size_t max_bytes) {
  if (value.empty()) return MakeError(ErrorCode::kMissingField, std::string(field), "required");
  if (value.size() > max_bytes) {
    return MakeError(ErrorCode::kOutOfRange, std::string(field),
                     "at most " + std::to_string(max_bytes) + " bytes (" +
                         std::to_string(value.size()) + " given)");
  }
  return OkStatus();
}

std::string Yuan(std::int64_t fen);  // vouchers.cc

Status ValidateBankPayout(std::int64_t amount_fen, std::string_view bank_reference) {
  if (amount_fen <= 0) {
    return MakeError(amount_fen < 0 ? ErrorCode::kNegativeAmount : ErrorCode::kOutOfRange,
                     "amount", "a payout is more than 0.00");
  }
  return RequireText(bank_reference, "reference", kBankReferenceBytesMax);
}

Result<bool> CheckWholePayout(std::string_view what, const WholePayout& owed,
                              std::int64_t amount_fen, const std::string& bank_reference) {
  if (owed.status == "paid") {
    // The same bank transfer recorded again (a retry after a lost answer, perhaps under a new
    // Idempotency-Key, which the server keeps only in memory) is that payout.
    if (owed.bank_reference == bank_reference && owed.amount_fen == amount_fen) return true;
    return MakeError(ErrorCode::kStateConflict, "reference",
                     "the " + std::string(what) + " was paid on " +
                         (owed.paid_at ? owed.paid_at->CstDate().ToString() : std::string("?")) +
                         " under reference " + std::string(owed.bank_reference));
  }
  if (owed.status != owed.payable_status) {
    return MakeError(ErrorCode::kStateConflict, std::string(what) + "_id",
                     "the " + std::string(what) + " is " + std::string(owed.status));
  }
  if (amount_fen != owed.amount_fen) {
    return MakeError(ErrorCode::kContradiction, "amount",
                     "the " + std::string(what) + " is " + Yuan(owed.amount_fen) + ", not " +
                         Yuan(amount_fen) + ": " + (what == "award" ? "an " : "a ") +
                         std::string(what) + " is paid whole, once");
  }
  return false;
}

Status ValidateReason(std::string_view reason) {
  if (reason.size() > kReasonBytesMax) {
    return MakeError(ErrorCode::kOutOfRange, "reason", "at most 500 bytes");
  }
  return OkStatus();
}

Error NotFound(std::string_view what, std::int64_t id) {
  return MakeError(ErrorCode::kNotFound, std::string(what) + "_id",
                   "no " + std::string(what) + " " + std::to_string(id));
}

}  // namespace suanli::workflow
