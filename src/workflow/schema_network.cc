// The compute network's tables (schema version 2): centers with their declared spec, price
// lists with effective dates, the catalogue's goods, Slurm accounts and routed jobs. A center's spec is stored as the JSON
// that network::ParseCenterSpec accepted (and reads back identically); the columns beside it
// are the ones queries filter on.
#include "workflow/schema.h"

namespace suanli::workflow {

namespace {

constexpr const char* kSchemaNetwork = R"sql(
CREATE TABLE IF NOT EXISTS compute_centers (
  id INTEGER PRIMARY KEY,
  provider_id INTEGER NOT NULL REFERENCES providers(id),
  name TEXT NOT NULL UNIQUE,
  slurm_cluster TEXT NOT NULL UNIQUE,   -- usage records name their center by it
  spec_json TEXT NOT NULL,              -- network::CenterSpecJson
  created_at_us INTEGER NOT NULL,
  retired_at_us INTEGER);               -- NULL: in service (AddNetworkColumns)
-- A price is in force from 00:00 CST of effective_from until the next entry of the same
-- (center, partition, unit); entries are never edited, a correction is a new entry.
CREATE TABLE IF NOT EXISTS center_prices (
  id INTEGER PRIMARY KEY,
  center_id INTEGER NOT NULL REFERENCES compute_centers(id),
  partition_name TEXT NOT NULL,
  unit TEXT NOT NULL,                   -- card_hour | core_hour | node_hour | billing_hour | gb_month
  price_fen INTEGER NOT NULL CHECK (price_fen > 0),
  billing_weights TEXT NOT NULL DEFAULT '',  -- billing_hour: TRESBillingWeights
  effective_from TEXT NOT NULL,         -- YYYY-MM-DD (CST)
  created_at_us INTEGER NOT NULL,
  UNIQUE (center_id, partition_name, unit, effective_from));
CREATE TABLE IF NOT EXISTS goods (
  id INTEGER PRIMARY KEY,
  provider_id INTEGER NOT NULL REFERENCES providers(id),
  center_id INTEGER REFERENCES compute_centers(id),
  kind TEXT NOT NULL,                   -- software_licence | dataset | model | service
  name TEXT NOT NULL,
  description TEXT NOT NULL,
  unit TEXT NOT NULL,
  price_fen INTEGER NOT NULL CHECK (price_fen >= 0),
  created_at_us INTEGER NOT NULL,
  withdrawn_at_us INTEGER,              -- NULL: offered (AddNetworkColumns)
  UNIQUE (provider_id, name));
-- Who pays for a Slurm account's jobs on a center (metering's account map): the organisation,
-- the contract the usage is billed under, and the customer's discount class (A–E, seed 002).
CREATE TABLE IF NOT EXISTS slurm_accounts (
  id INTEGER PRIMARY KEY,
  center_id INTEGER NOT NULL REFERENCES compute_centers(id),
  account TEXT NOT NULL,
  org_id INTEGER NOT NULL REFERENCES orgs(id),
  contract_id INTEGER REFERENCES contracts(id),
  discount_class TEXT,                  -- 'A'..'E' or NULL (the base price)
  created_at_us INTEGER NOT NULL,
  UNIQUE (center_id, account));
-- Jobs routed to the network: what was asked, where each went (or why nowhere), and its last
-- known state. request_json is the request with its defaults filled in, without the script
-- (job_request_codec.h writes the form out); the three last columns are NULL for jobs recorded
-- before requests were stored (AddNetworkColumns).
CREATE TABLE IF NOT EXISTS jobs (
  id INTEGER PRIMARY KEY,
  org_id INTEGER NOT NULL REFERENCES orgs(id),
  user_id INTEGER NOT NULL,
  resource_type TEXT NOT NULL,
  units INTEGER NOT NULL,
  center_id INTEGER REFERENCES compute_centers(id),
  slurm_job_id TEXT,
  state TEXT NOT NULL,
  placement_json TEXT NOT NULL,
  attempts_json TEXT NOT NULL,
  created_at_us INTEGER NOT NULL,
  updated_at_us INTEGER NOT NULL,
  request_json TEXT,
  script TEXT,
  max_cost_fen INTEGER);                -- placed jobs: job_routing::MaxCostFen
-- The periods metered settlements charged (src/workflow/metering.cc): per provider and
-- organisation each CST day is settled once, so periods never overlap (a reversed settlement's
-- row no longer counts). The row is written before the ledger transfer is submitted, with
-- transfer_id NULL until the ledger's answer is applied: released (deleted) if the transfer was
-- refused, and resolved from the ledger by ledger_key at start-up if the process stopped first.
-- Rows for metered settlements made before this table existed are added at start-up from
-- settlements whose bill_no is "M-<org>-<first>..<last>".
CREATE TABLE IF NOT EXISTS metered_settlements (
  id INTEGER PRIMARY KEY,
  provider_id INTEGER NOT NULL,
  org_id INTEGER NOT NULL,
  first_day TEXT NOT NULL,              -- YYYY-MM-DD (CST), inclusive
  last_day TEXT NOT NULL,               -- YYYY-MM-DD (CST), inclusive
  voucher_id INTEGER NOT NULL,
  idempotency_key TEXT NOT NULL,        -- the provider's Idempotency-Key (one row per key)
  ledger_key TEXT NOT NULL UNIQUE,      -- the settlement transfer's key in the ledger
  bill_fen INTEGER NOT NULL,
  transfer_id INTEGER UNIQUE,           -- the settlement (ledger transfer); NULL: not answered
  created_at_us INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS metered_settlements_days
  ON metered_settlements(provider_id, org_id, first_day);
CREATE UNIQUE INDEX IF NOT EXISTS metered_settlements_key
  ON metered_settlements(provider_id, idempotency_key);
)sql";

// Columns added to the network's tables after they were first created: a database from
// before gets each at start-up, NULL in every existing row (a center in service, goods offered,
// a job whose request was not stored). Nullable and without a default, so an older build's
// inserts, which do not name them, still work: no new schema version.
constexpr struct {
  const char* table;
  const char* column;
  const char* type;
} kAddedColumns[] = {
    {"compute_centers", "retired_at_us", "INTEGER"},
    {"goods", "withdrawn_at_us", "INTEGER"},
    {"jobs", "request_json", "TEXT"},
    {"jobs", "script", "TEXT"},
    {"jobs", "max_cost_fen", "INTEGER"},
    // The experience voucher whose one-time account this is (experience_vouchers.cc): its
    // usage is free, rated at 0 fen, and counted against the voucher's hours.
    {"slurm_accounts", "experience_voucher_id", "INTEGER"},
};

Status AddNetworkColumns(storage::Db& db) {
  for (const auto& c : kAddedColumns) {
    SUANLI_ASSIGN(auto has, db.Prepare(std::string("SELECT 1 FROM pragma_table_info('") +
                                       c.table + "') WHERE name = ?1"));
    SUANLI_ASSIGN(const bool present, has.Bind(1, std::string_view(c.column)).Step());
    if (present) continue;
    SUANLI_TRY(db.Exec(std::string("ALTER TABLE ") + c.table + " ADD COLUMN " + c.column + " " +
                       c.type));
  }
  return OkStatus();
}

}  // namespace

Status CreateNetworkSchema(storage::Db& db) {
  SUANLI_TRY(db.Exec(kSchemaNetwork));
  return AddNetworkColumns(db);
}

}  // namespace suanli::workflow
