// The compute network's tables (schema version 2): centers with their declared spec, price
// lists with effective dates, and the catalogue's goods. A center's spec is stored as the JSON
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
  created_at_us INTEGER NOT NULL);
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
-- Jobs routed to the network: where each went (or why nowhere), and its last known state.
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
  updated_at_us INTEGER NOT NULL);
)sql";

}  // namespace

Status CreateNetworkSchema(storage::Db& db) { return db.Exec(kSchemaNetwork); }

}  // namespace suanli::workflow
