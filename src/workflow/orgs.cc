// Organisations: self-registration with the legal representative's ID sealed at rest and
// shown masked, qualification state, related-party declarations on either side.
#include <algorithm>

#include "core/codes.h"
#include "workflow/platform_state.h"

namespace suanli::workflow {

Result<std::int64_t> InsertUser(Platform::State& s, StepContext& ctx, const NewUser& u,
                                bool org_admin, bool must_change_password);  // users.cc

namespace {

constexpr const char* kSelectOrg =
    "SELECT id, uscc, name, type, region, industry, legal_rep_name, legal_rep_id_masked, "
    "prior_year_revenue_fen, credit_status, blacklisted, qualification, qualified_until, "
    "banned_until_us, created_at_us, (SELECT group_concat(class, ',') FROM (SELECT class FROM "
    "org_classes c WHERE c.org_id = orgs.id ORDER BY class)) FROM orgs ";

Status ValidateNewOrg(const NewOrg& o) {
  SUANLI_TRY(ValidateUscc(o.uscc, "uscc"));
  SUANLI_TRY(RequireText(o.name, "name", 200));
  const bool type_ok = std::any_of(std::begin(kOrgTypes), std::end(kOrgTypes),
                                   [&](const char* t) { return o.type == t; });
  if (!type_ok) {
    return MakeError(ErrorCode::kOutOfRange, "type",
                     "one of enterprise, research_institute, university, hospital, "
                     "public_institution, other");
  }
  SUANLI_TRY(RequireText(o.region, "region", 100));
  SUANLI_TRY(RequireText(o.industry, "industry", 100));
  SUANLI_TRY(RequireText(o.legal_rep_name, "legal_rep_name", 100));
  SUANLI_TRY(ValidateResidentId(o.legal_rep_id, "legal_rep_id"));
  if (o.prior_year_revenue_fen && *o.prior_year_revenue_fen < 0) {
    return MakeError(ErrorCode::kNegativeAmount, "prior_year_revenue", "must not be negative");
  }
  if (o.credit_status != "good" && o.credit_status != "watch" && o.credit_status != "dishonest") {
    return MakeError(ErrorCode::kOutOfRange, "credit_status", "one of good, watch, dishonest");
  }
  return OkStatus();
}

}  // namespace

Org ReadOrg(const storage::Stmt& q) {
  Org o;
  o.id = q.Int(0);
  o.uscc = q.Text(1);
  o.name = q.Text(2);
  o.type = q.Text(3);
  o.region = q.Text(4);
  o.industry = q.Text(5);
  o.legal_rep_name = q.Text(6);
  o.legal_rep_id_masked = q.Text(7);
  o.prior_year_revenue_fen = q.OptInt(8);
  o.credit_status = q.Text(9);
  o.blacklisted = q.Int(10) != 0;
  o.qualification = q.Text(11);
  o.qualified_until = q.OptText(12);
  if (auto b = q.OptInt(13)) o.banned_until = Instant::FromMicros(*b);
  o.created_at = Instant::FromMicros(q.Int(14));
  if (const auto classes = q.OptText(15)) {
    std::size_t from = 0;
    while (from <= classes->size()) {
      const std::size_t comma = std::min(classes->find(',', from), classes->size());
      o.classes.push_back(classes->substr(from, comma - from));
      from = comma + 1;
    }
  }
  return o;
}

Result<Org> LoadOrg(storage::Db& db, std::int64_t org_id) {
  SUANLI_ASSIGN(auto q, db.Prepare(std::string(kSelectOrg) + "WHERE id = ?1"));
  q.Bind(1, org_id);
  SUANLI_ASSIGN(const bool row, q.Step());
  if (!row) return NotFound("org", org_id);
  return ReadOrg(q);
}

Result<Org> Platform::RegisterOrg(const NewOrg& org) {
  SUANLI_TRY(ValidateNewOrg(org));
  const Principal anonymous = [] {
    Principal p;
    p.user_id = -1;  // not the system: the registrant, before its account exists
    p.username = "registrant";
    p.role = Role::kApplicant;
    return p;
  }();
  return state_->RunStep<Org>(anonymous, [&](StepContext& ctx) -> Result<Org> {
    SUANLI_ASSIGN(auto ins, ctx.db.Prepare(
                                "INSERT INTO orgs (uscc, name, type, region, industry, "
                                "legal_rep_name, legal_rep_id_sealed, legal_rep_id_masked, "
                                "prior_year_revenue_fen, credit_status, blacklisted, "
                                "created_at_us) VALUES (?1,?2,?3,?4,?5,?6,'',?7,?8,?9,?10,?11)"));
    ins.Bind(1, org.uscc).Bind(2, org.name).Bind(3, org.type).Bind(4, org.region);
    ins.Bind(5, org.industry).Bind(6, org.legal_rep_name);
    ins.Bind(7, MaskResidentId(org.legal_rep_id)).Bind(8, org.prior_year_revenue_fen);
    ins.Bind(9, org.credit_status).Bind(10, std::int64_t{org.blacklisted ? 1 : 0});
    ins.Bind(11, ctx.now.micros());
    const Status st = ins.Run();
    if (!st.ok()) {
      if (st.error().code == ErrorCode::kContradiction) {
        return MakeError(ErrorCode::kDuplicate, "uscc", "an organisation with this USCC exists");
      }
      return st.error();
    }
    const std::int64_t id = ctx.db.LastInsertRowid();
    // Sealed with the row it belongs to as associated data: it cannot be moved to another row.
    SUANLI_ASSIGN(const std::string sealed,
                  ctx.state.secrets->Seal(org.legal_rep_id,
                                          "org/" + std::to_string(id) + "/legal_rep_id"));
    SUANLI_ASSIGN(auto seal, ctx.db.Prepare("UPDATE orgs SET legal_rep_id_sealed = ?2 WHERE id = ?1"));
    SUANLI_TRY(seal.Bind(1, id).Bind(2, sealed).Run());
    NewUser admin;
    admin.username = org.admin_username;
    admin.password = org.admin_password;
    admin.display_name = org.admin_display_name.empty() ? org.name : org.admin_display_name;
    admin.role = Role::kApplicant;
    admin.org_id = id;
    SUANLI_TRY(InsertUser(ctx.state, ctx, admin, /*org_admin=*/true,
                          /*must_change_password=*/false));
    SUANLI_ASSIGN(const Org created, LoadOrg(ctx.db, id));
    SUANLI_TRY(ctx.AuditChange("org.register", "org/" + std::to_string(id), ""));
    return created;
  });
}

Result<Org> Platform::GetOrg(const Principal& actor, std::int64_t org_id) {
  SUANLI_TRY(RequireOrgAccess(actor, org_id));
  std::lock_guard lock(state_->mu);
  return LoadOrg(*state_->db, org_id);
}

Result<std::vector<Org>> Platform::ListOrgs(const Principal& actor, const Page& page,
                                            std::optional<std::string> qualification) {
  std::lock_guard lock(state_->mu);
  std::string sql = std::string(kSelectOrg) +
                    "WHERE id > ?1 AND (?2 IS NULL OR qualification = ?2) AND (?3 IS NULL OR "
                    "id = ?3) ORDER BY id LIMIT ?4";
  SUANLI_ASSIGN(auto q, state_->db->Prepare(sql));
  q.Bind(1, page.after_id).Bind(2, qualification);
  if (actor.role == Role::kApplicant) q.Bind(3, actor.org_id.value_or(-1));
  if (actor.role == Role::kProvider || actor.role == Role::kExpert) {
    return MakeError(ErrorCode::kForbidden, "", "organisations are not listed for this role");
  }
  q.Bind(4, std::int64_t{page.limit});
  std::vector<Org> out;
  while (true) {
    SUANLI_ASSIGN(const bool row, q.Step());
    if (!row) break;
    out.push_back(ReadOrg(q));
  }
  return out;
}

// owner: "org/<id>" (its applicants) or "provider/<id>" (its operators). A read passes
// `panel_orgs` (ExpertPanelOrgs): an expert then reads the organisations on its panels too.
static Status RequireOwnerAccess(const Principal& actor, std::string_view owner,
                                 const std::vector<std::int64_t>* panel_orgs = nullptr) {
  const auto slash = owner.find('/');
  if (slash == std::string_view::npos) {
    return MakeError(ErrorCode::kParse, "owner", "\"org/<id>\" or \"provider/<id>\"");
  }
  const std::string kind(owner.substr(0, slash));
  std::int64_t id = 0;
  try {
    id = std::stoll(std::string(owner.substr(slash + 1)));
  } catch (...) {
    return MakeError(ErrorCode::kParse, "owner", "\"org/<id>\" or \"provider/<id>\"");
  }
  if (kind == "org") {
    return panel_orgs ? RequireOrgReadAccess(actor, id, *panel_orgs, "owner")
                      : RequireOrgAccess(actor, id);
  }
  if (kind == "user") {
    // An expert's conflicts of interest: the expert's own, and read (or declared, as for an
    // organisation) by the officers who form the panels they bar; admins and auditors read them
    // as every register (Declare's role check keeps them from declaring). Other experts and
    // everyone else are refused.
    if (actor.is_system() || actor.user_id == id) return OkStatus();
    if (actor.role == Role::kOfficer || actor.role == Role::kAdmin ||
        actor.role == Role::kAuditor) {
      return OkStatus();
    }
    return MakeError(ErrorCode::kForbidden, "owner", "an expert's own, or an officer's reading");
  }
  if (kind == "provider") return RequireProviderAccess(actor, id);
  return MakeError(ErrorCode::kParse, "owner", "\"org/<id>\" or \"provider/<id>\"");
}

Result<RelatedParty> Platform::DeclareRelatedParty(const Principal& actor, std::string owner,
                                                   std::string relation, std::string party) {
  SUANLI_TRY(RequireOwnerAccess(actor, owner));
  SUANLI_TRY(RequireRole(actor, {Role::kApplicant, Role::kProvider, Role::kOfficer, Role::kExpert}));
  if (relation != "shareholder" && relation != "legal_representative" && relation != "affiliate" &&
      relation != "conflict_of_interest") {
    return MakeError(ErrorCode::kOutOfRange, "relation",
                     "one of shareholder, legal_representative, affiliate, conflict_of_interest");
  }
  SUANLI_TRY(RequireText(party, "party", 200));
  return state_->RunStep<RelatedParty>(actor, [&](StepContext& ctx) -> Result<RelatedParty> {
    SUANLI_ASSIGN(auto ins, ctx.db.Prepare("INSERT OR IGNORE INTO related_parties (owner, "
                                           "relation, party, declared_at_us) VALUES (?1,?2,?3,?4)"));
    SUANLI_TRY(ins.Bind(1, owner).Bind(2, relation).Bind(3, party).Bind(4, ctx.now.micros()).Run());
    const bool declared_now = ctx.db.Changes() > 0;  // else declared before: nothing changes
    SUANLI_ASSIGN(auto q, ctx.db.Prepare("SELECT id FROM related_parties WHERE owner = ?1 AND "
                                         "relation = ?2 AND party = ?3"));
    q.Bind(1, owner).Bind(2, relation).Bind(3, party);
    SUANLI_ASSIGN(const bool row, q.Step());
    if (!row) return MakeError(ErrorCode::kIo, "", "declaration not stored");
    RelatedParty rp{q.Int(0), owner, relation, party};
    if (declared_now) {
      // A record of its own (audited_state.h): the exclusion of related parties reads it. Until
      // state forms version 3 the entry named the owner, with the declaration in its detail.
      SUANLI_TRY(ctx.AuditChange("related_party.declare",
                                 "related_party/" + std::to_string(rp.id), "",
                                 "{\"owner\":" + Quoted(owner) + "}"));
    }
    return rp;
  });
}

Status Platform::WithdrawRelatedParty(const Principal& actor, std::int64_t id,
                                      std::string reason) {
  SUANLI_TRY(RequireRole(actor, {Role::kOfficer}));
  SUANLI_TRY(RequireText(reason, "reason"));
  return state_->RunStep<Ok>(actor, [&](StepContext& ctx) -> Result<Ok> {
    const std::string object = "related_party/" + std::to_string(id);
    Result<std::string> before = ctx.StateOf(object);
    if (!before.ok()) {
      const ErrorCode code = before.error().code;  // kOutOfRange: an id of 0 or below
      return code == ErrorCode::kNotFound || code == ErrorCode::kOutOfRange
                 ? NotFound("related_party", id)
                 : before.error();
    }
    SUANLI_ASSIGN(auto del, ctx.db.Prepare("DELETE FROM related_parties WHERE id = ?1"));
    SUANLI_TRY(del.Bind(1, id).Run());
    SUANLI_TRY(ctx.AuditRemoval("related_party.withdraw", object, *std::move(before),
                                "{\"reason\":" + Quoted(reason) + "}"));
    return Ok{};
  });
}

Result<std::vector<RelatedParty>> Platform::ListRelatedParties(const Principal& actor,
                                                               std::string_view owner) {
  std::lock_guard lock(state_->mu);
  SUANLI_ASSIGN(const auto panel_orgs, ExpertPanelOrgs(*state_->db, actor));
  SUANLI_TRY(RequireOwnerAccess(actor, owner, &panel_orgs));
  SUANLI_ASSIGN(auto q, state_->db->Prepare("SELECT id, owner, relation, party FROM "
                                            "related_parties WHERE owner = ?1 ORDER BY id"));
  q.Bind(1, owner);
  std::vector<RelatedParty> out;
  while (true) {
    SUANLI_ASSIGN(const bool row, q.Step());
    if (!row) break;
    out.push_back(RelatedParty{q.Int(0), q.Text(1), q.Text(2), q.Text(3)});
  }
  return out;
}

Result<std::vector<DeclaredParty>> Platform::ListAllRelatedParties(
    const Principal& actor, const Page& page, const RelatedPartyFilter& filter) {
  SUANLI_TRY(RequireRole(actor, {Role::kOfficer, Role::kAdmin, Role::kAuditor}));
  if (filter.org_id && filter.provider_id) {
    return MakeError(ErrorCode::kContradiction, "provider_id",
                     "filter by an organisation or by a provider, not both");
  }
  std::optional<std::string> owner;
  if (filter.org_id) owner = "org/" + std::to_string(*filter.org_id);
  if (filter.provider_id) owner = "provider/" + std::to_string(*filter.provider_id);
  std::lock_guard lock(state_->mu);
  // The owner's name by primary key ("org/12" → orgs.id 12); experts' "user/N" are left out.
  SUANLI_ASSIGN(auto q, state_->db->Prepare(
                            "SELECT r.id, r.owner, r.relation, r.party, r.declared_at_us, "
                            "CASE WHEN r.owner LIKE 'org/%' THEN (SELECT name FROM orgs WHERE "
                            "id = CAST(substr(r.owner, 5) AS INTEGER)) ELSE (SELECT name FROM "
                            "providers WHERE id = CAST(substr(r.owner, 10) AS INTEGER)) END "
                            "FROM related_parties r WHERE r.id > ?1 AND (r.owner LIKE 'org/%' OR "
                            "r.owner LIKE 'provider/%') AND (?2 IS NULL OR r.owner = ?2) "
                            "ORDER BY r.id LIMIT ?3"));
  q.Bind(1, page.after_id).Bind(2, owner).Bind(3, std::int64_t{page.limit});
  std::vector<DeclaredParty> out;
  while (true) {
    SUANLI_ASSIGN(const bool row, q.Step());
    if (!row) break;
    DeclaredParty d;
    d.id = q.Int(0);
    d.owner = q.Text(1);
    d.relation = q.Text(2);
    d.party = q.Text(3);
    d.declared_at = Instant::FromMicros(q.Int(4));
    d.owner_name = q.Text(5);
    out.push_back(std::move(d));
  }
  return out;
}

}  // namespace suanli::workflow
