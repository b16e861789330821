// The audited records' state forms, and the check of every row against the log (audited_state.h).
#include "workflow/audited_state.h"

#include <algorithm>
#include <charconv>
#include <unordered_map>

#include "audit/audit_log.h"

namespace suanli::workflow {

std::string Quoted(std::string_view s);  // platform_support.cc

namespace {

// kDigest: a text that enters as its SHA-256 (a long one, such as a quote's JSON; a password's
// hash, which no form carries in clear).
enum class Type { kInt, kText, kDigest };

// One member of a state form: its JSON name and the SQL that reads it from the kind's table
// (aliased `r`); NULL reads as null.
struct Column {
  std::string_view name;
  std::string_view sql;
  Type type;
};

}  // namespace

// One kind's form. Its first member is the row's key: a positive integer id, or for a kind
// keyed by text (an API key's id) that text; "<kind>/<key>" is the object its entries name.
struct AuditedKind {
  std::string_view kind, table;
  std::vector<Column> columns;
  // The forms version that last changed this kind's members: a database of an older version
  // records its rows anew at the upgrade (BaselineAuditedStates).
  int since = 1;
  bool text_key = false;
};

namespace {

using Kind = AuditedKind;

constexpr Type I = Type::kInt;
constexpr Type T = Type::kText;
constexpr Type D = Type::kDigest;

// The forms. Left out on purpose: who did what and when (the entry records actor and time),
// file names, and what the ledger holds (balances: `audit reconcile` compares those).
// Rows of other tables that decide an amount are folded in as subqueries: an organisation's
// classes (Langfang's one-off tier, Hangzhou's cap), a contract's payments (a reimbursement's
// base), a claim's items, panel and opinions. Lists are JSON arrays (json_group_array), so no
// text inside them can pass for a boundary.
const std::vector<Kind>& Kinds() {
  static const std::vector<Kind> kinds = {
      {"org", "orgs",
       {{"id", "r.id", I}, {"uscc", "r.uscc", T}, {"name", "r.name", T}, {"type", "r.type", T},
        {"region", "r.region", T}, {"industry", "r.industry", T},
        {"legal_rep_name", "r.legal_rep_name", T},
        {"legal_rep_id_sealed", "r.legal_rep_id_sealed", T},
        {"prior_year_revenue_fen", "r.prior_year_revenue_fen", I},
        {"credit_status", "r.credit_status", T}, {"blacklisted", "r.blacklisted", I},
        {"qualification", "r.qualification", T}, {"qualified_until", "r.qualified_until", T},
        {"banned_until_us", "r.banned_until_us", I},
        {"classes",
         "(SELECT json_group_array(class) FROM (SELECT class FROM org_classes WHERE org_id = "
         "r.id ORDER BY class))",
         T}}},
      {"document", "documents",
       {{"id", "r.id", I}, {"owner", "r.owner", T}, {"kind", "r.kind", T},
        {"sha256", "r.sha256", T}, {"size_bytes", "r.size_bytes", I},
        {"media_type", "r.media_type", T}, {"status", "r.status", T},
        {"reason", "r.reason", T}}},
      {"contract", "contracts",
       {{"id", "r.id", I}, {"org_id", "r.org_id", I}, {"provider_id", "r.provider_id", I},
        {"contract_no", "r.contract_no", T}, {"amount_fen", "r.amount_fen", I},
        {"signed_on", "r.signed_on", T}, {"start_on", "r.start_on", T},
        {"end_on", "r.end_on", T}, {"resource_class", "r.resource_class", T},
        {"project_name", "r.project_name", T}, {"project_level", "r.project_level", T},
        {"evidence_document_id", "r.evidence_document_id", I},
        {"chip_origin", "r.chip_origin", T}, {"uses_filed_model", "r.uses_filed_model", I},
        {"payments", "(SELECT count(*) FROM contract_payments WHERE contract_id = r.id)", I},
        {"paid_fen", "(SELECT sum(amount_fen) FROM contract_payments WHERE contract_id = r.id)",
         I}}},
      {"application", "applications",
       {{"id", "r.id", I}, {"org_id", "r.org_id", I}, {"program_id", "r.program_id", T},
        {"contract_id", "r.contract_id", I}, {"status", "r.status", T},
        {"quoted_fen", "r.quoted_fen", I}, {"granted_fen", "r.granted_fen", I},
        // The quote names the tier a redemption's rate comes from.
        {"quote_sha256", "r.quote_json", D}, {"reasons", "r.reasons", T}}},
      {"voucher", "vouchers",
       {{"id", "r.id", I}, {"application_id", "r.application_id", I},
        {"org_id", "r.org_id", I}, {"provider_id", "r.provider_id", I},
        {"program_id", "r.program_id", T}, {"account_id", "r.account_id", I},
        {"grant_fen", "r.grant_fen", I}, {"issued_at_us", "r.issued_at_us", I},
        {"expires_at_us", "r.expires_at_us", I}, {"status", "r.status", T},
        // The terms it pays by (voucher_terms.h): an edit of them is an edit of the money.
        {"redeemed_by", "r.redeemed_by", T}, {"share", "r.share", T},
        {"rounding", "r.rounding", T}, {"invoice", "r.invoice", T},
        {"program_version", "r.program_version", I}},
       2},
      {"award", "awards",
       {{"id", "r.id", I}, {"application_id", "r.application_id", I},
        {"org_id", "r.org_id", I}, {"program_id", "r.program_id", T},
        {"contract_id", "r.contract_id", I}, {"account_id", "r.account_id", I},
        {"amount_fen", "r.amount_fen", I}, {"status", "r.status", T},
        {"bank_reference", "r.bank_reference", T}}},
      {"redemption", "redemptions",
       {{"id", "r.id", I}, {"voucher_id", "r.voucher_id", I}, {"org_id", "r.org_id", I},
        {"program_id", "r.program_id", T}, {"invoice_no", "r.invoice_no", T},
        {"invoiced_fen", "r.invoiced_fen", I}, {"rate", "r.rate", T},
        {"amount_fen", "r.amount_fen", I}, {"invoice_document_id", "r.invoice_document_id", I},
        {"proof_document_id", "r.proof_document_id", I}, {"account_id", "r.account_id", I},
        {"status", "r.status", T}, {"reasons", "r.reasons", T},
        {"bank_reference", "r.bank_reference", T}}},
      {"claim", "claims",
       {{"id", "r.id", I}, {"provider_id", "r.provider_id", I},
        {"program_id", "r.program_id", T}, {"period", "r.period", T}, {"status", "r.status", T},
        {"claimed_fen", "r.claimed_fen", I}, {"approved_fen", "r.approved_fen", I},
        {"decision_reason", "r.decision_reason", T},
        {"payout_batch_id", "r.payout_batch_id", I},
        {"items", "(SELECT count(*) FROM claim_items WHERE claim_id = r.id)", I},
        {"items_fen", "(SELECT sum(amount_fen) FROM claim_items WHERE claim_id = r.id)", I},
        {"panel",
         "(SELECT json_group_array(expert_id) FROM (SELECT expert_id FROM panel_members WHERE "
         "claim_id = r.id ORDER BY expert_id))",
         T},
        {"opinions",
         "(SELECT json_group_array(json_array(expert_id, decision, approved_fen, comment)) "
         "FROM (SELECT * FROM opinions WHERE claim_id = r.id ORDER BY expert_id))",
         T}}},
      // A quarter's payout: what it paid in all and how many claims it holds (each claim's
      // own form names its batch).
      {"payout_batch", "payout_batches",
       {{"id", "r.id", I}, {"program_id", "r.program_id", T}, {"quarter", "r.quarter", T},
        {"total_fen", "r.total_fen", I},
        {"claims", "(SELECT count(*) FROM claims WHERE payout_batch_id = r.id)", I}},
       2},
      // A fraud finding: the ban, what its clawbacks took and what is owed back, and the
      // repayments recorded against it.
      {"enforcement", "enforcements",
       {{"id", "r.id", I}, {"org_id", "r.org_id", I}, {"program_id", "r.program_id", T},
        {"finding", "r.finding", T}, {"voucher_clawed_fen", "r.voucher_clawed_fen", I},
        {"used_recovered_fen", "r.used_recovered_fen", I},
        {"banned_until_us", "r.banned_until_us", I}, {"tallied_at_us", "r.tallied_at_us", I},
        {"vouchers",
         "(SELECT json_group_array(json_array(voucher_id, used_planned_fen, claw_planned)) FROM "
         "(SELECT * FROM enforcement_vouchers WHERE enforcement_id = r.id ORDER BY voucher_id))",
         T},
        {"repayments",
         "(SELECT json_group_array(json_array(amount_fen, reference)) FROM (SELECT * FROM "
         "enforcement_repayments WHERE enforcement_id = r.id ORDER BY id))",
         T}},
       2},
      // A related-party declaration (an organisation's or a provider's: the exclusion of related
      // parties; an expert's: a conflict of interest that bars a panel). Withdrawn, the row is
      // deleted, and its last entry records the absent form.
      {"related_party", "related_parties",
       {{"id", "r.id", I}, {"owner", "r.owner", T}, {"relation", "r.relation", T},
        {"party", "r.party", T}},
       3},
      // A row of the register of other subsidies (the no-stacking rule). Left out: the import it
      // last came from (subsidy_sources), which decides nothing.
      {"subsidy", "subsidies",
       {{"id", "r.id", I}, {"uscc", "r.uscc", T}, {"scheme", "r.scheme", T},
        {"reference", "r.reference", T}, {"amount_fen", "r.amount_fen", I},
        {"year", "r.year", I}},
       3},
      // An account: its name, what it may do and for whom, whether it may sign in, and its
      // password as the SHA-256 of the stored argon2id hash (a swapped hash shows; no form holds
      // what a password guess could be checked against offline). Left out: its sessions, which
      // sign-ins and sign-outs write and which end with any change of its powers.
      {"user", "users",
       {{"id", "r.id", I}, {"username", "r.username", T},
        {"display_name", "r.display_name", T}, {"role", "r.role", T},
        {"org_id", "r.org_id", I}, {"provider_id", "r.provider_id", I},
        {"org_admin", "r.org_admin", I}, {"disabled", "r.disabled", I},
        {"disabled_by_platform", "r.disabled_by_platform", I},
        {"must_change_password", "r.must_change_password", I},
        {"password_hash_sha256", "r.password_hash", D}},
       3},
      // An API key: the account it acts as (with that account's role and provider), whether it
      // is in force, and the digest it is checked against (the table's own: a SHA-256 of the
      // whole key, whose secret is 32 random bytes). Left out: when it was last used (written
      // in the background by WriteApiKeyUse, not by a step).
      {"api_key", "api_keys",
       {{"key_id", "r.key_id", T}, {"user_id", "r.user_id", I},
        {"secret_sha256", "r.secret_sha256", T}, {"name", "r.name", T},
        {"revoked", "r.revoked", I}},
       3, /*text_key=*/true},
  };
  return kinds;
}

const Kind* FindKind(std::string_view kind) {
  for (const Kind& k : Kinds()) {
    if (k.kind == kind) return &k;
  }
  return nullptr;
}

std::string SelectSql(const Kind& k) {
  std::string sql = "SELECT ";
  for (std::size_t i = 0; i < k.columns.size(); ++i) {
    sql += (i ? ", " : "") + std::string(k.columns[i].sql);
  }
  return sql + " FROM " + std::string(k.table) + " r";
}

// The SQL of the kind's key (its first member: "r.id", "r.key_id").
std::string KeySql(const Kind& k) { return std::string(k.columns.front().sql); }

// The form of the row `q` is on: {"name":value,…} in the kind's order, compact.
std::string FormOf(const Kind& k, const storage::Stmt& q) {
  std::string out = "{";
  for (std::size_t i = 0; i < k.columns.size(); ++i) {
    const Column& c = k.columns[i];
    out += (i ? ",\"" : "\"") + std::string(c.name) + "\":";
    const int col = static_cast<int>(i);
    if (q.IsNull(col)) {
      out += "null";
    } else if (c.type == Type::kInt) {
      out += std::to_string(q.Int(col));
    } else if (c.type == Type::kDigest) {
      out += Quoted(audit::JsonSha256(q.Text(col)));
    } else {
      out += Quoted(q.Text(col));
    }
  }
  return out + "}";
}

// The key of the row `q` is on, as its object names it.
std::string KeyOf(const Kind& k, const storage::Stmt& q) {
  return k.text_key ? q.Text(0) : std::to_string(q.Int(0));
}

// A text key: 1 to 64 letters, digits, '-' or '_' (an API key's id is 16 hex digits).
bool ValidTextKey(std::string_view key) {
  if (key.empty() || key.size() > 64) return false;
  return std::all_of(key.begin(), key.end(), [](char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           c == '-' || c == '_';
  });
}

// Binds `key` as parameter 1 in the kind's type; kOutOfRange when it is not one of its keys.
Status BindKey(const Kind& k, std::string_view key, storage::Stmt& q) {
  if (k.text_key) {
    if (ValidTextKey(key)) {
      q.Bind(1, key);
      return OkStatus();
    }
  } else {
    std::int64_t id = 0;
    const auto [end, ec] = std::from_chars(key.data(), key.data() + key.size(), id);
    if (ec == std::errc() && end == key.data() + key.size() && id > 0) {
      q.Bind(1, id);
      return OkStatus();
    }
  }
  return MakeError(ErrorCode::kOutOfRange, "object",
                   "not an audited record: " + std::string(k.kind) + "/" + std::string(key));
}

// "application/42" → (kind, "42").
Result<std::pair<const Kind*, std::string_view>> ParseObject(std::string_view object) {
  const std::size_t slash = object.find('/');
  const Kind* kind = slash == std::string_view::npos ? nullptr : FindKind(object.substr(0, slash));
  if (kind == nullptr) {
    return MakeError(ErrorCode::kOutOfRange, "object",
                     "not an audited record: " + std::string(object));
  }
  return std::make_pair(kind, object.substr(slash + 1));
}

// The form of the row keyed `key` through `q` (the kind's SELECT … WHERE key = ?1), or none.
Result<std::optional<std::string>> ReadForm(const Kind& k, std::string_view key, storage::Stmt& q) {
  q.Reset();
  SUANLI_TRY(BindKey(k, key, q));
  SUANLI_ASSIGN(const bool row, q.Step());
  std::optional<std::string> out;
  if (row) out = FormOf(k, q);
  q.Reset();
  return out;
}

}  // namespace

bool IsAuditedKind(std::string_view kind) { return FindKind(kind) != nullptr; }

Result<std::string> AuditedStateJson(storage::Db& db, std::string_view object) {
  SUANLI_ASSIGN(const auto parsed, ParseObject(object));
  const auto& [kind, key] = parsed;
  SUANLI_ASSIGN(auto q, db.Prepare(SelectSql(*kind) + " WHERE " + KeySql(*kind) + " = ?1"));
  SUANLI_ASSIGN(std::optional<std::string> form, ReadForm(*kind, key, q));
  if (!form) return MakeError(ErrorCode::kNotFound, "object", "no row for " + std::string(object));
  return *std::move(form);
}

Result<AuditedStateReader> AuditedStateReader::Open(storage::Db& db, std::string_view kind) {
  const Kind* k = FindKind(kind);
  if (k == nullptr) {
    return MakeError(ErrorCode::kOutOfRange, "kind", "not an audited kind: " + std::string(kind));
  }
  SUANLI_ASSIGN(auto q, db.Prepare(SelectSql(*k) + " WHERE " + KeySql(*k) + " = ?1"));
  return AuditedStateReader(*k, std::move(q));
}

Result<std::optional<std::string>> AuditedStateReader::Read(std::string_view key) {
  return ReadForm(*kind_, key, stmt_);
}

Result<AuditedStateCheck> CheckAuditedStates(storage::Db& db, std::size_t listed_max) {
  AuditedStateCheck out;
  auto differ = [&](std::string what) {
    ++out.differences_total;
    if (out.differences.size() < listed_max) out.differences.push_back(std::move(what));
  };

  // The last entry of each audited object that records a state (an empty after_json does
  // not: its digest is that of "null").
  struct Last {
    std::int64_t seq = 0;
    std::string action, after_sha256;
    bool absent = false;  // it deleted the row (kAbsentStateForm)
    bool matched = false;
  };
  const std::string no_state = audit::JsonSha256("");
  const std::string absent = audit::JsonSha256(kAbsentStateForm);
  std::unordered_map<std::string, Last> last;
  {
    SUANLI_ASSIGN(auto q, db.Prepare("SELECT seq, action, object, after_sha256 FROM audit_log "
                                     "ORDER BY seq"));
    while (true) {
      SUANLI_ASSIGN(const bool row, q.Step());
      if (!row) break;
      std::string object = q.Text(2);
      const std::size_t slash = object.find('/');
      if (slash == std::string::npos || !IsAuditedKind(std::string_view(object).substr(0, slash))) {
        continue;
      }
      std::string after = q.Text(3);
      if (after == no_state) continue;
      const bool deleted = after == absent;
      last[std::move(object)] = Last{q.Int(0), q.Text(1), std::move(after), deleted};
    }
  }

  for (const Kind& k : Kinds()) {
    SUANLI_ASSIGN(auto q, db.Prepare(SelectSql(k) + " ORDER BY " + KeySql(k)));
    while (true) {
      SUANLI_ASSIGN(const bool row, q.Step());
      if (!row) break;
      ++out.objects;
      const std::string object = std::string(k.kind) + "/" + KeyOf(k, q);
      const auto it = last.find(object);
      if (it == last.end()) {
        differ(object + ": a row the audit log never recorded");
        continue;
      }
      it->second.matched = true;
      if (it->second.absent) {
        differ(object + ": a row the audit log records as deleted (audit entry " +
               std::to_string(it->second.seq) + ", " + it->second.action + ")");
      } else if (audit::JsonSha256(FormOf(k, q)) != it->second.after_sha256) {
        differ(object + ": the row differs from its last recorded state (audit entry " +
               std::to_string(it->second.seq) + ", " + it->second.action + ")");
      }
    }
  }
  // In log order, so a report lists them as they happened.
  std::vector<std::pair<std::int64_t, std::string>> gone;
  for (const auto& [object, entry] : last) {
    if (!entry.matched && !entry.absent) gone.emplace_back(entry.seq, object);
  }
  std::sort(gone.begin(), gone.end());
  for (const auto& [seq, object] : gone) {
    differ(object + ": recorded by audit entry " + std::to_string(seq) + ", but its row is gone");
  }
  return out;
}

Result<std::optional<audit::Anchor>> BaselineAuditedStates(storage::Db& db,
                                                           audit::AuditWriter& writer, Instant now) {
  SUANLI_ASSIGN(auto tx, storage::Transaction::Begin(db));
  SUANLI_ASSIGN(auto version, db.Prepare("SELECT CAST(value AS INTEGER) FROM meta WHERE key = "
                                         "'audited_state_forms'"));
  SUANLI_ASSIGN(const bool has_version, version.Step());
  // 0: written before the forms existed.
  const std::int64_t stored = has_version ? version.Int(0) : 0;
  version.Reset();
  if (stored >= kAuditedStateForms) return std::optional<audit::Anchor>();
  const std::string detail = "{\"forms\":" + std::to_string(kAuditedStateForms) + "}";
  std::optional<audit::Anchor> last;
  for (const Kind& k : Kinds()) {
    // A kind whose form the stored version already had keeps its entries: they are digests of
    // today's form, and an edit made before the upgrade still shows.
    if (k.since <= stored) continue;
    SUANLI_ASSIGN(auto q, db.Prepare(SelectSql(k) + " ORDER BY " + KeySql(k)));
    while (true) {
      SUANLI_ASSIGN(const bool row, q.Step());
      if (!row) break;
      SUANLI_ASSIGN(const audit::AuditEntry e,
                    writer.Append(now, {"system", "state.baseline",
                                        std::string(k.kind) + "/" + KeyOf(k, q), "",
                                        FormOf(k, q), detail}));
      last = audit::Anchor{e.seq, e.hash};
    }
  }
  SUANLI_ASSIGN(auto set, db.Prepare("INSERT OR REPLACE INTO meta (key, value) VALUES "
                                     "('audited_state_forms', ?1)"));
  SUANLI_TRY(set.Bind(1, std::to_string(kAuditedStateForms)).Run());
  SUANLI_TRY(tx.Commit());
  return last;
}

}  // namespace suanli::workflow
