// The platform's relational state in SQLite (platform.db): the schema, written out once, and
// its version. Money is INTEGER fen; instants are INTEGER microseconds since the Unix epoch
// (columns end in _us); dates are TEXT "YYYY-MM-DD" (CST). The ledger (ledger.db) holds the
// money itself; these tables hold who, what and why. docs/workflow.md draws the state machines.
#pragma once

#include "core/result.h"
#include "storage/sqlite/db.h"

namespace suanli::workflow {

// 1: accounts to payouts; 2: the compute network's centers, prices and goods; 3: a fraud
// finding's tally (enforcements.tallied_at_us, enforcement_vouchers).
inline constexpr int kSchemaVersion = 3;

// Creates every table if missing and records the version; refuses a newer database.
Status MigrateSchema(storage::Db& db);
// The network's tables (schema_network.cc); part of MigrateSchema.
Status CreateNetworkSchema(storage::Db& db);
// The experience draws' tables (schema_draws.cc); part of MigrateSchema, new tables only.
Status CreateDrawSchema(storage::Db& db);

}  // namespace suanli::workflow
