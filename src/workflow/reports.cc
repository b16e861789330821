// Reports per program: the pool's position (funded, issued, used, redeemed, lapsed, clawed
// back, remaining), and the same figures by provider, by quarter and by industry. Money figures
// come from the ledger's outcomes; groupings from platform.db. Pro-rating a partly approved
// claim over its settlements rounds down to the fen per settlement (named: down_fen).
#include <map>

#include "workflow/platform_state.h"

namespace suanli::workflow {

namespace {

Result<std::int64_t> SumMoves(storage::Db& db, std::string_view program_id, TransferCode code) {
  // Moves are keyed per program except grants' pool; the program is found through the key.
  SUANLI_ASSIGN(auto q, db.Prepare("SELECT COALESCE(SUM(m.applied_fen), 0) FROM money_moves m "
                                   "WHERE m.status = 'done' AND m.code = ?1 AND (?2 = '' OR "
                                   "EXISTS (SELECT 1 FROM vouchers v WHERE v.id = m.user_data AND "
                                   "v.program_id = ?2) OR EXISTS (SELECT 1 FROM claims c WHERE "
                                   "c.id = m.user_data AND c.program_id = ?2 AND m.code IN (5, 6)))"));
  q.Bind(1, std::int64_t{code}).Bind(2, program_id);
  SUANLI_ASSIGN(const bool row, q.Step());
  return row ? q.Int(0) : 0;
}

std::string GroupOf(std::string_view by, const std::string& provider_name,
                    const std::string& industry, Instant at) {
  if (by == "provider") return provider_name;
  if (by == "industry") return industry;
  return Quarter::Of(at.CstDate()).ToString();
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
  SUANLI_ASSIGN(const ledger::Account pool, s.LookupAccount(s.program_accounts.at(program->id).pool));
  std::lock_guard lock(s.mu);
  PoolReport r;
  r.program_id = program->id;
  SUANLI_ASSIGN(r.clawed_back_fen, SumMoves(*s.db, program->id, kCodeClawback));
  SUANLI_ASSIGN(const std::int64_t recovered, SumMoves(*s.db, program->id, kCodeRecovery));
  r.funded_fen = pool.credits_posted_fen - r.clawed_back_fen - recovered;
  r.issued_fen = pool.debits_posted_fen;
  SUANLI_ASSIGN(r.redeemed_fen, SumMoves(*s.db, program->id, kCodePayout));
  SUANLI_ASSIGN(r.lapsed_fen, SumMoves(*s.db, program->id, kCodeLapse));
  SUANLI_ASSIGN(auto used, s.db->Prepare("SELECT COALESCE(SUM(deduction_fen), 0) FROM settlements "
                                         "WHERE program_id = ?1 AND reversed_by IS NULL"));
  used.Bind(1, program->id);
  SUANLI_ASSIGN(const bool row, used.Step());
  r.used_fen = row ? used.Int(0) : 0;
  r.remaining_fen = pool.available_fen();
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
  // Used and redeemed per settlement (grouped by the settlement's quarter).
  SUANLI_ASSIGN(auto st, s.db->Prepare(
                             "SELECT s.deduction_fen, s.at_us, p.name, o.industry, "
                             "CASE WHEN c.status = 'paid' AND c.claimed_fen > 0 THEN "
                             "i.amount_fen * c.approved_fen / c.claimed_fen ELSE 0 END "
                             "FROM settlements s JOIN vouchers v ON v.id = s.voucher_id JOIN "
                             "providers p ON p.id = s.provider_id JOIN orgs o ON o.id = v.org_id "
                             "LEFT JOIN claim_items i ON i.transfer_id = s.transfer_id LEFT JOIN "
                             "claims c ON c.id = i.claim_id WHERE s.program_id = ?1 AND "
                             "s.reversed_by IS NULL"));
  st.Bind(1, program_id);
  while (true) {
    SUANLI_ASSIGN(const bool more, st.Step());
    if (!more) break;
    ReportRow& r = row(GroupOf(by, st.Text(2), st.Text(3), Instant::FromMicros(st.Int(1))));
    r.used_fen += st.Int(0);
    r.redeemed_fen += st.Int(4);
  }
  std::vector<ReportRow> out;
  for (auto& [g, r] : rows) out.push_back(r);
  return out;
}

Result<audit::AuditPage> Platform::ListAudit(const Principal& actor,
                                             const audit::AuditFilter& filter) {
  SUANLI_TRY(RequireRole(actor, {Role::kAuditor, Role::kAdmin, Role::kOfficer}));
  std::lock_guard lock(state_->mu);
  return audit::List(*state_->db, filter);
}

Result<audit::VerifyReport> Platform::VerifyAudit(const Principal& actor) {
  SUANLI_TRY(RequireRole(actor, {Role::kAuditor, Role::kAdmin}));
  SUANLI_ASSIGN(const auto anchor,
                audit::ReadAnchor(std::filesystem::path(state_->options.data_dir) / "audit.anchor"));
  std::lock_guard lock(state_->mu);
  return audit::Verify(*state_->db, anchor);
}

}  // namespace suanli::workflow
