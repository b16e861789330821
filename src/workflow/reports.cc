// Reports per program: the pool's position (funded, issued, used, redeemed, lapsed, clawed
// back, remaining; a program without a yearly pool has no funded or remaining), and the voucher figures by provider, by quarter and by industry, with the
// program's subsidy awards beside them (not in them) by quarter and by industry. Money figures
// come from the ledger's outcomes; groupings from platform.db. A partly approved claim is
// pro-rated over its settlements by the largest-remainder method (named below).
#include <algorithm>
#include <map>

#include "workflow/platform_state.h"

namespace suanli::workflow {

namespace {

Result<std::int64_t> SumMoves(storage::Db& db, std::string_view program_id, TransferCode code) {
  // The program is found through the move's user_data: a voucher id, for a claim's payout and
  // disallowance (codes 5, 6) a claim id, for a repayment (10) an enforcement id — never read
  // as another, or claim N's payout would count as redeemed in whichever program holds voucher N.
  SUANLI_ASSIGN(auto q, db.Prepare("SELECT COALESCE(SUM(m.applied_fen), 0) FROM money_moves m "
                                   "WHERE m.status = 'done' AND m.code = ?1 AND (?2 = '' OR "
                                   "(m.code NOT IN (5, 6, 10) AND EXISTS (SELECT 1 FROM vouchers v WHERE "
                                   "v.id = m.user_data AND v.program_id = ?2)) OR EXISTS (SELECT 1 FROM claims c WHERE "
                                   "c.id = m.user_data AND c.program_id = ?2 AND m.code IN (5, 6)) OR "
                                   "(m.code = 10 AND EXISTS (SELECT 1 FROM enforcements e WHERE "
                                   "e.id = m.user_data AND e.program_id = ?2)))"));
  q.Bind(1, std::int64_t{code}).Bind(2, program_id);
  SUANLI_ASSIGN(const bool row, q.Step());
  return row ? q.Int(0) : 0;
}

// What the moves of an award code (11–14: user_data is the award) applied in the program.
Result<std::int64_t> SumAwardMoves(storage::Db& db, std::string_view program_id, TransferCode code) {
  SUANLI_ASSIGN(auto q, db.Prepare("SELECT COALESCE(SUM(m.applied_fen), 0) FROM money_moves m "
                                   "JOIN awards w ON w.id = m.user_data WHERE m.status = 'done' "
                                   "AND m.code = ?1 AND w.program_id = ?2"));
  q.Bind(1, std::int64_t{code}).Bind(2, program_id);
  SUANLI_ASSIGN(const bool row, q.Step());
  return row ? q.Int(0) : 0;
}

// What the moves of a redemption code (15–17: user_data is the redemption) applied in the
// program, only those credited to `credit` when it is given.
Result<std::int64_t> SumRedemptionMoves(storage::Db& db, std::string_view program_id,
                                        TransferCode code, std::optional<AccountId> credit = {}) {
  SUANLI_ASSIGN(auto q, db.Prepare("SELECT COALESCE(SUM(m.applied_fen), 0) FROM money_moves m "
                                   "JOIN redemptions r ON r.id = m.user_data WHERE m.status = "
                                   "'done' AND m.code = ?1 AND r.program_id = ?2 AND (?3 IS NULL "
                                   "OR m.credit_account = ?3)"));
  q.Bind(1, std::int64_t{code}).Bind(2, program_id);
  if (credit) q.Bind(3, static_cast<std::int64_t>(credit->value));
  SUANLI_ASSIGN(const bool row, q.Step());
  return row ? q.Int(0) : 0;
}

std::string GroupOf(std::string_view by, const std::string& provider_name,
                    const std::string& industry, Instant at) {
  if (by == "provider") return provider_name;
  if (by == "industry") return industry;
  return Quarter::Of(at.CstDate()).ToString();
}

// The program's subsidy awards into the quarter or industry report's `rows`, apart from the
// voucher figures: each award counts as awarded in the group of its award day, as paid in that
// of its payout day, as withdrawn in that of its withdrawal (the withdrawal move's day; awards.cc
// WithdrawAwards). Every row of these reports then carries award figures, zeros included, so a
// reader tells "no awards" from "not counted". Not by provider: an award pays the organisation.
Status AddAwards(storage::Db& db, std::string_view program_id, std::string_view by,
                 std::map<std::string, ReportRow>& rows) {
  SUANLI_ASSIGN(auto q, db.Prepare("SELECT w.amount_fen, w.status, w.awarded_at_us, w.paid_at_us, "
                                   "o.industry, (SELECT MIN(m.created_at_us) FROM money_moves m "
                                   "WHERE m.code = ?2 AND m.user_data = w.id) FROM awards w JOIN "
                                   "orgs o ON o.id = w.org_id WHERE w.program_id = ?1 "
                                   "ORDER BY w.id"));
  q.Bind(1, program_id).Bind(2, std::int64_t{kCodeAwardWithdrawn});
  auto awards = [&](const std::string& g) -> ReportRow::Awards& {
    ReportRow& r = rows[g];
    r.group = g;
    if (!r.awards) r.awards.emplace();
    return *r.awards;
  };
  while (true) {
    SUANLI_ASSIGN(const bool more, q.Step());
    if (!more) break;
    const std::int64_t fen = q.Int(0);
    const std::string status = q.Text(1), industry = q.Text(4);
    awards(GroupOf(by, "", industry, Instant::FromMicros(q.Int(2)))).awarded_fen += fen;
    if (const auto paid_at = q.OptInt(3); status == "paid" && paid_at) {
      awards(GroupOf(by, "", industry, Instant::FromMicros(*paid_at))).paid_fen += fen;
    }
    if (const auto withdrawn_at = q.OptInt(5); status == "withdrawn" && withdrawn_at) {
      awards(GroupOf(by, "", industry, Instant::FromMicros(*withdrawn_at))).withdrawn_fen += fen;
    }
  }
  for (auto& [g, r] : rows) {
    if (!r.awards) r.awards.emplace();
  }
  return OkStatus();
}

}  // namespace

Result<PoolReport> Platform::Pool(const Principal& actor, std::string_view program_id) {
  SUANLI_TRY(RequireRole(actor, {Role::kOfficer, Role::kAdmin, Role::kAuditor}));
  const policy::Program* program = FindProgram(program_id);
  if (program == nullptr) {
    return MakeError(ErrorCode::kNotFound, "program_id", "no program " + std::string(program_id));
  }
  State& s = *state_;
  SUANLI_TRY(s.journal->Flush());
  const ProgramAccounts& accounts = s.program_accounts.at(program->id);
  SUANLI_ASSIGN(const ledger::Account pool, s.LookupAccount(accounts.pool));
  std::lock_guard lock(s.mu);
  PoolReport r;
  r.program_id = program->id;
  r.has_pool = program->pool.has_value();
  SUANLI_ASSIGN(const std::int64_t vouchers_clawed, SumMoves(*s.db, program->id, kCodeClawback));
  // What fraud findings recover reaches the pool (or the funder) only as it is repaid
  // (recovery.cc).
  SUANLI_ASSIGN(const std::int64_t recovered_used, SumMoves(*s.db, program->id, kCodeRecovery));
  SUANLI_ASSIGN(const std::int64_t recovered_awards,
                SumAwardMoves(*s.db, program->id, kCodeAwardRecovery));
  const std::int64_t recovered = recovered_used + recovered_awards;
  SUANLI_ASSIGN(r.repaid_fen, SumMoves(*s.db, program->id, kCodeRepayment));
  // Findings recorded before repayments were tracked credited the pool at once: not owed, and
  // not funding either.
  SUANLI_ASSIGN(auto legacy_q, s.db->Prepare("SELECT COALESCE(SUM(applied_fen), 0) FROM money_moves "
                                             "WHERE status = 'done' AND code = ?1 AND "
                                             "credit_account = ?2"));
  legacy_q.Bind(1, std::int64_t{kCodeRecovery})
      .Bind(2, static_cast<std::int64_t>(accounts.pool.value));
  SUANLI_ASSIGN(const bool legacy_row, legacy_q.Step());
  const std::int64_t legacy = legacy_row ? legacy_q.Int(0) : 0;
  r.recovery_outstanding_fen = recovered - legacy - r.repaid_fen;
  r.issued_fen = pool.debits_posted_fen;
  SUANLI_ASSIGN(r.redeemed_fen, SumMoves(*s.db, program->id, kCodePayout));
  SUANLI_ASSIGN(r.lapsed_fen, SumMoves(*s.db, program->id, kCodeLapse));
  SUANLI_ASSIGN(auto used, s.db->Prepare("SELECT COALESCE(SUM(deduction_fen), 0) FROM settlements "
                                         "WHERE program_id = ?1 AND reversed_by IS NULL"));
  used.Bind(1, program->id);
  SUANLI_ASSIGN(const bool row, used.Step());
  r.used_fen = row ? used.Int(0) : 0;
  // Subsidy awards (awards.cc), drawn where vouchers are (GrantSource); one withdrawn after a
  // fraud finding went back there and counts as clawed back.
  SUANLI_ASSIGN(r.awarded_fen, SumAwardMoves(*s.db, program->id, kCodeAward));
  SUANLI_ASSIGN(r.award_paid_fen, SumAwardMoves(*s.db, program->id, kCodeAwardPayout));
  SUANLI_ASSIGN(const std::int64_t withdrawn, SumAwardMoves(*s.db, program->id, kCodeAwardWithdrawn));
  r.redeemed_fen += r.award_paid_fen;
  // Redemptions of apply_then_redeem vouchers (redemptions.cc): paid ones are what the vouchers
  // were used for and paid out; a refused hold returned to the lapsed account lapsed, one
  // returned after a fraud finding (to the pool, or the funder of a program without one) was
  // clawed back. One returned to its voucher is the voucher's again.
  SUANLI_ASSIGN(const std::int64_t redemptions_paid,
                SumRedemptionMoves(*s.db, program->id, kCodeRedemptionPayout));
  SUANLI_ASSIGN(const std::int64_t redemptions_lapsed,
                SumRedemptionMoves(*s.db, program->id, kCodeRedemptionReturn, accounts.lapsed));
  SUANLI_ASSIGN(const std::int64_t redemptions_to_pool,
                SumRedemptionMoves(*s.db, program->id, kCodeRedemptionReturn, accounts.pool));
  SUANLI_ASSIGN(const std::int64_t redemptions_to_funder,
                SumRedemptionMoves(*s.db, program->id, kCodeRedemptionReturn, accounts.funder));
  const std::int64_t redemptions_clawed = redemptions_to_pool + redemptions_to_funder;
  r.used_fen += redemptions_paid;
  r.redeemed_fen += redemptions_paid;
  r.lapsed_fen += redemptions_lapsed;
  r.clawed_back_fen = vouchers_clawed + withdrawn + redemptions_clawed;
  if (!program->pool) {
    // No yearly total (Beijing, Yangzhou): its vouchers and awards were drawn from the funder,
    // and what findings claw back or recover went back there. Nothing to be funded with and
    // nothing to remain: no funded, remaining or burn-down.
    SUANLI_ASSIGN(const std::int64_t granted, SumMoves(*s.db, program->id, kCodeGrant));
    r.issued_fen += r.awarded_fen + granted;
    return r;
  }
  // The pool's credits are its appropriation and what came back into it: clawbacks (of
  // vouchers, withdrawn awards, refused holds) and repayments, which are in remaining, not
  // funding.
  const std::int64_t funded = pool.credits_posted_fen - vouchers_clawed - withdrawn -
                              redemptions_to_pool - r.repaid_fen - legacy;
  r.funded_fen = funded;
  r.remaining_fen = pool.available_fen();
  // Vouchers and awards alike draw on the pool.
  SUANLI_ASSIGN(auto issued, s.db->Prepare("SELECT issued_at_us, grant_fen FROM vouchers WHERE "
                                           "program_id = ?1 UNION ALL SELECT awarded_at_us, "
                                           "amount_fen FROM awards WHERE program_id = ?1 "
                                           "ORDER BY 1"));
  issued.Bind(1, program->id);
  std::int64_t left = funded;
  while (true) {
    SUANLI_ASSIGN(const bool more, issued.Step());
    if (!more) break;
    const Date day = Instant::FromMicros(issued.Int(0)).CstDate();
    left -= issued.Int(1);
    if (!r.series.empty() && r.series.back().first == day) {
      r.series.back().second = left;
    } else {
      r.series.emplace_back(day, left);
    }
  }
  return r;
}

Result<std::vector<ReportRow>> Platform::Report(const Principal& actor, std::string_view program_id,
                                                std::string_view by) {
  SUANLI_TRY(RequireRole(actor, {Role::kOfficer, Role::kAdmin, Role::kAuditor}));
  if (by != "provider" && by != "quarter" && by != "industry") {
    return MakeError(ErrorCode::kOutOfRange, "by", "provider, quarter or industry");
  }
  if (FindProgram(program_id) == nullptr) {
    return MakeError(ErrorCode::kNotFound, "program_id", "no program " + std::string(program_id));
  }
  State& s = *state_;
  SUANLI_TRY(s.journal->Flush());
  std::lock_guard lock(s.mu);
  std::map<std::string, ReportRow> rows;
  auto row = [&](const std::string& g) -> ReportRow& {
    ReportRow& r = rows[g];
    r.group = g;
    return r;
  };
  // Issued and lapsed per voucher (grouped by the voucher's issue quarter).
  SUANLI_ASSIGN(auto v, s.db->Prepare("SELECT v.id, v.grant_fen, v.issued_at_us, p.name, o.industry "
                                      "FROM vouchers v JOIN providers p ON p.id = v.provider_id "
                                      "JOIN orgs o ON o.id = v.org_id WHERE v.program_id = ?1"));
  v.Bind(1, program_id);
  while (true) {
    SUANLI_ASSIGN(const bool more, v.Step());
    if (!more) break;
    ReportRow& r = row(GroupOf(by, v.Text(3), v.Text(4), Instant::FromMicros(v.Int(2))));
    r.issued_fen += v.Int(1);
    if (const VoucherEntry* e = s.vouchers.Find(v.Int(0))) r.lapsed_fen += e->lapsed_fen.load();
  }
  // Used and redeemed per settlement (grouped by the settlement's quarter). A partly approved
  // claim is shared over its settlements by the largest-remainder method: each gets its
  // pro-rata share rounded down to the fen, and the fen left over go one each to the largest
  // remainders (ties: earlier settlement), so the groups add up to the amount paid exactly.
  SUANLI_ASSIGN(auto st, s.db->Prepare(
                             "SELECT s.deduction_fen, s.at_us, p.name, o.industry, "
                             "COALESCE(i.claim_id, 0), COALESCE(i.amount_fen, 0), "
                             "CASE WHEN c.status = 'paid' THEN c.approved_fen ELSE 0 END, "
                             "COALESCE(c.claimed_fen, 0) "
                             "FROM settlements s JOIN vouchers v ON v.id = s.voucher_id JOIN "
                             "providers p ON p.id = s.provider_id JOIN orgs o ON o.id = v.org_id "
                             "LEFT JOIN claim_items i ON i.transfer_id = s.transfer_id LEFT JOIN "
                             "claims c ON c.id = i.claim_id WHERE s.program_id = ?1 AND "
                             "s.reversed_by IS NULL ORDER BY s.transfer_id"));
  st.Bind(1, program_id);
  struct Share {
    std::string group;
    std::int64_t fen = 0, remainder = 0;
  };
  std::map<std::int64_t, std::vector<Share>> by_claim;
  std::map<std::int64_t, std::int64_t> approved_of;
  while (true) {
    SUANLI_ASSIGN(const bool more, st.Step());
    if (!more) break;
    const std::string g = GroupOf(by, st.Text(2), st.Text(3), Instant::FromMicros(st.Int(1)));
    row(g).used_fen += st.Int(0);
    const std::int64_t claim = st.Int(4), item = st.Int(5), approved = st.Int(6),
                       claimed = st.Int(7);
    if (claim == 0 || approved == 0 || claimed == 0) continue;
    // item ≤ claimed ≤ 10^17 fen and approved ≤ claimed: the product fits in 128 bits.
    const __int128 num = static_cast<__int128>(item) * approved;
    by_claim[claim].push_back(Share{g, static_cast<std::int64_t>(num / claimed),
                                    static_cast<std::int64_t>(num % claimed)});
    approved_of[claim] = approved;
  }
  for (auto& [claim, shares] : by_claim) {
    std::int64_t given = 0;
    for (const Share& sh : shares) given += sh.fen;
    std::vector<std::size_t> order(shares.size());
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
      return shares[a].remainder > shares[b].remainder;
    });
    for (std::size_t k = 0; given < approved_of[claim] && k < order.size(); ++k, ++given) {
      ++shares[order[k]].fen;
    }
    for (const Share& sh : shares) row(sh.group).redeemed_fen += sh.fen;
  }
  // Paid redemptions of apply_then_redeem vouchers (redemptions.cc): what those vouchers were
  // used for and paid out, on the payout's day, under the voucher's provider (the compute it
  // paid for) and the organisation's industry. Held and refused ones are neither.
  SUANLI_ASSIGN(auto rd, s.db->Prepare("SELECT r.amount_fen, r.decided_at_us, p.name, o.industry "
                                       "FROM redemptions r JOIN vouchers v ON v.id = r.voucher_id "
                                       "JOIN providers p ON p.id = v.provider_id JOIN orgs o ON "
                                       "o.id = r.org_id WHERE r.program_id = ?1 AND r.status = "
                                       "'paid'"));
  rd.Bind(1, program_id);
  while (true) {
    SUANLI_ASSIGN(const bool more, rd.Step());
    if (!more) break;
    ReportRow& r = row(GroupOf(by, rd.Text(2), rd.Text(3), Instant::FromMicros(rd.Int(1))));
    r.used_fen += rd.Int(0);
    r.redeemed_fen += rd.Int(0);
  }
  if (by != "provider") SUANLI_TRY(AddAwards(*s.db, program_id, by, rows));
  std::vector<ReportRow> out;
  for (auto& [g, r] : rows) out.push_back(r);
  return out;
}

Result<audit::AuditPage> Platform::ListAudit(const Principal& actor,
                                             const audit::AuditFilter& filter) {
  SUANLI_TRY(RequireRole(actor, {Role::kAuditor, Role::kAdmin, Role::kOfficer}));
  // Settlements reach the log through the journal, shortly after their reply: wait for those
  // already answered, so that a reader sees every settlement it could have seen.
  SUANLI_TRY(state_->journal->Flush());
  std::lock_guard lock(state_->mu);
  return audit::List(*state_->db, filter);
}

Result<audit::VerifyReport> Platform::VerifyAudit(const Principal& actor) {
  SUANLI_TRY(RequireRole(actor, {Role::kAuditor, Role::kAdmin}));
  SUANLI_TRY(state_->journal->Flush());  // as ListAudit
  SUANLI_ASSIGN(const auto anchor,
                audit::ReadAnchor(std::filesystem::path(state_->options.data_dir) / "audit.anchor"));
  std::lock_guard lock(state_->mu);
  return audit::Verify(*state_->db, anchor);
}

}  // namespace suanli::workflow
