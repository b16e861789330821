// Enforcement after a fraud finding (seed 000 §五(二)): the unused rest of the organisation's
// vouchers in the program goes back to the pool (clawback), what it already used is booked as
// a debt to recover (reversing the subsidy it received; the pool gets it only as it is repaid,
// recovery.cc), its open applications are refused,
// and it is banned for the program's period (two years in Chengdu) — enforced at every entry
// point: contracts, applications, settlements.
#include <map>
#include <string>

#include "core/limits.h"
#include "workflow/platform_state.h"

namespace suanli::workflow {

Result<Org> LoadOrg(storage::Db& db, std::int64_t org_id);
std::string OrgJson(const Org& o);
Status AddNotice(StepContext& ctx, const std::string& recipient, const std::string& kind,
                 const std::string& object, const std::string& zh, const std::string& en);
std::string Yuan(std::int64_t fen);

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
  const ProgramAccounts pa = s.program_accounts.at(program->id);
  SUANLI_ASSIGN(const AccountId debt,
                s.EnsureAccount("prog/" + program->id + "/org/" + std::to_string(org_id) + "/recovery",
                                ledger::AccountKind::kRecovery, 0));
  SUANLI_ASSIGN(const AccountId due, EnsureRecoveryDue(s, program->id, org_id));
  std::vector<MoveOutcome> outcomes;
  // Each voucher closed by the finding: what was used when the recovery was planned, and
  // whether a claw was planned for it.
  struct Recovered {
    VoucherEntry* voucher;
    std::int64_t planned_fen;
    bool clawed;
  };
  std::vector<Recovered> recovered;
  SUANLI_ASSIGN(Enforcement e, s.RunStep<Enforcement>(actor, [&](StepContext& ctx) -> Result<Enforcement> {
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
        SUANLI_TRY(ctx.Move(PlannedMove{"claw/voucher-" + vid, v->account, pa.pool,
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
      recovered.push_back(Recovered{v, used, claw});
      ctx.OnRollback([&recovered] { recovered.clear(); });
      SUANLI_ASSIGN(auto up, ctx.db.Prepare("UPDATE vouchers SET status = 'clawed_back' WHERE id = ?1"));
      SUANLI_TRY(up.Bind(1, v->id).Run());
    }
    SUANLI_ASSIGN(auto ban, ctx.db.Prepare("UPDATE orgs SET banned_until_us = ?2 WHERE id = ?1"));
    SUANLI_TRY(ban.Bind(1, org_id).Bind(2, until.micros()).Run());
    SUANLI_ASSIGN(auto refuse, ctx.db.Prepare(
                                   "UPDATE applications SET status = 'refused', reasons = "
                                   "'fraud finding: organisation banned' WHERE org_id = ?1 AND "
                                   "status IN ('submitted', 'waitlisted')"));
    SUANLI_TRY(refuse.Bind(1, org_id).Run());
    SUANLI_ASSIGN(auto ins, ctx.db.Prepare("INSERT INTO enforcements (org_id, program_id, finding, "
                                           "voucher_clawed_fen, used_recovered_fen, "
                                           "banned_until_us, at_us) VALUES (?1,?2,?3,0,?4,?5,?6)"));
    ins.Bind(1, org_id).Bind(2, program->id).Bind(3, finding).Bind(4, out.used_recovered_fen);
    SUANLI_TRY(ins.Bind(5, until.micros()).Bind(6, ctx.now.micros()).Run());
    out.id = ctx.db.LastInsertRowid();
    SUANLI_ASSIGN(const Org after, LoadOrg(ctx.db, org_id));
    SUANLI_TRY(ctx.Audit("enforcement.fraud", "org/" + std::to_string(org_id), OrgJson(before),
                         OrgJson(after), "{\"finding\":" + Quoted(finding) + ",\"program_id\":" +
                                             Quoted(program->id) + "}"));
    SUANLI_TRY(AddNotice(ctx, "org/" + std::to_string(org_id), "enforcement.fraud",
                         "enforcement/" + std::to_string(out.id),
                         "经查实存在弄虚作假行为:算力券已收回,已使用金额需退回,禁止申报至 " +
                             until.CstDate().ToString(),
                         "Fraud finding: vouchers withdrawn, used amounts to be repaid, banned "
                         "until " + until.CstDate().ToString()));
    return out;
  }, &outcomes));
  // (The voucher's lapsed_fen counts the claw in the outbox itself, ExecutePendingMoves.)
  std::map<std::string, std::int64_t> clawed;  // by move key
  for (const MoveOutcome& o : outcomes) {
    if (o.key.rfind("claw/", 0) == 0) {
      e.voucher_clawed_fen += o.applied_fen;
      clawed[o.key] = o.applied_fen;
    }
  }
  // What the clawbacks took is known only once they ran (a balancing debit takes what is left);
  // recorded in a step of its own, with its audit entry. A settlement in flight when the voucher
  // closed reached the ledger before the claw and is missing from the recovery planned above
  // (its answer, which counts it into used_fen, may come later still). The ledger knows: a claw
  // empties the voucher, so its grant less the claw is exactly what was used, net of reversals
  // (credits = grant + reversed = settled + clawed). The difference is recovered here
  // ("…/late"). A settlement reaching the ledger after the claw finds nothing to take.
  SUANLI_TRY(s.RunStep<bool>(actor, [&](StepContext& ctx) -> Result<bool> {
    for (const auto& [v, planned, claw_planned] : recovered) {
      if (!claw_planned) continue;  // used up or lapsed: nothing was in flight
      // A claw that found nothing left was refused by the ledger (a balancing debit fails only
      // at zero) and has no outcome: a settlement in flight had taken everything, claw = 0.
      const auto claw = clawed.find("claw/voucher-" + std::to_string(v->id));
      const std::int64_t claw_fen = claw == clawed.end() ? 0 : claw->second;
      const std::int64_t late = v->grant_fen - claw_fen - planned;
      if (late <= 0) continue;
      SUANLI_TRY(ctx.Move(PlannedMove{"recover/voucher-" + std::to_string(v->id) + "/late", debt,
                                      due, late, 0, kCodeRecovery,
                                      static_cast<std::uint64_t>(v->id)}));
      e.used_recovered_fen += late;
    }
    SUANLI_ASSIGN(auto up, ctx.db.Prepare("UPDATE enforcements SET voucher_clawed_fen = ?2, "
                                          "used_recovered_fen = ?3 WHERE id = ?1"));
    SUANLI_TRY(up.Bind(1, e.id).Bind(2, e.voucher_clawed_fen).Bind(3, e.used_recovered_fen).Run());
    SUANLI_TRY(ctx.Audit("enforcement.clawed", "enforcement/" + std::to_string(e.id), "",
                         "{\"voucher_clawed_fen\":" + std::to_string(e.voucher_clawed_fen) +
                             ",\"used_recovered_fen\":" + std::to_string(e.used_recovered_fen) +
                             "}"));
    return true;
  }));
  return e;
}

}  // namespace suanli::workflow
