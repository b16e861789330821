// Using an experience voucher (Nanjing, seed 002 §发放体验券: 抽取到免费算力券后,南京智能计算中心
// 会为我们开通一次性算力账号,可以免费使用一段时间). A draw (draws.cc) issues the voucher; here
// the winner's applicant activates it, which opens a one-time Slurm account on a center of the
// program's provider, limited to the voucher's hours; the account's usage is metered like any
// other but rated at 0 fen (metering::AccountEntry::free_trial), so it is counted against the
// voucher's hours and never billed, settled or claimed; the sweep (RunExpiry) brings the hours
// used up to date, closes a voucher used up, and expires one past its last day, setting its
// account's limit to 0 hours so no new job starts.
//
//   issued ──activate (the winner's applicant)──▶ active ──hours used up──▶ used_up
//   issued | active ──24:00 CST of the last day──▶ expired (account limit → 0 hours)
//
// Invariants (each step checks the ones it could break):
//  1. Only an issued voucher is activated, once; activation maps exactly one Slurm account to
//     it (slurm_accounts.experience_voucher_id) and records it, the center and the time on it.
//  2. A trial account's usage is rated at share 0: no bill line of it carries money.
//  3. used_up and expired are final; used_card_s only grows.
#include <spdlog/spdlog.h>

#include <algorithm>
#include <map>
#include <variant>

#include "core/check.h"
#include "workflow/experience_rows.h"
#include "workflow/platform.h"
#include "workflow/platform_state.h"

namespace suanli::workflow {

Result<Org> LoadOrg(storage::Db& db, std::int64_t org_id);  // orgs.cc
Status RequireNotBanned(const Org& org, Instant now);       // contracts.cc
Status AddNotice(StepContext& ctx, const std::string& recipient, const std::string& kind,
                 const std::string& object, const std::string& zh, const std::string& en);

const char* const kSelectExperienceVoucher =
    "SELECT x.id, x.draw_id, x.org_id, o.name, x.program_id, d.week, x.draw_rank, x.hours, "
    "x.issued_at_us, x.status, x.expires_at_us, x.center_id, COALESCE(c.slurm_cluster, ''), "
    "COALESCE(x.slurm_account, ''), x.activated_at_us, x.used_card_s, x.ended_at_us, "
    "x.account_closed_at_us FROM experience_vouchers x JOIN orgs o ON o.id = x.org_id "
    "JOIN draws d ON d.id = x.draw_id LEFT JOIN compute_centers c ON c.id = x.center_id ";

ExperienceVoucher ReadExperienceVoucher(const storage::Stmt& q) {
  const auto instant = [&](int col) -> std::optional<Instant> {
    if (const auto us = q.OptInt(col)) return Instant::FromMicros(*us);
    return std::nullopt;
  };
  ExperienceVoucher x;
  x.id = q.Int(0);
  x.draw_id = q.Int(1);
  x.org_id = q.Int(2);
  x.org_name = q.Text(3);
  x.program_id = q.Text(4);
  x.week = Date::Parse(q.Text(5)).value();
  x.rank = static_cast<int>(q.Int(6));
  x.hours = static_cast<int>(q.Int(7));
  x.issued_at = Instant::FromMicros(q.Int(8));
  x.status = q.Text(9);
  x.expires_at = instant(10);
  x.center_id = q.OptInt(11);
  x.slurm_cluster = q.Text(12);
  x.slurm_account = q.Text(13);
  x.activated_at = instant(14);
  x.used_card_s = q.Int(15);
  x.ended_at = instant(16);
  x.account_closed_at = instant(17);
  return x;
}

Result<std::vector<ExperienceVoucher>> ReadExperienceVouchers(storage::Stmt& q) {
  std::vector<ExperienceVoucher> out;
  while (true) {  // one row per voucher the statement selects
    SUANLI_ASSIGN(const bool row, q.Step());
    if (!row) break;
    out.push_back(ReadExperienceVoucher(q));
  }
  return out;
}

// The issue day counts as the first (valid_days = 1: usable until the end of the day it was
// drawn).
std::optional<Instant> ExperienceExpiry(const policy::Experience& rule, Instant issued_at) {
  if (!rule.valid_days) return std::nullopt;
  return Instant::EndOfDay(issued_at.CstDate().AddDays(*rule.valid_days - 1));
}

namespace {

// A voucher's one-time account: one name per voucher, so opening it again after a failure
// (EnsureAccount and SetAccountLimit are idempotent) lands on the same account.
std::string TrialAccountName(std::int64_t voucher_id) {
  return "exp-" + std::to_string(voucher_id);
}

std::string Object(std::int64_t voucher_id) {
  return "experience_voucher/" + std::to_string(voucher_id);
}

std::string Recipient(const ExperienceVoucher& x) { return "org/" + std::to_string(x.org_id); }

// The TRES the trial's hours are counted in: the center's accelerator cards, as
// LimitSlurmAccount limits them.
std::string GresOf(const Center& center) {
  std::string gres = "gres/gpu";
  for (const auto& p : center.spec.partitions) {
    if (p.accelerator) gres = "gres/" + p.accelerator->gres;
  }
  return gres;
}

bool HasAccelerators(const Center& center) {
  return std::any_of(center.spec.partitions.begin(), center.spec.partitions.end(),
                     [](const network::Partition& p) { return p.accelerator.has_value(); });
}

// "12.5" hours of card-seconds, to one decimal (rounded down) for notices.
std::string HoursText(std::int64_t card_s) {
  const std::int64_t tenths = card_s / 360;
  return std::to_string(tenths / 10) + "." + std::to_string(tenths % 10);
}

Result<ExperienceVoucher> LoadExperienceVoucher(storage::Db& db, std::int64_t id) {
  SUANLI_ASSIGN(auto q, db.Prepare(std::string(kSelectExperienceVoucher) + "WHERE x.id = ?1"));
  SUANLI_ASSIGN(const bool row, q.Bind(1, id).Step());
  if (!row) return NotFound("experience_voucher", id);
  return ReadExperienceVoucher(q);
}

// What must hold for `actor` to activate `x` now; checked before the center is asked and again
// inside the step (another request may have activated it in between).
Status RequireActivatable(const ExperienceVoucher& x, const Principal& actor, const Org& org,
                          Instant now) {
  if (!actor.org_id || x.org_id != *actor.org_id) {
    return MakeError(ErrorCode::kForbidden, "id",
                     "experience voucher " + std::to_string(x.id) +
                         " was won by another organisation: only its winner activates it");
  }
  if (x.status != "issued") {
    std::string why = "experience voucher " + std::to_string(x.id) + " is " + x.status;
    if (x.status == "active") {
      why += " already: account " + x.slurm_account + " on " + x.slurm_cluster;
    }
    return MakeError(ErrorCode::kStateConflict, "status",
                     why + " (only an issued voucher is activated)");
  }
  if (x.expires_at && now >= *x.expires_at) {
    return MakeError(
        ErrorCode::kExpired, "expires_at",
        "experience voucher " + std::to_string(x.id) + " expired at " + x.expires_at->ToString());
  }
  return RequireNotBanned(org, now);
}

// The center the trial runs on: of the program's named provider (seed 002: 南京智能计算中心),
// in service, with accelerator partitions (the hours are card-hours), reachable through its
// connector; the first by id. Refused with the reason when there is none.
Result<Center> TrialCenter(Platform& p, Platform::State& s, const policy::Program& program) {
  const auto& names = program.provider.names;
  if (!names || names->values.empty()) {
    return MakeError(ErrorCode::kContradiction, "program_id",
                     "program " + program.id + " names no provider to open trial accounts on");
  }
  std::string named;
  for (const std::string& n : names->values) named += (named.empty() ? "" : ", ") + n;
  SUANLI_ASSIGN(const auto providers, p.ListProviders());
  SUANLI_ASSIGN(const auto centers, p.ListCenters());
  bool any_center = false;
  for (const Center& c : centers) {
    const auto provider = std::find_if(providers.begin(), providers.end(),
                                       [&](const Provider& x) { return x.id == c.provider_id; });
    if (provider == providers.end() || c.retired_at || !HasAccelerators(c)) continue;
    if (std::find(names->values.begin(), names->values.end(), provider->name) ==
        names->values.end()) {
      continue;
    }
    any_center = true;
    if (s.ConnectorFor(c.spec.slurm_cluster) != nullptr) return c;
  }
  if (!any_center) {
    return MakeError(ErrorCode::kStateConflict, "center",
                     named +
                         " has no AI center in service on the platform: no trial account "
                         "can be opened");
  }
  return MakeError(ErrorCode::kStateConflict, "center",
                   "no center of " + named +
                       " is connected now (its connector is not attached): try again later");
}

// The center could not open or limit the account: nothing is recorded; the same request again
// opens the same account.
Error CenterFailed(const Center& center, const Error& e) {
  return MakeError(ErrorCode::kIo, "center",
                   "center " + center.spec.slurm_cluster + " did not open the trial account (" +
                       e.message + "): nothing was recorded; try again");
}

std::string ActivatedJson(const ExperienceVoucher& x, const Center& center,
                          const std::string& account) {
  return "{\"status\":\"active\",\"center_id\":" + std::to_string(center.id) +
         ",\"center\":" + Quoted(center.spec.slurm_cluster) + ",\"account\":" + Quoted(account) +
         ",\"card_hours\":" + std::to_string(x.hours) + "}";
}

// Records the activation: the account mapped to the organisation as the voucher's, the
// voucher active with its account, audited and noticed.
Status RecordActivation(StepContext& ctx, const Principal& actor, const ExperienceVoucher& x,
                        const Center& center, const std::string& account) {
  SUANLI_ASSIGN(auto ins, ctx.db.Prepare("INSERT INTO slurm_accounts (center_id, account, org_id, "
                                         "experience_voucher_id, created_at_us) VALUES "
                                         "(?1,?2,?3,?4,?5)"));
  ins.Bind(1, center.id).Bind(2, account).Bind(3, x.org_id).Bind(4, x.id);
  const Status mapped = ins.Bind(5, ctx.now.micros()).Run();
  if (!mapped.ok()) {
    if (mapped.error().code == ErrorCode::kContradiction) {
      return MakeError(ErrorCode::kDuplicate, "account",
                       "account " + account + " is mapped on " + center.spec.slurm_cluster +
                           " already, not as this voucher's");
    }
    return mapped;
  }
  SUANLI_ASSIGN(auto up, ctx.db.Prepare("UPDATE experience_vouchers SET status = 'active', "
                                        "center_id = ?2, slurm_account = ?3, activated_by = ?4, "
                                        "activated_at_us = ?5 WHERE id = ?1 AND "
                                        "status = 'issued'"));
  up.Bind(1, x.id).Bind(2, center.id).Bind(3, account).Bind(4, actor.user_id);
  SUANLI_TRY(up.Bind(5, ctx.now.micros()).Run());
  SUANLI_CHECK(ctx.db.Changes() == 1);  // issued in this transaction (invariant 1)
  const std::string after = ActivatedJson(x, center, account);
  SUANLI_TRY(ctx.Audit("experience_voucher.activate", Object(x.id), "{\"status\":\"issued\"}",
                       after, after));
  SUANLI_TRY(ctx.Audit("slurm_account.map", "center/" + std::to_string(center.id), "",
                       "{\"account\":" + Quoted(account) +
                           ",\"org_id\":" + std::to_string(x.org_id) +
                           ",\"experience_voucher_id\":" + std::to_string(x.id) + "}"));
  const std::string until_zh =
      x.expires_at ? ",有效期至 " + x.expires_at->AddSeconds(-1).CstDate().ToString() + " 24:00"
                   : "";
  const std::string until_en =
      x.expires_at ? ", until 24:00 on " + x.expires_at->AddSeconds(-1).CstDate().ToString() : "";
  return AddNotice(ctx, Recipient(x), "experience_voucher.active", Object(x.id),
                   "算力体验券 #" + std::to_string(x.id) + " 已激活:一次性算力账号 " + account +
                       "(" + center.spec.slurm_cluster + "),免费 " + std::to_string(x.hours) +
                       " 卡时" + until_zh,
                   "Experience voucher #" + std::to_string(x.id) + " is active: one-time account " +
                       account + " on " + center.spec.slurm_cluster + ", " +
                       std::to_string(x.hours) + " free card-hours" + until_en);
}

// --- The sweep ---

// Card-seconds metered on each trial account, by (cluster, account): whole-job rows only (a
// job's steps run inside its allocation), cards of the center's accelerator × ElapsedRaw, as
// Slurm counts GrpTRESMins. One scan of the usage log (as utilisation.cc does).
using TrialKey = std::pair<std::string, std::string>;

Status TallyUsage(Platform::State& s, const std::map<TrialKey, std::string>& gres_of,
                  std::map<TrialKey, std::int64_t>* card_s) {
  std::lock_guard lock(s.metering_mu);
  return s.usage->ScanUsage([&](const metering::StoredUsage& u) -> Status {
    const auto& r = u.record;
    if (!r.step.empty() || u.kind != metering::RatingKind::kBilled) return OkStatus();
    const auto it = gres_of.find(TrialKey(r.cluster, r.account));
    if (it == gres_of.end()) return OkStatus();
    const auto cards = r.alloc_tres.find(it->second);
    if (cards == r.alloc_tres.end() || r.elapsed_s <= 0) return OkStatus();
    std::int64_t used = 0;
    if (__builtin_mul_overflow(cards->second, r.elapsed_s, &used) ||
        __builtin_add_overflow((*card_s)[it->first], used, &(*card_s)[it->first])) {
      return MakeError(ErrorCode::kOverflow, "used_card_s", "card-seconds overflow");
    }
    return OkStatus();
  });
}

// The vouchers `where` selects, in id order; ?1 is bound to `param` when given.
Result<std::vector<ExperienceVoucher>> VouchersWhere(
    storage::Db& db, const std::string& where,
    std::optional<std::variant<std::int64_t, std::string>> param = std::nullopt) {
  SUANLI_ASSIGN(auto q,
                db.Prepare(std::string(kSelectExperienceVoucher) + where + " ORDER BY x.id"));
  if (param) {
    if (const auto* n = std::get_if<std::int64_t>(&*param)) q.Bind(1, *n);
    if (const auto* t = std::get_if<std::string>(&*param)) q.Bind(1, *t);
  }
  return ReadExperienceVouchers(q);
}

// The hours used, from the usage log; an active voucher whose hours are all used becomes
// used_up (the account's GrpTRESMins already stops new jobs there).
Status RecordHoursUsed(StepContext& ctx, const ExperienceVoucher& x, std::int64_t used_card_s) {
  if (used_card_s <= x.used_card_s) return OkStatus();  // only grows (invariant 3)
  SUANLI_ASSIGN(auto up, ctx.db.Prepare("UPDATE experience_vouchers SET used_card_s = ?2 "
                                        "WHERE id = ?1"));
  SUANLI_TRY(up.Bind(1, x.id).Bind(2, used_card_s).Run());
  if (x.status != "active" || used_card_s < x.hours_card_s()) return OkStatus();
  SUANLI_ASSIGN(auto done, ctx.db.Prepare("UPDATE experience_vouchers SET status = 'used_up', "
                                          "ended_at_us = ?2 WHERE id = ?1 AND "
                                          "status = 'active'"));
  SUANLI_TRY(done.Bind(1, x.id).Bind(2, ctx.now.micros()).Run());
  SUANLI_CHECK(ctx.db.Changes() == 1);  // read active in this transaction
  const std::string after =
      "{\"status\":\"used_up\",\"used_card_s\":" + std::to_string(used_card_s) + "}";
  SUANLI_TRY(ctx.Audit("experience_voucher.used_up", Object(x.id), "{\"status\":\"active\"}", after,
                       after));
  return AddNotice(ctx, Recipient(x), "experience_voucher.used_up", Object(x.id),
                   "算力体验券 #" + std::to_string(x.id) + " 的 " + std::to_string(x.hours) +
                       " 卡时已用完,账号 " + x.slurm_account + " 不再启动新作业",
                   "Experience voucher #" + std::to_string(x.id) + ": its " +
                       std::to_string(x.hours) + " card-hours are used up; account " +
                       x.slurm_account + " starts no new job");
}

// A voucher past its last day expires, used or not (an active one's account is limited to 0
// hours afterwards, by CloseExpiredAccounts).
Status RecordExpiry(StepContext& ctx, const ExperienceVoucher& x) {
  SUANLI_ASSIGN(auto up, ctx.db.Prepare("UPDATE experience_vouchers SET status = 'expired', "
                                        "ended_at_us = ?2 WHERE id = ?1 AND "
                                        "status IN ('issued', 'active')"));
  SUANLI_TRY(up.Bind(1, x.id).Bind(2, ctx.now.micros()).Run());
  if (ctx.db.Changes() == 0) return OkStatus();
  const std::string after =
      "{\"status\":\"expired\",\"used_card_s\":" + std::to_string(x.used_card_s) + "}";
  SUANLI_TRY(ctx.Audit("experience_voucher.expire", Object(x.id),
                       "{\"status\":" + Quoted(x.status) + "}", after, after));
  const std::string rest = HoursText(x.remaining_card_s());
  return AddNotice(
      ctx, Recipient(x), "experience_voucher.expired", Object(x.id),
      "算力体验券 #" + std::to_string(x.id) + " 已过期,未用的 " + rest + " 卡时失效" +
          (x.slurm_account.empty() ? "" : ",账号 " + x.slurm_account + " 已停用"),
      "Experience voucher #" + std::to_string(x.id) + " has expired; the unused " + rest +
          " card-hours lapsed" +
          (x.slurm_account.empty() ? "" : "; account " + x.slurm_account + " is closed"));
}

}  // namespace

Result<ExperienceVoucher> Platform::ActivateExperienceVoucher(const Principal& actor,
                                                              std::int64_t voucher_id) {
  SUANLI_TRY(RequireRole(actor, {Role::kApplicant}));
  if (!actor.org_id) {
    return MakeError(ErrorCode::kForbidden, "org_id", "only the winner's applicant activates it");
  }
  State& s = *state_;
  ExperienceVoucher x;
  {
    std::lock_guard lock(s.mu);
    SUANLI_ASSIGN(x, LoadExperienceVoucher(*s.db, voucher_id));
    SUANLI_ASSIGN(const Org org, LoadOrg(*s.db, x.org_id));
    SUANLI_TRY(RequireActivatable(x, actor, org, s.clock->Now()));
  }
  const policy::Program* program = FindProgram(x.program_id);
  if (program == nullptr || !program->experience) {
    return MakeError(ErrorCode::kStateConflict, "program_id",
                     "program " + x.program_id + " is not loaded as an experience_draw program");
  }
  SUANLI_ASSIGN(const Center center, TrialCenter(*this, s, *program));
  network::CenterConnector* conn = s.ConnectorFor(center.spec.slurm_cluster);
  SUANLI_CHECK(conn != nullptr);  // TrialCenter chose a connected center
  // On the center first: its calls cannot be rolled back, and both are idempotent, so a step
  // that fails afterwards leaves an account the same request opens again. The account's one
  // user has its name, as MapSlurmAccount's: jobs the platform routes for the organisation
  // run under it.
  const std::string account = TrialAccountName(x.id);
  const std::vector<std::string> users = {account};
  if (const Status st = conn->EnsureAccount(account, users); !st.ok()) {
    return CenterFailed(center, st.error());
  }
  // GrpTRESMins: the voucher's hours of cards; Slurm starts no job past them.
  const network::TresMap limit = {{GresOf(center), x.hours_card_s() / 60}};
  if (const Status st = conn->SetAccountLimit(account, limit); !st.ok()) {
    return CenterFailed(center, st.error());
  }
  return s.RunStep<ExperienceVoucher>(actor, [&](StepContext& ctx) -> Result<ExperienceVoucher> {
    SUANLI_ASSIGN(const ExperienceVoucher now, LoadExperienceVoucher(ctx.db, voucher_id));
    SUANLI_ASSIGN(const Org org, LoadOrg(ctx.db, now.org_id));
    SUANLI_TRY(RequireActivatable(now, actor, org, ctx.now));
    SUANLI_TRY(RecordActivation(ctx, actor, now, center, account));
    return LoadExperienceVoucher(ctx.db, voucher_id);
  });
}

Result<ExperienceVoucher> Platform::GetExperienceVoucher(const Principal& actor,
                                                         std::int64_t voucher_id) {
  SUANLI_TRY(RequireRole(actor, {Role::kApplicant, Role::kOfficer, Role::kAdmin, Role::kAuditor}));
  std::lock_guard lock(state_->mu);
  SUANLI_ASSIGN(const ExperienceVoucher x, LoadExperienceVoucher(*state_->db, voucher_id));
  if (actor.role == Role::kApplicant) SUANLI_TRY(RequireOrgAccess(actor, x.org_id));
  return x;
}

Status Platform::SweepExperienceVouchers() {
  State& s = *state_;
  const Principal system = Principal::System();
  // 1. Vouchers issued by a build that stored no expiry take their program's, as loaded now.
  // 2. Hours used on the accounts of active vouchers, and of those closed in the last
  //    kLateUsageDays (a job that ran before the end may be reported after it); older ones are
  //    left alone, so the usage log is not scanned every minute for ever.
  constexpr std::int64_t kLateUsageDays = 7;
  std::vector<ExperienceVoucher> with_account;
  {
    std::lock_guard lock(s.mu);
    const Instant since = s.clock->Now().AddSeconds(-kLateUsageDays * kSecondsPerDay);
    SUANLI_ASSIGN(with_account,
                  VouchersWhere(*s.db,
                                "WHERE x.center_id IS NOT NULL AND (x.status = 'active' "
                                "OR x.ended_at_us >= ?1)",
                                since.micros()));
  }
  std::map<TrialKey, std::string> gres_of;
  for (const ExperienceVoucher& x : with_account) {
    SUANLI_ASSIGN(const Center c, GetCenter(*x.center_id));
    gres_of[TrialKey(c.spec.slurm_cluster, x.slurm_account)] = GresOf(c);
  }
  std::map<TrialKey, std::int64_t> card_s;
  if (!gres_of.empty()) SUANLI_TRY(TallyUsage(s, gres_of, &card_s));
  SUANLI_TRY(s.RunStep<Ok>(system, [&](StepContext& ctx) -> Result<Ok> {
    for (const auto& p : ctx.state.programs) {
      if (!p->experience || !p->experience->valid_days) continue;
      SUANLI_ASSIGN(auto unset, VouchersWhere(ctx.db,
                                              "WHERE x.expires_at_us IS NULL AND "
                                              "x.program_id = ?1",
                                              p->id));
      for (const ExperienceVoucher& x : unset) {
        const Instant until = *ExperienceExpiry(*p->experience, x.issued_at);
        SUANLI_ASSIGN(auto up, ctx.db.Prepare("UPDATE experience_vouchers SET expires_at_us = "
                                              "?2 WHERE id = ?1"));
        SUANLI_TRY(up.Bind(1, x.id).Bind(2, until.micros()).Run());
        const std::string after = "{\"expires_at\":" + Quoted(until.ToString()) + "}";
        SUANLI_TRY(ctx.Audit("experience_voucher.validity", Object(x.id), "{}", after, after));
      }
    }
    for (const ExperienceVoucher& listed : with_account) {
      const auto used = card_s.find(TrialKey(listed.slurm_cluster, listed.slurm_account));
      if (used == card_s.end()) continue;
      // As it is now: another sweep may have run since it was listed.
      SUANLI_ASSIGN(const ExperienceVoucher x, LoadExperienceVoucher(ctx.db, listed.id));
      SUANLI_TRY(RecordHoursUsed(ctx, x, used->second));
    }
    // 3. Past their last day, after the hours: a voucher used up on its last day stays used_up.
    SUANLI_ASSIGN(const auto due, VouchersWhere(ctx.db,
                                                "WHERE x.status IN ('issued', 'active') AND "
                                                "x.expires_at_us <= ?1",
                                                ctx.now.micros()));
    for (const ExperienceVoucher& x : due) SUANLI_TRY(RecordExpiry(ctx, x));
    return Ok{};
  }));
  return CloseExpiredAccounts();
}

Status Platform::CloseExpiredAccounts() {
  State& s = *state_;
  std::vector<ExperienceVoucher> to_close;
  {
    std::lock_guard lock(s.mu);
    SUANLI_ASSIGN(to_close, VouchersWhere(*s.db,
                                          "WHERE x.status = 'expired' AND "
                                          "x.center_id IS NOT NULL AND "
                                          "x.account_closed_at_us IS NULL"));
  }
  for (const ExperienceVoucher& x : to_close) {
    SUANLI_ASSIGN(const Center center, GetCenter(*x.center_id));
    network::CenterConnector* conn = s.ConnectorFor(center.spec.slurm_cluster);
    // 0 hours of cards and of cores: no job of the account starts again. Until the center
    // takes it, the account stays open and the next sweep tries again.
    const network::TresMap zero = {{"cpu", 0}, {GresOf(center), 0}};
    const Status st = conn == nullptr ? MakeError(ErrorCode::kStateConflict, "center",
                                                  "no connection to the center")
                                      : conn->SetAccountLimit(x.slurm_account, zero);
    if (!st.ok()) {
      spdlog::warn("experience voucher {}: account {} on {} not limited to 0 hours yet: {}", x.id,
                   x.slurm_account, center.spec.slurm_cluster, st.error().ToString());
      continue;
    }
    SUANLI_TRY(s.RunStep<Ok>(Principal::System(), [&](StepContext& ctx) -> Result<Ok> {
      SUANLI_ASSIGN(auto up, ctx.db.Prepare("UPDATE experience_vouchers SET "
                                            "account_closed_at_us = ?2 WHERE id = ?1 AND "
                                            "account_closed_at_us IS NULL"));
      SUANLI_TRY(up.Bind(1, x.id).Bind(2, ctx.now.micros()).Run());
      if (ctx.db.Changes() == 0) return Ok{};
      SUANLI_TRY(ctx.Audit("slurm_account.limit", "center/" + std::to_string(center.id), "",
                           "{\"account\":" + Quoted(x.slurm_account) +
                               ",\"card_hours\":0,\"core_hours\":0,\"experience_voucher_id\":" +
                               std::to_string(x.id) + "}"));
      return Ok{};
    }));
  }
  return OkStatus();
}

}  // namespace suanli::workflow
