// Applications and the vouchers they become: the policy engine quotes the grant from the
// recorded facts (organisation, provider, contract, what was granted before, the pool, other
// subsidies, related parties); an officer approves or refuses; approval issues the voucher —
// a ledger account funded from the pool — with the grant re-quoted at the decision.
#include <algorithm>
#include <map>

#include <boost/json.hpp>

#include "core/text_key.h"
#include "policy/quote.h"
#include "policy/quote_json.h"
#include "workflow/platform_state.h"

namespace suanli::workflow {

Result<Org> LoadOrg(storage::Db& db, std::int64_t org_id);
Result<Provider> LoadProvider(storage::Db& db, std::int64_t id);
Result<Contract> LoadContract(storage::Db& db, std::int64_t id);
Result<Document> LoadDocument(storage::Db& db, std::int64_t id);  // documents.cc
Status RequireNotBanned(const Org& org, Instant now);
Status AddNotice(StepContext& ctx, const std::string& recipient, const std::string& kind,
                 const std::string& object, const std::string& zh, const std::string& en);
std::string Yuan(std::int64_t fen);

namespace {

constexpr const char* kSelectApplication =
    "SELECT a.id, a.org_id, a.program_id, a.contract_id, a.status, a.quoted_fen, a.granted_fen, "
    "a.quote_json, a.reasons, a.created_at_us, v.id, w.id FROM applications a LEFT JOIN "
    "vouchers v ON v.application_id = a.id LEFT JOIN awards w ON w.application_id = a.id ";

Application ReadApplication(const storage::Stmt& q) {
  Application a;
  a.id = q.Int(0);
  a.org_id = q.Int(1);
  a.program_id = q.Text(2);
  a.contract_id = q.Int(3);
  a.status = q.Text(4);
  a.quoted_fen = q.Int(5);
  a.granted_fen = q.OptInt(6);
  a.quote_json = q.Text(7);
  a.reasons = q.Text(8);
  a.created_at = Instant::FromMicros(q.Int(9));
  a.voucher_id = q.OptInt(10);
  a.award_id = q.OptInt(11);
  return a;
}

Result<Application> LoadApplication(storage::Db& db, std::int64_t id) {
  SUANLI_ASSIGN(auto q, db.Prepare(std::string(kSelectApplication) + "WHERE a.id = ?1"));
  q.Bind(1, id);
  SUANLI_ASSIGN(const bool row, q.Step());
  if (!row) return NotFound("application", id);
  return ReadApplication(q);
}

Result<std::int64_t> SumFen(storage::Db& db, const std::string& sql, std::int64_t a,
                            const std::string& b) {
  SUANLI_ASSIGN(auto q, db.Prepare(sql));
  q.Bind(1, a).Bind(2, b);
  SUANLI_ASSIGN(const bool row, q.Step());
  return row ? q.Int(0) : 0;
}

Result<std::vector<std::string>> Strings(storage::Db& db, const std::string& sql,
                                         const std::string& a, const std::string& b) {
  SUANLI_ASSIGN(auto q, db.Prepare(sql));
  q.Bind(1, a).Bind(2, b);
  return q.TextColumn();
}

// A major project's tier (30 % with the higher caps, past the revenue rule) rests on its
// evidence: a contract naming a project level is granted only once an officer has approved the
// project_evidence document it cites. Filing refuses evidence already rejected, an application
// evidence rejected since (`pending_ok`: one under review may still be applied with), and the
// grant anything but approved evidence, since the review may come (or change) in between.
Status RequireProjectEvidence(storage::Db& db, const Contract& c, bool pending_ok) {
  if (c.project_level.empty()) return OkStatus();
  if (!c.evidence_document_id) {
    return MakeError(ErrorCode::kStateConflict, "contract_id",
                     "the contract names a " + c.project_level +
                         " major project but cites no project evidence");
  }
  SUANLI_ASSIGN(const Document doc, LoadDocument(db, *c.evidence_document_id));
  if (doc.status != "approved" && !(pending_ok && doc.status == "pending")) {
    return MakeError(ErrorCode::kStateConflict, "contract_id",
                     "the contract's major-project evidence (document " +
                         std::to_string(doc.id) + ") is " + doc.status +
                         ": the major-project tier is granted only on approved evidence; "
                         "review it first, or refuse the application");
  }
  return OkStatus();
}

// The policy case from what the platform has recorded, as of `now`.
Result<policy::Case> BuildCase(Platform::State& s, storage::Db& db, const policy::Program& p,
                               const Org& org, const Provider& prov, const Contract& c,
                               std::int64_t exclude_application, Instant now) {
  policy::Case k;
  k.as_of = now;
  k.organisation.name = org.name;
  k.organisation.uscc = org.uscc;
  k.organisation.type = org.type;
  k.organisation.region = org.region;
  k.organisation.industry = org.industry;
  if (org.prior_year_revenue_fen) {
    k.organisation.prior_year_revenue = Money::FromFen(*org.prior_year_revenue_fen);
  }
  k.organisation.credit.blacklisted = org.blacklisted;
  k.organisation.credit.sanction_active = org.credit_status == "dishonest";
  // The policy's banned_until is the last banned day (inclusive); the platform stores the
  // instant the ban ends (exclusive, the anniversary's 00:00 CST), as RequireNotBanned reads it.
  if (org.banned_until) {
    k.organisation.banned_until = Instant::FromMicros(org.banned_until->micros() - 1).CstDate();
  }
  // The classes an officer recorded (org_classes.cc), and the one that comes with a contract
  // naming a major project.
  k.organisation.classes = org.classes;
  if (!c.project_level.empty()) k.organisation.classes.push_back("major_project_lead");
  const std::string org_owner = "org/" + std::to_string(org.id);
  const std::string prov_owner = "provider/" + std::to_string(prov.id);
  const std::string parties_sql = "SELECT party FROM related_parties WHERE owner IN (?1, ?2)";
  SUANLI_ASSIGN(k.organisation.related_parties, Strings(db, parties_sql, org_owner, org_owner));
  SUANLI_ASSIGN(k.provider.related_parties, Strings(db, parties_sql, prov_owner, prov_owner));
  // A provider naming the applicant (or the applicant naming the provider) is a related party
  // either way: the engine compares each side's list with the other's name and USCC.
  k.provider.name = prov.name;
  k.provider.uscc = prov.uscc;
  k.provider.tags = prov.tags;  // the programs' provider lists it is on (officers set them)
  k.contract.id = c.contract_no;
  k.contract.fee = Money::FromFen(c.amount_fen);
  k.contract.signed_on = c.signed_on;
  k.contract.start = c.start_on;
  k.contract.end = c.end_on;
  k.contract.resource_class = c.resource_class;
  k.contract.chip_origin = c.chip_origin;
  k.contract.uses_filed_model = c.uses_filed_model;
  // What the organisation recorded paying (payments.cc): the base of a reimbursement award
  // (actual_payment) and of a post-use subsidy (settled_fee: what it settled with the provider
  // is what it paid). None recorded: absent, so such a quote says base_missing, not 0.00.
  if (c.paid_fen > 0) {
    k.contract.paid = Money::FromFen(c.paid_fen);
    k.contract.settled = Money::FromFen(c.paid_fen);
  }
  if (!c.project_level.empty()) k.contract.project = policy::Project{c.project_name, c.project_level};
  // What the organisation has been granted under THIS program: in all (the program's cumulative
  // cap, Nanning's 2,000,000 per unit) and in the CST natural year of `now` (Beijing's 2,000,000
  // per firm per natural year over 2023–2025), each also by the tier it was granted under, since
  // a cap may bind given tiers only (Chengdu's 1,000,000 a year is the standard tier's: a
  // 1,500,000 national-project grant does not use it). A grant's year is the CST year of the
  // approval that issued it, the day its quote took as the issue day.
  SUANLI_ASSIGN(auto granted, db.Prepare("SELECT granted_fen, decided_at_us, quote_json FROM "
                                         "applications WHERE status = 'approved' AND org_id = ?1 "
                                         "AND program_id = ?2 AND id != ?3"));
  granted.Bind(1, org.id).Bind(2, p.id).Bind(3, exclude_application);
  std::int64_t year_fen = 0, all_fen = 0;
  std::map<std::string, Money> year_by_tier, all_by_tier;
  const int this_year = now.CstDate().year();
  while (true) {
    SUANLI_ASSIGN(const bool row, granted.Step());
    if (!row) break;
    const std::int64_t fen = granted.OptInt(0).value_or(0);
    const std::optional<std::int64_t> decided = granted.OptInt(1);
    std::string tier;
    boost::system::error_code ec;
    const boost::json::value quote = boost::json::parse(granted.Text(2), ec);
    if (!ec && quote.is_object()) {
      if (const auto* t = quote.as_object().if_contains("tier"); t != nullptr && t->is_string()) {
        tier = std::string(t->get_string());
      }
    }
    all_fen += fen;
    all_by_tier[tier] = Money::FromFen(all_by_tier[tier].fen() + fen);
    // A one-off tier granted before (Langfang's settling-in voucher) matches no more.
    for (const policy::Tier& t : p.tiers) {
      if (t.once_per_org && t.id == tier) k.history.one_off_tiers_received.push_back(tier);
    }
    if (decided && Instant::FromMicros(*decided).CstDate().year() == this_year) {
      year_fen += fen;
      year_by_tier[tier] = Money::FromFen(year_by_tier[tier].fen() + fen);
    }
  }
  k.history.org_granted_this_year = Money::FromFen(year_fen);
  k.history.org_granted_cumulative = Money::FromFen(all_fen);
  k.history.org_granted_this_year_by_tier = std::move(year_by_tier);
  k.history.org_granted_cumulative_by_tier = std::move(all_by_tier);
  if (!c.project_name.empty()) {
    // The project's total under this program (Chengdu's 3,000,000 / 1,500,000 per project).
    // Its name is typed anew on each contract: compared by ComparisonKey, so a space or a
    // full-width letter more does not start a new project with a fresh cap.
    SUANLI_ASSIGN(auto proj, db.Prepare("SELECT c.project_name, a.granted_fen FROM applications a "
                                        "JOIN contracts c ON c.id = a.contract_id WHERE a.status = "
                                        "'approved' AND c.org_id = ?1 AND c.project_name <> ?2 AND "
                                        "a.program_id = ?3"));
    proj.Bind(1, org.id).Bind(2, std::string()).Bind(3, p.id);
    const std::string project = ComparisonKey(c.project_name);
    std::int64_t project_fen = 0;
    while (true) {
      SUANLI_ASSIGN(const bool row, proj.Step());
      if (!row) break;
      if (ComparisonKey(proj.Text(0)) == project) project_fen += proj.Int(1);
    }
    k.history.project_granted = Money::FromFen(project_fen);
  }
  const ProgramAccounts& accounts = s.program_accounts.at(p.id);
  SUANLI_ASSIGN(const ledger::Account pool, s.LookupAccount(accounts.pool));
  // Less what the outbox still owes the ledger from the pool: a grant approved but not yet
  // applied (its ledger call failed for now) is spent already, or a second approval would fit
  // in the same money and its grant be refused by the ledger, leaving a voucher with nothing.
  SUANLI_ASSIGN(const std::int64_t pending_fen,
                SumFen(db, "SELECT COALESCE(SUM(amount_fen), 0) FROM money_moves WHERE "
                           "status = 'pending' AND debit_account = ?1 AND ?2 = ''",
                       static_cast<std::int64_t>(accounts.pool.value), std::string()));
  k.history.pool_remaining = Money::FromFen(std::max<std::int64_t>(0, pool.available_fen() - pending_fen));
  SUANLI_ASSIGN(k.other_subsidies,
                Strings(db, "SELECT scheme FROM subsidies WHERE uscc = ?1 AND reference = ?2",
                        org.uscc, c.contract_no));
  if (!c.project_name.empty()) {
    SUANLI_ASSIGN(auto more, Strings(db, "SELECT scheme FROM subsidies WHERE uscc = ?1 AND "
                                         "reference = ?2", org.uscc, c.project_name));
    k.other_subsidies.insert(k.other_subsidies.end(), more.begin(), more.end());
  }
  return k;
}

// The failed reasons of a quote, one per line: "code: message (clause)".
std::string FailedReasons(const policy::QuoteResult& q) {
  std::string out;
  for (const auto& r : q.reasons) {
    if (r.ok) continue;
    out += (out.empty() ? "" : "\n") + r.code + ": " + r.message + " (" + r.clause + ")";
  }
  return out;
}

}  // namespace

Result<Application> Platform::Apply(const Principal& actor, std::string_view program_id,
                                    std::int64_t contract_id) {
  SUANLI_TRY(RequireRole(actor, {Role::kApplicant}));
  const policy::Program* program = FindProgram(program_id);
  if (program == nullptr) {
    return MakeError(ErrorCode::kNotFound, "program_id", "no program " + std::string(program_id));
  }
  return state_->RunStep<Application>(actor, [&](StepContext& ctx) -> Result<Application> {
    SUANLI_ASSIGN(const Contract contract, LoadContract(ctx.db, contract_id));
    SUANLI_TRY(RequireOrgAccess(actor, contract.org_id));
    SUANLI_ASSIGN(const Org org, LoadOrg(ctx.db, contract.org_id));
    SUANLI_TRY(RequireNotBanned(org, ctx.now));
    if (org.qualification != "approved" || !org.qualified_until ||
        ctx.now.CstDate() > Date::Parse(*org.qualified_until).value()) {
      return MakeError(ErrorCode::kStateConflict, "org_id",
                       "the organisation's qualification is not approved (or has expired)");
    }
    SUANLI_ASSIGN(auto dup, ctx.db.Prepare("SELECT id FROM applications WHERE contract_id = ?1"));
    dup.Bind(1, contract_id);
    SUANLI_ASSIGN(const bool exists, dup.Step());
    if (exists) {
      return MakeError(ErrorCode::kDuplicate, "contract_id",
                       "this contract was already used for application " +
                           std::to_string(dup.Int(0)) + " (one application per contract)");
    }
    SUANLI_TRY(RequireProjectEvidence(ctx.db, contract, /*pending_ok=*/true));
    SUANLI_ASSIGN(const Provider prov, LoadProvider(ctx.db, contract.provider_id));
    SUANLI_ASSIGN(const policy::Case k,
                  BuildCase(ctx.state, ctx.db, *program, org, prov, contract, 0, ctx.now));
    const policy::QuoteResult quote = policy::Quote(*program, k);
    if (!quote.eligible) {
      // Refused before anything is recorded: the reasons go back to the applicant.
      bool waitlist = false;
      for (const auto& r : quote.reasons) waitlist |= (!r.ok && r.code == "pool_waitlist");
      if (!waitlist) return MakeError(ErrorCode::kNotEligible, "", FailedReasons(quote));
    }
    const std::string quote_json = boost::json::serialize(policy::QuoteToJson(quote));
    SUANLI_ASSIGN(auto ins, ctx.db.Prepare("INSERT INTO applications (org_id, program_id, "
                                           "contract_id, status, quoted_fen, quote_json, "
                                           "reasons, created_at_us) VALUES "
                                           "(?1,?2,?3,?4,?5,?6,?7,?8)"));
    ins.Bind(1, org.id).Bind(2, program->id).Bind(3, contract_id);
    ins.Bind(4, quote.eligible ? "submitted" : "waitlisted").Bind(5, quote.amount.fen());
    ins.Bind(6, quote_json).Bind(7, FailedReasons(quote)).Bind(8, ctx.now.micros());
    SUANLI_TRY(ins.Run());
    SUANLI_ASSIGN(const Application a, LoadApplication(ctx.db, ctx.db.LastInsertRowid()));
    SUANLI_TRY(ctx.AuditChange("application.submit", "application/" + std::to_string(a.id), ""));
    return a;
  });
}

Result<std::vector<Application>> Platform::ListApplications(const Principal& actor,
                                                            const Page& page,
                                                            std::optional<std::string> status) {
  SUANLI_TRY(RequireRole(actor, {Role::kApplicant, Role::kOfficer, Role::kAdmin, Role::kAuditor}));
  std::lock_guard lock(state_->mu);
  SUANLI_ASSIGN(auto q, state_->db->Prepare(std::string(kSelectApplication) +
                                            "WHERE a.id > ?1 AND (?2 IS NULL OR a.status = ?2) "
                                            "AND (?3 IS NULL OR a.org_id = ?3) ORDER BY a.id "
                                            "LIMIT ?4"));
  q.Bind(1, page.after_id).Bind(2, status);
  if (actor.role == Role::kApplicant) q.Bind(3, actor.org_id.value_or(-1));
  q.Bind(4, std::int64_t{page.limit});
  std::vector<Application> out;
  while (true) {
    SUANLI_ASSIGN(const bool row, q.Step());
    if (!row) break;
    out.push_back(ReadApplication(q));
  }
  return out;
}

Result<Application> Platform::GetApplication(const Principal& actor,
                                             std::int64_t application_id) {
  SUANLI_TRY(RequireRole(actor, {Role::kApplicant, Role::kOfficer, Role::kAdmin, Role::kAuditor}));
  std::lock_guard lock(state_->mu);
  SUANLI_ASSIGN(const Application a, LoadApplication(*state_->db, application_id));
  SUANLI_TRY(RequireOrgAccess(actor, a.org_id));
  return a;
}

Result<Application> Platform::DecideApplication(const Principal& actor,
                                                std::int64_t application_id, bool approve,
                                                std::string reasons) {
  SUANLI_TRY(RequireRole(actor, {Role::kOfficer}));
  if (!approve && reasons.empty()) {
    return MakeError(ErrorCode::kMissingField, "reasons", "a refusal needs reasons");
  }
  if (!reasons.empty()) SUANLI_TRY(RequireText(reasons, "reasons"));
  State& s = *state_;
  return s.RunStep<Application>(actor, [&](StepContext& ctx) -> Result<Application> {
    SUANLI_ASSIGN(const Application before, LoadApplication(ctx.db, application_id));
    if (before.status != "submitted" && before.status != "waitlisted") {
      return MakeError(ErrorCode::kStateConflict, "application_id",
                       "the application is already " + before.status);
    }
    const policy::Program* program = FindProgram(before.program_id);
    SUANLI_ASSIGN(const Contract contract, LoadContract(ctx.db, before.contract_id));
    SUANLI_ASSIGN(const Org org, LoadOrg(ctx.db, before.org_id));
    const std::string object = "application/" + std::to_string(application_id);
    const std::string recipient = "org/" + std::to_string(org.id);
    SUANLI_ASSIGN(std::string state_before, ctx.StateOf(object));
    if (!approve) {
      SUANLI_ASSIGN(auto up, ctx.db.Prepare("UPDATE applications SET status = 'refused', "
                                            "reasons = ?2, decided_by = ?3, decided_at_us = ?4 "
                                            "WHERE id = ?1"));
      SUANLI_TRY(up.Bind(1, application_id).Bind(2, reasons).Bind(3, actor.user_id).Bind(4, ctx.now.micros()).Run());
      SUANLI_ASSIGN(const Application after, LoadApplication(ctx.db, application_id));
      SUANLI_TRY(ctx.AuditChange("application.refuse", object, std::move(state_before),
                                 "{\"reasons\":" + Quoted(reasons) + "}"));
      SUANLI_TRY(AddNotice(ctx, recipient, "application.refused", object,
                           "算力券申请未通过:" + reasons, "Voucher application refused: " + reasons));
      return after;
    }
    SUANLI_TRY(RequireNotBanned(org, ctx.now));
    // Re-quote at the decision: caps and the pool may have moved since the application.
    SUANLI_ASSIGN(const Provider prov, LoadProvider(ctx.db, contract.provider_id));
    SUANLI_TRY(RequireProjectEvidence(ctx.db, contract, /*pending_ok=*/false));
    SUANLI_ASSIGN(policy::Case k, BuildCase(ctx.state, ctx.db, *program, org, prov, contract,
                                            application_id, ctx.now));
    // The window is the application's, made inside it even when decided after it closed.
    k.applied_at = std::min(before.created_at, ctx.now);
    const policy::QuoteResult quote = policy::Quote(*program, k);
    if (!quote.eligible) {
      return MakeError(ErrorCode::kNotEligible, "", FailedReasons(quote));
    }
    const std::int64_t grant = quote.amount.fen();
    if (PaysAwards(*program)) {
      // Paid first: the subsidy is owed to the organisation, not a voucher for its provider.
      SUANLI_ASSIGN(auto up, ctx.db.Prepare("UPDATE applications SET status = 'approved', "
                                            "granted_fen = ?2, quote_json = ?3, reasons = ?4, "
                                            "decided_by = ?5, decided_at_us = ?6 WHERE id = ?1"));
      up.Bind(1, application_id).Bind(2, grant);
      up.Bind(3, boost::json::serialize(policy::QuoteToJson(quote))).Bind(4, reasons);
      SUANLI_TRY(up.Bind(5, actor.user_id).Bind(6, ctx.now.micros()).Run());
      SUANLI_ASSIGN(const std::int64_t award_id,
                    IssueAward(ctx, *program, application_id, org, contract.id, grant));
      SUANLI_ASSIGN(const Application after, LoadApplication(ctx.db, application_id));
      SUANLI_TRY(ctx.AuditChange("application.approve", object, std::move(state_before),
                                 "{\"award_id\":" + std::to_string(award_id) +
                                     ",\"grant_fen\":" + std::to_string(grant) + "}"));
      return after;
    }
    if (!quote.expires_at) {
      return MakeError(ErrorCode::kContradiction, "validity", "the program gives no expiry");
    }
    // What the voucher will pay by, from the program as loaded now: fixed on its row, so a
    // later edit of the program file changes only the vouchers issued after it.
    const auto version = s.program_versions.find(program->id);
    SUANLI_ASSIGN(const VoucherTerms terms,
                  TermsFor(*program, quote.tier,
                           version == s.program_versions.end() ? 0 : version->second));
    const VoucherTermsColumns columns = ColumnsOf(terms);
    // The voucher: an account that may not be overdrawn and expires with the program's rule.
    // Its credits are the grant plus the reversals of corrected settlements, so the ledger's
    // ceiling cannot be the grant itself; the grant is bounded instead by the one grant move
    // per application (its ledger key) and the policy engine's caps.
    SUANLI_ASSIGN(const AccountId account,
                  s.EnsureAccount("prog/" + program->id + "/voucher/app-" +
                                      std::to_string(application_id),
                                  ledger::AccountKind::kVoucher,
                                  ledger::kDebitsMustNotExceedCredits, *quote.expires_at,
                                  limits::kAmountFenMax));
    SUANLI_ASSIGN(const AccountId receivable,
                  s.EnsureAccount("prog/" + program->id + "/provider/" +
                                      std::to_string(prov.id) + "/receivable",
                                  ledger::AccountKind::kProviderReceivable,
                                  ledger::kDebitsMustNotExceedCredits));
    SUANLI_ASSIGN(auto up, ctx.db.Prepare("UPDATE applications SET status = 'approved', "
                                          "granted_fen = ?2, quote_json = ?3, reasons = ?4, "
                                          "decided_by = ?5, decided_at_us = ?6 WHERE id = ?1"));
    up.Bind(1, application_id).Bind(2, grant);
    up.Bind(3, boost::json::serialize(policy::QuoteToJson(quote))).Bind(4, reasons);
    SUANLI_TRY(up.Bind(5, actor.user_id).Bind(6, ctx.now.micros()).Run());
    SUANLI_ASSIGN(auto ins, ctx.db.Prepare("INSERT INTO vouchers (application_id, org_id, "
                                           "provider_id, program_id, account_id, grant_fen, "
                                           "issued_at_us, expires_at_us, redeemed_by, share, "
                                           "rounding, invoice, program_version) VALUES "
                                           "(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13)"));
    ins.Bind(1, application_id).Bind(2, org.id).Bind(3, prov.id).Bind(4, program->id);
    ins.Bind(5, static_cast<std::int64_t>(account.value)).Bind(6, grant);
    ins.Bind(7, ctx.now.micros()).Bind(8, quote.expires_at->micros());
    ins.Bind(9, columns.redeemed_by).Bind(10, columns.share).Bind(11, columns.rounding);
    SUANLI_TRY(ins.Bind(12, columns.invoice).Bind(13, columns.program_version).Run());
    const std::int64_t voucher_id = ctx.db.LastInsertRowid();
    SUANLI_TRY(ctx.Move(PlannedMove{"grant/" + program->id + "/app-" + std::to_string(application_id),
                                    GrantSource(s, *program), account, grant, 0,
                                    kCodeGrant, static_cast<std::uint64_t>(voucher_id)}));
    auto entry = std::make_unique<VoucherEntry>();
    entry->id = voucher_id;
    entry->org_id = org.id;
    entry->provider_id = prov.id;
    entry->program_id = program->id;
    entry->program = program;
    entry->account = account;
    entry->receivable = receivable;
    entry->expires_at = *quote.expires_at;
    entry->grant_fen = grant;
    entry->terms = terms;
    entry->org_name = org.name;
    // Indexed once the approval commits (credits arrive with the grant move, which runs after
    // that): a failed approval leaves no voucher behind, and its rolled-back id is free again.
    auto pending = std::make_shared<std::unique_ptr<VoucherEntry>>(std::move(entry));
    ctx.OnCommit([&s, pending] { s.vouchers.Insert(std::move(*pending)); });
    SUANLI_ASSIGN(const Application after, LoadApplication(ctx.db, application_id));
    SUANLI_TRY(ctx.AuditChange("application.approve", object, std::move(state_before),
                               "{\"voucher_id\":" + std::to_string(voucher_id) +
                                   ",\"grant_fen\":" + std::to_string(grant) + "}"));
    SUANLI_TRY(ctx.AuditChange("voucher.issue", "voucher/" + std::to_string(voucher_id), "",
                               "{\"application_id\":" + std::to_string(application_id) + "}"));
    SUANLI_TRY(AddNotice(ctx, recipient, "voucher.issued", "voucher/" + std::to_string(voucher_id),
                         "算力券已发放:" + Yuan(grant) + ",有效期至 " +
                             quote.expires_at->ToString(),
                         "Voucher issued: " + Yuan(grant) + ", valid until " +
                             quote.expires_at->ToString()));
    return after;
  });
}

}  // namespace suanli::workflow
