// Redemption claims (兑付): a provider compiles a claim for a period from its settlements (each
// settlement is claimed at most once, and a claim never exceeds what was deducted), attaches
// the materials of seed 000 §四(四), and submits it; an officer assigns an expert panel (at
// least three, none with a declared conflict); each expert records an opinion; the officer
// decides on the panel's median, which approves, partly approves or refuses.
#include <algorithm>

#include "core/text_key.h"
#include "workflow/platform_state.h"

namespace suanli::workflow {

Result<Provider> LoadProvider(storage::Db& db, std::int64_t id);
Status AddNotice(StepContext& ctx, const std::string& recipient, const std::string& kind,
                 const std::string& object, const std::string& zh, const std::string& en);
std::string Yuan(std::int64_t fen);

// Panel members per claim at least (seed 000 §四(四): 组织专家评审).
inline constexpr std::size_t kPanelExpertsMin = 3;

// "kind/id" of a document's owner (also documents.cc).
Result<std::pair<std::string, std::int64_t>> SplitOwner(std::string_view owner) {
  const auto slash = owner.find('/');
  if (slash == std::string_view::npos) return MakeError(ErrorCode::kParse, "owner", "kind/id");
  try {
    return std::pair<std::string, std::int64_t>(std::string(owner.substr(0, slash)),
                                                std::stoll(std::string(owner.substr(slash + 1))));
  } catch (...) {
    return MakeError(ErrorCode::kParse, "owner", "kind/id");
  }
}

namespace {

constexpr const char* kSelectClaim =
    "SELECT id, provider_id, program_id, period, status, claimed_fen, approved_fen, "
    "decision_reason, payout_batch_id, (SELECT COUNT(*) FROM claim_items WHERE claim_id = "
    "claims.id) FROM claims ";

}  // namespace

Result<Claim> LoadClaim(storage::Db& db, std::int64_t id) {
  SUANLI_ASSIGN(auto q, db.Prepare(std::string(kSelectClaim) + "WHERE id = ?1"));
  q.Bind(1, id);
  SUANLI_ASSIGN(const bool row, q.Step());
  if (!row) return NotFound("claim", id);
  Claim c;
  c.id = q.Int(0);
  c.provider_id = q.Int(1);
  c.program_id = q.Text(2);
  c.period = q.Text(3);
  c.status = q.Text(4);
  c.claimed_fen = q.Int(5);
  c.approved_fen = q.OptInt(6);
  c.decision_reason = q.Text(7);
  c.payout_batch_id = q.OptInt(8);
  c.items = q.Int(9);
  SUANLI_ASSIGN(auto panel, db.Prepare("SELECT expert_id FROM panel_members WHERE claim_id = ?1 "
                                       "ORDER BY expert_id"));
  panel.Bind(1, id);
  SUANLI_ASSIGN(c.panel, panel.IntColumn());
  SUANLI_ASSIGN(auto ops, db.Prepare("SELECT expert_id, decision, approved_fen, comment FROM "
                                     "opinions WHERE claim_id = ?1 ORDER BY expert_id"));
  ops.Bind(1, id);
  while (true) {
    SUANLI_ASSIGN(const bool more, ops.Step());
    if (!more) break;
    c.opinions.push_back(Claim::Opinion{ops.Int(0), ops.Text(1), ops.Text(3), ops.Int(2)});
  }
  return c;
}

static bool OnPanel(const Claim& c, std::int64_t user_id) {
  return std::find(c.panel.begin(), c.panel.end(), user_id) != c.panel.end();
}

// Who may read or attach documents of `owner` ("org/N", "claim/N", "contract/N", "user/N").
Status RequireDocumentOwnerAccess(Platform::State& s, const Principal& actor,
                                  std::string_view owner) {
  SUANLI_ASSIGN(const auto parts, SplitOwner(owner));
  const auto& [kind, id] = parts;
  if (kind == "org") {
    // An expert reviews a claim with the applicants' qualification (seed 000 §四(四)): the
    // documents of an organisation whose settlements are in a claim on the expert's panel,
    // and no other's.
    SUANLI_ASSIGN(const auto panel_orgs, ExpertPanelOrgs(*s.db, actor));
    return RequireOrgReadAccess(actor, id, panel_orgs, "owner");
  }
  if (kind == "claim") {
    SUANLI_ASSIGN(const Claim c, LoadClaim(*s.db, id));
    if (actor.role == Role::kExpert) {
      if (OnPanel(c, actor.user_id)) return OkStatus();
      return MakeError(ErrorCode::kForbidden, "claim_id", "not on this claim's panel");
    }
    return RequireProviderAccess(actor, c.provider_id);
  }
  if (kind == "contract") {
    SUANLI_ASSIGN(auto q, s.db->Prepare("SELECT org_id FROM contracts WHERE id = ?1"));
    q.Bind(1, id);
    SUANLI_ASSIGN(const bool row, q.Step());
    if (!row) return NotFound("contract", id);
    return RequireOrgAccess(actor, q.Int(0));
  }
  return MakeError(ErrorCode::kParse, "owner", "org/<id>, claim/<id> or contract/<id>");
}

namespace {
constexpr std::int64_t kClaimGraceSeconds = 10 * 60;
}  // namespace

Result<Claim> Platform::CompileClaim(const Principal& actor, std::string_view program_id,
                                     std::string_view period) {
  SUANLI_TRY(RequireRole(actor, {Role::kProvider}));
  if (FindProgram(program_id) == nullptr) {
    return MakeError(ErrorCode::kNotFound, "program_id", "no program " + std::string(program_id));
  }
  SUANLI_ASSIGN(const Quarter q, Quarter::Parse(period, "period"));
  const std::int64_t provider_id = actor.provider_id.value_or(0);
  SUANLI_TRY(state_->journal->Flush());
  return state_->RunStep<Claim>(actor, [&](StepContext& ctx) -> Result<Claim> {
    if (ctx.now < Instant::EndOfDay(q.LastDay())) {
      return MakeError(ErrorCode::kStateConflict, "period",
                       q.ToString() + " has not ended; claims are compiled after the quarter");
    }
    // A settlement the ledger took in the quarter's last moments reaches the journal with its
    // answer, a few milliseconds later: compiled in between, the claim would miss it, and the
    // next quarter's claim would not collect it (it is not that quarter's). After the grace
    // every answer for the quarter has long been journaled.
    if (ctx.now < Instant::EndOfDay(q.LastDay()).AddSeconds(kClaimGraceSeconds)) {
      return MakeError(ErrorCode::kStateConflict, "period",
                       q.ToString() + " ended less than " + std::to_string(kClaimGraceSeconds / 60) +
                           " minutes ago; settlements of its last moments are still being "
                           "recorded: compile the claim a little later");
    }
    SUANLI_ASSIGN(auto ins, ctx.db.Prepare("INSERT INTO claims (provider_id, program_id, period, "
                                           "status, claimed_fen, created_at_us) VALUES "
                                           "(?1,?2,?3,'draft',0,?4)"));
    ins.Bind(1, provider_id).Bind(2, program_id).Bind(3, q.ToString()).Bind(4, ctx.now.micros());
    if (Status st = ins.Run(); !st.ok()) {
      if (st.error().code == ErrorCode::kContradiction) {
        return MakeError(ErrorCode::kDuplicate, "period", "a claim for this period exists");
      }
      return st.error();
    }
    const std::int64_t claim_id = ctx.db.LastInsertRowid();
    // Every settlement of the quarter not reversed and not claimed before.
    SUANLI_ASSIGN(auto items, ctx.db.Prepare(
                                  "INSERT INTO claim_items (claim_id, transfer_id, amount_fen) "
                                  "SELECT ?1, s.transfer_id, s.deduction_fen FROM settlements s "
                                  "WHERE s.provider_id = ?2 AND s.program_id = ?3 AND s.at_us >= "
                                  "?4 AND s.at_us < ?5 AND s.reversed_by IS NULL AND NOT EXISTS "
                                  "(SELECT 1 FROM claim_items i WHERE i.transfer_id = "
                                  "s.transfer_id)"));
    items.Bind(1, claim_id).Bind(2, provider_id).Bind(3, program_id);
    items.Bind(4, Instant::StartOfDay(q.FirstDay()).micros());
    SUANLI_TRY(items.Bind(5, Instant::EndOfDay(q.LastDay()).micros()).Run());
    SUANLI_ASSIGN(auto total, ctx.db.Prepare("UPDATE claims SET claimed_fen = (SELECT "
                                             "COALESCE(SUM(amount_fen), 0) FROM claim_items "
                                             "WHERE claim_id = ?1) WHERE id = ?1"));
    SUANLI_TRY(total.Bind(1, claim_id).Run());
    SUANLI_ASSIGN(const Claim c, LoadClaim(ctx.db, claim_id));
    if (c.items == 0) {
      return MakeError(ErrorCode::kStateConflict, "period",
                       "no unclaimed settlements in " + q.ToString());
    }
    SUANLI_TRY(ctx.AuditChange("claim.compile", "claim/" + std::to_string(claim_id), ""));
    return c;
  });
}

Result<Claim> Platform::GetClaim(const Principal& actor, std::int64_t claim_id) {
  std::lock_guard lock(state_->mu);
  SUANLI_TRY(RequireDocumentOwnerAccess(*state_, actor, "claim/" + std::to_string(claim_id)));
  return LoadClaim(*state_->db, claim_id);
}

Result<std::vector<Claim>> Platform::ListClaims(const Principal& actor, const Page& page) {
  if (actor.role == Role::kApplicant) return MakeError(ErrorCode::kForbidden, "", "not for applicants");
  std::vector<std::int64_t> ids;
  {
    std::lock_guard lock(state_->mu);
    SUANLI_ASSIGN(auto q, state_->db->Prepare(
                              "SELECT id FROM claims WHERE id > ?1 AND (?2 IS NULL OR "
                              "provider_id = ?2) AND (?3 IS NULL OR id IN (SELECT claim_id FROM "
                              "panel_members WHERE expert_id = ?3)) ORDER BY id LIMIT ?4"));
    q.Bind(1, page.after_id);
    if (actor.role == Role::kProvider) q.Bind(2, actor.provider_id.value_or(-1));
    if (actor.role == Role::kExpert) q.Bind(3, actor.user_id);
    q.Bind(4, std::int64_t{page.limit});
    SUANLI_ASSIGN(ids, q.IntColumn());
  }
  std::vector<Claim> out;
  for (std::int64_t id : ids) {
    SUANLI_ASSIGN(Claim c, GetClaim(actor, id));
    out.push_back(std::move(c));
  }
  return out;
}

Result<std::vector<ClaimSummaryRow>> Platform::ClaimSummary(const Principal& actor,
                                                            std::int64_t claim_id) {
  std::lock_guard lock(state_->mu);
  SUANLI_TRY(RequireDocumentOwnerAccess(*state_, actor, "claim/" + std::to_string(claim_id)));
  SUANLI_ASSIGN(auto q, state_->db->Prepare(
                            "SELECT s.transfer_id, o.name, o.uscc, c.contract_no, s.bill_no, "
                            "s.at_us, s.bill_fen, s.deduction_fen FROM claim_items i JOIN "
                            "settlements s ON s.transfer_id = i.transfer_id JOIN vouchers v ON "
                            "v.id = s.voucher_id JOIN orgs o ON o.id = v.org_id JOIN applications "
                            "a ON a.id = v.application_id JOIN contracts c ON c.id = a.contract_id "
                            "WHERE i.claim_id = ?1 ORDER BY s.transfer_id"));
  q.Bind(1, claim_id);
  std::vector<ClaimSummaryRow> out;
  while (true) {
    SUANLI_ASSIGN(const bool row, q.Step());
    if (!row) break;
    out.push_back(ClaimSummaryRow{q.Int(0), q.Text(1), q.Text(2), q.Text(3), q.Text(4),
                                  Instant::FromMicros(q.Int(5)), q.Int(6), q.Int(7)});
  }
  return out;
}

Result<Claim> Platform::SubmitClaim(const Principal& actor, std::int64_t claim_id) {
  SUANLI_TRY(RequireRole(actor, {Role::kProvider}));
  return state_->RunStep<Claim>(actor, [&](StepContext& ctx) -> Result<Claim> {
    SUANLI_ASSIGN(const Claim before, LoadClaim(ctx.db, claim_id));
    SUANLI_TRY(RequireProviderAccess(actor, before.provider_id));
    if (before.status != "draft") {
      return MakeError(ErrorCode::kStateConflict, "claim_id", "the claim is " + before.status);
    }
    std::string missing;
    for (const char* kind : kClaimMaterialKinds) {
      // A material an officer rejected does not count: a new upload of the kind replaces it.
      SUANLI_ASSIGN(auto q, ctx.db.Prepare("SELECT 1 FROM documents WHERE owner = ?1 AND kind = "
                                           "?2 AND status != 'rejected'"));
      q.Bind(1, "claim/" + std::to_string(claim_id)).Bind(2, kind);
      SUANLI_ASSIGN(const bool has, q.Step());
      if (!has) missing += (missing.empty() ? "" : ", ") + std::string(kind);
    }
    if (!missing.empty()) {
      return MakeError(ErrorCode::kMissingField, "materials",
                       "missing (or rejected): " + missing);
    }
    // The related-party check again at redemption (seed 000 §五(一)): a relation declared
    // since the application, on either side, stops the claim.
    SUANLI_ASSIGN(auto related, ctx.db.Prepare(
                                    "SELECT DISTINCT o.name FROM claim_items i JOIN settlements "
                                    "s ON s.transfer_id = i.transfer_id JOIN vouchers v ON v.id = "
                                    "s.voucher_id JOIN orgs o ON o.id = v.org_id JOIN providers p "
                                    "ON p.id = s.provider_id JOIN related_parties r ON (r.owner = "
                                    "'org/' || o.id AND r.party IN (p.name, p.uscc)) OR (r.owner "
                                    "= 'provider/' || p.id AND r.party IN (o.name, o.uscc)) WHERE "
                                    "i.claim_id = ?1"));
    related.Bind(1, claim_id);
    SUANLI_ASSIGN(const bool has_related, related.Step());
    if (has_related) {
      return MakeError(ErrorCode::kNotEligible, "claim_id",
                       related.Text(0) + " and the provider are related parties (seed 000 §五(一))");
    }
    const std::string object = "claim/" + std::to_string(claim_id);
    SUANLI_ASSIGN(std::string state_before, ctx.StateOf(object));
    SUANLI_ASSIGN(auto up, ctx.db.Prepare("UPDATE claims SET status = 'submitted', "
                                          "submitted_at_us = ?2 WHERE id = ?1"));
    SUANLI_TRY(up.Bind(1, claim_id).Bind(2, ctx.now.micros()).Run());
    SUANLI_ASSIGN(const Claim after, LoadClaim(ctx.db, claim_id));
    SUANLI_TRY(ctx.AuditChange("claim.submit", object, std::move(state_before)));
    return after;
  });
}

// The names and USCCs on the claim's two sides: the provider and every organisation whose
// settlements it holds. An expert who declared any of them as a related party is conflicted.
static Result<std::vector<std::string>> ClaimParties(storage::Db& db, const Claim& c) {
  std::vector<std::string> parties;
  SUANLI_ASSIGN(const Provider p, LoadProvider(db, c.provider_id));
  parties.push_back(p.name);
  parties.push_back(p.uscc);
  SUANLI_ASSIGN(auto q, db.Prepare("SELECT DISTINCT o.name, o.uscc FROM claim_items i JOIN "
                                   "settlements s ON s.transfer_id = i.transfer_id JOIN vouchers "
                                   "v ON v.id = s.voucher_id JOIN orgs o ON o.id = v.org_id "
                                   "WHERE i.claim_id = ?1"));
  q.Bind(1, c.id);
  while (true) {
    SUANLI_ASSIGN(const bool row, q.Step());
    if (!row) break;
    parties.push_back(q.Text(0));
    parties.push_back(q.Text(1));
  }
  return parties;
}

// A declared party as compared (ComparisonKey): a USCC typed "91510100mA…", in full-width
// digits or with a stray space is still the same code, a name with a space more the same name.
static std::string PartyKey(std::string_view party) { return ComparisonKey(party); }

// The party of the claim (ClaimParties) that `expert` declared a relation with, if any: a
// conflict of interest, checked when the panel is seated, when the expert gives an opinion and
// when the panel decides (a relation may be declared at any time).
static Result<std::optional<std::string>> ExpertConflict(storage::Db& db,
                                                         const std::vector<std::string>& parties,
                                                         std::int64_t expert) {
  SUANLI_ASSIGN(auto conflict, db.Prepare("SELECT party FROM related_parties WHERE owner = ?1"));
  conflict.Bind(1, "user/" + std::to_string(expert));
  while (true) {
    SUANLI_ASSIGN(const bool row, conflict.Step());
    if (!row) break;
    const std::string declared = PartyKey(conflict.Text(0));
    for (const std::string& p : parties) {
      if (PartyKey(p) == declared) return std::optional<std::string>(conflict.Text(0));
    }
  }
  return std::optional<std::string>();
}

Result<Claim> Platform::AssignPanel(const Principal& actor, std::int64_t claim_id,
                                    std::vector<std::int64_t> expert_ids) {
  SUANLI_TRY(RequireRole(actor, {Role::kOfficer}));
  std::sort(expert_ids.begin(), expert_ids.end());
  expert_ids.erase(std::unique(expert_ids.begin(), expert_ids.end()), expert_ids.end());
  if (expert_ids.size() < kPanelExpertsMin) {
    return MakeError(ErrorCode::kOutOfRange, "expert_ids", "a panel has at least 3 experts");
  }
  return state_->RunStep<Claim>(actor, [&](StepContext& ctx) -> Result<Claim> {
    SUANLI_ASSIGN(const Claim before, LoadClaim(ctx.db, claim_id));
    // A claim under review may have its panel replaced (a member found conflicted, say): the
    // members left off go, with their opinions; those kept keep theirs.
    if (before.status != "submitted" && before.status != "under_review") {
      return MakeError(ErrorCode::kStateConflict, "claim_id", "the claim is " + before.status);
    }
    const std::string object = "claim/" + std::to_string(claim_id);
    SUANLI_ASSIGN(std::string state_before, ctx.StateOf(object));  // with its panel and opinions
    for (std::int64_t member : before.panel) {
      if (std::find(expert_ids.begin(), expert_ids.end(), member) != expert_ids.end()) continue;
      for (const char* sql : {"DELETE FROM opinions WHERE claim_id = ?1 AND expert_id = ?2",
                              "DELETE FROM panel_members WHERE claim_id = ?1 AND expert_id = ?2"}) {
        SUANLI_ASSIGN(auto del, ctx.db.Prepare(sql));
        SUANLI_TRY(del.Bind(1, claim_id).Bind(2, member).Run());
      }
    }
    SUANLI_ASSIGN(const auto parties, ClaimParties(ctx.db, before));
    for (std::int64_t expert : expert_ids) {
      SUANLI_ASSIGN(auto role, ctx.db.Prepare("SELECT role FROM users WHERE id = ?1 AND disabled = 0"));
      role.Bind(1, expert);
      SUANLI_ASSIGN(const bool found, role.Step());
      if (!found || role.Text(0) != "expert") {
        return MakeError(ErrorCode::kOutOfRange, "expert_ids",
                         "user " + std::to_string(expert) + " is not an expert");
      }
      SUANLI_ASSIGN(const auto conflict, ExpertConflict(ctx.db, parties, expert));
      if (conflict) {
        return MakeError(ErrorCode::kStateConflict, "expert_ids",
                         "expert " + std::to_string(expert) + " declared a conflict with " +
                             *conflict);
      }
      if (OnPanel(before, expert)) continue;  // kept: already notified
      SUANLI_ASSIGN(auto ins, ctx.db.Prepare("INSERT INTO panel_members (claim_id, expert_id) VALUES (?1, ?2)"));
      SUANLI_TRY(ins.Bind(1, claim_id).Bind(2, expert).Run());
      SUANLI_TRY(AddNotice(ctx, "user/" + std::to_string(expert), "panel.assigned",
                           "claim/" + std::to_string(claim_id),
                           "您被指派评审兑付申请 #" + std::to_string(claim_id),
                           "You are on the review panel of claim #" + std::to_string(claim_id)));
    }
    SUANLI_ASSIGN(auto up, ctx.db.Prepare("UPDATE claims SET status = 'under_review' WHERE id = ?1"));
    SUANLI_TRY(up.Bind(1, claim_id).Run());
    SUANLI_ASSIGN(const Claim after, LoadClaim(ctx.db, claim_id));
    std::string ids;
    for (auto e : expert_ids) ids += (ids.empty() ? "" : ",") + std::to_string(e);
    SUANLI_TRY(ctx.AuditChange("claim.panel", object, std::move(state_before),
                               "{\"experts\":[" + ids + "]}"));
    return after;
  });
}

Result<Claim> Platform::RecordOpinion(const Principal& actor, std::int64_t claim_id,
                                      std::string decision, std::int64_t approved_fen,
                                      std::string comment) {
  SUANLI_TRY(RequireRole(actor, {Role::kExpert}));
  if (decision != "approve" && decision != "partly_approve" && decision != "refuse") {
    return MakeError(ErrorCode::kOutOfRange, "decision", "approve, partly_approve or refuse");
  }
  if (approved_fen < 0) return MakeError(ErrorCode::kNegativeAmount, "approved_amount", "negative");
  SUANLI_TRY(RequireText(comment, "comment"));
  return state_->RunStep<Claim>(actor, [&](StepContext& ctx) -> Result<Claim> {
    SUANLI_ASSIGN(const Claim before, LoadClaim(ctx.db, claim_id));
    if (!OnPanel(before, actor.user_id)) {
      return MakeError(ErrorCode::kForbidden, "claim_id", "not on this claim's panel");
    }
    if (before.status != "under_review") {
      return MakeError(ErrorCode::kStateConflict, "claim_id", "the claim is " + before.status);
    }
    SUANLI_ASSIGN(const auto parties, ClaimParties(ctx.db, before));
    SUANLI_ASSIGN(const auto conflict, ExpertConflict(ctx.db, parties, actor.user_id));
    if (conflict) {
      return MakeError(ErrorCode::kStateConflict, "claim_id",
                       "you declared a relation with " + *conflict +
                           ", a party to this claim: the officer must replace you on the panel");
    }
    // A claim never exceeds the recorded deductions, whatever an opinion says.
    if (approved_fen > before.claimed_fen) {
      return MakeError(ErrorCode::kExceedsLimit, "approved_amount",
                       "above the claimed " + Yuan(before.claimed_fen));
    }
    const std::int64_t amount = decision == "approve" ? before.claimed_fen
                                : decision == "refuse" ? 0 : approved_fen;
    if (decision == "partly_approve" && (amount == 0 || amount == before.claimed_fen)) {
      return MakeError(ErrorCode::kContradiction, "approved_amount",
                       "a partial approval lies strictly between 0 and the claimed amount");
    }
    const std::string object = "claim/" + std::to_string(claim_id);
    SUANLI_ASSIGN(std::string state_before, ctx.StateOf(object));
    SUANLI_ASSIGN(auto ins, ctx.db.Prepare("INSERT OR REPLACE INTO opinions (claim_id, expert_id, "
                                           "decision, approved_fen, comment, at_us) VALUES "
                                           "(?1,?2,?3,?4,?5,?6)"));
    ins.Bind(1, claim_id).Bind(2, actor.user_id).Bind(3, decision).Bind(4, amount);
    SUANLI_TRY(ins.Bind(5, comment).Bind(6, ctx.now.micros()).Run());
    SUANLI_TRY(ctx.AuditChange("claim.opinion", object, std::move(state_before),
                               "{\"decision\":" + Quoted(decision) + ",\"approved_fen\":" +
                                   std::to_string(amount) + "}"));
    return LoadClaim(ctx.db, claim_id);
  });
}

Result<Claim> Platform::DecideClaim(const Principal& actor, std::int64_t claim_id,
                                    std::string reason) {
  SUANLI_TRY(RequireRole(actor, {Role::kOfficer}));
  if (!reason.empty()) SUANLI_TRY(RequireText(reason, "reason"));
  return state_->RunStep<Claim>(actor, [&](StepContext& ctx) -> Result<Claim> {
    SUANLI_ASSIGN(const Claim before, LoadClaim(ctx.db, claim_id));
    if (before.status != "under_review") {
      return MakeError(ErrorCode::kStateConflict, "claim_id", "the claim is " + before.status);
    }
    SUANLI_ASSIGN(const auto parties, ClaimParties(ctx.db, before));
    for (std::int64_t member : before.panel) {
      SUANLI_ASSIGN(const auto conflict, ExpertConflict(ctx.db, parties, member));
      if (conflict) {
        return MakeError(ErrorCode::kStateConflict, "panel",
                         "expert " + std::to_string(member) + " declared a relation with " +
                             *conflict + " since the panel was seated: replace them first");
      }
    }
    if (before.opinions.size() < before.panel.size()) {
      return MakeError(ErrorCode::kStateConflict, "opinions",
                       std::to_string(before.panel.size() - before.opinions.size()) +
                           " panel member(s) have not recorded an opinion");
    }
    // The panel's decision: the median approved amount (the lower middle for an even panel),
    // so neither the most generous nor the strictest expert decides alone.
    std::vector<std::int64_t> amounts;
    for (const auto& o : before.opinions) amounts.push_back(o.approved_fen);
    std::sort(amounts.begin(), amounts.end());
    const std::int64_t approved = amounts[(amounts.size() - 1) / 2];
    const std::string status = approved == before.claimed_fen ? "approved"
                               : approved == 0               ? "refused"
                                                             : "partly_approved";
    const std::string object = "claim/" + std::to_string(claim_id);
    SUANLI_ASSIGN(std::string state_before, ctx.StateOf(object));
    SUANLI_ASSIGN(auto up, ctx.db.Prepare("UPDATE claims SET status = ?2, approved_fen = ?3, "
                                          "decision_reason = ?4, decided_at_us = ?5 WHERE id = ?1"));
    up.Bind(1, claim_id).Bind(2, status).Bind(3, approved).Bind(4, reason);
    SUANLI_TRY(up.Bind(5, ctx.now.micros()).Run());
    SUANLI_ASSIGN(const Claim after, LoadClaim(ctx.db, claim_id));
    SUANLI_TRY(ctx.AuditChange("claim.decide", object, std::move(state_before),
                               "{\"reason\":" + Quoted(reason) + "}"));
    SUANLI_TRY(AddNotice(ctx, "provider/" + std::to_string(before.provider_id), "claim.decided",
                         "claim/" + std::to_string(claim_id),
                         "兑付申请 #" + std::to_string(claim_id) + " 评审结果:核定 " + Yuan(approved),
                         "Claim #" + std::to_string(claim_id) + " decided: " + Yuan(approved) +
                             " approved"));
    return after;
  });
}

}  // namespace suanli::workflow
