// Subsidy awards: the "pay first, subsidy after" programs (policy mode reimbursement —
// Yangzhou, Langfang — and post_use_subsidy — Nanning). The organisation has paid the provider
// in full; approval re-quotes the grant as for a voucher (caps, pool, floors) and makes an
// award: what the program owes the organisation, held in its own ledger account (no voucher,
// no expiry, nothing for a provider to deduct), until an officer records the bank transfer
// that pays it. A fraud finding in the program withdraws an unpaid award (enforcement.cc).
//
// Accounts: prog/<id>/award/app-<application> (kind provider_receivable, the ledger's "what
// the program owes", never overdrawn; credited once, by the grant move's ledger key — no
// credits ceiling, since an approval rolled back after creating the account may be retried
// with another amount and the account must then still match) and prog/<id>/award-payout
// (kind payout, the bank side).
#include "workflow/platform_state.h"

namespace suanli::workflow {

Result<Org> LoadOrg(storage::Db& db, std::int64_t org_id);  // orgs.cc
Status RequireNotBanned(const Org& org, Instant now);       // contracts.cc
Status AddNotice(StepContext& ctx, const std::string& recipient, const std::string& kind,
                 const std::string& object, const std::string& zh, const std::string& en);
std::string Yuan(std::int64_t fen);

namespace {

constexpr const char* kSelectAward =
    "SELECT w.id, w.application_id, w.org_id, o.name, w.program_id, w.contract_id, "
    "c.contract_no, w.amount_fen, w.status, COALESCE(w.bank_reference, ''), w.awarded_at_us, "
    "w.paid_at_us, w.account_id FROM awards w JOIN orgs o ON o.id = w.org_id JOIN contracts c "
    "ON c.id = w.contract_id ";

Award ReadAward(const storage::Stmt& q) {
  Award a;
  a.id = q.Int(0);
  a.application_id = q.Int(1);
  a.org_id = q.Int(2);
  a.org_name = q.Text(3);
  a.program_id = q.Text(4);
  a.contract_id = q.Int(5);
  a.contract_no = q.Text(6);
  a.amount_fen = q.Int(7);
  a.status = q.Text(8);
  a.bank_reference = q.Text(9);
  a.awarded_at = Instant::FromMicros(q.Int(10));
  if (const auto paid = q.OptInt(11)) a.paid_at = Instant::FromMicros(*paid);
  return a;
}

struct AwardRow {
  Award award;
  AccountId account;
};

Result<AwardRow> LoadAwardRow(storage::Db& db, std::int64_t id) {
  SUANLI_ASSIGN(auto q, db.Prepare(std::string(kSelectAward) + "WHERE w.id = ?1"));
  SUANLI_ASSIGN(const bool row, q.Bind(1, id).Step());
  if (!row) return NotFound("award", id);
  return AwardRow{ReadAward(q), AccountId(static_cast<std::uint64_t>(q.Int(12)))};
}

}  // namespace

bool PaysAwards(const policy::Program& program) {
  return program.mode == policy::Mode::kReimbursement ||
         program.mode == policy::Mode::kPostUseSubsidy;
}

AccountId GrantSource(const Platform::State& s, const policy::Program& program) {
  const ProgramAccounts& a = s.program_accounts.at(program.id);
  return program.pool ? a.pool : a.funder;
}

Result<std::int64_t> IssueAward(StepContext& ctx, const policy::Program& program,
                                std::int64_t application_id, const Org& org,
                                std::int64_t contract_id, std::int64_t amount_fen) {
  Platform::State& s = ctx.state;
  SUANLI_ASSIGN(const AccountId account,
                s.EnsureAccount("prog/" + program.id + "/award/app-" +
                                    std::to_string(application_id),
                                ledger::AccountKind::kProviderReceivable,
                                ledger::kDebitsMustNotExceedCredits));
  SUANLI_ASSIGN(auto ins, ctx.db.Prepare("INSERT INTO awards (application_id, org_id, "
                                         "program_id, contract_id, account_id, amount_fen, "
                                         "awarded_at_us) VALUES (?1,?2,?3,?4,?5,?6,?7)"));
  ins.Bind(1, application_id).Bind(2, org.id).Bind(3, program.id).Bind(4, contract_id);
  ins.Bind(5, static_cast<std::int64_t>(account.value)).Bind(6, amount_fen);
  SUANLI_TRY(ins.Bind(7, ctx.now.micros()).Run());
  const std::int64_t award_id = ctx.db.LastInsertRowid();
  SUANLI_TRY(ctx.AuditChange("award.grant", "award/" + std::to_string(award_id), "",
                             "{\"application_id\":" + std::to_string(application_id) + "}"));
  SUANLI_TRY(ctx.Move(PlannedMove{"award/" + program.id + "/app-" + std::to_string(application_id),
                                  GrantSource(s, program), account, amount_fen, 0, kCodeAward,
                                  static_cast<std::uint64_t>(award_id)}));
  SUANLI_TRY(AddNotice(ctx, "org/" + std::to_string(org.id), "award.granted",
                       "award/" + std::to_string(award_id),
                       "算力补贴已核定:" + Yuan(amount_fen) + ",待财政拨付",
                       "Subsidy awarded: " + Yuan(amount_fen) + ", to be paid by bank transfer"));
  return award_id;
}

Result<std::int64_t> WithdrawAwards(StepContext& ctx, const policy::Program& program,
                                    std::int64_t org_id) {
  SUANLI_ASSIGN(auto q, ctx.db.Prepare("SELECT id, account_id, amount_fen FROM awards WHERE "
                                       "org_id = ?1 AND program_id = ?2 AND status = 'awarded' "
                                       "ORDER BY id"));
  q.Bind(1, org_id).Bind(2, program.id);
  struct Open {
    std::int64_t id, account, amount_fen;
  };
  std::vector<Open> open;
  while (true) {
    SUANLI_ASSIGN(const bool row, q.Step());
    if (!row) break;
    open.push_back(Open{q.Int(0), q.Int(1), q.Int(2)});
  }
  q.Reset();
  std::int64_t total = 0;
  for (const Open& o : open) {
    // The award's account holds exactly its amount (its grant move is ahead in the outbox if
    // not yet run; nothing else debits it before a payout, which this status refuses).
    SUANLI_TRY(ctx.Move(PlannedMove{"withdraw/award-" + std::to_string(o.id),
                                    AccountId(static_cast<std::uint64_t>(o.account)),
                                    GrantSource(ctx.state, program), o.amount_fen, 0,
                                    kCodeAwardWithdrawn, static_cast<std::uint64_t>(o.id)}));
    const std::string object = "award/" + std::to_string(o.id);
    SUANLI_ASSIGN(std::string state_before, ctx.StateOf(object));
    SUANLI_ASSIGN(auto up, ctx.db.Prepare("UPDATE awards SET status = 'withdrawn' WHERE id = ?1"));
    SUANLI_TRY(up.Bind(1, o.id).Run());
    SUANLI_TRY(ctx.AuditChange("award.withdraw", object, std::move(state_before),
                               "{\"amount_fen\":" + std::to_string(o.amount_fen) + "}"));
    total += o.amount_fen;
  }
  return total;
}

Result<Award> Platform::GetAward(const Principal& actor, std::int64_t award_id) {
  SUANLI_TRY(RequireRole(actor, {Role::kApplicant, Role::kOfficer, Role::kAdmin, Role::kAuditor}));
  std::lock_guard lock(state_->mu);
  SUANLI_ASSIGN(const AwardRow row, LoadAwardRow(*state_->db, award_id));
  SUANLI_TRY(RequireOrgAccess(actor, row.award.org_id));
  return row.award;
}

Result<std::vector<Award>> Platform::ListAwards(const Principal& actor, const Page& page,
                                                std::optional<std::string> status) {
  SUANLI_TRY(RequireRole(actor, {Role::kApplicant, Role::kOfficer, Role::kAdmin, Role::kAuditor}));
  std::lock_guard lock(state_->mu);
  SUANLI_ASSIGN(auto q, state_->db->Prepare(std::string(kSelectAward) +
                                            "WHERE w.id > ?1 AND (?2 IS NULL OR w.status = ?2) "
                                            "AND (?3 IS NULL OR w.org_id = ?3) ORDER BY w.id "
                                            "LIMIT ?4"));
  q.Bind(1, page.after_id).Bind(2, status);
  if (actor.role == Role::kApplicant) q.Bind(3, actor.org_id.value_or(-1));
  q.Bind(4, std::int64_t{page.limit});
  std::vector<Award> out;
  while (true) {
    SUANLI_ASSIGN(const bool row, q.Step());
    if (!row) break;
    out.push_back(ReadAward(q));
  }
  return out;
}

Result<Award> Platform::PayAward(const Principal& actor, std::int64_t award_id,
                                 std::int64_t amount_fen, std::string bank_reference) {
  SUANLI_TRY(RequireRole(actor, {Role::kOfficer}));
  SUANLI_TRY(ValidateBankPayout(amount_fen, bank_reference));
  State& s = *state_;
  return s.RunStep<Award>(actor, [&](StepContext& ctx) -> Result<Award> {
    SUANLI_ASSIGN(const AwardRow row, LoadAwardRow(ctx.db, award_id));
    const Award& before = row.award;
    SUANLI_ASSIGN(const bool replay,
                  CheckWholePayout("award",
                                   WholePayout{before.status, "awarded", before.amount_fen,
                                               before.bank_reference, before.paid_at},
                                   amount_fen, bank_reference));
    if (replay) return before;
    // Checked at the payout, not only at the approval: a finding in another program bans the
    // organisation everywhere (its award in the finding's own program is withdrawn).
    SUANLI_ASSIGN(const Org org, LoadOrg(ctx.db, before.org_id));
    SUANLI_TRY(RequireNotBanned(org, ctx.now));
    SUANLI_ASSIGN(const AccountId payout,
                  s.EnsureAccount("prog/" + before.program_id + "/award-payout",
                                  ledger::AccountKind::kPayout, 0));
    const std::string object = "award/" + std::to_string(award_id);
    SUANLI_ASSIGN(std::string state_before, ctx.StateOf(object));
    SUANLI_ASSIGN(auto up, ctx.db.Prepare("UPDATE awards SET status = 'paid', bank_reference = "
                                          "?2, paid_by = ?3, paid_at_us = ?4 WHERE id = ?1"));
    up.Bind(1, award_id).Bind(2, bank_reference).Bind(3, actor.user_id);
    SUANLI_TRY(up.Bind(4, ctx.now.micros()).Run());
    SUANLI_TRY(ctx.Move(PlannedMove{"pay/award-" + std::to_string(award_id), row.account, payout,
                                    before.amount_fen, 0, kCodeAwardPayout,
                                    static_cast<std::uint64_t>(award_id)}));
    SUANLI_ASSIGN(const AwardRow after, LoadAwardRow(ctx.db, award_id));
    SUANLI_TRY(ctx.AuditChange("award.pay", object, std::move(state_before)));
    SUANLI_TRY(AddNotice(ctx, "org/" + std::to_string(before.org_id), "award.paid", object,
                         "算力补贴 " + Yuan(before.amount_fen) + " 已拨付,银行流水号 " +
                             bank_reference,
                         "Subsidy of " + Yuan(before.amount_fen) +
                             " paid by bank transfer, reference " + bank_reference));
    return after.award;
  });
}

}  // namespace suanli::workflow
