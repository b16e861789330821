// Metering in the platform: a center's Slurm accounts mapped to the organisations (and
// contracts, and discount classes) that pay for them; usage ingested from sacct files or a
// connector's pages into the durable usage log (metering/usage_store.h); bills per
// organisation and period; a metered bill settled through the voucher exactly as a posted bill
// is (metered_settlement.cc); and each claim reconciled with what was metered. The rating rules are metering's
// (docs/metering.md); this file only assembles their inputs from platform.db.
#include <algorithm>
#include <map>
#include <set>

#include <spdlog/spdlog.h>

#include "metering/bills.h"
#include "metering/ingest.h"
#include "metering/reconciliation.h"
#include "metering/rerate.h"
#include "workflow/platform.h"
#include "workflow/platform_state.h"

namespace suanli::workflow {

namespace {

constexpr std::size_t kAccountBytesMax = 64;

Result<metering::PriceUnit> UnitOf(std::string_view unit) {
  return metering::ParsePriceUnit(unit, "unit");
}

// Discount classes A–E come from the program that defines them (seed 002: Nanjing); the floor
// is that program's (30 %). Without such a program every customer pays the base price.
void AddDiscountClasses(const Platform::State& s, metering::PriceListSpec* spec) {
  for (const auto& p : s.programs) {
    if (!p->discounts) continue;
    spec->floor_share = p->discounts->floor_share;
    for (const auto& c : p->discounts->classes) {
      if (c.id.size() == 1) spec->classes.push_back({c.id[0], c.price_share});
    }
    return;
  }
}

bool HasDiscountClass(const Platform::State& s, char discount_class) {
  metering::PriceListSpec spec;
  AddDiscountClasses(s, &spec);
  for (const auto& c : spec.classes) {
    if (c.id == discount_class) return true;
  }
  return false;
}

}  // namespace

Result<Rate> DiscountShareOf(const Platform::State& s, std::optional<char> discount_class) {
  metering::PriceListSpec spec;
  AddDiscountClasses(s, &spec);
  SUANLI_ASSIGN(const metering::PriceList classes_only, metering::PriceList::Build(std::move(spec)));
  return classes_only.ShareFor(discount_class);
}

namespace {

// The price list of every center, from center_prices. Caller holds s.mu.
Result<metering::PriceList> PriceListFrom(Platform::State& s) {
  metering::PriceListSpec spec;
  AddDiscountClasses(s, &spec);
  SUANLI_ASSIGN(auto q, s.db->Prepare("SELECT c.slurm_cluster, c.spec_json, p.partition_name, "
                                      "p.unit, p.price_fen, p.effective_from, p.billing_weights "
                                      "FROM center_prices p "
                                      "JOIN compute_centers c ON c.id = p.center_id ORDER BY p.id"));
  while (true) {
    SUANLI_ASSIGN(const bool row, q.Step());
    if (!row) break;
    metering::PriceEntry e;
    e.center = q.Text(0);
    e.partition = q.Text(2);
    SUANLI_ASSIGN(e.unit, UnitOf(q.Text(3)));
    e.price_fen = q.Int(4);
    SUANLI_ASSIGN(const Date from, Date::Parse(q.Text(5), "effective_from"));
    e.effective_from = Instant::StartOfDay(from);
    if (e.unit == metering::PriceUnit::kBillingHour) {
      SUANLI_ASSIGN(e.weights, metering::ParseTresBillingWeights(q.Text(6)));
    }
    if (e.unit == metering::PriceUnit::kCardHour) {
      SUANLI_ASSIGN(const network::CenterSpec center, network::ParseCenterSpec(q.Text(1)));
      const network::Partition* part = center.FindPartition(e.partition);
      if (part != nullptr && part->accelerator) e.tres = "gres/" + part->accelerator->gres;
    }
    spec.prices.push_back(std::move(e));
  }
  return metering::PriceList::Build(std::move(spec));
}

Result<std::vector<SlurmAccount>> AccountsOf(storage::Db& db, std::int64_t center_id) {
  SUANLI_ASSIGN(auto q, db.Prepare("SELECT a.id, a.center_id, a.account, a.org_id, "
                                   "a.contract_id, a.discount_class, a.experience_voucher_id, "
                                   "x.status FROM slurm_accounts a LEFT JOIN experience_vouchers "
                                   "x ON x.id = a.experience_voucher_id WHERE a.center_id = ?1 "
                                   "ORDER BY a.id"));
  q.Bind(1, center_id);
  std::vector<SlurmAccount> out;
  while (true) {
    SUANLI_ASSIGN(const bool row, q.Step());
    if (!row) break;
    SlurmAccount a{q.Int(0), q.Int(1), q.Text(2), q.Int(3), std::nullopt, std::nullopt,
                   std::nullopt, false};
    if (!q.IsNull(4)) a.contract_id = q.Int(4);
    if (!q.IsNull(5) && !q.Text(5).empty()) a.discount_class = q.Text(5)[0];
    if (!q.IsNull(6)) {
      a.experience_voucher_id = q.Int(6);
      a.trial_open = !q.IsNull(7) && q.Text(7) == "active";
    }
    out.push_back(std::move(a));
  }
  return out;
}

// The rater for one center's uploads: every center's prices, that center's accounts, and only
// that center registered — a record naming any other cluster is refused as "unregistered
// center", so a provider can never bill usage on a center that is not its own.
// With `not_after`, records ending after it are refused (Rater::set_not_after).
Result<metering::Rater> RaterFor(Platform::State& s, const Center& center,
                                 std::optional<Instant> not_after = std::nullopt) {
  std::lock_guard lock(s.mu);
  SUANLI_ASSIGN(metering::PriceList prices, PriceListFrom(s));
  SUANLI_ASSIGN(const auto accounts, AccountsOf(*s.db, center.id));
  std::vector<metering::AccountEntry> entries;
  for (const auto& a : accounts) {
    // A class no loaded program defines (the program defining classes removed since the
    // account was mapped) would make the whole rater fail, refusing every line of the center.
    // That account alone is left out: its lines are refused, never billed without its discount,
    // and rated once the class is defined again.
    if (!prices.ShareFor(a.discount_class).ok()) {
      spdlog::warn("center {}: account {} has discount class {}, which no loaded program "
                   "defines: its usage is refused until one does",
                   center.spec.slurm_cluster, a.account, *a.discount_class);
      continue;
    }
    metering::AccountEntry e;
    e.center = center.spec.slurm_cluster;
    e.account = a.account;
    e.org = OrgId(static_cast<std::uint64_t>(a.org_id));
    if (a.contract_id) e.contract = ContractId(static_cast<std::uint64_t>(*a.contract_id));
    e.discount_class = a.discount_class;
    // Open or closed, a trial's usage is free: a job that ran before its voucher expired may
    // be reported after it.
    e.free_trial = a.experience_voucher_id.has_value();
    entries.push_back(std::move(e));
  }
  SUANLI_ASSIGN(metering::Rater rater, metering::Rater::Make(std::move(prices), std::move(entries),
                                                             {center.spec.slurm_cluster}));
  if (not_after) rater.set_not_after(*not_after);
  return rater;
}

Status ValidateAccount(const SlurmAccount& a) {
  if (a.account.empty() || a.account.size() > kAccountBytesMax) {
    return MakeError(ErrorCode::kOutOfRange, "account", "1 to 64 bytes");
  }
  for (char c : a.account) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
    if (!ok) {
      return MakeError(ErrorCode::kOutOfRange, "account",
                       "lower-case letters, digits, '-' and '_' (a Slurm account name)");
    }
  }
  if (a.discount_class && (*a.discount_class < 'A' || *a.discount_class > 'E')) {
    return MakeError(ErrorCode::kOutOfRange, "discount_class", "one of A, B, C, D, E");
  }
  return OkStatus();
}

// A class must be one a loaded program defines (seed 002's A–E), or the account's usage could not
// be rated.
Status RequireDefinedClass(const Platform::State& s, const SlurmAccount& a) {
  if (a.discount_class && !HasDiscountClass(s, *a.discount_class)) {
    return MakeError(ErrorCode::kOutOfRange, "discount_class",
                     std::string("class ") + *a.discount_class +
                         " is not defined by any loaded program");
  }
  return OkStatus();
}

std::string ReportJson(const metering::IngestReport& r) {
  return "{\"lines\":" + std::to_string(r.lines) + ",\"ingested\":" + std::to_string(r.ingested) +
         ",\"billed\":" + std::to_string(r.billed) + ",\"already\":" + std::to_string(r.already) +
         ",\"rejected\":" + std::to_string(r.rejected) +
         ",\"amount_fen\":" + std::to_string(r.amount_fen) + "}";
}

// The bills of `org` for `period`, of every center or only of `provider_id`'s. No access check.
Result<std::vector<metering::Bill>> BillsOf(Platform& p, Platform::State& s, std::int64_t org_id,
                                            const metering::Period& period,
                                            std::optional<std::int64_t> provider_id) {
  std::optional<std::set<std::string>> clusters;
  if (provider_id) {
    clusters.emplace();
    SUANLI_ASSIGN(const auto centers, p.ListCenters());
    for (const auto& c : centers) {
      if (c.provider_id == *provider_id) clusters->insert(c.spec.slurm_cluster);
    }
  }
  std::vector<metering::BillLine> lines;
  {
    std::lock_guard lock(s.metering_mu);
    SUANLI_ASSIGN(lines, s.usage->Lines(period.first, period.last,
                                        OrgId(static_cast<std::uint64_t>(org_id))));
  }
  if (clusters) {
    std::erase_if(lines, [&](const metering::BillLine& l) {
      return clusters->count(l.line.center) == 0;
    });
  }
  return metering::BuildBills(lines, period);
}

}  // namespace

Result<metering::RerateReport> RerateAfterPriceChange(Platform::State& s, const Center& center,
                                                     const std::string& partition, Date from) {
  SUANLI_ASSIGN(const metering::Rater corrected, RaterFor(s, center));
  const metering::RerateScope scope{center.spec.slurm_cluster, partition,
                                    Instant::StartOfDay(from)};
  std::lock_guard lock(s.metering_mu);  // the usage log's one writer
  return metering::Rerate(s.usage.get(), corrected, scope,
                          "price correction from " + from.ToString() + ": " +
                              center.spec.slurm_cluster + "/" + partition);
}

Result<SlurmAccount> Platform::MapSlurmAccount(const Principal& actor, const SlurmAccount& a) {
  SUANLI_TRY(RequireRole(actor, {Role::kAdmin, Role::kProvider}));
  SUANLI_ASSIGN(const Center center, GetCenter(a.center_id));
  SUANLI_TRY(RequireProviderAccess(actor, center.provider_id));
  SUANLI_TRY(ValidateAccount(a));
  SUANLI_TRY(RequireDefinedClass(*state_, a));
  SUANLI_ASSIGN(SlurmAccount out, MapSlurmAccountRow(actor, center, a));
  // When the center is reachable, the account is made to exist there too (idempotent), with a
  // user of the same name: jobs routed for the organisation run under it.
  if (network::CenterConnector* conn = state_->ConnectorFor(center.spec.slurm_cluster)) {
    const std::vector<std::string> users = {a.account};
    const Status ensured = conn->EnsureAccount(a.account, users);
    if (!ensured.ok()) {  // the mapping stands; jobs there are refused until the account exists
      spdlog::warn("account {} on {}: {}", a.account, center.spec.slurm_cluster,
                   ensured.error().ToString());
    }
  }
  return out;
}

Result<SlurmAccount> Platform::MapSlurmAccountRow(const Principal& actor, const Center& center,
                                                  const SlurmAccount& a) {
  return state_->RunStep<SlurmAccount>(actor, [&](StepContext& ctx) -> Result<SlurmAccount> {
    SUANLI_ASSIGN(auto org, ctx.db.Prepare("SELECT 1 FROM orgs WHERE id = ?1"));
    SUANLI_ASSIGN(const bool org_found, org.Bind(1, a.org_id).Step());
    if (!org_found) return NotFound("org", a.org_id);
    if (a.contract_id) {
      SUANLI_ASSIGN(auto k, ctx.db.Prepare("SELECT org_id, provider_id FROM contracts "
                                           "WHERE id = ?1"));
      SUANLI_ASSIGN(const bool found, k.Bind(1, *a.contract_id).Step());
      if (!found) return NotFound("contract", *a.contract_id);
      if (k.Int(0) != a.org_id || k.Int(1) != center.provider_id) {
        return MakeError(ErrorCode::kContradiction, "contract_id",
                         "the contract is not between this organisation and this center's provider");
      }
    }
    SUANLI_ASSIGN(auto ins, ctx.db.Prepare("INSERT INTO slurm_accounts (center_id, account, "
                                           "org_id, contract_id, discount_class, created_at_us) "
                                           "VALUES (?1,?2,?3,?4,?5,?6)"));
    ins.Bind(1, a.center_id).Bind(2, a.account).Bind(3, a.org_id);
    if (a.contract_id) ins.Bind(4, *a.contract_id);
    if (a.discount_class) ins.Bind(5, std::string(1, *a.discount_class));
    const Status st = ins.Bind(6, ctx.now.micros()).Run();
    if (!st.ok()) {
      if (st.error().code == ErrorCode::kContradiction) {
        return MakeError(ErrorCode::kDuplicate, "account",
                         "the account is mapped on this center already");
      }
      return st.error();
    }
    SlurmAccount out = a;
    out.id = ctx.db.LastInsertRowid();
    SUANLI_TRY(ctx.Audit("slurm_account.map", "center/" + std::to_string(a.center_id), "",
                         "{\"account\":" + Quoted(a.account) +
                             ",\"org_id\":" + std::to_string(a.org_id) + "}"));
    return out;
  });
}

Result<std::vector<SlurmAccount>> Platform::ListSlurmAccounts(const Principal& actor,
                                                              std::int64_t center_id) {
  SUANLI_ASSIGN(const Center center, GetCenter(center_id));
  SUANLI_TRY(RequireRole(actor, {Role::kAdmin, Role::kProvider, Role::kOfficer, Role::kAuditor}));
  SUANLI_TRY(RequireProviderAccess(actor, center.provider_id));
  std::lock_guard lock(state_->mu);
  return AccountsOf(*state_->db, center_id);
}

Result<metering::IngestReport> Platform::IngestUsage(const Principal& actor,
                                                     std::int64_t center_id,
                                                     std::string_view sacct_text) {
  // What a provider uploads cannot have ended after now (a center's clock may run 10 minutes
  // ahead). Pulled usage comes from the center's own accounting and is not held to the
  // platform's clock, which a demo or test may run in another year.
  const Instant not_after = state_->clock->Now().AddSeconds(metering::Rater::kFutureToleranceS);
  return IngestUsageFrom(actor, center_id, not_after, [&](const metering::Rater& rater, State& s) -> Result<metering::IngestReport> {
    metering::IngestOptions options;
    SUANLI_ASSIGN(const Center center, GetCenter(center_id));
    options.sacct.default_cluster = center.spec.slurm_cluster;
    options.rejects_kept_max = 1000;
    return metering::IngestSacctText(s.usage.get(), rater, sacct_text, options);
  });
}

Result<metering::IngestReport> Platform::IngestUsageRecords(
    const Principal& actor, std::int64_t center_id,
    std::span<const network::UsageRecord> records, std::optional<std::string> cursor) {
  return IngestUsageFrom(actor, center_id, std::nullopt, [&](const metering::Rater& rater, State& s) -> Result<metering::IngestReport> {
    SUANLI_ASSIGN(const Center center, GetCenter(center_id));
    std::optional<metering::CursorUpdate> update;
    if (cursor) update = metering::CursorUpdate{center.spec.slurm_cluster, *cursor};
    return metering::IngestRecords(s.usage.get(), rater, records, update, 1000);
  });
}

Result<metering::IngestReport> Platform::IngestUsageFrom(
    const Principal& actor, std::int64_t center_id, std::optional<Instant> not_after,
    const std::function<Result<metering::IngestReport>(const metering::Rater&, State&)>& run) {
  SUANLI_TRY(RequireRole(actor, {Role::kAdmin, Role::kProvider}));
  SUANLI_ASSIGN(const Center center, GetCenter(center_id));
  SUANLI_TRY(RequireProviderAccess(actor, center.provider_id));
  SUANLI_ASSIGN(const metering::Rater rater, RaterFor(*state_, center, not_after));
  metering::IngestReport report;
  {
    // One ingest at a time: the usage log has one writer. The workflow mutex is not held, so
    // a long file never stalls the other steps.
    std::lock_guard lock(state_->metering_mu);
    SUANLI_ASSIGN(report, run(rater, *state_));
  }
  // The lines are durable; the audit entry records who ingested what. Were the audit step to
  // fail, re-ingesting the same file changes nothing and records the entry then.
  SUANLI_TRY(state_->RunStep<bool>(actor, [&](StepContext& ctx) -> Result<bool> {
    SUANLI_TRY(ctx.Audit("usage.ingest", "center/" + std::to_string(center_id), "",
                         ReportJson(report)));
    return true;
  }));
  return report;
}

Result<std::optional<std::string>> Platform::UsageCursor(std::int64_t center_id) {
  SUANLI_ASSIGN(const Center center, GetCenter(center_id));
  std::lock_guard lock(state_->metering_mu);
  return state_->usage->Cursor(center.spec.slurm_cluster);
}

Result<std::vector<metering::Bill>> Platform::Bills(const Principal& actor, std::int64_t org_id,
                                                    std::string_view period_text) {
  SUANLI_TRY(RequireRole(actor, {Role::kAdmin, Role::kOfficer, Role::kAuditor, Role::kApplicant,
                                 Role::kProvider, Role::kExpert}));
  if (actor.role == Role::kApplicant) SUANLI_TRY(RequireOrgAccess(actor, org_id));
  if (actor.role == Role::kExpert && !actor.is_system()) {  // its panels' organisations only
    std::lock_guard lock(state_->mu);
    SUANLI_ASSIGN(const auto panel_orgs, ExpertPanelOrgs(*state_->db, actor));
    SUANLI_TRY(RequireOrgReadAccess(actor, org_id, panel_orgs, "org_id"));
  }
  SUANLI_ASSIGN(const metering::Period period, metering::Period::Parse(period_text, "period"));
  // A provider sees the lines of its own centers only; everyone else every center's.
  std::optional<std::int64_t> provider;
  if (actor.role == Role::kProvider && !actor.is_system()) {
    provider = actor.provider_id.value_or(-1);
  }
  return BillsOf(*this, *state_, org_id, period, provider);
}

Result<metering::Reconciliation> Platform::ReconcileClaim(const Principal& actor,
                                                          std::int64_t claim_id) {
  SUANLI_ASSIGN(const Claim claim, GetClaim(actor, claim_id));
  SUANLI_ASSIGN(const auto rows, ClaimSummary(actor, claim_id));
  SUANLI_ASSIGN(const metering::Period period, metering::Period::Parse(claim.period, "period"));
  // Claimed bill amounts per organisation, in the claim's order, and what each organisation's
  // bills say about their days: a metered bill names them, a bill posted by hand does not.
  struct Billed {
    std::vector<metering::Period> metered_bills;
    bool posted_bills = false;
  };
  std::vector<metering::ClaimAmount> claimed;
  std::vector<std::int64_t> org_ids;
  std::map<std::int64_t, Billed> billed;
  {
    std::lock_guard lock(state_->mu);
    SUANLI_ASSIGN(auto by_uscc, state_->db->Prepare("SELECT id FROM orgs WHERE uscc = ?1"));
    for (const auto& r : rows) {
      by_uscc.Reset();
      SUANLI_ASSIGN(const bool found, by_uscc.Bind(1, r.org_uscc).Step());
      if (!found) continue;
      const std::int64_t org = by_uscc.Int(0);
      claimed.push_back({OrgId(static_cast<std::uint64_t>(org)), r.bill_fen});
      if (std::find(org_ids.begin(), org_ids.end(), org) == org_ids.end()) org_ids.push_back(org);
      const std::optional<MeteredBillNo> metered = ParseMeteredBillNo(r.bill_no);
      if (metered && metered->org_id == org) {
        billed[org].metered_bills.push_back(metered->days);
      } else {
        billed[org].posted_bills = true;
      }
    }
  }
  // Metered: the claim's provider's centers only, for the same organisations, over the days
  // metering::MeteredBasis names.
  std::vector<metering::MeteredAmount> metered;
  for (std::int64_t org : org_ids) {
    const Billed& b = billed[org];
    metering::MeteredAmount m{OrgId(static_cast<std::uint64_t>(org)), 0, {}};
    for (const metering::BasisTerm& term :
         metering::MeteredBasis(period, b.metered_bills, b.posted_bills)) {
      SUANLI_ASSIGN(const auto bills, BillsOf(*this, *state_, org, term.days, claim.provider_id));
      SUANLI_ASSIGN(const std::int64_t total, metering::TotalFen(bills));
      const bool overflow = term.subtract
                                ? __builtin_sub_overflow(m.metered_fen, total, &m.metered_fen)
                                : __builtin_add_overflow(m.metered_fen, total, &m.metered_fen);
      if (overflow) return MakeError(ErrorCode::kOverflow, "metered", "a total overflows");
      if (!term.subtract) m.days.push_back(term.days);
    }
    std::sort(m.days.begin(), m.days.end(), [](const metering::Period& x,
                                                const metering::Period& y) {
      return x.first < y.first;
    });
    metered.push_back(std::move(m));
  }
  return metering::Reconcile(claimed, metered, period);
}

Status Platform::LimitSlurmAccount(const Principal& actor, std::int64_t center_id,
                                   std::int64_t account_id, std::int64_t card_hours,
                                   std::int64_t core_hours) {
  SUANLI_TRY(RequireRole(actor, {Role::kAdmin, Role::kProvider}));
  SUANLI_ASSIGN(const Center center, GetCenter(center_id));
  SUANLI_TRY(RequireProviderAccess(actor, center.provider_id));
  // A trial's hours (Nanjing: 24–96 per voucher) are far below this; more is a typo.
  constexpr std::int64_t kHoursMax = 10'000'000;
  if (card_hours < 0 || card_hours > kHoursMax) {
    return MakeError(ErrorCode::kOutOfRange, "card_hours", "0 to 10000000");
  }
  if (core_hours < 0 || core_hours > kHoursMax) {
    return MakeError(ErrorCode::kOutOfRange, "core_hours", "0 to 10000000");
  }
  SUANLI_ASSIGN(const auto accounts, ListSlurmAccounts(actor, center_id));
  auto a = std::find_if(accounts.begin(), accounts.end(),
                        [&](const SlurmAccount& x) { return x.id == account_id; });
  if (a == accounts.end()) return NotFound("account", account_id);
  std::string gres = "gres/gpu";
  for (const auto& p : center.spec.partitions) {
    if (p.accelerator) gres = "gres/" + p.accelerator->gres;
  }
  // Slurm's GrpTRESMins on the account association: jobs stop starting once its accumulated
  // usage reaches either limit (0 hours: none may start).
  const network::TresMap limit = {{"cpu", core_hours * 60}, {gres, card_hours * 60}};
  network::CenterConnector* conn = state_->ConnectorFor(center.spec.slurm_cluster);
  if (conn == nullptr) {
    return MakeError(ErrorCode::kStateConflict, "center_id",
                     "no connection to this center: the limit cannot be set now");
  }
  SUANLI_TRY(conn->SetAccountLimit(a->account, limit));
  SUANLI_TRY(state_->RunStep<bool>(actor, [&](StepContext& ctx) -> Result<bool> {
    SUANLI_TRY(ctx.Audit("slurm_account.limit", "center/" + std::to_string(center_id), "",
                         "{\"account\":" + Quoted(a->account) + ",\"card_hours\":" +
                             std::to_string(card_hours) + ",\"core_hours\":" +
                             std::to_string(core_hours) + "}"));
    return true;
  }));
  return OkStatus();
}

}  // namespace suanli::workflow
