// Opening the platform: stores, programs, the ledger accounts of each program, and start-up
// recovery (pending money moves, the voucher index, the settlement journal's gaps).
#include <algorithm>
#include <filesystem>

#include <spdlog/spdlog.h>

#include "audit/audit_files.h"
#include "policy/program_loader.h"
#include "workflow/audited_state.h"
#include "workflow/job_routing.h"
#include "workflow/program_versions.h"
#include "security/token.h"
#include "workflow/platform_state.h"
#include "workflow/schema.h"

namespace suanli::workflow {
namespace {

namespace fs = std::filesystem;

// The programs in `dir` (sorted by file name), and each file's bytes in `sources`.
Result<std::vector<std::unique_ptr<policy::Program>>> LoadPrograms(
    const std::string& dir, std::vector<ProgramSource>& sources) {
  std::vector<fs::path> files;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    if (e.path().extension() == ".toml") files.push_back(e.path());
  }
  if (ec) return MakeError(ErrorCode::kNotFound, "programs_dir", dir + ": " + ec.message());
  std::sort(files.begin(), files.end());
  std::vector<std::unique_ptr<policy::Program>> out;
  for (const fs::path& f : files) {
    std::string text;
    auto p = policy::LoadProgramFile(f.string(), &text);
    if (!p.ok()) {
      Error e = p.error();
      e.message = f.filename().string() + ": " + e.message;
      return e;
    }
    sources.push_back(ProgramSource{p->id, std::move(text)});
    out.push_back(std::make_unique<policy::Program>(std::move(p).value()));
  }
  return out;
}

// Each program file's version (a new one recorded where its text changed), then the terms of
// vouchers from before terms were stored, from the programs as now loaded.
Status RecordProgramsAndTerms(Platform::State& s, const std::vector<ProgramSource>& sources) {
  const Instant now = s.clock->Now();
  SUANLI_ASSIGN(RecordedProgramVersions recorded,
                RecordProgramVersions(*s.db, *s.audit, sources, now));
  if (recorded.last_entry) SUANLI_TRY(s.anchor_file->Advance(*recorded.last_entry));
  s.program_versions = std::move(recorded.current);
  std::vector<LoadedProgram> loaded;
  for (const auto& p : s.programs) loaded.push_back({p.get(), s.program_versions[p->id]});
  SUANLI_ASSIGN(const auto filled, FillMissingVoucherTerms(*s.db, *s.audit, loaded, now));
  if (filled) {
    SUANLI_TRY(s.anchor_file->Advance(*filled));
    spdlog::info("vouchers issued before their terms were stored took them from their programs "
                 "as loaded (audit through entry {})", filled->seq);
  }
  return OkStatus();
}

}  // namespace

Platform::Platform(std::unique_ptr<State> state) : state_(std::move(state)) {}
Platform::~Platform() {
  // The keys' last uses not yet written (each is otherwise written at most once a minute).
  if (state_->ready.load()) {
    if (Status s = WriteApiKeyUse(/*all=*/true); !s.ok()) {
      spdlog::warn("API keys' last use not written at shutdown: {}", s.error().ToString());
    }
  }
  // The ledger answers what is still queued as it closes, and those callbacks touch the
  // voucher index and the journal: close it while they are alive, then drain the journal.
  state_->ledger.reset();
  state_->journal.reset();
}

Clock& Platform::clock() { return *state_->clock; }
bool Platform::ready() const { return state_->ready.load(); }

std::vector<const policy::Program*> Platform::Programs() const {
  std::vector<const policy::Program*> out;
  for (const auto& p : state_->programs) out.push_back(p.get());
  return out;
}

const policy::Program* Platform::FindProgram(std::string_view program_id) const {
  for (const auto& p : state_->programs) {
    if (p->id == program_id) return p.get();
  }
  return nullptr;
}

// Each program: a funder, a pool funded with the year's appropriation, a lapsed account.
static Status OpenProgramAccounts(Platform::State& s) {
  const std::uint16_t no_overdraw = ledger::kDebitsMustNotExceedCredits;
  for (const auto& p : s.programs) {
    const std::string base = "prog/" + p->id + "/";
    ProgramAccounts a;
    SUANLI_ASSIGN(a.funder, s.EnsureAccount(base + "funder", ledger::AccountKind::kFunder, 0));
    SUANLI_ASSIGN(a.pool, s.EnsureAccount(base + "pool", ledger::AccountKind::kPool, no_overdraw));
    SUANLI_ASSIGN(a.lapsed, s.EnsureAccount(base + "lapsed", ledger::AccountKind::kLapsed, 0));
    s.program_accounts[p->id] = a;
    if (p->pool) {
      ledger::TransferSpec fund = ledger::MakeTransfer(
          "fund/" + p->id + "/" + std::to_string(p->year), a.funder, a.pool,
          p->pool->amount_per_year.fen(), ledger::kLedgerCny);
      fund.code = kCodeFund;
      SUANLI_ASSIGN(const auto out, s.ledger->CreateTransfers({fund}));
      if (out[0].code != ledger::ResultCode::kOk) {
        return MakeError(ErrorCode::kContradiction, "pool",
                         p->id + ": funding refused: " +
                             std::string(ledger::ResultCodeName(out[0].code)));
      }
    }
  }
  return OkStatus();
}

// The voucher index from platform.db, with balances from the ledger.
static Status LoadVoucherIndex(Platform::State& s) {
  SUANLI_ASSIGN(auto q, s.db->Prepare(
                            "SELECT v.id, v.org_id, v.provider_id, v.program_id, v.account_id, "
                            "v.grant_fen, v.expires_at_us, v.status, COALESCE(o.banned_until_us, 0), "
                            "o.name, (SELECT COALESCE(SUM(deduction_fen), 0) FROM settlements "
                            "WHERE voucher_id = v.id AND reversed_by IS NULL), v.share, "
                            "v.redeemed_by, v.rounding, v.invoice, v.program_version FROM "
                            "vouchers v JOIN orgs o ON o.id = v.org_id"));
  while (true) {
    SUANLI_ASSIGN(const bool row, q.Step());
    if (!row) break;
    auto e = std::make_unique<VoucherEntry>();
    e->id = q.Int(0);
    e->org_id = q.Int(1);
    e->provider_id = q.Int(2);
    e->program_id = q.Text(3);
    e->account = AccountId(static_cast<std::uint64_t>(q.Int(4)));
    e->grant_fen = q.Int(5);
    e->expires_at = Instant::FromMicros(q.Int(6));
    const std::string status = q.Text(7);
    e->status = status == "active" ? VoucherEntry::kActive
                : status == "lapsed" ? VoucherEntry::kLapsed : VoucherEntry::kClawedBack;
    e->org_banned_until_us = q.Int(8);
    e->org_name = q.Text(9);
    e->used_fen = q.Int(10);
    for (const auto& p : s.programs) {
      if (p->id == e->program_id) e->program = p.get();
    }
    if (e->program == nullptr) {
      return MakeError(ErrorCode::kNotFound, "program_id",
                       "voucher " + std::to_string(e->id) + " belongs to program " +
                           e->program_id + ", which is no longer in programs/");
    }
    // Terms were filled in for every row whose program states them (RecordProgramsAndTerms);
    // a row still without pays nothing.
    if (!q.IsNull(11)) {
      const VoucherTermsColumns columns{q.Text(12), q.Text(11), q.Text(13), q.Text(14),
                                        q.IsNull(15) ? 0 : q.Int(15)};
      auto terms = TermsFromColumns(columns);
      if (!terms.ok()) {
        Error err = terms.error();
        err.message = "voucher " + std::to_string(e->id) + ": " + err.message;
        return err;
      }
      e->terms = *terms;
    }
    SUANLI_ASSIGN(e->receivable,
                  s.EnsureAccount("prog/" + e->program_id + "/provider/" +
                                      std::to_string(e->provider_id) + "/receivable",
                                  ledger::AccountKind::kProviderReceivable,
                                  ledger::kDebitsMustNotExceedCredits));
    SUANLI_ASSIGN(const ledger::Account a, s.LookupAccount(e->account));
    e->credits_fen = a.credits_posted_fen;
    e->debits_fen = a.debits_posted_fen;
    // What is not used and not left has lapsed (or was clawed back).
    e->lapsed_fen = a.debits_posted_fen - e->used_fen.load() -
                    (a.credits_posted_fen - e->grant_fen);
    s.vouchers.Insert(std::move(e));
  }
  return OkStatus();
}

static Status LoadApiKeys(Platform::State& s) {
  SUANLI_ASSIGN(auto q, s.db->Prepare(
                            "SELECT k.key_id, k.secret_sha256, u.id, u.username, u.role, "
                            "u.org_id, u.provider_id, k.last_used_at_us FROM api_keys k JOIN "
                            "users u ON u.id = k.user_id WHERE k.revoked = 0 AND u.disabled = 0"));
  while (true) {
    SUANLI_ASSIGN(const bool row, q.Step());
    if (!row) break;
    Principal p;
    p.user_id = q.Int(2);
    p.username = q.Text(3);
    p.role = ParseRole(q.Text(4)).value_or(Role::kAuditor);
    p.org_id = q.OptInt(5);
    p.provider_id = q.OptInt(6);
    p.via_api_key = true;
    s.api_keys.Put(q.Text(0), ApiKeyCache::Entry{q.Text(1), p}, q.OptInt(7).value_or(0));
  }
  return OkStatus();
}

// The units each center holds for routed jobs not yet final, as the jobs table records them, so
// that a restart does not make busy centers look free (and a later release never finds less
// held than its job took).
static Status LoadUnitsHeld(Platform::State& s) {
  SUANLI_ASSIGN(auto q, s.db->Prepare(std::string("SELECT center_id, resource_type, SUM(units) "
                                                  "FROM jobs WHERE center_id IS NOT NULL AND "
                                                  "state IN ") +
                                      job_routing::kOpenJobStatesSql +
                                      " GROUP BY center_id, resource_type"));
  while (true) {
    SUANLI_ASSIGN(const bool row, q.Step());
    if (!row) break;
    s.units_held[{q.Int(0), q.Text(1)}] = static_cast<std::uint32_t>(q.Int(2));
  }
  return OkStatus();
}

// Settlement rows the journal lost in a crash, rebuilt from the ledger (bill number unknown).
static Status RecoverJournal(Platform::State& s) {
  std::uint64_t cursor = 0;
  {
    // Scoped: a statement left on its row keeps this connection's read snapshot open, and once
    // the journal (another connection) writes the rebuilt rows, this connection's write below
    // fails at once with "database is locked" (SQLITE_BUSY_SNAPSHOT) — start-up failed after
    // every crash that lost journal rows.
    SUANLI_ASSIGN(auto cursor_q,
                  s.db->Prepare("SELECT value FROM meta WHERE key = 'journal_scanned_through'"));
    SUANLI_ASSIGN(const bool has, cursor_q.Step());
    if (has) cursor = std::stoull(cursor_q.Text(0));
  }
  std::uint64_t recovered = 0;
  while (true) {
    SUANLI_ASSIGN(const auto batch, s.ledger->ScanTransfers(TransferId(cursor), 10'000));
    if (batch.empty()) break;
    for (const ledger::Transfer& t : batch) {
      cursor = t.id.value;
      if (t.code != kCodeSettlement) continue;
      const VoucherEntry* v = s.vouchers.FindByAccount(t.debit_account_id);
      if (v == nullptr) continue;
      JournalRow row{"system", static_cast<std::int64_t>(t.id.value), v->id, v->provider_id,
                     v->program_id, "", static_cast<std::int64_t>(t.user_data), t.amount_fen,
                     t.timestamp.micros(), true};
      s.journal->Enqueue(std::move(row));
      ++recovered;
    }
  }
  SUANLI_TRY(s.journal->Flush());
  SUANLI_ASSIGN(auto set, s.db->Prepare("INSERT OR REPLACE INTO meta (key, value) VALUES "
                                        "('journal_scanned_through', ?1)"));
  set.Bind(1, std::to_string(cursor));
  SUANLI_TRY(set.Run());
  // INSERT OR IGNORE kept rows the journal had written; only true gaps were added.
  spdlog::info("settlement journal checked against the ledger through transfer {} ({} "
               "settlements rechecked)", cursor, recovered);
  return OkStatus();
}

// Metered settlements' days: rows a stop left waiting for the ledger's answer, and those made
// before the table existed (metering.cc). Needs the journal complete.
Status RecoverMeteredSettlements(Platform::State& s);

// Used and lapsed amounts per voucher, once the journal is complete: used is what settlements
// took net of reversals; what the account lost beyond that lapsed or was clawed back.
static Status RefreshUsage(Platform::State& s) {
  SUANLI_ASSIGN(auto q, s.db->Prepare("SELECT voucher_id, SUM(deduction_fen) FROM settlements "
                                      "WHERE reversed_by IS NULL GROUP BY voucher_id"));
  while (true) {
    SUANLI_ASSIGN(const bool row, q.Step());
    if (!row) break;
    if (VoucherEntry* e = s.vouchers.Find(q.Int(0))) e->used_fen = q.Int(1);
  }
  for (VoucherEntry* e : s.vouchers.All()) {
    e->lapsed_fen = e->debits_fen.load() - e->used_fen.load() -
                    (e->credits_fen.load() - e->grant_fen);
  }
  return OkStatus();
}

Result<std::unique_ptr<Platform>> Platform::Open(const PlatformOptions& options) {
  if (options.clock == nullptr) return MakeError(ErrorCode::kMissingField, "clock", "required");
  std::error_code ec;
  fs::create_directories(fs::path(options.data_dir) / "blobs", ec);
  if (ec) return MakeError(ErrorCode::kIo, "data_dir", options.data_dir + ": " + ec.message());
  auto s = std::make_unique<State>();
  SUANLI_ASSIGN(s->dir_lock, storage::DirLock::Acquire(options.data_dir));
  s->options = options;
  s->clock = options.clock;
  SUANLI_ASSIGN(s->stand_in_password_hash,
                security::HashPassword(security::NewToken(), PasswordParamsOf(*s)));
  const fs::path dir(options.data_dir);
  const std::string db_path = (dir / audit::kPlatformDbFile).string();
  SUANLI_ASSIGN(s->db, storage::Db::Open(storage::DbOptions{db_path}));
  SUANLI_TRY(MigrateSchema(*s->db));
  SUANLI_ASSIGN(auto writer, audit::AuditWriter::Open(*s->db));
  s->audit.emplace(std::move(writer));
  s->anchor_file = std::make_shared<audit::AnchorFile>(dir / "audit.anchor");
  // A database from before the records' state forms (or an older version of them) first gets
  // each record's state on the log, so the reconciliation compares from here on.
  SUANLI_ASSIGN(const auto baseline, BaselineAuditedStates(*s->db, *s->audit, s->clock->Now()));
  if (baseline) {
    SUANLI_TRY(s->anchor_file->Advance(*baseline));
    spdlog::info("audit: every record's state recorded on the log (state forms {}, through "
                 "entry {})", kAuditedStateForms, baseline->seq);
  }
  std::vector<ProgramSource> program_sources;
  SUANLI_ASSIGN(s->programs, LoadPrograms(options.programs_dir, program_sources));
  SUANLI_TRY(RecordProgramsAndTerms(*s, program_sources));
  SUANLI_ASSIGN(auto box, security::SecretBox::LoadOrCreate(dir / "secret.key"));
  s->secrets.emplace(std::move(box));
  SUANLI_ASSIGN(s->ledger_store,
                storage::SqliteStore::Open(storage::SqliteStoreOptions{(dir / "ledger.db").string()}));
  ledger::LedgerOptions lo{s->clock, s->ledger_store.get()};
  SUANLI_ASSIGN(s->ledger, ledger::Ledger::Open(lo));
  SUANLI_TRY(OpenProgramAccounts(*s));
  SUANLI_TRY(LoadVoucherIndex(*s));
  SUANLI_TRY(LoadUnitsHeld(*s));
  SUANLI_TRY(s->ExecutePendingMoves());
  SUANLI_TRY(LoadApiKeys(*s));
  SUANLI_ASSIGN(s->journal, SettlementJournal::Open(db_path, s->anchor_file));
  SUANLI_ASSIGN(s->usage,
                metering::UsageStore::Open(metering::UsageStore::Options{(dir / "usage").string()}));
  SUANLI_TRY(RecoverJournal(*s));
  SUANLI_TRY(RefreshUsage(*s));
  SUANLI_TRY(LoadRedemptionTotals(*s));
  SUANLI_TRY(RecoverMeteredSettlements(*s));
  SUANLI_TRY(TallyPendingFindings(*s));
  s->ready = true;
  return std::unique_ptr<Platform>(new Platform(std::move(s)));
}

}  // namespace suanli::workflow
