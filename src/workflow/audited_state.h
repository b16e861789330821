// The state of each record the audit log vouches for, as the JSON its entries' digests are
// taken of.
//
// An entry's before_sha256 / after_sha256 are digests of its object's JSON (audit_log.h). For
// the kinds listed here — organisations, documents, contracts, applications, vouchers, awards,
// redemptions, claims, payout batches and fraud findings: who may apply, what was granted, what
// is owed and what was paid; related parties and the register of other subsidies: what
// excludes an application; users and API keys: who may act, and as whom — that JSON is always
// read back from the record's own row inside the step's transaction, in one fixed form per kind
// (audited_state.cc names the columns), so the last entry of an object that records a state
// must be the digest of its row as it is now. The state check (CheckAuditedStates) recomputes
// every row's form and compares: a row changed without an entry, one inserted without, or one
// deleted while the log still records it, shows there, though the chain itself is intact.
//
// An entry of such an object with an empty after_json records no state (a notice read, a
// sign-in: the row did not change). Every step that changes one of these rows must record its
// state after the change (StepContext::AuditChange); a step that deletes one records the absent
// form (kAbsentStateForm, StepContext::AuditRemoval), after which the row must stay gone.
//
// The forms are part of the stored log: changing a kind's columns changes the digest of every
// object of that kind. So the forms carry a version (kAuditedStateForms), kept in platform.db's
// meta table; a database whose version is older (or absent: written before the forms existed)
// gets one `state.baseline` entry per row of each kind whose form is newer than its version,
// at start-up, recording each row as it then is. The log vouches for those rows from that entry
// on: an edit made before it is not seen, so reconcile before upgrading. Kinds whose form did
// not change keep their entries, and an edit of them made before the upgrade still shows.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "audit/audit_log.h"
#include "core/cst_time.h"
#include "core/result.h"
#include "storage/sqlite/db.h"

namespace suanli::workflow {

// The version of the forms below; raise it with any change to a kind's members, and mark the
// kinds changed with it (audited_state.cc, Kind::since): an upgrade records those anew.
// 1: the first forms. 2: a voucher's terms (voucher_terms.h); payout batches and fraud findings.
// 3: related parties, the register of other subsidies, users and API keys.
inline constexpr int kAuditedStateForms = 3;

// The after-state of an entry that deletes its object's row (a related party withdrawn). No
// row's form is this (each begins with its key), and it is not "" (no state recorded).
inline constexpr std::string_view kAbsentStateForm = R"({"absent":true})";

// True for "org", "document", "contract", "application", "voucher", "award", "redemption",
// "claim", "payout_batch", "enforcement", "related_party", "subsidy", "user", "api_key": the
// kinds whose state the check compares with the log.
bool IsAuditedKind(std::string_view kind);

// The state form of `object` ("application/42", "api_key/3f9a…") read from its row; kNotFound
// when there is no such row, kOutOfRange when the kind is not audited or the key is malformed
// (not a positive number; for an API key, not 1 to 64 letters, digits, '-' or '_').
Result<std::string> AuditedStateJson(storage::Db& db, std::string_view object);

struct AuditedKind;  // one kind's form: its table and members (audited_state.cc)

// The state forms of one kind, its statement compiled once: for a step that records many rows
// of it (an import of the subsidy register). Valid while `db` is.
class AuditedStateReader {
 public:
  // kOutOfRange when `kind` is not audited.
  static Result<AuditedStateReader> Open(storage::Db& db, std::string_view kind);
  // The form of the row keyed `key` ("42"), or none when there is no such row.
  Result<std::optional<std::string>> Read(std::string_view key);

 private:
  AuditedStateReader(const AuditedKind& kind, storage::Stmt stmt)
      : kind_(&kind), stmt_(std::move(stmt)) {}
  const AuditedKind* kind_;
  storage::Stmt stmt_;
};

// The outcome of comparing every audited row with its object's last state entry in the log.
struct AuditedStateCheck {
  std::int64_t objects = 0;  // rows compared
  std::vector<std::string> differences;
  std::int64_t differences_total = 0;
};

// Reads the log once and every audited table once; at most `listed_max` differences are listed
// (all are counted). Reads only: the caller provides one consistent snapshot (a transaction, or
// the step lock).
Result<AuditedStateCheck> CheckAuditedStates(storage::Db& db, std::size_t listed_max);

// When platform.db's forms version is older than kAuditedStateForms: appends a
// `state.baseline` entry (actor "system") for every row of each kind whose form is newer than
// that version (every kind when there is none), in one transaction with the new version, and
// returns the last entry appended (none when no such row exists). The caller then advances the
// anchor. Nothing when the version is current.
Result<std::optional<audit::Anchor>> BaselineAuditedStates(storage::Db& db,
                                                           audit::AuditWriter& writer, Instant now);

}  // namespace suanli::workflow
