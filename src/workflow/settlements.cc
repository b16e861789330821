// Settlement, the hot path: a provider posts a bill; the voucher pays its share (Chengdu: 50 %
// of each bill, rounded down to the fen, never more than what is left) in one balancing ledger
// transfer whose key is the provider's Idempotency-Key, so a retry returns the first answer.
// No mutex, no SQLite on the way: the voucher index answers the checks, the ledger makes the
// deduction durable, and the settlement journal records the bill afterwards.
#include "workflow/settlement_path.h"

namespace suanli::workflow {

Result<SettlementRow> LoadSettlement(storage::Db& db, std::int64_t id);  // vouchers.cc
std::string Yuan(std::int64_t fen);

namespace {

Status ValidateRequest(const SettlementRequest& r) {
  SUANLI_TRY(ValidateIdempotencyKey(r.idempotency_key));
  if (r.bill_no.empty() || r.bill_no.size() > 64) {
    return MakeError(ErrorCode::kOutOfRange, "bill_no", "1 to 64 bytes");
  }
  if (!r.metered && r.bill_no.starts_with(kMeteredBillPrefix)) {
    return MakeError(ErrorCode::kOutOfRange, "bill_no",
                     "bill numbers starting \"M-\" are Suanli's metered bills "
                     "(POST /api/v1/bills/settlement); number this bill otherwise");
  }
  if (r.bill_fen < 0) return MakeError(ErrorCode::kNegativeAmount, "amount", "a bill is not negative");
  if (r.bill_fen == 0) return MakeError(ErrorCode::kOutOfRange, "amount", "a bill is positive");
  if (r.bill_fen > limits::kAmountFenMax) {
    return MakeError(ErrorCode::kOverflow, "amount", "above the largest amount the ledger holds");
  }
  return OkStatus();
}

Error FromLedger(ledger::ResultCode code, std::string_view field) {
  switch (code) {
    case ledger::ResultCode::kExistsWithDifferentFields:
      return MakeError(ErrorCode::kIdempotencyConflict, "Idempotency-Key",
                       "this key was used for a different settlement (" + std::string(field) + ")");
    case ledger::ResultCode::kAccountExpired:
      return MakeError(ErrorCode::kExpired, "voucher_id", "the voucher has expired");
    case ledger::ResultCode::kExceedsCredits:
      return MakeError(ErrorCode::kExceedsLimit, "voucher_id", "the voucher is used up");
    default:
      return MakeError(ErrorCode::kContradiction, "",
                       "ledger refused: " + std::string(ledger::ResultCodeName(code)));
  }
}

// A replay's answer is the first posting's, but the ledger does not keep the bill number: the
// same key with another bill is another settlement, refused. The journal, off the ledger's
// thread, compares it with the first posting's row.
void AnswerReplay(Platform::State& s, SettlementResult r, Platform::SettlementDone done) {
  const std::int64_t settlement_id = r.settlement_id;
  std::string bill_no = r.bill_no;  // copied before r moves into the callback
  s.journal->CheckReplay(
      settlement_id, std::move(bill_no),
      [r = std::move(r), done = std::move(done)](Result<bool> same) mutable {
        if (!same.ok()) return done(same.error());
        if (!*same) {
          return done(MakeError(ErrorCode::kIdempotencyConflict, "Idempotency-Key",
                                "this key was used for a different settlement (bill_no)"));
        }
        done(std::move(r));
      });
}

// The answer to a bill from its transfer: `amount_fen` deducted under transfer `id` at `at`.
SettlementResult Answer(const VoucherEntry& voucher, const SettlementRequest& request,
                        policy::InvoiceMode invoice, TransferId id,
                        std::int64_t amount_fen, Instant at, bool duplicate) {
  SettlementResult r;
  r.settlement_id = static_cast<std::int64_t>(id.value);
  r.voucher_id = voucher.id;
  r.bill_no = request.bill_no;
  r.bill_fen = request.bill_fen;
  r.deduction_fen = amount_fen;
  r.customer_pays_fen = request.bill_fen - amount_fen;
  r.invoiced_fen =
      invoice == policy::InvoiceMode::kFullAmount ? request.bill_fen : r.customer_pays_fen;
  r.voucher_remaining_fen = voucher.remaining_fen();
  r.at = at;
  r.duplicate = duplicate;
  return r;
}

}  // namespace

Status ValidateIdempotencyKey(std::string_view key) {
  if (key.empty()) {
    return MakeError(ErrorCode::kMissingField, "Idempotency-Key",
                     "money-moving requests carry an Idempotency-Key");
  }
  if (key.size() > kIdempotencyKeyBytesMax) {
    return MakeError(ErrorCode::kOutOfRange, "Idempotency-Key",
                     "1 to 40 printable characters (" + std::to_string(key.size()) + " given)");
  }
  for (char c : key) {
    if (c < 0x21 || c > 0x7e) {
      return MakeError(ErrorCode::kParse, "Idempotency-Key", "printable ASCII only, no spaces");
    }
  }
  return OkStatus();
}

std::string SettlementLedgerKey(std::int64_t provider_id, std::string_view settlement_key) {
  return "stl/" + std::to_string(provider_id) + "/" + std::string(settlement_key);
}

namespace settlement_path {

std::variant<Prepared, Refused> Prepare(Platform::State& s, const Principal& actor,
                                        SettlementRequest request) {
  const auto refuse = [&](Error e, VoucherEntry* closed = nullptr) {
    return Refused{std::move(e), closed, std::move(request)};
  };
  if (Status v = ValidateRequest(request); !v.ok()) return refuse(v.error());
  if (Status r = RequireRole(actor, {Role::kProvider}); !r.ok()) return refuse(r.error());
  VoucherEntry* voucher = s.vouchers.Find(request.voucher_id);
  if (voucher == nullptr) return refuse(NotFound("voucher", request.voucher_id));
  if (!actor.is_system() && actor.provider_id != voucher->provider_id) {
    return refuse(MakeError(ErrorCode::kForbidden, "voucher_id",
                            "the voucher is for another provider's contract"));
  }
  const Instant now = s.clock->Now();
  if (now.micros() < voucher->org_banned_until_us.load()) {
    return refuse(MakeError(ErrorCode::kBanned, "voucher_id",
                            "the organisation is banned after a fraud finding"),
                  voucher);
  }
  if (voucher->status.load() != VoucherEntry::kActive) {
    return refuse(MakeError(ErrorCode::kStateConflict, "voucher_id",
                            "the voucher was closed (lapsed or clawed back)"),
                  voucher);
  }
  // The expiry is also the ledger account's: a bill arriving at the very second is refused
  // there too, by the same clock.
  if (now >= voucher->expires_at) {
    return refuse(MakeError(ErrorCode::kExpired, "voucher_id",
                            "the voucher expired at " + voucher->expires_at.ToString()),
                  voucher);
  }
  if (!voucher->terms || voucher->terms->redeemed_by_org) {
    return refuse(MakeError(ErrorCode::kStateConflict, "voucher_id",
                            voucher->terms
                                ? "this program's vouchers are redeemed by the organisation with "
                                  "invoice and delivery proof, not deducted at settlement"
                                : "the voucher has no terms to deduct by: it was issued before "
                                  "terms were stored and its program no longer states a share"));
  }
  // The voucher's own terms, fixed at issue (voucher_terms.h), not its program's as now loaded.
  const VoucherTerms& terms = *voucher->terms;
  auto share = MulRate(Money::FromFen(request.bill_fen), terms.share, terms.rounding);
  if (!share.ok()) return refuse(share.error());
  if (share->fen() == 0) {
    return refuse(MakeError(ErrorCode::kOutOfRange, "amount", "the bill is too small to deduct a fen"));
  }
  ledger::TransferSpec t = ledger::MakeTransfer(
      SettlementLedgerKey(voucher->provider_id, request.idempotency_key), voucher->account,
      voucher->receivable, share->fen(), ledger::kLedgerCny, ledger::kBalancingDebit);
  t.code = kCodeSettlement;
  t.user_data = static_cast<std::uint64_t>(request.bill_fen);
  return Prepared{voucher, std::move(request), terms.invoice, std::move(t)};
}

// A bill refused because its voucher can no longer pay may be the retry of a settlement the
// voucher paid before that, whose answer was lost on the way: it gets that answer, not the
// refusal (else the provider would bill the customer in full for a bill the voucher already paid
// half of). The key is looked up on the ledger's writer, without blocking this thread (an event
// loop's). The same key for another bill, amount or voucher is a conflict.
void Refuse(Platform::State& s, Refused refused, Platform::SettlementDone done) {
  const VoucherEntry* voucher = refused.closed;
  if (voucher == nullptr || !voucher->terms || voucher->terms->redeemed_by_org) {
    return done(std::move(refused.error));
  }
  std::string key = SettlementLedgerKey(voucher->provider_id, refused.request.idempotency_key);
  // VoucherEntry lives as long as the platform, which outlives the ledger's callbacks.
  s.ledger->SubmitLookupTransferByKey(
      std::move(key), [&s, voucher, refused = std::move(refused), done = std::move(done)](
                          Result<std::optional<ledger::Transfer>> posted) mutable {
        if (!posted.ok()) return done(posted.error());
        if (!posted->has_value()) return done(std::move(refused.error));
        const ledger::Transfer& t = **posted;
        const SettlementRequest& request = refused.request;
        if (t.code != kCodeSettlement || t.debit_account_id != voucher->account ||
            t.user_data != static_cast<std::uint64_t>(request.bill_fen)) {
          return done(MakeError(ErrorCode::kIdempotencyConflict, "Idempotency-Key",
                                "this key was used for a different settlement (settlement " +
                                    std::to_string(t.id.value) + ")"));
        }
        AnswerReplay(s,
                     Answer(*voucher, request, voucher->terms->invoice, t.id,
                            t.amount_fen, t.timestamp, /*duplicate=*/true),
                     std::move(done));
      });
}

void Finish(Platform::State& s, const Prepared& p, const std::string& actor,
            const ledger::TransferOutcome& o, Platform::SettlementDone done) {
  if (o.code != ledger::ResultCode::kOk) return done(FromLedger(o.code, o.field));
  VoucherEntry* voucher = p.voucher;
  const SettlementRequest& request = p.request;
  if (!o.duplicate) {
    voucher->debits_fen += o.amount_fen;
    voucher->used_fen += o.amount_fen;
    s.journal->Enqueue(JournalRow{actor, static_cast<std::int64_t>(o.id.value), voucher->id,
                                  voucher->provider_id, voucher->program_id, request.bill_no,
                                  request.bill_fen, o.amount_fen, o.timestamp.micros(), false});
  }
  SettlementResult r =
      Answer(*voucher, request, p.invoice, o.id, o.amount_fen, o.timestamp, o.duplicate);
  if (!o.duplicate) return done(std::move(r));
  // A replay: the ledger matched the key, accounts and amounts; the bill number is checked
  // against the journal.
  AnswerReplay(s, std::move(r), std::move(done));
}

}  // namespace settlement_path

void Platform::SubmitSettlement(const Principal& actor, SettlementRequest request,
                                SettlementDone done) {
  State& s = *state_;
  auto prepared = settlement_path::Prepare(s, actor, std::move(request));
  if (auto* refused = std::get_if<settlement_path::Refused>(&prepared)) {
    return settlement_path::Refuse(s, std::move(*refused), std::move(done));
  }
  auto& p = std::get<settlement_path::Prepared>(prepared);
  ledger::TransferSpec transfer = std::move(p.transfer);
  s.ledger->SubmitTransfers(
      {std::move(transfer)},
      [&s, p = std::move(p), actor = actor.Actor(),
       done = std::move(done)](Result<std::vector<ledger::TransferOutcome>> out) mutable {
        if (!out.ok()) return done(out.error());
        settlement_path::Finish(s, p, actor, (*out)[0], std::move(done));
      });
}

Result<SettlementRow> Platform::ReverseSettlement(const Principal& actor,
                                                  std::int64_t settlement_id,
                                                  std::string reason) {
  SUANLI_TRY(RequireRole(actor, {Role::kProvider, Role::kOfficer}));
  SUANLI_TRY(RequireText(reason, "reason"));
  State& s = *state_;
  SUANLI_TRY(s.journal->Flush());
  return s.RunStep<SettlementRow>(actor, [&](StepContext& ctx) -> Result<SettlementRow> {
    SUANLI_ASSIGN(const SettlementRow before, LoadSettlement(ctx.db, settlement_id));
    SUANLI_TRY(RequireProviderAccess(actor, before.provider_id));
    if (before.reversed_by) {
      return MakeError(ErrorCode::kStateConflict, "settlement_id", "already reversed");
    }
    SUANLI_ASSIGN(auto claimed, ctx.db.Prepare("SELECT claim_id FROM claim_items WHERE transfer_id = ?1"));
    claimed.Bind(1, settlement_id);
    SUANLI_ASSIGN(const bool is_claimed, claimed.Step());
    if (is_claimed) {
      return MakeError(ErrorCode::kStateConflict, "settlement_id",
                       "already in claim " + std::to_string(claimed.Int(0)) +
                           "; the claim's review corrects it");
    }
    VoucherEntry* v = s.vouchers.Find(before.voucher_id);
    if (v == nullptr) return NotFound("voucher", before.voucher_id);
    // The deduction would go back to a voucher no settlement can spend and no expiry sweep
    // visits (a lapsed or clawed-back voucher's account is closed for good): stranded money.
    if (v->status.load() != VoucherEntry::kActive) {
      return MakeError(ErrorCode::kStateConflict, "settlement_id",
                       "the voucher was closed (lapsed or clawed back); the program office "
                       "corrects this settlement");
    }
    const std::string key = "rev/" + std::to_string(settlement_id);
    SUANLI_TRY(ctx.Move(PlannedMove{key, v->receivable, v->account, before.deduction_fen, 0,
                                    kCodeReversal, static_cast<std::uint64_t>(settlement_id)}));
    // The reversal's own transfer id is not known before the move runs; the settlement is
    // marked with the outbox row instead, which names the ledger key.
    SUANLI_ASSIGN(auto mark, ctx.db.Prepare("UPDATE settlements SET reversed_by = (SELECT id "
                                            "FROM money_moves WHERE ledger_key = ?2) WHERE "
                                            "transfer_id = ?1"));
    SUANLI_TRY(mark.Bind(1, settlement_id).Bind(2, key).Run());
    // Only once the reversal is committed: a refused reversal must not lower it.
    ctx.OnCommit([v, deduction = before.deduction_fen] { v->used_fen -= deduction; });
    SUANLI_ASSIGN(SettlementRow after, LoadSettlement(ctx.db, settlement_id));
    SUANLI_TRY(ctx.Audit("settlement.reverse", "settlement/" + std::to_string(settlement_id),
                         "{\"deduction_fen\":" + std::to_string(before.deduction_fen) + "}",
                         "{\"reversed\":true}", "{\"reason\":" + Quoted(reason) + "}"));
    return after;
  });
}

}  // namespace suanli::workflow
