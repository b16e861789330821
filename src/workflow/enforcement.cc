// Enforcement after a fraud finding (seed 000 §五(二)): the unused rest of the organisation's
// vouchers in the program goes back to the pool (clawback), what it already used is booked as
// a debt to recover (reversing the subsidy it received; the pool gets it only as it is repaid,
// recovery.cc), as is an award already paid; an unpaid award is withdrawn (awards.cc); its open
// applications are refused, and it is banned for the program's period (two years in Chengdu) —
// enforced at every entry point: contracts, applications, settlements, award payouts.
//
// A finding takes two steps. The first closes the vouchers, plans the moves and records the
// finding with the vouchers it closed (enforcement_vouchers); the second, once the clawbacks
// have run, records what they took and recovers what a settlement in flight used
// (UnlockedTally). Everything the second needs is durable after the first, so a stop between
// the two loses nothing: start-up and the expiry sweep run it (TallyPendingFindings), as does
// the officer's retry of the finding.
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/limits.h"
#include "workflow/platform_state.h"

namespace suanli::workflow {

Result<Org> LoadOrg(storage::Db& db, std::int64_t org_id);
Status AddNotice(StepContext& ctx, const std::string& recipient, const std::string& kind,
                 const std::string& object, const std::string& zh, const std::string& en);
std::string Yuan(std::int64_t fen);

namespace {

// The account debited with what `org_id` used of `program_id`'s vouchers, once found to have
// defrauded it; its counterpart is the recovery-due account (recovery.cc).
Result<AccountId> EnsureRecoveryDebt(Platform::State& s, const std::string& program_id,
                                     std::int64_t org_id) {
  return s.EnsureAccount("prog/" + program_id + "/org/" + std::to_string(org_id) + "/recovery",
                         ledger::AccountKind::kRecovery, 0);
}

// The finding of `org_id` under `program_id` with the text `finding` whose second step has not
// run, if there is one.
Result<std::optional<std::int64_t>> UntalliedFinding(storage::Db& db, std::int64_t org_id,
                                                     const std::string& program_id,
                                                     const std::string& finding) {
  SUANLI_ASSIGN(auto q, db.Prepare("SELECT id FROM enforcements WHERE org_id = ?1 AND "
                                   "program_id = ?2 AND finding = ?3 AND tallied_at_us IS NULL"));
  SUANLI_ASSIGN(const bool row, q.Bind(1, org_id).Bind(2, program_id).Bind(3, finding).Step());
  if (!row) return std::optional<std::int64_t>();
  return std::optional<std::int64_t>(q.Int(0));
}

// A finding's second step. What the clawbacks took is known only once they ran (a balancing
// debit takes what is left); the ledger's answer is in their outbox rows. A settlement in
// flight when the voucher closed reached the ledger before the claw and is missing from the
// recovery planned in the first step (its answer, which counts it into used_fen, may come
// later still). The ledger knows: a claw empties the voucher, so its grant less the claw is
// exactly what was used, net of reversals (credits = grant + reversed = settled + clawed). The
// difference is recovered here ("…/late"). A settlement reaching the ledger after the claw
// finds nothing to take. A finding already tallied is returned as it is, so this runs once; one
// whose clawbacks still wait in the outbox too, still pending.
// Takes the step lock itself (RunStep): "unlocked" for the caller.
Result<Enforcement> UnlockedTally(Platform::State& s, const Principal& actor,
                                  std::int64_t enforcement_id) {
  return s.RunStep<Enforcement>(actor, [&](StepContext& ctx) -> Result<Enforcement> {
    SUANLI_ASSIGN(Enforcement e, LoadEnforcement(ctx.db, enforcement_id));
    if (!e.tally_pending) return e;
    SUANLI_ASSIGN(const AccountId debt, EnsureRecoveryDebt(s, e.program_id, e.org_id));
    SUANLI_ASSIGN(const AccountId due, EnsureRecoveryDue(s, e.program_id, e.org_id));
    SUANLI_ASSIGN(auto q, ctx.db.Prepare(
                              "SELECT c.voucher_id, c.used_planned_fen, v.grant_fen, m.status, "
                              "COALESCE(m.applied_fen, 0) FROM enforcement_vouchers c JOIN "
                              "vouchers v ON v.id = c.voucher_id LEFT JOIN money_moves m ON "
                              "m.ledger_key = 'claw/voucher-' || c.voucher_id WHERE "
                              "c.enforcement_id = ?1 AND c.claw_planned = 1 ORDER BY c.voucher_id"));
    q.Bind(1, enforcement_id);
    struct Closed {
      std::int64_t voucher_id, used_planned_fen, grant_fen;
      std::string claw_status;  // of its outbox row: done, failed, pending
      std::int64_t claw_applied_fen;
    };
    std::vector<Closed> closed;
    while (true) {
      SUANLI_ASSIGN(const bool row, q.Step());
      if (!row) break;
      closed.push_back(Closed{q.Int(0), q.Int(1), q.Int(2), q.IsNull(3) ? "" : q.Text(3), q.Int(4)});
    }
    // A clawback the ledger has not run yet (the outbox will): nothing is planned, and the
    // finding is answered as it stands, still pending.
    for (const Closed& c : closed) {
      if (c.claw_status == "pending") return e;
    }
    for (const Closed& c : closed) {
      // A claw that found nothing left was refused by the ledger (a balancing debit fails only
      // at zero): a settlement in flight had taken everything, claw = 0.
      const std::int64_t claw_fen = c.claw_status == "done" ? c.claw_applied_fen : 0;
      e.voucher_clawed_fen += claw_fen;
      // A voucher the organisation redeems has nothing in flight: every move out of it is a
      // step's, made under the lock, and what its held claims took went back to the pool with
      // the finding (redemptions.cc), not to the organisation.
      const VoucherEntry* v = s.vouchers.Find(c.voucher_id);
      if (v != nullptr && RedeemedByOrg(*v)) continue;
      const std::int64_t late = c.grant_fen - claw_fen - c.used_planned_fen;
      if (late <= 0) continue;
      SUANLI_TRY(ctx.Move(PlannedMove{"recover/voucher-" + std::to_string(c.voucher_id) + "/late",
                                      debt, due, late, 0, kCodeRecovery,
                                      static_cast<std::uint64_t>(c.voucher_id)}));
      e.used_recovered_fen += late;
    }
    const std::string object = "enforcement/" + std::to_string(e.id);
    SUANLI_ASSIGN(std::string state_before, ctx.StateOf(object));
    SUANLI_ASSIGN(auto up, ctx.db.Prepare("UPDATE enforcements SET voucher_clawed_fen = ?2, "
                                          "used_recovered_fen = ?3, tallied_at_us = ?4 "
                                          "WHERE id = ?1"));
    up.Bind(1, e.id).Bind(2, e.voucher_clawed_fen).Bind(3, e.used_recovered_fen);
    SUANLI_TRY(up.Bind(4, ctx.now.micros()).Run());
    e.tally_pending = false;
    SUANLI_TRY(ctx.AuditChange("enforcement.clawed", object, std::move(state_before),
                               "{\"voucher_clawed_fen\":" + std::to_string(e.voucher_clawed_fen) +
                                   ",\"used_recovered_fen\":" +
                                   std::to_string(e.used_recovered_fen) + "}"));
    return e;
  });
}

}  // namespace

Result<Enforcement> Platform::RecordFraud(const Principal& actor, std::int64_t org_id,
                                          std::string_view program_id, std::string finding) {
  SUANLI_TRY(RequireRole(actor, {Role::kOfficer}));
  const policy::Program* program = FindProgram(program_id);
  if (program == nullptr) {
    return MakeError(ErrorCode::kNotFound, "program_id", "no program " + std::string(program_id));
  }
  SUANLI_TRY(RequireText(finding, "finding"));
  State& s = *state_;
  {
    // Before the recovery account is created: a finding against no organisation creates nothing.
    std::lock_guard lock(s.mu);
    SUANLI_TRY(LoadOrg(*s.db, org_id));
  }
  // Where the clawed-back rest goes: back where the grant came from (GrantSource) — the pool,
  // or the funder of a program with no yearly pool (Beijing), which has no pool to refill.
  const AccountId returned_to = GrantSource(s, *program);
  SUANLI_ASSIGN(const AccountId debt, EnsureRecoveryDebt(s, program->id, org_id));
  SUANLI_ASSIGN(const AccountId due, EnsureRecoveryDue(s, program->id, org_id));
  std::optional<std::int64_t> unfinished;
  {
    // The same finding again, left by a stop before its second step: the retry finishes it,
    // running its clawbacks first if the ledger missed them.
    std::lock_guard lock(s.mu);
    SUANLI_ASSIGN(unfinished, UntalliedFinding(*s.db, org_id, program->id, finding));
    if (unfinished) SUANLI_TRY(s.ExecutePendingMoves());
  }
  if (unfinished) return UnlockedTally(s, actor, *unfinished);
  // Each voucher closed by the finding: what was used when the recovery was planned, and
  // whether a claw was planned for it (recorded in enforcement_vouchers for the second step).
  struct Closed {
    std::int64_t voucher_id;
    std::int64_t used_planned_fen;
    bool claw_planned;
  };
  SUANLI_ASSIGN(const Enforcement e, s.RunStep<Enforcement>(actor, [&](StepContext& ctx) -> Result<Enforcement> {
    SUANLI_ASSIGN(const Org before, LoadOrg(ctx.db, org_id));
    // The same finding recorded again (an officer's retry under a new Idempotency-Key) is
    // refused: it would restart the ban from today and record a second, empty enforcement.
    SUANLI_ASSIGN(auto same, ctx.db.Prepare("SELECT id, at_us FROM enforcements WHERE org_id = ?1 "
                                            "AND program_id = ?2 AND finding = ?3"));
    SUANLI_ASSIGN(const bool recorded, same.Bind(1, org_id).Bind(2, program->id)
                                           .Bind(3, finding).Step());
    if (recorded) {
      return MakeError(ErrorCode::kDuplicate, "finding",
                       "this finding was recorded on " +
                           Instant::FromMicros(same.Int(1)).CstDate().ToString() +
                           " (enforcement " + std::to_string(same.Int(0)) + ")");
    }
    const int years = program->exclusions.fraud_ban_years.value_or(2);
    // A new finding bans from its own day, but never shortens a ban already in force (a program
    // with a shorter ban period cannot cut another's).
    Instant until = Instant::StartOfDay(ctx.now.CstDate().AddMonths(12 * years));
    if (before.banned_until && until < *before.banned_until) until = *before.banned_until;
    Enforcement out;
    out.org_id = org_id;
    out.program_id = program->id;
    out.finding = finding;
    out.banned_until = until;
    out.at = ctx.now;
    out.tally_pending = true;
    std::vector<Closed> closed;
    for (VoucherEntry* v : s.vouchers.All()) {
      if (v->org_id != org_id) continue;
      // The ban is the organisation's (orgs.banned_until_us, which start-up loads onto every
      // one of its vouchers): its vouchers in other programs stop settling now too, not only
      // after a restart. Only this program's are clawed back.
      const std::int64_t banned_before = v->org_banned_until_us.exchange(until.micros());
      ctx.OnRollback([v, banned_before] { v->org_banned_until_us = banned_before; });
      if (v->program_id != program->id) continue;
      // Closed before the moves are planned, so no settlement slips in between; reopened if the
      // step fails, so a refused finding leaves the voucher as it was and a retry claws back.
      const auto status_before = v->status.exchange(VoucherEntry::kClawedBack);
      ctx.OnRollback([v, status_before] { v->status = status_before; });
      if (status_before == VoucherEntry::kClawedBack) continue;
      const std::string vid = std::to_string(v->id);
      // Only an active voucher with something left is clawed: a used-up one has nothing, and a
      // lapsed one's rest already went back at expiry (a move of nothing would be refused by the
      // ledger and sit in the outbox as failed). What was used is recovered either way.
      // A credit still in the outbox (its grant, approved but not yet applied) counts as left:
      // unclawed, it would land in a closed voucher and stay there.
      SUANLI_ASSIGN(auto incoming, ctx.db.Prepare("SELECT 1 FROM money_moves WHERE status = "
                                                  "'pending' AND credit_account = ?1 LIMIT 1"));
      incoming.Bind(1, static_cast<std::int64_t>(v->account.value));
      SUANLI_ASSIGN(const bool credit_pending, incoming.Step());
      const bool claw = status_before == VoucherEntry::kActive &&
                        (v->remaining_fen() > 0 || credit_pending);
      if (claw) {
        // Whatever is left when it runs (a balancing debit of the largest amount): a move still
        // in the outbox ahead of it may yet change the balance.
        SUANLI_TRY(ctx.Move(PlannedMove{"claw/voucher-" + vid, v->account, returned_to,
                                        limits::kAmountFenMax,
                                        ledger::kClawback | ledger::kBalancingDebit, kCodeClawback,
                                        static_cast<std::uint64_t>(v->id)}));
      }
      const std::int64_t used = v->used_fen.load();
      if (used > 0) {
        // Owed, not yet the pool's: the pool gets it back as it is repaid (RecordRepayment).
        SUANLI_TRY(ctx.Move(PlannedMove{"recover/voucher-" + vid, debt, due, used, 0,
                                        kCodeRecovery, static_cast<std::uint64_t>(v->id)}));
        out.used_recovered_fen += used;
      }
      closed.push_back(Closed{v->id, used, claw});
      SUANLI_ASSIGN(std::string voucher_before, ctx.StateOf("voucher/" + vid));
      SUANLI_ASSIGN(auto up, ctx.db.Prepare("UPDATE vouchers SET status = 'clawed_back' WHERE id = ?1"));
      SUANLI_TRY(up.Bind(1, v->id).Run());
      SUANLI_TRY(ctx.AuditChange("voucher.claw", "voucher/" + vid, std::move(voucher_before),
                                 "{\"used_fen\":" + std::to_string(used) + ",\"clawed\":" +
                                     (claw ? "true" : "false") + "}"));
    }
    // An award of the program not yet paid is withdrawn, back where it was drawn from: a
    // subsidy obtained by fraud is not paid (awards.cc).
    SUANLI_ASSIGN(const std::int64_t awards_withdrawn_fen, WithdrawAwards(ctx, *program, org_id));
    // A redemption not yet paid is refused, its hold back where the grant came from; one
    // already paid is in used_fen above, recovered with the voucher (redemptions.cc).
    SUANLI_ASSIGN(const std::int64_t redemptions_refused_fen,
                  RefuseHeldRedemptions(ctx, *program, org_id));
    // One already paid is money the organisation holds: owed back like what its vouchers paid,
    // returning to the pool only as it is repaid. Once: an earlier finding's recovery of it
    // stands.
    SUANLI_ASSIGN(auto paid, ctx.db.Prepare("SELECT id, amount_fen FROM awards w WHERE org_id = ?1 "
                                            "AND program_id = ?2 AND status = 'paid' AND NOT "
                                            "EXISTS (SELECT 1 FROM money_moves WHERE ledger_key "
                                            "= 'recover/award-' || w.id) ORDER BY id"));
    paid.Bind(1, org_id).Bind(2, program->id);
    std::vector<std::pair<std::int64_t, std::int64_t>> paid_awards;  // id, amount
    while (true) {
      SUANLI_ASSIGN(const bool row, paid.Step());
      if (!row) break;
      paid_awards.emplace_back(paid.Int(0), paid.Int(1));
    }
    paid.Reset();
    for (const auto& [award_id, amount_fen] : paid_awards) {
      SUANLI_TRY(ctx.Move(PlannedMove{"recover/award-" + std::to_string(award_id), debt, due,
                                      amount_fen, 0, kCodeAwardRecovery,
                                      static_cast<std::uint64_t>(award_id)}));
      out.used_recovered_fen += amount_fen;
    }
    const std::string org_object = "org/" + std::to_string(org_id);
    SUANLI_ASSIGN(std::string org_before, ctx.StateOf(org_object));
    SUANLI_ASSIGN(auto ban, ctx.db.Prepare("UPDATE orgs SET banned_until_us = ?2 WHERE id = ?1"));
    SUANLI_TRY(ban.Bind(1, org_id).Bind(2, until.micros()).Run());
    // Its applications still waiting are refused, each on the log with its state.
    SUANLI_ASSIGN(auto waiting, ctx.db.Prepare("SELECT id FROM applications WHERE org_id = ?1 AND "
                                               "status IN ('submitted', 'waitlisted') ORDER BY id"));
    waiting.Bind(1, org_id);
    std::vector<std::int64_t> refused_ids;
    while (true) {
      SUANLI_ASSIGN(const bool row, waiting.Step());
      if (!row) break;
      refused_ids.push_back(waiting.Int(0));
    }
    waiting.Reset();
    constexpr const char* kFraudRefusal = "fraud finding: organisation banned";
    SUANLI_ASSIGN(auto refuse, ctx.db.Prepare("UPDATE applications SET status = 'refused', "
                                              "reasons = ?2 WHERE id = ?1"));
    for (const std::int64_t application_id : refused_ids) {
      const std::string object = "application/" + std::to_string(application_id);
      SUANLI_ASSIGN(std::string application_before, ctx.StateOf(object));
      refuse.Reset();
      SUANLI_TRY(refuse.Bind(1, application_id).Bind(2, kFraudRefusal).Run());
      SUANLI_TRY(ctx.AuditChange("application.refuse", object, std::move(application_before),
                                 "{\"reasons\":" + Quoted(kFraudRefusal) + "}"));
    }
    SUANLI_ASSIGN(auto ins, ctx.db.Prepare("INSERT INTO enforcements (org_id, program_id, finding, "
                                           "voucher_clawed_fen, used_recovered_fen, "
                                           "banned_until_us, at_us) VALUES (?1,?2,?3,0,?4,?5,?6)"));
    ins.Bind(1, org_id).Bind(2, program->id).Bind(3, finding).Bind(4, out.used_recovered_fen);
    SUANLI_TRY(ins.Bind(5, until.micros()).Bind(6, ctx.now.micros()).Run());
    out.id = ctx.db.LastInsertRowid();
    SUANLI_ASSIGN(auto closes, ctx.db.Prepare("INSERT INTO enforcement_vouchers (enforcement_id, "
                                              "voucher_id, used_planned_fen, claw_planned) "
                                              "VALUES (?1,?2,?3,?4)"));
    for (const Closed& c : closed) {
      closes.Reset();
      closes.Bind(1, out.id).Bind(2, c.voucher_id).Bind(3, c.used_planned_fen);
      SUANLI_TRY(closes.Bind(4, std::int64_t{c.claw_planned}).Run());
    }
    SUANLI_TRY(ctx.AuditChange("enforcement.record", "enforcement/" + std::to_string(out.id), "",
                               "{\"org_id\":" + std::to_string(org_id) + "}"));
    SUANLI_TRY(ctx.AuditChange("enforcement.fraud", org_object, std::move(org_before),
                               "{\"finding\":" + Quoted(finding) + ",\"program_id\":" +
                                   Quoted(program->id) + ",\"enforcement_id\":" +
                                   std::to_string(out.id) + ",\"awards_withdrawn_fen\":" +
                                   std::to_string(awards_withdrawn_fen) +
                                   ",\"redemptions_refused_fen\":" +
                                   std::to_string(redemptions_refused_fen) + "}"));
    SUANLI_TRY(AddNotice(ctx, "org/" + std::to_string(org_id), "enforcement.fraud",
                         "enforcement/" + std::to_string(out.id),
                         "经查实存在弄虚作假行为:算力券已收回,已使用金额需退回,禁止申报至 " +
                             until.CstDate().ToString(),
                         "Fraud finding: vouchers withdrawn, used amounts to be repaid, banned "
                         "until " + until.CstDate().ToString()));
    return out;
  }));
  return UnlockedTally(s, actor, e.id);
}

Status TallyPendingFindings(Platform::State& s) {
  std::vector<std::int64_t> ids;
  {
    std::lock_guard lock(s.mu);
    SUANLI_ASSIGN(auto q, s.db->Prepare("SELECT id FROM enforcements WHERE tallied_at_us IS NULL "
                                        "ORDER BY id"));
    SUANLI_ASSIGN(ids, q.IntColumn());
  }
  for (const std::int64_t id : ids) {
    SUANLI_TRY(UnlockedTally(s, Principal::System(), id));
  }
  return OkStatus();
}

}  // namespace suanli::workflow
