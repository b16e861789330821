// Providers and compute-service contracts (the register of other subsidies is subsidies.cc).
#include <algorithm>

#include "core/codes.h"
#include "core/limits.h"
#include "workflow/platform_state.h"

namespace suanli::workflow {

Result<Org> LoadOrg(storage::Db& db, std::int64_t org_id);  // orgs.cc
Result<Document> LoadDocument(storage::Db& db, std::int64_t id);  // documents.cc

namespace {

constexpr const char* kSelectContract =
    "SELECT id, org_id, provider_id, contract_no, amount_fen, signed_on, start_on, end_on, "
    "resource_class, project_name, project_level, evidence_document_id, created_at_us, "
    "(SELECT COALESCE(SUM(p.amount_fen), 0) FROM contract_payments p WHERE p.contract_id = "
    "contracts.id), chip_origin, uses_filed_model FROM contracts ";

}  // namespace

Result<Provider> LoadProvider(storage::Db& db, std::int64_t id) {
  SUANLI_ASSIGN(auto q, db.Prepare("SELECT id, name, uscc, region FROM providers WHERE id = ?1"));
  q.Bind(1, id);
  SUANLI_ASSIGN(const bool row, q.Step());
  if (!row) return NotFound("provider", id);
  Provider p{q.Int(0), q.Text(1), q.Text(2), q.Text(3), {}};
  SUANLI_ASSIGN(p.tags, ProviderTagsOf(db, p.id));
  return p;
}

Contract ReadContract(const storage::Stmt& q) {
  Contract c;
  c.id = q.Int(0);
  c.org_id = q.Int(1);
  c.provider_id = q.Int(2);
  c.contract_no = q.Text(3);
  c.amount_fen = q.Int(4);
  c.signed_on = Date::Parse(q.Text(5)).value();
  c.start_on = Date::Parse(q.Text(6)).value();
  c.end_on = Date::Parse(q.Text(7)).value();
  c.resource_class = q.Text(8);
  c.project_name = q.Text(9);
  c.project_level = q.Text(10);
  c.evidence_document_id = q.OptInt(11);
  c.created_at = Instant::FromMicros(q.Int(12));
  c.paid_fen = q.Int(13);
  c.chip_origin = q.Text(14);
  c.uses_filed_model = q.Int(15) != 0;
  return c;
}

Result<Contract> LoadContract(storage::Db& db, std::int64_t id) {
  SUANLI_ASSIGN(auto q, db.Prepare(std::string(kSelectContract) + "WHERE id = ?1"));
  q.Bind(1, id);
  SUANLI_ASSIGN(const bool row, q.Step());
  if (!row) return NotFound("contract", id);
  return ReadContract(q);
}

Status RequireNotBanned(const Org& org, Instant now) {
  if (org.banned_until && now < *org.banned_until) {
    return MakeError(ErrorCode::kBanned, "org_id",
                     "the organisation is banned until " + org.banned_until->ToString() +
                         " after a fraud finding");
  }
  return OkStatus();
}

Result<Provider> Platform::CreateProvider(const Principal& actor, const NewProvider& p) {
  SUANLI_TRY(RequireRole(actor, {Role::kAdmin}));
  if (p.name.empty() || p.name.size() > 200) {
    return MakeError(ErrorCode::kOutOfRange, "name", "1 to 200 bytes");
  }
  SUANLI_TRY(ValidateUscc(p.uscc, "uscc"));
  if (p.region.empty()) return MakeError(ErrorCode::kMissingField, "region", "required");
  return state_->RunStep<Provider>(actor, [&](StepContext& ctx) -> Result<Provider> {
    SUANLI_ASSIGN(auto ins, ctx.db.Prepare("INSERT INTO providers (name, uscc, region, "
                                           "created_at_us) VALUES (?1,?2,?3,?4)"));
    const Status st = ins.Bind(1, p.name).Bind(2, p.uscc).Bind(3, p.region).Bind(4, ctx.now.micros()).Run();
    if (!st.ok()) {
      if (st.error().code == ErrorCode::kContradiction) {
        return MakeError(ErrorCode::kDuplicate, "name", "a provider with this name or USCC exists");
      }
      return st.error();
    }
    Provider out{ctx.db.LastInsertRowid(), p.name, p.uscc, p.region, {}};
    SUANLI_TRY(ctx.Audit("provider.create", "provider/" + std::to_string(out.id), "",
                         "{\"name\":" + Quoted(p.name) + ",\"uscc\":" + Quoted(p.uscc) + "}"));
    return out;
  });
}

Result<std::vector<Provider>> Platform::ListProviders() {
  std::lock_guard lock(state_->mu);
  SUANLI_ASSIGN(auto q, state_->db->Prepare("SELECT id, name, uscc, region FROM providers ORDER BY id"));
  std::vector<Provider> out;
  while (true) {
    SUANLI_ASSIGN(const bool row, q.Step());
    if (!row) break;
    out.push_back(Provider{q.Int(0), q.Text(1), q.Text(2), q.Text(3), {}});
  }
  for (Provider& p : out) {
    SUANLI_ASSIGN(p.tags, ProviderTagsOf(*state_->db, p.id));
  }
  return out;
}

// A major project's evidence (which earns the major-project tier, past the revenue rule): a
// project_evidence document the organisation itself uploaded and that was not rejected.
static Status RequireProjectEvidence(storage::Db& db, const NewContract& c) {
  constexpr const char* kField = "evidence_document_id";
  Result<Document> doc = LoadDocument(db, *c.evidence_document_id);
  if (!doc.ok()) {
    if (doc.error().code != ErrorCode::kNotFound) return doc.error();
    return MakeError(ErrorCode::kNotFound, kField,
                     "no document " + std::to_string(*c.evidence_document_id));
  }
  if (doc->owner != "org/" + std::to_string(c.org_id)) {
    return MakeError(ErrorCode::kForbidden, kField, "not a document of this organisation");
  }
  if (doc->kind != "project_evidence") {
    return MakeError(ErrorCode::kOutOfRange, kField,
                     "a " + doc->kind + " document, not project_evidence");
  }
  if (doc->status == "rejected") {
    return MakeError(ErrorCode::kNotEligible, kField,
                     "the evidence was rejected: " + doc->reason);
  }
  return OkStatus();
}

Result<Contract> Platform::FileContract(const Principal& actor, const NewContract& c) {
  SUANLI_TRY(RequireRole(actor, {Role::kApplicant}));
  SUANLI_TRY(RequireOrgAccess(actor, c.org_id));
  if (c.contract_no.empty() || c.contract_no.size() > 64) {
    return MakeError(ErrorCode::kOutOfRange, "contract_no", "1 to 64 bytes");
  }
  if (c.amount_fen <= 0) {
    return MakeError(c.amount_fen < 0 ? ErrorCode::kNegativeAmount : ErrorCode::kOutOfRange,
                     "amount", "the contract fee must be positive");
  }
  if (c.amount_fen > limits::kAmountFenMax) {
    return MakeError(ErrorCode::kOverflow, "amount", "above the largest amount the ledger holds");
  }
  if (c.end_on < c.start_on) {
    return MakeError(ErrorCode::kContradiction, "end_on", "the term ends before it starts");
  }
  const auto& classes = policy::ResourceClasses();
  if (std::find(classes.begin(), classes.end(), c.resource_class) == classes.end()) {
    std::string known;
    for (auto k : classes) known += (known.empty() ? "" : ", ") + std::string(k);
    return MakeError(ErrorCode::kOutOfRange, "resource_class", "one of " + known);
  }
  if (!c.chip_origin.empty()) {
    const auto& origins = policy::ChipOrigins();
    if (std::find(origins.begin(), origins.end(), c.chip_origin) == origins.end()) {
      return MakeError(ErrorCode::kOutOfRange, "chip_origin", "\"\", domestic or imported");
    }
  }
  if (c.project_level != "" && c.project_level != "provincial" && c.project_level != "national") {
    return MakeError(ErrorCode::kOutOfRange, "project_level", "\"\", provincial or national");
  }
  if (!c.project_name.empty()) SUANLI_TRY(RequireText(c.project_name, "project_name", 200));
  if (!c.project_level.empty() && (c.project_name.empty() || !c.evidence_document_id)) {
    return MakeError(ErrorCode::kMissingField,
                     c.project_name.empty() ? "project_name" : "evidence_document_id",
                     "a major project needs its name and an evidence document");
  }
  return state_->RunStep<Contract>(actor, [&](StepContext& ctx) -> Result<Contract> {
    SUANLI_ASSIGN(const Org org, LoadOrg(ctx.db, c.org_id));
    SUANLI_TRY(RequireNotBanned(org, ctx.now));
    SUANLI_TRY(LoadProvider(ctx.db, c.provider_id));
    if (c.evidence_document_id) SUANLI_TRY(RequireProjectEvidence(ctx.db, c));
    SUANLI_ASSIGN(auto ins, ctx.db.Prepare(
                                "INSERT INTO contracts (org_id, provider_id, contract_no, "
                                "amount_fen, signed_on, start_on, end_on, resource_class, "
                                "project_name, project_level, evidence_document_id, "
                                "created_at_us, chip_origin, uses_filed_model) VALUES "
                                "(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14)"));
    ins.Bind(1, c.org_id).Bind(2, c.provider_id).Bind(3, c.contract_no).Bind(4, c.amount_fen);
    ins.Bind(5, c.signed_on.ToString()).Bind(6, c.start_on.ToString()).Bind(7, c.end_on.ToString());
    ins.Bind(8, c.resource_class).Bind(9, c.project_name).Bind(10, c.project_level);
    ins.Bind(11, c.evidence_document_id).Bind(12, ctx.now.micros()).Bind(13, c.chip_origin);
    ins.Bind(14, std::int64_t{c.uses_filed_model});
    const Status st = ins.Run();
    if (!st.ok()) {
      if (st.error().code == ErrorCode::kContradiction) {
        return MakeError(ErrorCode::kDuplicate, "contract_no",
                         "this provider's contract number is already filed");
      }
      return st.error();
    }
    SUANLI_ASSIGN(const Contract out, LoadContract(ctx.db, ctx.db.LastInsertRowid()));
    SUANLI_TRY(ctx.AuditChange("contract.file", "contract/" + std::to_string(out.id), ""));
    return out;
  });
}

Result<std::vector<Contract>> Platform::ListContracts(const Principal& actor, const Page& page) {
  std::lock_guard lock(state_->mu);
  SUANLI_ASSIGN(auto q, state_->db->Prepare(
                            std::string(kSelectContract) +
                            "WHERE id > ?1 AND (?2 IS NULL OR org_id = ?2) AND (?3 IS NULL OR "
                            "provider_id = ?3) ORDER BY id LIMIT ?4"));
  q.Bind(1, page.after_id);
  if (actor.role == Role::kApplicant) q.Bind(2, actor.org_id.value_or(-1));
  if (actor.role == Role::kProvider) q.Bind(3, actor.provider_id.value_or(-1));
  if (actor.role == Role::kExpert) return MakeError(ErrorCode::kForbidden, "", "not for experts");
  q.Bind(4, std::int64_t{page.limit});
  std::vector<Contract> out;
  while (true) {
    SUANLI_ASSIGN(const bool row, q.Step());
    if (!row) break;
    out.push_back(ReadContract(q));
  }
  return out;
}

}  // namespace suanli::workflow
