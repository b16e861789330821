// After a fraud finding (enforcement.cc): what the organisation used is owed, not spent again.
// The finding books it from the organisation's debt account to its recovery-due account; each
// repayment an officer records moves its amount from there into the program's pool, which can
// then issue it again. Until then the pool does not count it, so it never issues money it has
// not got back (seed 000 §五(二): 追回 — recovered, not merely decided). A program with no
// yearly pool draws its grants from its funder, and repayments go back there (GrantSource).
#include "workflow/platform_state.h"

namespace suanli::workflow {

Status AddNotice(StepContext& ctx, const std::string& recipient, const std::string& kind,
                 const std::string& object, const std::string& zh, const std::string& en);
std::string Yuan(std::int64_t fen);

namespace {

// A bank transfer's reference: enough for any bank's, short enough for the audit detail.
constexpr std::size_t kReferenceBytesMax = 200;

constexpr const char* kSelectEnforcement =
    "SELECT e.id, e.org_id, o.name, e.program_id, e.finding, e.voucher_clawed_fen, "
    "e.used_recovered_fen, (SELECT COALESCE(SUM(r.amount_fen), 0) FROM enforcement_repayments r "
    "WHERE r.enforcement_id = e.id), e.banned_until_us, e.at_us, e.tallied_at_us IS NULL "
    "FROM enforcements e "
    "JOIN orgs o ON o.id = e.org_id ";

Enforcement EnforcementFrom(storage::Stmt& q) {
  Enforcement e;
  e.id = q.Int(0);
  e.org_id = q.Int(1);
  e.org_name = q.Text(2);
  e.program_id = q.Text(3);
  e.finding = q.Text(4);
  e.voucher_clawed_fen = q.Int(5);
  e.used_recovered_fen = q.Int(6);
  e.repaid_fen = q.Int(7);
  e.banned_until = Instant::FromMicros(q.Int(8));
  e.at = Instant::FromMicros(q.Int(9));
  e.tally_pending = q.Int(10) != 0;
  return e;
}

}  // namespace

Result<Enforcement> LoadEnforcement(storage::Db& db, std::int64_t id) {
  SUANLI_ASSIGN(auto q, db.Prepare(std::string(kSelectEnforcement) + "WHERE e.id = ?1"));
  q.Bind(1, id);
  SUANLI_ASSIGN(const bool row, q.Step());
  if (!row) return NotFound("enforcement", id);
  return EnforcementFrom(q);
}

Result<AccountId> EnsureRecoveryDue(Platform::State& s, const std::string& program_id,
                                    std::int64_t org_id) {
  return s.EnsureAccount("prog/" + program_id + "/org/" + std::to_string(org_id) + "/recovery-due",
                         ledger::AccountKind::kRecovery, ledger::kDebitsMustNotExceedCredits);
}

Result<std::vector<Enforcement>> Platform::ListEnforcements(const Principal& actor) {
  SUANLI_TRY(RequireRole(actor, {Role::kOfficer, Role::kAuditor, Role::kAdmin}));
  State& s = *state_;
  std::lock_guard lock(s.mu);
  SUANLI_ASSIGN(auto q, s.db->Prepare(std::string(kSelectEnforcement) + "ORDER BY e.id DESC"));
  std::vector<Enforcement> out;
  while (true) {
    SUANLI_ASSIGN(const bool row, q.Step());
    if (!row) break;
    out.push_back(EnforcementFrom(q));
  }
  return out;
}

Result<Enforcement> Platform::RecordRepayment(const Principal& actor, std::int64_t enforcement_id,
                                              std::int64_t amount_fen, std::string reference) {
  SUANLI_TRY(RequireRole(actor, {Role::kOfficer}));
  if (amount_fen <= 0) {
    return MakeError(amount_fen < 0 ? ErrorCode::kNegativeAmount : ErrorCode::kOutOfRange,
                     "amount", "a repayment is more than 0.00");
  }
  SUANLI_TRY(RequireText(reference, "reference", kReferenceBytesMax));
  State& s = *state_;
  Enforcement found;
  {
    std::lock_guard lock(s.mu);
    SUANLI_ASSIGN(found, LoadEnforcement(*s.db, enforcement_id));
  }
  const policy::Program* program = FindProgram(found.program_id);
  if (program == nullptr) {
    return MakeError(ErrorCode::kStateConflict, "enforcement_id",
                     "program " + found.program_id + " is no longer loaded");
  }
  // Repaid money goes back where the grants came from: the pool, or the funder of a program
  // with no yearly pool (Beijing, Yangzhou), which has no pool to refill.
  const AccountId returned_to = GrantSource(s, *program);
  SUANLI_ASSIGN(const AccountId due, EnsureRecoveryDue(s, found.program_id, found.org_id));
  // What the recovery-due account holds (the ledger's truth): a finding recorded before
  // repayments were tracked credited the pool at once and left nothing here to repay.
  SUANLI_ASSIGN(const ledger::Account due_account, s.LookupAccount(due));
  return s.RunStep<Enforcement>(actor, [&](StepContext& ctx) -> Result<Enforcement> {
    // Read again inside the step: the steps are serialised, so the amount still owed is exact.
    SUANLI_ASSIGN(const Enforcement before, LoadEnforcement(ctx.db, enforcement_id));
    // The same bank transfer recorded again (a retry after a lost answer, perhaps under a new
    // Idempotency-Key, which the server keeps only in memory) is that repayment, not another.
    SUANLI_ASSIGN(auto same, ctx.db.Prepare("SELECT amount_fen FROM enforcement_repayments WHERE "
                                            "enforcement_id = ?1 AND reference = ?2"));
    same.Bind(1, enforcement_id).Bind(2, reference);
    SUANLI_ASSIGN(const bool recorded, same.Step());
    if (recorded) {
      if (same.Int(0) == amount_fen) return before;
      return MakeError(ErrorCode::kDuplicate, "reference",
                       "a repayment of " + Yuan(same.Int(0)) + " was recorded under this reference");
    }
    if (amount_fen > before.outstanding_fen()) {
      return MakeError(ErrorCode::kExceedsLimit, "amount",
                       Yuan(amount_fen) + " is more than the " + Yuan(before.outstanding_fen()) +
                           " still owed");
    }
    if (amount_fen > due_account.available_fen()) {
      return MakeError(ErrorCode::kExceedsLimit, "amount",
                       "the recovery account holds " + Yuan(due_account.available_fen()) +
                           " (a finding recorded before repayments were tracked went to the "
                           "pool at once)");
    }
    const std::string object = "enforcement/" + std::to_string(enforcement_id);
    SUANLI_ASSIGN(std::string state_before, ctx.StateOf(object));
    SUANLI_ASSIGN(auto ins, ctx.db.Prepare("INSERT INTO enforcement_repayments (enforcement_id, "
                                           "amount_fen, reference, at_us) VALUES (?1,?2,?3,?4)"));
    ins.Bind(1, enforcement_id).Bind(2, amount_fen).Bind(3, reference);
    SUANLI_TRY(ins.Bind(4, ctx.now.micros()).Run());
    const std::int64_t repayment_id = ctx.db.LastInsertRowid();
    SUANLI_TRY(ctx.Move(PlannedMove{"repay/enforcement-" + std::to_string(enforcement_id) +
                                        "/repayment-" + std::to_string(repayment_id),
                                    due, returned_to, amount_fen, 0, kCodeRepayment,
                                    static_cast<std::uint64_t>(enforcement_id)}));
    Enforcement after = before;
    after.repaid_fen += amount_fen;
    SUANLI_TRY(ctx.AuditChange("enforcement.repayment", object, std::move(state_before),
                         "{\"repayment_id\":" + std::to_string(repayment_id) +
                             ",\"amount_fen\":" + std::to_string(amount_fen) +
                             ",\"reference\":" + Quoted(reference) + "}"));
    SUANLI_TRY(AddNotice(ctx, "org/" + std::to_string(before.org_id), "enforcement.repayment",
                         object + "/repayment/" + std::to_string(repayment_id),
                         "已收到退回款 " + Yuan(amount_fen) + ",尚欠 " +
                             Yuan(after.outstanding_fen()),
                         "Repayment of " + Yuan(amount_fen) + " received; " +
                             Yuan(after.outstanding_fen()) + " still owed"));
    return after;
  });
}

}  // namespace suanli::workflow
