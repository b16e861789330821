// The tables of experience vouchers by weekly draw (draws.cc; Nanjing, seed 002): a draw per
// program and week, the organisations that entered it, and the vouchers its winners got.
// Added as new tables (no new schema version, as org_classes and redemptions were): a database
// from before simply has no draws, and a build from before ignores them.
#include "workflow/schema.h"

namespace suanli::workflow {

namespace {

constexpr const char* kSchemaDraws = R"sql(
-- A week's draw. status: open | drawn. The seed is drawn by the server at opening and kept
-- sealed (SecretBox, bound to "draw/<id>/seed") in seed_sealed; only seed_sha256, the SHA-256
-- of its decimal digits, is published until the draw is run, when seed (decimal text: a
-- 64-bit unsigned number does not fit SQLite's INTEGER) reveals it. What the run read and drew
-- is kept beside it so anyone can replay it with `suanli draw`: the number of entrants, the
-- SHA-256 of the entrant file (one "org-<id>" a line, org id order), the program version.
CREATE TABLE IF NOT EXISTS draws (
  id INTEGER PRIMARY KEY,
  program_id TEXT NOT NULL,
  week TEXT NOT NULL,                   -- YYYY-MM-DD, the CST Monday the week starts
  status TEXT NOT NULL DEFAULT 'open',
  seed_sealed TEXT NOT NULL,
  seed_sha256 TEXT NOT NULL,
  seed TEXT,
  opened_by INTEGER NOT NULL,
  opened_at_us INTEGER NOT NULL,
  drawn_by INTEGER,
  drawn_at_us INTEGER,
  entrants INTEGER,
  entrants_sha256 TEXT,
  total_hours INTEGER,
  shortfall_hours INTEGER,
  program_version INTEGER,
  UNIQUE (program_id, week));
-- One entry per organisation per draw.
CREATE TABLE IF NOT EXISTS draw_entries (
  draw_id INTEGER NOT NULL REFERENCES draws(id),
  org_id INTEGER NOT NULL REFERENCES orgs(id),
  entered_by INTEGER NOT NULL,
  entered_at_us INTEGER NOT NULL,
  PRIMARY KEY (draw_id, org_id));
-- A winner's experience voucher: free hours on the program's center.
-- status: issued | active | used_up | expired (experience_vouchers.cc draws the machine).
-- The columns after status were added later (AddExperienceColumns): expires_at_us is the
-- exclusive end of its last day (NULL: the program states no validity); once activated,
-- the one-time Slurm account on center_id, who activated it and when; used_card_s the
-- card-seconds metered on that account; ended_at_us when it was used up or expired;
-- account_closed_at_us when the account's limit was set to 0 hours after expiry.
CREATE TABLE IF NOT EXISTS experience_vouchers (
  id INTEGER PRIMARY KEY,
  draw_id INTEGER NOT NULL REFERENCES draws(id),
  org_id INTEGER NOT NULL REFERENCES orgs(id),
  program_id TEXT NOT NULL,
  draw_rank INTEGER NOT NULL CHECK (draw_rank > 0),
  hours INTEGER NOT NULL CHECK (hours > 0),
  issued_at_us INTEGER NOT NULL,
  status TEXT NOT NULL DEFAULT 'issued',
  UNIQUE (draw_id, org_id));
CREATE INDEX IF NOT EXISTS experience_vouchers_org ON experience_vouchers(org_id, id);
)sql";

// Columns added to experience_vouchers when vouchers became usable (one-time accounts,
// hours, expiry). Nullable or with a default, so an older build's inserts still work and a
// database from before gets them at its next start: no new schema version. Its vouchers have
// no expiry until the sweep gives them the program's (experience_vouchers.cc).
constexpr struct {
  const char* column;
  const char* type;
} kExperienceColumns[] = {
    {"expires_at_us", "INTEGER"},
    {"center_id", "INTEGER REFERENCES compute_centers(id)"},
    {"slurm_account", "TEXT"},
    {"activated_by", "INTEGER"},
    {"activated_at_us", "INTEGER"},
    {"used_card_s", "INTEGER NOT NULL DEFAULT 0"},
    {"ended_at_us", "INTEGER"},
    {"account_closed_at_us", "INTEGER"},
};

Status AddExperienceColumns(storage::Db& db) {
  for (const auto& c : kExperienceColumns) {
    SUANLI_ASSIGN(auto has, db.Prepare("SELECT 1 FROM pragma_table_info('experience_vouchers') "
                                       "WHERE name = ?1"));
    SUANLI_ASSIGN(const bool present, has.Bind(1, std::string_view(c.column)).Step());
    if (present) continue;
    SUANLI_TRY(db.Exec(std::string("ALTER TABLE experience_vouchers ADD COLUMN ") + c.column +
                       " " + c.type));
  }
  return OkStatus();
}

}  // namespace

Status CreateDrawSchema(storage::Db& db) {
  SUANLI_TRY(db.Exec(kSchemaDraws));
  return AddExperienceColumns(db);
}

}  // namespace suanli::workflow
