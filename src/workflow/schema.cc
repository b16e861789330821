#include "workflow/schema.h"

#include <string>

#include "audit/audit_log.h"

namespace suanli::workflow {
namespace {

constexpr const char* kSchemaV1 = R"sql(
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);

-- People and machines. role: admin | officer | expert | provider | applicant | auditor.
-- users.must_change_password: 1 while the password is one someone else set (an admin's reset or
-- new account, an organisation admin's invitation): its sessions may only change it.
-- users.disabled_by_platform: 1 when the platform's admin disabled it (its organisation's admin
-- may not enable it). api_keys.name: its owner's label ('' none); api_keys.last_used_at_us: when
-- it last authenticated, as last written from ApiKeyCache (at most once a minute). These four
-- came later (AddAccountFacts). No comment between columns: SQLite's DROP COLUMN keeps one
-- standing before the closing parenthesis, and the table no longer parses.
CREATE TABLE IF NOT EXISTS users (
  id INTEGER PRIMARY KEY,
  username TEXT NOT NULL UNIQUE,
  display_name TEXT NOT NULL,
  password_hash TEXT NOT NULL,
  role TEXT NOT NULL,
  org_id INTEGER REFERENCES orgs(id),
  provider_id INTEGER REFERENCES providers(id),
  org_admin INTEGER NOT NULL DEFAULT 0,
  created_at_us INTEGER NOT NULL,
  disabled INTEGER NOT NULL DEFAULT 0,
  must_change_password INTEGER NOT NULL DEFAULT 0,
  disabled_by_platform INTEGER NOT NULL DEFAULT 0);
CREATE TABLE IF NOT EXISTS sessions (
  token_sha256 TEXT PRIMARY KEY,
  user_id INTEGER NOT NULL REFERENCES users(id),
  csrf_token TEXT NOT NULL,
  created_at_us INTEGER NOT NULL,
  expires_at_us INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS api_keys (
  key_id TEXT PRIMARY KEY,
  secret_sha256 TEXT NOT NULL,
  user_id INTEGER NOT NULL REFERENCES users(id),
  created_at_us INTEGER NOT NULL,
  revoked INTEGER NOT NULL DEFAULT 0,
  name TEXT NOT NULL DEFAULT '',
  last_used_at_us INTEGER);

-- Applicant organisations. qualification: none | submitted | approved | rejected.
CREATE TABLE IF NOT EXISTS orgs (
  id INTEGER PRIMARY KEY,
  uscc TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  type TEXT NOT NULL,
  region TEXT NOT NULL,
  industry TEXT NOT NULL,
  legal_rep_name TEXT NOT NULL,
  legal_rep_id_sealed TEXT NOT NULL,
  legal_rep_id_masked TEXT NOT NULL,
  prior_year_revenue_fen INTEGER,
  credit_status TEXT NOT NULL,
  blacklisted INTEGER NOT NULL DEFAULT 0,
  qualification TEXT NOT NULL DEFAULT 'none',
  qualified_until TEXT,
  banned_until_us INTEGER,
  created_at_us INTEGER NOT NULL);

-- Uploaded documents, stored by content hash under blobs/. status: pending|approved|rejected.
CREATE TABLE IF NOT EXISTS documents (
  id INTEGER PRIMARY KEY,
  owner TEXT NOT NULL,            -- "org/3", "claim/7", "contract/2"
  kind TEXT NOT NULL,
  sha256 TEXT NOT NULL,
  size_bytes INTEGER NOT NULL,
  media_type TEXT NOT NULL,
  filename TEXT NOT NULL,
  status TEXT NOT NULL DEFAULT 'pending',
  reason TEXT NOT NULL DEFAULT '',
  uploaded_by INTEGER NOT NULL,
  uploaded_at_us INTEGER NOT NULL,
  reviewed_by INTEGER,
  reviewed_at_us INTEGER);
CREATE INDEX IF NOT EXISTS documents_owner ON documents(owner, kind);

CREATE TABLE IF NOT EXISTS providers (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  uscc TEXT NOT NULL UNIQUE,
  region TEXT NOT NULL,
  created_at_us INTEGER NOT NULL);

-- Programs' provider lists a provider is on (provider_tags.cc): one row per (provider, tag).
CREATE TABLE IF NOT EXISTS provider_tags (
  provider_id INTEGER NOT NULL REFERENCES providers(id),
  tag TEXT NOT NULL,
  listed_at_us INTEGER NOT NULL,
  PRIMARY KEY (provider_id, tag));

-- Classes an officer recorded for an organisation (org_classes.cc): Langfang's newly settled AI
-- firm, Hangzhou's foundation-model firm. One row per (org, class). Added as a new table (no new
-- schema version): a database from before simply has none.
CREATE TABLE IF NOT EXISTS org_classes (
  org_id INTEGER NOT NULL REFERENCES orgs(id),
  class TEXT NOT NULL,
  listed_at_us INTEGER NOT NULL,
  PRIMARY KEY (org_id, class));

-- Related-party declarations on either side: owner "org/3" or "provider/1"; party is a name
-- or USCC; relation: shareholder | legal_representative | affiliate.
CREATE TABLE IF NOT EXISTS related_parties (
  id INTEGER PRIMARY KEY,
  owner TEXT NOT NULL,
  relation TEXT NOT NULL,
  party TEXT NOT NULL,
  declared_at_us INTEGER NOT NULL,
  UNIQUE (owner, relation, party));

CREATE TABLE IF NOT EXISTS contracts (
  id INTEGER PRIMARY KEY,
  org_id INTEGER NOT NULL REFERENCES orgs(id),
  provider_id INTEGER NOT NULL REFERENCES providers(id),
  contract_no TEXT NOT NULL,
  amount_fen INTEGER NOT NULL,
  signed_on TEXT NOT NULL,
  start_on TEXT NOT NULL,
  end_on TEXT NOT NULL,
  resource_class TEXT NOT NULL,
  project_name TEXT NOT NULL DEFAULT '',
  project_level TEXT NOT NULL DEFAULT '',   -- '' | provincial | national
  evidence_document_id INTEGER REFERENCES documents(id),
  created_at_us INTEGER NOT NULL,
  chip_origin TEXT NOT NULL DEFAULT '',          -- '' | domestic | imported (AddContractFacts)
  uses_filed_model INTEGER NOT NULL DEFAULT 0,
  UNIQUE (provider_id, contract_no));

-- status: submitted | approved | refused | waitlisted. One application per contract.
CREATE TABLE IF NOT EXISTS applications (
  id INTEGER PRIMARY KEY,
  org_id INTEGER NOT NULL REFERENCES orgs(id),
  program_id TEXT NOT NULL,
  contract_id INTEGER NOT NULL UNIQUE REFERENCES contracts(id),
  status TEXT NOT NULL,
  quoted_fen INTEGER NOT NULL,
  granted_fen INTEGER,
  quote_json TEXT NOT NULL,
  reasons TEXT NOT NULL DEFAULT '',
  created_at_us INTEGER NOT NULL,
  decided_by INTEGER,
  decided_at_us INTEGER);

-- status: active | lapsed | clawed_back. account_id is the voucher's ledger account.
CREATE TABLE IF NOT EXISTS vouchers (
  id INTEGER PRIMARY KEY,
  application_id INTEGER NOT NULL UNIQUE REFERENCES applications(id),
  org_id INTEGER NOT NULL REFERENCES orgs(id),
  provider_id INTEGER NOT NULL REFERENCES providers(id),
  program_id TEXT NOT NULL,
  account_id INTEGER NOT NULL,
  grant_fen INTEGER NOT NULL,
  issued_at_us INTEGER NOT NULL,
  expires_at_us INTEGER NOT NULL,
  status TEXT NOT NULL DEFAULT 'active',
  -- The terms it pays by, fixed at issue (voucher_terms.h; AddVoucherTerms): NULL only on a row
  -- from before they were stored, until the next start fills it in.
  redeemed_by TEXT,                 -- provider | organisation
  share TEXT,                       -- Rate::ToString: "50%", "305/729"
  rounding TEXT,                    -- Rounding::Name: "down_fen"
  invoice TEXT,                     -- actual_payment | full_amount | '' (organisation)
  program_version INTEGER);         -- program_versions.version it was issued under

-- Every distinct text of a program file the platform has run with (program_versions.h).
CREATE TABLE IF NOT EXISTS program_versions (
  program_id TEXT NOT NULL,
  version INTEGER NOT NULL,
  sha256 TEXT NOT NULL,
  text TEXT NOT NULL,
  loaded_at_us INTEGER NOT NULL,
  PRIMARY KEY (program_id, version));

-- The settlement journal: one row per settlement transfer in the ledger (the ledger is the
-- truth; rows missing after a crash are rebuilt from it with recovered = 1).
CREATE TABLE IF NOT EXISTS settlements (
  transfer_id INTEGER PRIMARY KEY,
  voucher_id INTEGER NOT NULL,
  provider_id INTEGER NOT NULL,
  program_id TEXT NOT NULL,
  bill_no TEXT NOT NULL,
  bill_fen INTEGER NOT NULL,
  deduction_fen INTEGER NOT NULL,
  at_us INTEGER NOT NULL,
  reversed_by INTEGER,            -- the reversal's transfer id
  recovered INTEGER NOT NULL DEFAULT 0);
CREATE INDEX IF NOT EXISTS settlements_provider ON settlements(provider_id, program_id, at_us);
CREATE INDEX IF NOT EXISTS settlements_voucher ON settlements(voucher_id, at_us);

-- Other subsidies (stacking register), imported by officers.
CREATE TABLE IF NOT EXISTS subsidies (
  id INTEGER PRIMARY KEY,
  uscc TEXT NOT NULL,
  scheme TEXT NOT NULL,
  reference TEXT NOT NULL,        -- contract number or project the subsidy covers
  amount_fen INTEGER NOT NULL,
  year INTEGER NOT NULL,
  UNIQUE (uscc, scheme, reference));
-- Each import of the register (subsidies.cc): who, when, how many rows. Added without a new
-- schema version (only new tables): a database from before simply has no imports recorded.
CREATE TABLE IF NOT EXISTS subsidy_imports (
  id INTEGER PRIMARY KEY,
  imported_by INTEGER REFERENCES users(id),   -- NULL: the system
  imported_at_us INTEGER NOT NULL,
  row_count INTEGER NOT NULL);
-- The import a register row last came from (a row imported again moves to the newer import).
CREATE TABLE IF NOT EXISTS subsidy_sources (
  subsidy_id INTEGER PRIMARY KEY REFERENCES subsidies(id),
  import_id INTEGER NOT NULL REFERENCES subsidy_imports(id));
CREATE INDEX IF NOT EXISTS subsidies_year ON subsidies(year, id);

-- Redemption claims. status: draft | submitted | under_review | approved | partly_approved |
-- refused | paid.
CREATE TABLE IF NOT EXISTS claims (
  id INTEGER PRIMARY KEY,
  provider_id INTEGER NOT NULL REFERENCES providers(id),
  program_id TEXT NOT NULL,
  period TEXT NOT NULL,           -- "2024Q3"
  status TEXT NOT NULL,
  claimed_fen INTEGER NOT NULL,
  approved_fen INTEGER,
  decision_reason TEXT NOT NULL DEFAULT '',
  created_at_us INTEGER NOT NULL,
  submitted_at_us INTEGER,
  decided_at_us INTEGER,
  payout_batch_id INTEGER,
  UNIQUE (provider_id, program_id, period));
CREATE TABLE IF NOT EXISTS claim_items (
  claim_id INTEGER NOT NULL REFERENCES claims(id),
  transfer_id INTEGER NOT NULL UNIQUE,   -- a settlement is claimed at most once
  amount_fen INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS panel_members (
  claim_id INTEGER NOT NULL REFERENCES claims(id),
  expert_id INTEGER NOT NULL REFERENCES users(id),
  PRIMARY KEY (claim_id, expert_id));
CREATE TABLE IF NOT EXISTS opinions (
  claim_id INTEGER NOT NULL REFERENCES claims(id),
  expert_id INTEGER NOT NULL REFERENCES users(id),
  decision TEXT NOT NULL,         -- approve | partly_approve | refuse
  approved_fen INTEGER NOT NULL,
  comment TEXT NOT NULL,
  at_us INTEGER NOT NULL,
  PRIMARY KEY (claim_id, expert_id));
CREATE TABLE IF NOT EXISTS payout_batches (
  id INTEGER PRIMARY KEY,
  program_id TEXT NOT NULL,
  quarter TEXT NOT NULL,
  total_fen INTEGER NOT NULL,
  created_at_us INTEGER NOT NULL,
  UNIQUE (program_id, quarter));

CREATE TABLE IF NOT EXISTS enforcements (
  id INTEGER PRIMARY KEY,
  org_id INTEGER NOT NULL REFERENCES orgs(id),
  program_id TEXT NOT NULL,
  finding TEXT NOT NULL,
  voucher_clawed_fen INTEGER NOT NULL,
  used_recovered_fen INTEGER NOT NULL,
  banned_until_us INTEGER NOT NULL,
  at_us INTEGER NOT NULL,
  tallied_at_us INTEGER);
-- tallied_at_us: when the finding's second step recorded what its clawbacks took; NULL until
-- then (start-up finishes any a stop left so, enforcement.cc).

-- The vouchers a finding closed, with what each had used when the recovery was planned and
-- whether a clawback was planned for it: what its second step needs, durably.
CREATE TABLE IF NOT EXISTS enforcement_vouchers (
  enforcement_id INTEGER NOT NULL REFERENCES enforcements(id),
  voucher_id INTEGER NOT NULL REFERENCES vouchers(id),
  used_planned_fen INTEGER NOT NULL CHECK (used_planned_fen >= 0),
  claw_planned INTEGER NOT NULL CHECK (claw_planned IN (0, 1)),
  PRIMARY KEY (enforcement_id, voucher_id));

-- Repayments of a finding's recovery (recovery.cc); their sum never exceeds used_recovered_fen.
CREATE TABLE IF NOT EXISTS enforcement_repayments (
  id INTEGER PRIMARY KEY,
  enforcement_id INTEGER NOT NULL REFERENCES enforcements(id),
  amount_fen INTEGER NOT NULL CHECK (amount_fen > 0),
  reference TEXT NOT NULL,
  at_us INTEGER NOT NULL);
-- One repayment per bank transfer: the same reference again is a retry (recovery.cc).
CREATE UNIQUE INDEX IF NOT EXISTS enforcement_repayments_reference
  ON enforcement_repayments (enforcement_id, reference);

-- What an organisation actually paid the provider on a contract (payments.cc), each with the
-- payment invoice or receipt it uploaded: one payment per document. Their sum is the case's
-- contract.paid, the base of a reimbursement program's award. Added as a new table (no new
-- schema version): a database from before simply has no payments recorded.
CREATE TABLE IF NOT EXISTS contract_payments (
  id INTEGER PRIMARY KEY,
  contract_id INTEGER NOT NULL REFERENCES contracts(id),
  amount_fen INTEGER NOT NULL CHECK (amount_fen > 0),
  paid_on TEXT NOT NULL,
  document_id INTEGER NOT NULL UNIQUE REFERENCES documents(id),
  recorded_by INTEGER NOT NULL,
  recorded_at_us INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS contract_payments_contract ON contract_payments(contract_id);

-- Subsidy awards of "pay first, subsidy after" programs (awards.cc): one per approved
-- application, no voucher, no expiry. status: awarded | paid | withdrawn. account_id holds
-- what the program owes the organisation until the payout (bank_reference) empties it.
CREATE TABLE IF NOT EXISTS awards (
  id INTEGER PRIMARY KEY,
  application_id INTEGER NOT NULL UNIQUE REFERENCES applications(id),
  org_id INTEGER NOT NULL REFERENCES orgs(id),
  program_id TEXT NOT NULL,
  contract_id INTEGER NOT NULL REFERENCES contracts(id),
  account_id INTEGER NOT NULL,
  amount_fen INTEGER NOT NULL CHECK (amount_fen > 0),
  status TEXT NOT NULL DEFAULT 'awarded',
  awarded_at_us INTEGER NOT NULL,
  bank_reference TEXT,
  paid_by INTEGER,
  paid_at_us INTEGER);
CREATE INDEX IF NOT EXISTS awards_org ON awards(org_id, id);

-- Redemptions (兑付) of apply_then_redeem vouchers (redemptions.cc): the organisation's claim
-- of floor(rate × invoiced) on what it paid its provider. status: submitted (account_id holds
-- the amount, out of the voucher) | paid (bank_reference) | refused (returned). Added as a new
-- table (no new schema version): a database from before simply has none.
CREATE TABLE IF NOT EXISTS redemptions (
  id INTEGER PRIMARY KEY,
  voucher_id INTEGER NOT NULL REFERENCES vouchers(id),
  org_id INTEGER NOT NULL REFERENCES orgs(id),
  program_id TEXT NOT NULL,
  invoice_no TEXT NOT NULL,
  invoiced_fen INTEGER NOT NULL CHECK (invoiced_fen > 0),
  rate TEXT NOT NULL,
  amount_fen INTEGER NOT NULL CHECK (amount_fen > 0),
  invoice_document_id INTEGER NOT NULL REFERENCES documents(id),
  proof_document_id INTEGER NOT NULL REFERENCES documents(id),
  account_id INTEGER NOT NULL,
  status TEXT NOT NULL DEFAULT 'submitted',
  reasons TEXT NOT NULL DEFAULT '',
  bank_reference TEXT,
  submitted_by INTEGER NOT NULL,
  submitted_at_us INTEGER NOT NULL,
  decided_by INTEGER,
  decided_at_us INTEGER);
-- An invoice is redeemed once per voucher; a refused one may be submitted again (corrected
-- proof), so only the redemptions not refused are unique.
CREATE UNIQUE INDEX IF NOT EXISTS redemptions_invoice ON redemptions(voucher_id, invoice_no)
  WHERE status != 'refused';
CREATE INDEX IF NOT EXISTS redemptions_org ON redemptions(org_id, id);

-- In-app notices; (recipient, kind, object) is unique so reminders are sent once.
CREATE TABLE IF NOT EXISTS notices (
  id INTEGER PRIMARY KEY,
  recipient TEXT NOT NULL,        -- "org/3", "provider/1", "user/9"
  kind TEXT NOT NULL,
  object TEXT NOT NULL,
  text_zh TEXT NOT NULL,
  text_en TEXT NOT NULL,
  created_at_us INTEGER NOT NULL,
  read_at_us INTEGER,
  UNIQUE (recipient, kind, object));

-- Money moves decided by a workflow step, written with the step's state change and executed
-- on the ledger right after; a move still pending at start-up is executed then (its ledger
-- keys make a repeat harmless). status: pending | done | failed.
CREATE TABLE IF NOT EXISTS money_moves (
  id INTEGER PRIMARY KEY,
  ledger_key TEXT NOT NULL UNIQUE,
  debit_account INTEGER NOT NULL,
  credit_account INTEGER NOT NULL,
  amount_fen INTEGER NOT NULL,
  flags INTEGER NOT NULL,
  code INTEGER NOT NULL,
  user_data INTEGER NOT NULL,
  status TEXT NOT NULL,
  applied_fen INTEGER,
  result TEXT NOT NULL DEFAULT '',
  created_at_us INTEGER NOT NULL);
-- The moves still pending: read by every step that moves money (the outbox run after it, the
-- pool still owed, a voucher's moves in flight). Only pending rows are in it, so those reads
-- cost what is pending, not every move ever made (a scan of 300,000 rows took 27 ms).
CREATE INDEX IF NOT EXISTS money_moves_pending ON money_moves(id) WHERE status = 'pending';
)sql";

// Version 3: a database from before it has enforcements without tallied_at_us. Its findings
// ran both steps in one call, so each is taken as tallied when it was recorded.
Status AddFindingTally(storage::Db& db) {
  SUANLI_ASSIGN(auto has, db.Prepare("SELECT 1 FROM pragma_table_info('enforcements') "
                                     "WHERE name = 'tallied_at_us'"));
  SUANLI_ASSIGN(const bool present, has.Step());
  if (present) return OkStatus();
  SUANLI_TRY(db.Exec("ALTER TABLE enforcements ADD COLUMN tallied_at_us INTEGER"));
  return db.Exec("UPDATE enforcements SET tallied_at_us = at_us");
}

// A database from before contracts recorded their chip origin and filed model: the two columns
// with their defaults (not stated; no), which an older build's inserts also leave. So no new
// schema version: a build from before can still open the database.
Status AddContractFacts(storage::Db& db) {
  SUANLI_ASSIGN(auto has, db.Prepare("SELECT 1 FROM pragma_table_info('contracts') "
                                     "WHERE name = 'chip_origin'"));
  SUANLI_ASSIGN(const bool present, has.Step());
  if (present) return OkStatus();
  SUANLI_TRY(db.Exec("ALTER TABLE contracts ADD COLUMN chip_origin TEXT NOT NULL DEFAULT ''"));
  return db.Exec("ALTER TABLE contracts ADD COLUMN uses_filed_model INTEGER NOT NULL DEFAULT 0");
}

// A database from before vouchers stored their terms: the five columns, empty; the platform fills
// them from the programs at its next start (FillMissingVoucherTerms, audited). No new schema
// version, as for AddContractFacts.
Status AddVoucherTerms(storage::Db& db) {
  SUANLI_ASSIGN(auto has, db.Prepare("SELECT 1 FROM pragma_table_info('vouchers') "
                                     "WHERE name = 'share'"));
  SUANLI_ASSIGN(const bool present, has.Step());
  if (present) return OkStatus();
  for (const char* column : {"redeemed_by TEXT", "share TEXT", "rounding TEXT", "invoice TEXT",
                             "program_version INTEGER"}) {
    SUANLI_TRY(db.Exec(std::string("ALTER TABLE vouchers ADD COLUMN ") + column));
  }
  return OkStatus();
}

// A database from before accounts had a "must change the password" state and a mark of who
// disabled them, and API keys a name and a last-used time: the columns with their defaults (no;
// no name; never used), which an older build's inserts also leave; the disabled accounts of
// then were disabled by the platform's admin. No new schema version, as AddContractFacts.
Status AddAccountFacts(storage::Db& db) {
  struct Column {
    const char* table;
    const char* name;
    const char* definition;
    const char* then;  // run once the column is added, or null
  };
  static constexpr Column kColumns[] = {
      {"users", "must_change_password", "INTEGER NOT NULL DEFAULT 0", nullptr},
      // Until then only the platform's admin disabled accounts.
      {"users", "disabled_by_platform", "INTEGER NOT NULL DEFAULT 0",
       "UPDATE users SET disabled_by_platform = disabled"},
      {"api_keys", "name", "TEXT NOT NULL DEFAULT ''", nullptr},
      {"api_keys", "last_used_at_us", "INTEGER", nullptr},
  };
  for (const Column& c : kColumns) {
    SUANLI_ASSIGN(auto has, db.Prepare(std::string("SELECT 1 FROM pragma_table_info('") +
                                       c.table + "') WHERE name = ?1"));
    SUANLI_ASSIGN(const bool present, has.Bind(1, c.name).Step());
    if (present) continue;
    SUANLI_TRY(db.Exec(std::string("ALTER TABLE ") + c.table + " ADD COLUMN " + c.name + " " +
                       c.definition));
    if (c.then != nullptr) SUANLI_TRY(db.Exec(c.then));
  }
  return OkStatus();
}

}  // namespace

Status MigrateSchema(storage::Db& db) {
  SUANLI_TRY(db.Exec("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)"));
  SUANLI_ASSIGN(auto get, db.Prepare("SELECT value FROM meta WHERE key = 'schema_version'"));
  SUANLI_ASSIGN(const bool has, get.Step());
  if (has) {
    const int version = std::stoi(get.Text(0));
    if (version > kSchemaVersion) {
      return MakeError(ErrorCode::kContradiction, "schema_version",
                       "platform.db has schema " + std::to_string(version) +
                           ", newer than this build's " + std::to_string(kSchemaVersion));
    }
  }
  SUANLI_ASSIGN(auto tx, storage::Transaction::Begin(db));
  SUANLI_TRY(db.Exec(kSchemaV1));
  SUANLI_TRY(AddFindingTally(db));
  SUANLI_TRY(AddContractFacts(db));
  SUANLI_TRY(AddVoucherTerms(db));
  SUANLI_TRY(AddAccountFacts(db));
  SUANLI_TRY(CreateNetworkSchema(db));
  SUANLI_TRY(CreateDrawSchema(db));
  SUANLI_TRY(audit::CreateSchema(db));
  SUANLI_TRY(db.Exec("INSERT OR REPLACE INTO meta (key, value) VALUES ('schema_version', '" +
                     std::to_string(kSchemaVersion) + "')"));
  return tx.Commit();
}

}  // namespace suanli::workflow
