// Redemptions (兑付) of apply_then_redeem vouchers — Beijing's two steps (voucher-programs.md
// §1 row 1: "(1) apply with the signed contract → voucher. (2) After settling with the
// provider, redeem with invoice + delivery proof", redeemed by the bureau on application), and
// Hangzhou, read the same way. The provider deducts nothing at settlement (settlements.cc
// refuses: the program has no [deduction]); the organisation pays its provider in full and
// then claims floor(tier rate × invoiced) from its voucher.
//
// Money: submission holds the amount at once — voucher → prog/<id>/redemption/r-<id> (kind
// provider_receivable: what the program owes the organisation) — so two claims cannot both
// spend the same rest, and a claim made before the expiry is still paid after it (the expiry
// sweep lapses only what is left in the voucher). The officer then pays it (hold → the
// program's redemption payout, by bank transfer) or refuses it (hold → the voucher while it is
// active and unexpired, else → the program's lapsed account; after a fraud finding → back where
// the grant came from: the pool, or the funder of a program without one, as Beijing).
#include "core/limits.h"
#include "workflow/platform_state.h"

namespace suanli::workflow {

Result<Org> LoadOrg(storage::Db& db, std::int64_t org_id);            // orgs.cc
Status RequireNotBanned(const Org& org, Instant now);                 // contracts.cc
Status AddNotice(StepContext& ctx, const std::string& recipient, const std::string& kind,
                 const std::string& object, const std::string& zh, const std::string& en);
std::string Yuan(std::int64_t fen);

namespace {

// An invoice number (发票号码): 20 digits for a fully digital invoice, less for older ones;
// bounded so that it fits an audit entry and a bank's remittance line.
constexpr std::size_t kInvoiceNoBytesMax = 64;

constexpr const char* kSelectRedemption =
    "SELECT r.id, r.voucher_id, r.org_id, o.name, r.program_id, c.contract_no, r.invoice_no, "
    "r.invoiced_fen, r.rate, r.amount_fen, r.invoice_document_id, r.proof_document_id, "
    "r.status, r.reasons, COALESCE(r.bank_reference, ''), r.submitted_at_us, r.decided_at_us, "
    "r.account_id FROM redemptions r JOIN orgs o ON o.id = r.org_id JOIN vouchers v ON v.id = "
    "r.voucher_id JOIN applications a ON a.id = v.application_id JOIN contracts c ON c.id = "
    "a.contract_id ";

Redemption ReadRedemption(const storage::Stmt& q) {
  Redemption r;
  r.id = q.Int(0);
  r.voucher_id = q.Int(1);
  r.org_id = q.Int(2);
  r.org_name = q.Text(3);
  r.program_id = q.Text(4);
  r.contract_no = q.Text(5);
  r.invoice_no = q.Text(6);
  r.invoiced_fen = q.Int(7);
  r.rate = q.Text(8);
  r.amount_fen = q.Int(9);
  r.invoice_document_id = q.Int(10);
  r.proof_document_id = q.Int(11);
  r.status = q.Text(12);
  r.reasons = q.Text(13);
  r.bank_reference = q.Text(14);
  r.submitted_at = Instant::FromMicros(q.Int(15));
  if (const auto at = q.OptInt(16)) r.decided_at = Instant::FromMicros(*at);
  return r;
}

struct RedemptionRow {
  Redemption redemption;
  AccountId hold;
};

Result<RedemptionRow> LoadRedemptionRow(storage::Db& db, std::int64_t id) {
  SUANLI_ASSIGN(auto q, db.Prepare(std::string(kSelectRedemption) + "WHERE r.id = ?1"));
  SUANLI_ASSIGN(const bool row, q.Bind(1, id).Step());
  if (!row) return NotFound("redemption", id);
  return RedemptionRow{ReadRedemption(q), AccountId(static_cast<std::uint64_t>(q.Int(17)))};
}

// The voucher's contract fee: what the invoices redeemed on it add up to at most.
Result<std::int64_t> LoadVoucherFee(storage::Db& db, std::int64_t voucher_id) {
  SUANLI_ASSIGN(auto q, db.Prepare("SELECT c.amount_fen FROM vouchers v JOIN applications a ON "
                                   "a.id = v.application_id JOIN contracts c ON c.id = "
                                   "a.contract_id WHERE v.id = ?1"));
  SUANLI_ASSIGN(const bool row, q.Bind(1, voucher_id).Step());
  if (!row) return NotFound("voucher", voucher_id);
  return q.Int(0);
}

// Where a refused redemption's hold goes: back to its voucher while that can still be drawn
// on, else to the lapsed account (the expiry sweep has lapsed, or will lapse, the rest).
AccountId ReturnTarget(const Platform::State& s, const VoucherEntry& v, Instant now) {
  if (v.status.load() == VoucherEntry::kActive && now < v.expires_at) return v.account;
  return s.program_accounts.at(v.program_id).lapsed;
}

}  // namespace

bool RedeemedByOrg(const policy::Program& program) {
  return program.mode == policy::Mode::kApplyThenRedeem;
}

bool RedeemedByOrg(const VoucherEntry& v) {
  if (v.terms) return v.terms->redeemed_by_org;
  return v.program != nullptr && RedeemedByOrg(*v.program);
}

Result<RedemptionSubmitted> Platform::SubmitRedemption(const Principal& actor,
                                                       const NewRedemption& n) {
  SUANLI_TRY(RequireRole(actor, {Role::kApplicant}));
  SUANLI_TRY(RequireText(n.invoice_no, "invoice_no", kInvoiceNoBytesMax));
  if (n.invoiced_fen <= 0) {
    return MakeError(n.invoiced_fen < 0 ? ErrorCode::kNegativeAmount : ErrorCode::kOutOfRange,
                     "invoiced", "an invoice is more than 0.00");
  }
  if (n.invoiced_fen > limits::kAmountFenMax) {
    return MakeError(ErrorCode::kOverflow, "invoiced", "above the largest amount the ledger holds");
  }
  State& s = *state_;
  return s.RunStep<RedemptionSubmitted>(actor, [&](StepContext& ctx)
                                                    -> Result<RedemptionSubmitted> {
    VoucherEntry* v = s.vouchers.Find(n.voucher_id);
    if (v == nullptr) return NotFound("voucher", n.voucher_id);
    SUANLI_TRY(RequireOrgAccess(actor, v->org_id));
    if (!RedeemedByOrg(*v)) {
      return MakeError(ErrorCode::kStateConflict, "voucher_id",
                       "the provider draws on this voucher at settlement; only vouchers of "
                       "apply_then_redeem programs are redeemed by the organisation");
    }
    // The same invoice again: a retry after a lost answer is the first redemption; anything
    // else under its number is a second claim on one invoice. A refused one does not count:
    // the invoice may be submitted again (with a corrected proof, say) as a new redemption.
    SUANLI_ASSIGN(auto same, ctx.db.Prepare("SELECT id, invoiced_fen, invoice_document_id, "
                                            "proof_document_id FROM redemptions WHERE "
                                            "voucher_id = ?1 AND invoice_no = ?2 AND status != "
                                            "'refused'"));
    SUANLI_ASSIGN(const bool seen, same.Bind(1, n.voucher_id).Bind(2, n.invoice_no).Step());
    if (seen) {
      const std::int64_t first = same.Int(0);
      if (same.Int(1) == n.invoiced_fen && same.Int(2) == n.invoice_document_id &&
          same.Int(3) == n.proof_document_id) {
        SUANLI_ASSIGN(const RedemptionRow row, LoadRedemptionRow(ctx.db, first));
        return RedemptionSubmitted{row.redemption, /*duplicate=*/true};
      }
      return MakeError(ErrorCode::kDuplicate, "invoice_no",
                       "invoice " + n.invoice_no + " was already redeemed on this voucher "
                       "(redemption " + std::to_string(first) + ")");
    }
    if (ctx.now.micros() < v->org_banned_until_us.load()) {
      return MakeError(ErrorCode::kBanned, "voucher_id",
                       "the organisation is banned after a fraud finding");
    }
    if (v->status.load() != VoucherEntry::kActive) {
      return MakeError(ErrorCode::kStateConflict, "voucher_id",
                       "the voucher was closed (lapsed or clawed back)");
    }
    if (ctx.now >= v->expires_at) {
      return MakeError(ErrorCode::kExpired, "voucher_id",
                       "the voucher expired at " + v->expires_at.ToString());
    }
    SUANLI_TRY(RequireOrgEvidence(ctx.db, v->org_id, n.invoice_document_id, "invoice",
                               "invoice_document_id"));
    SUANLI_TRY(RequireOrgEvidence(ctx.db, v->org_id, n.proof_document_id, "proof_of_service",
                               "proof_document_id"));
    // One invoice document proves one invoice.
    SUANLI_ASSIGN(auto cited, ctx.db.Prepare("SELECT id FROM redemptions WHERE "
                                             "invoice_document_id = ?1 AND status != 'refused'"));
    SUANLI_ASSIGN(const bool cited_before, cited.Bind(1, n.invoice_document_id).Step());
    if (cited_before) {
      return MakeError(ErrorCode::kDuplicate, "invoice_document_id",
                       "the invoice document is cited by redemption " +
                           std::to_string(cited.Int(0)));
    }
    // What the organisation invoiced on the contract cannot exceed what the contract is for.
    SUANLI_ASSIGN(const std::int64_t fee_fen, LoadVoucherFee(ctx.db, v->id));
    SUANLI_ASSIGN(auto sum, ctx.db.Prepare("SELECT COALESCE(SUM(invoiced_fen), 0) FROM "
                                           "redemptions WHERE voucher_id = ?1 AND status != "
                                           "'refused'"));
    SUANLI_ASSIGN(const bool sum_row, sum.Bind(1, v->id).Step());
    const std::int64_t invoiced_before = sum_row ? sum.Int(0) : 0;
    if (invoiced_before + n.invoiced_fen > fee_fen) {
      return MakeError(ErrorCode::kExceedsLimit, "invoiced",
                       "invoices on this contract would total " +
                           Yuan(invoiced_before + n.invoiced_fen) + ", above its fee of " +
                           Yuan(fee_fen));
    }
    // The balance read below must be the ledger's: a move of an earlier step still waiting in
    // the outbox (the ledger could not take it) would make it stale.
    SUANLI_ASSIGN(auto waiting, ctx.db.Prepare("SELECT 1 FROM money_moves WHERE status = "
                                               "'pending' AND (debit_account = ?1 OR "
                                               "credit_account = ?1) LIMIT 1"));
    SUANLI_ASSIGN(const bool moves_waiting,
                  waiting.Bind(1, static_cast<std::int64_t>(v->account.value)).Step());
    if (moves_waiting) {
      return MakeError(ErrorCode::kConflict, "voucher_id",
                       "an earlier money move on this voucher waits for the ledger; retry in a "
                       "minute");
    }
    // The voucher's terms, fixed at issue (voucher_terms.h): what the organisation previews
    // from the voucher's view is what it is paid, whatever its program file says now.
    if (!v->terms) {
      return MakeError(ErrorCode::kNotFound, "tier",
                       "the voucher has no terms to redeem by: it was issued before terms were "
                       "stored and its tier is no longer in program " + v->program_id);
    }
    const Rate rate = v->terms->share;
    SUANLI_ASSIGN(const Money share,
                  MulRate(Money::FromFen(n.invoiced_fen), rate, v->terms->rounding));
    if (share.fen() == 0) {
      return MakeError(ErrorCode::kOutOfRange, "invoiced",
                       "the invoice is too small to redeem a fen at " + rate.ToString());
    }
    const std::int64_t left = v->remaining_fen();
    if (left <= 0) {
      return MakeError(ErrorCode::kStateConflict, "voucher_id", "nothing is left to redeem");
    }
    const std::int64_t amount = std::min(share.fen(), left);
    // The id the row will get (the step holds the lock): it names the hold account. A step
    // rolled back after creating the account leaves it empty for the next redemption's use.
    SUANLI_ASSIGN(auto next, ctx.db.Prepare("SELECT COALESCE(MAX(id), 0) + 1 FROM redemptions"));
    SUANLI_ASSIGN(const bool next_row, next.Step());
    const std::int64_t id = next_row ? next.Int(0) : 1;
    SUANLI_ASSIGN(const AccountId hold,
                  s.EnsureAccount("prog/" + v->program_id + "/redemption/r-" + std::to_string(id),
                                  ledger::AccountKind::kProviderReceivable,
                                  ledger::kDebitsMustNotExceedCredits));
    SUANLI_ASSIGN(auto ins, ctx.db.Prepare(
                                "INSERT INTO redemptions (id, voucher_id, org_id, program_id, "
                                "invoice_no, invoiced_fen, rate, amount_fen, invoice_document_id, "
                                "proof_document_id, account_id, submitted_by, submitted_at_us) "
                                "VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13)"));
    ins.Bind(1, id).Bind(2, v->id).Bind(3, v->org_id).Bind(4, v->program_id);
    ins.Bind(5, n.invoice_no).Bind(6, n.invoiced_fen).Bind(7, rate.ToString()).Bind(8, amount);
    ins.Bind(9, n.invoice_document_id).Bind(10, n.proof_document_id);
    ins.Bind(11, static_cast<std::int64_t>(hold.value)).Bind(12, actor.user_id);
    SUANLI_TRY(ins.Bind(13, ctx.now.micros()).Run());
    SUANLI_TRY(ctx.Move(PlannedMove{"redeem/" + v->program_id + "/r-" + std::to_string(id),
                                    v->account, hold, amount, 0, kCodeRedemptionHold,
                                    static_cast<std::uint64_t>(id)}));
    ctx.OnCommit([v, amount] { v->held_fen += amount; });
    SUANLI_ASSIGN(const RedemptionRow after, LoadRedemptionRow(ctx.db, id));
    const std::string object = "redemption/" + std::to_string(id);
    SUANLI_TRY(ctx.AuditChange("redemption.submit", object, "",
                               "{\"voucher_id\":" + std::to_string(v->id) + ",\"rate\":" +
                                   Quoted(rate.ToString()) + "}"));
    SUANLI_TRY(AddNotice(ctx, "org/" + std::to_string(v->org_id), "redemption.submitted", object,
                         "算力券兑付申请已提交:发票 " + n.invoice_no + ",申请兑付 " +
                             Yuan(amount) + ",待审核",
                         "Voucher redemption submitted: invoice " + n.invoice_no + ", " +
                             Yuan(amount) + " to be reviewed"));
    return RedemptionSubmitted{after.redemption, /*duplicate=*/false};
  });
}

Result<std::vector<Redemption>> Platform::ListRedemptions(const Principal& actor, const Page& page,
                                                          std::optional<std::string> status,
                                                          std::optional<std::int64_t> voucher_id) {
  SUANLI_TRY(RequireRole(actor, {Role::kApplicant, Role::kOfficer, Role::kAdmin, Role::kAuditor}));
  if (status && *status != "submitted" && *status != "paid" && *status != "refused") {
    return MakeError(ErrorCode::kOutOfRange, "status",
                     "a redemption is submitted, paid or refused, not " + *status);
  }
  std::lock_guard lock(state_->mu);
  SUANLI_ASSIGN(auto q, state_->db->Prepare(std::string(kSelectRedemption) +
                                            "WHERE r.id > ?1 AND (?2 IS NULL OR r.status = ?2) "
                                            "AND (?3 IS NULL OR r.org_id = ?3) AND (?4 IS NULL "
                                            "OR r.voucher_id = ?4) ORDER BY r.id LIMIT ?5"));
  q.Bind(1, page.after_id).Bind(2, status);
  if (actor.role == Role::kApplicant) q.Bind(3, actor.org_id.value_or(-1));
  q.Bind(4, voucher_id).Bind(5, std::int64_t{page.limit});
  std::vector<Redemption> out;
  while (true) {
    SUANLI_ASSIGN(const bool row, q.Step());
    if (!row) break;
    out.push_back(ReadRedemption(q));
  }
  return out;
}

Result<Redemption> Platform::GetRedemption(const Principal& actor, std::int64_t redemption_id) {
  SUANLI_TRY(RequireRole(actor, {Role::kApplicant, Role::kOfficer, Role::kAdmin, Role::kAuditor}));
  std::lock_guard lock(state_->mu);
  SUANLI_ASSIGN(const RedemptionRow row, LoadRedemptionRow(*state_->db, redemption_id));
  SUANLI_TRY(RequireOrgAccess(actor, row.redemption.org_id));
  return row.redemption;
}

Result<Redemption> Platform::PayRedemption(const Principal& actor, std::int64_t redemption_id,
                                           std::int64_t amount_fen, std::string bank_reference) {
  SUANLI_TRY(RequireRole(actor, {Role::kOfficer}));
  SUANLI_TRY(ValidateBankPayout(amount_fen, bank_reference));
  State& s = *state_;
  return s.RunStep<Redemption>(actor, [&](StepContext& ctx) -> Result<Redemption> {
    SUANLI_ASSIGN(const RedemptionRow row, LoadRedemptionRow(ctx.db, redemption_id));
    const Redemption& before = row.redemption;
    SUANLI_ASSIGN(const bool replay,
                  CheckWholePayout("redemption",
                                   WholePayout{before.status, "submitted", before.amount_fen,
                                               before.bank_reference, before.decided_at},
                                   amount_fen, bank_reference));
    if (replay) return before;
    SUANLI_ASSIGN(const Org org, LoadOrg(ctx.db, before.org_id));
    SUANLI_TRY(RequireNotBanned(org, ctx.now));
    VoucherEntry* v = s.vouchers.Find(before.voucher_id);
    if (v == nullptr) return NotFound("voucher", before.voucher_id);
    SUANLI_ASSIGN(const AccountId payout,
                  s.EnsureAccount("prog/" + before.program_id + "/redemption-payout",
                                  ledger::AccountKind::kPayout, 0));
    const std::string object = "redemption/" + std::to_string(redemption_id);
    SUANLI_ASSIGN(std::string state_before, ctx.StateOf(object));
    SUANLI_ASSIGN(auto up, ctx.db.Prepare("UPDATE redemptions SET status = 'paid', "
                                          "bank_reference = ?2, decided_by = ?3, "
                                          "decided_at_us = ?4 WHERE id = ?1"));
    up.Bind(1, redemption_id).Bind(2, bank_reference).Bind(3, actor.user_id);
    SUANLI_TRY(up.Bind(4, ctx.now.micros()).Run());
    SUANLI_TRY(ctx.Move(PlannedMove{"pay/redemption-" + std::to_string(redemption_id), row.hold,
                                    payout, before.amount_fen, 0, kCodeRedemptionPayout,
                                    static_cast<std::uint64_t>(redemption_id)}));
    ctx.OnCommit([v, amount = before.amount_fen] {
      v->held_fen -= amount;
      v->used_fen += amount;
    });
    SUANLI_ASSIGN(const RedemptionRow after, LoadRedemptionRow(ctx.db, redemption_id));
    SUANLI_TRY(ctx.AuditChange("redemption.pay", object, std::move(state_before)));
    SUANLI_TRY(AddNotice(ctx, "org/" + std::to_string(before.org_id), "redemption.paid", object,
                         "算力券兑付 " + Yuan(before.amount_fen) + " 已拨付(发票 " +
                             before.invoice_no + "),银行流水号 " + bank_reference,
                         "Voucher redemption of " + Yuan(before.amount_fen) + " (invoice " +
                             before.invoice_no + ") paid by bank transfer, reference " +
                             bank_reference));
    return after.redemption;
  });
}

Result<Redemption> Platform::RefuseRedemption(const Principal& actor, std::int64_t redemption_id,
                                              std::string reasons) {
  SUANLI_TRY(RequireRole(actor, {Role::kOfficer}));
  SUANLI_TRY(RequireText(reasons, "reasons"));
  State& s = *state_;
  return s.RunStep<Redemption>(actor, [&](StepContext& ctx) -> Result<Redemption> {
    SUANLI_ASSIGN(const RedemptionRow row, LoadRedemptionRow(ctx.db, redemption_id));
    const Redemption& before = row.redemption;
    if (before.status != "submitted") {
      return MakeError(ErrorCode::kStateConflict, "redemption_id",
                       "the redemption is already " + before.status);
    }
    VoucherEntry* v = s.vouchers.Find(before.voucher_id);
    if (v == nullptr) return NotFound("voucher", before.voucher_id);
    const AccountId target = ReturnTarget(s, *v, ctx.now);
    const bool to_voucher = target == v->account;
    const std::string object = "redemption/" + std::to_string(redemption_id);
    SUANLI_ASSIGN(std::string state_before, ctx.StateOf(object));
    SUANLI_ASSIGN(auto up, ctx.db.Prepare("UPDATE redemptions SET status = 'refused', reasons = "
                                          "?2, decided_by = ?3, decided_at_us = ?4 WHERE id = ?1"));
    up.Bind(1, redemption_id).Bind(2, reasons).Bind(3, actor.user_id);
    SUANLI_TRY(up.Bind(4, ctx.now.micros()).Run());
    SUANLI_TRY(ctx.Move(PlannedMove{"return/redemption-" + std::to_string(redemption_id),
                                    row.hold, target, before.amount_fen, 0,
                                    kCodeRedemptionReturn,
                                    static_cast<std::uint64_t>(redemption_id)}));
    ctx.OnCommit([v, amount = before.amount_fen, to_voucher] {
      v->held_fen -= amount;
      if (!to_voucher) v->lapsed_fen += amount;
    });
    SUANLI_ASSIGN(const RedemptionRow after, LoadRedemptionRow(ctx.db, redemption_id));
    SUANLI_TRY(ctx.AuditChange("redemption.refuse", object, std::move(state_before),
                               "{\"reasons\":" + Quoted(reasons) + ",\"returned_to\":" +
                                   Quoted(to_voucher ? "voucher" : "lapsed") + "}"));
    SUANLI_TRY(AddNotice(ctx, "org/" + std::to_string(before.org_id), "redemption.refused",
                         object,
                         "算力券兑付申请未通过(发票 " + before.invoice_no + "):" + reasons,
                         "Voucher redemption refused (invoice " + before.invoice_no + "): " +
                             reasons));
    return after.redemption;
  });
}

Result<std::int64_t> RefuseHeldRedemptions(StepContext& ctx, const policy::Program& program,
                                           std::int64_t org_id) {
  SUANLI_ASSIGN(auto q, ctx.db.Prepare("SELECT id, voucher_id, account_id, amount_fen FROM "
                                       "redemptions WHERE org_id = ?1 AND program_id = ?2 AND "
                                       "status = 'submitted' ORDER BY id"));
  q.Bind(1, org_id).Bind(2, program.id);
  struct Held {
    std::int64_t id, voucher_id, account, amount_fen;
  };
  std::vector<Held> held;
  while (true) {
    SUANLI_ASSIGN(const bool row, q.Step());
    if (!row) break;
    held.push_back(Held{q.Int(0), q.Int(1), q.Int(2), q.Int(3)});
  }
  q.Reset();
  std::int64_t total = 0;
  for (const Held& h : held) {
    // Its hold holds exactly its amount (the hold move is ahead in the outbox if not yet run).
    // Back where the grant came from: the pool, or the funder of a program without one.
    SUANLI_TRY(ctx.Move(PlannedMove{"return/redemption-" + std::to_string(h.id),
                                    AccountId(static_cast<std::uint64_t>(h.account)),
                                    GrantSource(ctx.state, program), h.amount_fen, 0,
                                    kCodeRedemptionReturn, static_cast<std::uint64_t>(h.id)}));
    const std::string object = "redemption/" + std::to_string(h.id);
    SUANLI_ASSIGN(std::string state_before, ctx.StateOf(object));
    SUANLI_ASSIGN(auto up, ctx.db.Prepare("UPDATE redemptions SET status = 'refused', reasons = "
                                          "'fraud finding', decided_at_us = ?2 WHERE id = ?1"));
    SUANLI_TRY(up.Bind(1, h.id).Bind(2, ctx.now.micros()).Run());
    SUANLI_TRY(ctx.AuditChange("redemption.refuse", object, std::move(state_before),
                               "{\"reasons\":\"fraud finding\",\"returned_to\":" +
                                   Quoted(program.pool ? "pool" : "funder") + ",\"amount_fen\":" +
                                   std::to_string(h.amount_fen) + "}"));
    if (VoucherEntry* v = ctx.state.vouchers.Find(h.voucher_id)) {
      ctx.OnCommit([v, amount = h.amount_fen] {
        v->held_fen -= amount;
        v->lapsed_fen += amount;
      });
    }
    total += h.amount_fen;
  }
  return total;
}

Status LoadRedemptionTotals(Platform::State& s) {
  SUANLI_ASSIGN(auto q, s.db->Prepare("SELECT voucher_id, COALESCE(SUM(CASE WHEN status = "
                                      "'paid' THEN amount_fen END), 0), COALESCE(SUM(CASE WHEN "
                                      "status = 'submitted' THEN amount_fen END), 0) FROM "
                                      "redemptions GROUP BY voucher_id"));
  while (true) {
    SUANLI_ASSIGN(const bool row, q.Step());
    if (!row) break;
    VoucherEntry* e = s.vouchers.Find(q.Int(0));
    if (e == nullptr) continue;
    // A redeemed voucher has no settlements: what it paid out is its redemptions. What left
    // it otherwise — lapsed at expiry, clawed back, or held by a redemption refused to the
    // lapsed account or the pool — is lapsed.
    e->used_fen = q.Int(1);
    e->held_fen = q.Int(2);
    e->lapsed_fen = e->debits_fen.load() - e->used_fen.load() - e->held_fen.load() -
                    (e->credits_fen.load() - e->grant_fen);
  }
  return OkStatus();
}

}  // namespace suanli::workflow
