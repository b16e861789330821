// Quarterly payout (seed 000: 按季度兑付): every decided, unpaid claim of the program for the
// quarter, or for an earlier quarter (a claim decided after its own quarter's batch was made),
// goes into the quarter's batch — never a later quarter's claim; the approved amount moves from the provider's receivable to its payout
// account, the refused rest to the program's lapsed account, and the batch is exported for the
// finance bureau. One batch per program and quarter.
#include "workflow/platform_state.h"

namespace suanli::workflow {

Result<Claim> LoadClaim(storage::Db& db, std::int64_t id);
Status AddNotice(StepContext& ctx, const std::string& recipient, const std::string& kind,
                 const std::string& object, const std::string& zh, const std::string& en);
std::string Yuan(std::int64_t fen);

static Result<PayoutBatch> LoadBatch(storage::Db& db, std::int64_t id) {
  SUANLI_ASSIGN(auto q, db.Prepare("SELECT id, program_id, quarter, total_fen FROM payout_batches WHERE id = ?1"));
  q.Bind(1, id);
  SUANLI_ASSIGN(const bool row, q.Step());
  if (!row) return NotFound("payout_batch", id);
  PayoutBatch b{q.Int(0), q.Text(1), q.Text(2), q.Int(3), {}};
  SUANLI_ASSIGN(auto lines, db.Prepare("SELECT c.id, c.provider_id, c.approved_fen, p.name, "
                                       "p.uscc, c.period FROM claims c JOIN providers p ON p.id "
                                       "= c.provider_id WHERE c.payout_batch_id = ?1 ORDER BY c.id"));
  lines.Bind(1, id);
  while (true) {
    SUANLI_ASSIGN(const bool more, lines.Step());
    if (!more) break;
    b.lines.push_back(PayoutBatch::Line{lines.Int(0), lines.Int(1), lines.Int(2), lines.Text(3),
                                        lines.Text(4), lines.Text(5)});
  }
  return b;
}

Result<PayoutBatch> Platform::CreatePayoutBatch(const Principal& actor,
                                                std::string_view program_id,
                                                std::string_view quarter) {
  SUANLI_TRY(RequireRole(actor, {Role::kOfficer}));
  if (FindProgram(program_id) == nullptr) {
    return MakeError(ErrorCode::kNotFound, "program_id", "no program " + std::string(program_id));
  }
  SUANLI_ASSIGN(const Quarter q, Quarter::Parse(quarter, "quarter"));
  State& s = *state_;
  return s.RunStep<PayoutBatch>(actor, [&](StepContext& ctx) -> Result<PayoutBatch> {
    // A quarter is paid once it is over (as claims are compiled only for an ended quarter).
    if (ctx.now < Instant::EndOfDay(q.LastDay())) {
      return MakeError(ErrorCode::kStateConflict, "quarter",
                       q.ToString() + " has not ended; a quarter's batch is made after it");
    }
    SUANLI_ASSIGN(auto ins, ctx.db.Prepare("INSERT INTO payout_batches (program_id, quarter, "
                                           "total_fen, created_at_us) VALUES (?1,?2,0,?3)"));
    if (Status st = ins.Bind(1, program_id).Bind(2, q.ToString()).Bind(3, ctx.now.micros()).Run();
        !st.ok()) {
      if (st.error().code == ErrorCode::kContradiction) {
        return MakeError(ErrorCode::kDuplicate, "quarter", "this quarter's batch exists");
      }
      return st.error();
    }
    const std::int64_t batch_id = ctx.db.LastInsertRowid();
    SUANLI_ASSIGN(auto claims, ctx.db.Prepare("SELECT id, period FROM claims WHERE program_id = "
                                              "?1 AND status IN ('approved','partly_approved',"
                                              "'refused') AND payout_batch_id IS NULL ORDER BY id"));
    claims.Bind(1, program_id);
    std::vector<std::int64_t> ids;
    while (true) {
      SUANLI_ASSIGN(const bool row, claims.Step());
      if (!row) break;
      SUANLI_ASSIGN(const Quarter claimed, Quarter::Parse(claims.Text(1), "period"));
      if (claimed.FirstDay() <= q.FirstDay()) ids.push_back(claims.Int(0));
    }
    if (ids.empty()) {
      return MakeError(ErrorCode::kStateConflict, "quarter",
                       "no decided claims to pay for " + q.ToString() + " or before");
    }
    const ProgramAccounts& pa = s.program_accounts.at(std::string(program_id));
    std::int64_t total = 0;
    for (std::int64_t id : ids) {
      SUANLI_ASSIGN(const Claim c, LoadClaim(ctx.db, id));
      const std::string base = "prog/" + c.program_id + "/provider/" + std::to_string(c.provider_id);
      SUANLI_ASSIGN(const AccountId receivable,
                    s.EnsureAccount(base + "/receivable", ledger::AccountKind::kProviderReceivable,
                                    ledger::kDebitsMustNotExceedCredits));
      SUANLI_ASSIGN(const AccountId payout,
                    s.EnsureAccount(base + "/payout", ledger::AccountKind::kPayout, 0));
      const std::int64_t approved = c.approved_fen.value_or(0);
      if (approved > 0) {
        SUANLI_TRY(ctx.Move(PlannedMove{"pay/claim-" + std::to_string(id), receivable, payout,
                                        approved, 0, kCodePayout, static_cast<std::uint64_t>(id)}));
      }
      if (c.claimed_fen > approved) {
        SUANLI_TRY(ctx.Move(PlannedMove{"disallow/claim-" + std::to_string(id), receivable,
                                        pa.lapsed, c.claimed_fen - approved, 0, kCodeDisallowed,
                                        static_cast<std::uint64_t>(id)}));
      }
      const std::string object = "claim/" + std::to_string(id);
      SUANLI_ASSIGN(std::string state_before, ctx.StateOf(object));
      SUANLI_ASSIGN(auto up, ctx.db.Prepare("UPDATE claims SET status = CASE WHEN approved_fen > "
                                            "0 THEN 'paid' ELSE status END, payout_batch_id = ?2 "
                                            "WHERE id = ?1"));
      SUANLI_TRY(up.Bind(1, id).Bind(2, batch_id).Run());
      SUANLI_TRY(ctx.AuditChange("claim.batch", object, std::move(state_before),
                                 "{\"payout_batch_id\":" + std::to_string(batch_id) +
                                     ",\"approved_fen\":" + std::to_string(approved) + "}"));
      total += approved;
      SUANLI_TRY(AddNotice(ctx, "provider/" + std::to_string(c.provider_id), "claim.paid",
                           "claim/" + std::to_string(id),
                           "兑付申请 #" + std::to_string(id) + " 已纳入 " + std::string(quarter) +
                               " 兑付批次:" + Yuan(approved),
                           "Claim #" + std::to_string(id) + " is in the " + std::string(quarter) +
                               " payout batch: " + Yuan(approved)));
    }
    SUANLI_ASSIGN(auto tot, ctx.db.Prepare("UPDATE payout_batches SET total_fen = ?2 WHERE id = ?1"));
    SUANLI_TRY(tot.Bind(1, batch_id).Bind(2, total).Run());
    SUANLI_TRY(ctx.AuditChange("payout.batch", "payout_batch/" + std::to_string(batch_id), "",
                         "{\"total_fen\":" + std::to_string(total) + ",\"claims\":" +
                             std::to_string(ids.size()) + "}"));
    return LoadBatch(ctx.db, batch_id);
  });
}

Result<PayoutBatch> Platform::GetPayoutBatch(const Principal& actor, std::int64_t batch_id) {
  SUANLI_TRY(RequireRole(actor, {Role::kOfficer, Role::kAdmin, Role::kAuditor}));
  std::lock_guard lock(state_->mu);
  return LoadBatch(*state_->db, batch_id);
}

}  // namespace suanli::workflow
