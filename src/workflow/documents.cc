// Uploaded documents and the qualification review (seed 000 §四(一)): files stored once by
// content hash under blobs/, type checked by their first bytes (not by name or header),
// reviewed one by one with reasons; an organisation is qualified when every required document
// is approved, until the end of the year.
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>

#include "security/digest.h"
#include "workflow/platform_state.h"

namespace suanli::workflow {

Result<Org> LoadOrg(storage::Db& db, std::int64_t org_id);  // orgs.cc
Result<std::pair<std::string, std::int64_t>> SplitOwner(std::string_view owner);  // claims.cc

namespace {

namespace fs = std::filesystem;

constexpr const char* kSelectDocument =
    "SELECT id, owner, kind, sha256, media_type, filename, status, reason, size_bytes, "
    "uploaded_at_us FROM documents ";

Document ReadDocumentRow(const storage::Stmt& q) {
  Document d;
  d.id = q.Int(0);
  d.owner = q.Text(1);
  d.kind = q.Text(2);
  d.sha256 = q.Text(3);
  d.media_type = q.Text(4);
  d.filename = q.Text(5);
  d.status = q.Text(6);
  d.reason = q.Text(7);
  d.size_bytes = q.Int(8);
  d.uploaded_at = Instant::FromMicros(q.Int(9));
  return d;
}

// The media type from the content's first bytes; nullopt for anything not accepted.
std::optional<std::string> SniffMediaType(std::string_view bytes) {
  if (bytes.substr(0, 5) == "%PDF-") return "application/pdf";
  if (bytes.substr(0, 8) == std::string_view("\x89PNG\r\n\x1a\n", 8)) return "image/png";
  if (bytes.substr(0, 3) == std::string_view("\xff\xd8\xff", 3)) return "image/jpeg";
  return std::nullopt;
}

bool IsKnownKind(std::string_view kind) {
  auto in = [&](const auto& list) {
    return std::any_of(std::begin(list), std::end(list), [&](const char* k) { return kind == k; });
  };
  return in(kQualificationKinds) || in(kClaimMaterialKinds) || kind == "project_evidence" ||
         kind == "payment_receipt";
}

Status WriteBlob(const fs::path& dir, const std::string& sha, std::string_view bytes) {
  const fs::path target = dir / sha;
  std::error_code ec;
  if (fs::exists(target, ec)) return OkStatus();  // content-addressed: already stored
  const fs::path tmp = dir / (sha + ".tmp");
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    out.flush();
    if (!out) return MakeError(ErrorCode::kIo, "file", "cannot write " + tmp.string());
  }
  FILE* f = std::fopen(tmp.c_str(), "rb");
  if (f != nullptr) {
    (void)fsync(fileno(f));
    std::fclose(f);
  }
  fs::rename(tmp, target, ec);
  if (ec) return MakeError(ErrorCode::kIo, "file", "cannot store " + target.string());
  return OkStatus();
}

// The latest document of each kind for `owner`.
Result<std::map<std::string, Document>> LatestByKind(storage::Db& db, const std::string& owner) {
  SUANLI_ASSIGN(auto q, db.Prepare(std::string(kSelectDocument) + "WHERE owner = ?1 ORDER BY id"));
  q.Bind(1, owner);
  std::map<std::string, Document> latest;
  while (true) {
    SUANLI_ASSIGN(const bool row, q.Step());
    if (!row) break;
    Document d = ReadDocumentRow(q);
    latest[d.kind] = d;
  }
  return latest;
}

// The qualification documents still missing (or, with `approved_only`, not yet approved).
std::vector<std::string> MissingQualification(const std::map<std::string, Document>& latest,
                                              bool approved_only) {
  auto good = [&](const char* kind) {
    auto it = latest.find(kind);
    if (it == latest.end() || it->second.status == "rejected") return false;
    return !approved_only || it->second.status == "approved";
  };
  std::vector<std::string> missing;
  for (const char* k : {"business_licence", "legal_rep_id_scan", "authenticity_pledge",
                        "no_violation_pledge", "credit_report"}) {
    if (!good(k)) missing.emplace_back(k);
  }
  if (!good("audit_report") && !good("financial_statements")) {
    missing.emplace_back("audit_report or financial_statements");
  }
  return missing;
}

std::string Join(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : ", ") + s;
  return out;
}

}  // namespace

Result<Document> LoadDocument(storage::Db& db, std::int64_t id) {
  SUANLI_ASSIGN(auto q, db.Prepare(std::string(kSelectDocument) + "WHERE id = ?1"));
  q.Bind(1, id);
  SUANLI_ASSIGN(const bool row, q.Step());
  if (!row) return NotFound("document", id);
  return ReadDocumentRow(q);
}

Status RequireOrgEvidence(storage::Db& db, std::int64_t org_id, std::int64_t document_id,
                          std::string_view kind, const std::string& field) {
  Result<Document> doc = LoadDocument(db, document_id);
  if (!doc.ok()) {
    if (doc.error().code != ErrorCode::kNotFound) return doc.error();
    return MakeError(ErrorCode::kNotFound, field, "no document " + std::to_string(document_id));
  }
  if (doc->owner != "org/" + std::to_string(org_id)) {
    return MakeError(ErrorCode::kForbidden, field, "not a document of this organisation");
  }
  if (doc->kind != kind) {
    return MakeError(ErrorCode::kOutOfRange, field,
                     "a " + doc->kind + " document, not " + std::string(kind));
  }
  if (doc->status == "rejected") {
    return MakeError(ErrorCode::kNotEligible, field, "the document was rejected: " + doc->reason);
  }
  return OkStatus();
}

Status RequireDocumentOwnerAccess(Platform::State& s, const Principal& actor,
                                  std::string_view owner);  // claims.cc

Result<Document> Platform::UploadDocument(const Principal& actor, std::string owner,
                                          std::string kind, std::string filename,
                                          std::string_view bytes) {
  if (!IsKnownKind(kind)) return MakeError(ErrorCode::kOutOfRange, "kind", "unknown document kind");
  if (filename.empty() || filename.size() > 200) {
    return MakeError(ErrorCode::kOutOfRange, "filename", "1 to 200 bytes");
  }
  if (bytes.empty()) return MakeError(ErrorCode::kMissingField, "file", "the file is empty");
  if (bytes.size() > state_->options.document_bytes_max) {
    return MakeError(ErrorCode::kTooLarge, "file",
                     "at most " + std::to_string(state_->options.document_bytes_max) + " bytes");
  }
  const auto media = SniffMediaType(bytes);
  if (!media) {
    return MakeError(ErrorCode::kUnsupportedType, "file",
                     "only PDF, PNG and JPEG files are accepted (checked by content)");
  }
  {
    std::lock_guard lock(state_->mu);
    SUANLI_TRY(RequireDocumentOwnerAccess(*state_, actor, owner));
  }
  const std::string sha = security::Sha256Hex(bytes);
  SUANLI_TRY(WriteBlob(fs::path(state_->options.data_dir) / "blobs", sha, bytes));
  return state_->RunStep<Document>(actor, [&](StepContext& ctx) -> Result<Document> {
    // A claim's materials are what its panel reviews: fixed once the claim is submitted.
    SUANLI_ASSIGN(const auto parts, SplitOwner(owner));
    if (parts.first == "claim") {
      SUANLI_ASSIGN(auto claim, ctx.db.Prepare("SELECT status FROM claims WHERE id = ?1"));
      SUANLI_ASSIGN(const bool found, claim.Bind(1, parts.second).Step());
      if (found && claim.Text(0) != "draft") {
        return MakeError(ErrorCode::kStateConflict, "owner",
                         "the claim is " + claim.Text(0) +
                             ": its materials are fixed once it is submitted");
      }
    }
    SUANLI_ASSIGN(auto ins, ctx.db.Prepare("INSERT INTO documents (owner, kind, sha256, "
                                           "size_bytes, media_type, filename, uploaded_by, "
                                           "uploaded_at_us) VALUES (?1,?2,?3,?4,?5,?6,?7,?8)"));
    ins.Bind(1, owner).Bind(2, kind).Bind(3, sha).Bind(4, static_cast<std::int64_t>(bytes.size()));
    ins.Bind(5, *media).Bind(6, filename).Bind(7, actor.user_id).Bind(8, ctx.now.micros());
    SUANLI_TRY(ins.Run());
    SUANLI_ASSIGN(const Document d, LoadDocument(ctx.db, ctx.db.LastInsertRowid()));
    SUANLI_TRY(ctx.AuditChange("document.upload", "document/" + std::to_string(d.id), ""));
    return d;
  });
}

Result<std::vector<Document>> Platform::ListDocuments(const Principal& actor,
                                                      std::string_view owner) {
  std::lock_guard lock(state_->mu);
  SUANLI_TRY(RequireDocumentOwnerAccess(*state_, actor, owner));
  SUANLI_ASSIGN(auto q, state_->db->Prepare(std::string(kSelectDocument) +
                                            "WHERE owner = ?1 ORDER BY id"));
  q.Bind(1, owner);
  std::vector<Document> out;
  while (true) {
    SUANLI_ASSIGN(const bool row, q.Step());
    if (!row) break;
    out.push_back(ReadDocumentRow(q));
  }
  return out;
}

Result<std::string> Platform::ReadDocument(const Principal& actor, std::int64_t document_id,
                                           Document* meta) {
  Document d;
  {
    std::lock_guard lock(state_->mu);
    SUANLI_ASSIGN(d, LoadDocument(*state_->db, document_id));
    SUANLI_TRY(RequireDocumentOwnerAccess(*state_, actor, d.owner));
  }
  std::ifstream in(fs::path(state_->options.data_dir) / "blobs" / d.sha256, std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (security::Sha256Hex(bytes) != d.sha256) {
    return MakeError(ErrorCode::kIo, "document", "stored file does not match its hash");
  }
  if (meta) *meta = d;
  return bytes;
}

Result<Document> Platform::ReviewDocument(const Principal& actor, std::int64_t document_id,
                                          bool approve, std::string reason) {
  SUANLI_TRY(RequireRole(actor, {Role::kOfficer}));
  if (!approve && reason.empty()) {
    return MakeError(ErrorCode::kMissingField, "reason", "a rejection needs a reason");
  }
  if (!reason.empty()) SUANLI_TRY(RequireText(reason, "reason"));
  return state_->RunStep<Document>(actor, [&](StepContext& ctx) -> Result<Document> {
    SUANLI_ASSIGN(const Document before, LoadDocument(ctx.db, document_id));
    if (before.status != "pending") {
      return MakeError(ErrorCode::kStateConflict, "document_id",
                       "already " + before.status + "; a new upload starts a new review");
    }
    const std::string object = "document/" + std::to_string(document_id);
    SUANLI_ASSIGN(std::string state_before, ctx.StateOf(object));
    SUANLI_ASSIGN(auto up, ctx.db.Prepare("UPDATE documents SET status = ?2, reason = ?3, "
                                          "reviewed_by = ?4, reviewed_at_us = ?5 WHERE id = ?1"));
    up.Bind(1, document_id).Bind(2, approve ? "approved" : "rejected").Bind(3, reason);
    SUANLI_TRY(up.Bind(4, actor.user_id).Bind(5, ctx.now.micros()).Run());
    SUANLI_ASSIGN(const Document after, LoadDocument(ctx.db, document_id));
    SUANLI_TRY(ctx.AuditChange(approve ? "document.approve" : "document.reject", object,
                               std::move(state_before), "{\"reason\":" + Quoted(reason) + "}"));
    return after;
  });
}

Result<Org> Platform::SubmitQualification(const Principal& actor, std::int64_t org_id) {
  SUANLI_TRY(RequireRole(actor, {Role::kApplicant}));
  SUANLI_TRY(RequireOrgAccess(actor, org_id));
  return state_->RunStep<Org>(actor, [&](StepContext& ctx) -> Result<Org> {
    SUANLI_ASSIGN(const Org before, LoadOrg(ctx.db, org_id));
    if (before.qualification == "submitted" || before.qualification == "approved") {
      return MakeError(ErrorCode::kStateConflict, "org_id",
                       "qualification is already " + before.qualification);
    }
    SUANLI_ASSIGN(const auto latest, LatestByKind(ctx.db, "org/" + std::to_string(org_id)));
    const auto missing = MissingQualification(latest, false);
    if (!missing.empty()) {
      return MakeError(ErrorCode::kMissingField, "documents", "missing: " + Join(missing));
    }
    const std::string object = "org/" + std::to_string(org_id);
    SUANLI_ASSIGN(std::string state_before, ctx.StateOf(object));
    SUANLI_ASSIGN(auto up, ctx.db.Prepare("UPDATE orgs SET qualification = 'submitted' WHERE id = ?1"));
    SUANLI_TRY(up.Bind(1, org_id).Run());
    SUANLI_ASSIGN(const Org after, LoadOrg(ctx.db, org_id));
    SUANLI_TRY(ctx.AuditChange("qualification.submit", object, std::move(state_before)));
    return after;
  });
}

Status AddNotice(StepContext& ctx, const std::string& recipient, const std::string& kind,
                 const std::string& object, const std::string& zh, const std::string& en);

Result<Org> Platform::DecideQualification(const Principal& actor, std::int64_t org_id,
                                          bool approve, std::string reason) {
  SUANLI_TRY(RequireRole(actor, {Role::kOfficer}));
  if (!approve && reason.empty()) {
    return MakeError(ErrorCode::kMissingField, "reason", "a refusal needs a reason");
  }
  if (!reason.empty()) SUANLI_TRY(RequireText(reason, "reason"));
  return state_->RunStep<Org>(actor, [&](StepContext& ctx) -> Result<Org> {
    SUANLI_ASSIGN(const Org before, LoadOrg(ctx.db, org_id));
    if (before.qualification != "submitted") {
      return MakeError(ErrorCode::kStateConflict, "org_id",
                       "qualification is " + before.qualification + ", not submitted");
    }
    SUANLI_ASSIGN(const auto latest, LatestByKind(ctx.db, "org/" + std::to_string(org_id)));
    const auto unapproved = MissingQualification(latest, true);
    if (approve && !unapproved.empty()) {
      return MakeError(ErrorCode::kStateConflict, "documents",
                       "not yet approved: " + Join(unapproved));
    }
    // Qualification lasts for the program year (seed 000: 当年度).
    const std::string until = std::to_string(ctx.now.CstDate().year()) + "-12-31";
    SUANLI_ASSIGN(std::string state_before, ctx.StateOf("org/" + std::to_string(org_id)));
    SUANLI_ASSIGN(auto up, ctx.db.Prepare("UPDATE orgs SET qualification = ?2, qualified_until = "
                                          "?3 WHERE id = ?1"));
    up.Bind(1, org_id).Bind(2, approve ? "approved" : "rejected");
    up.Bind(3, approve ? std::optional<std::string>(until) : std::nullopt);
    SUANLI_TRY(up.Run());
    SUANLI_ASSIGN(const Org after, LoadOrg(ctx.db, org_id));
    SUANLI_TRY(ctx.AuditChange(approve ? "qualification.approve" : "qualification.reject",
                               "org/" + std::to_string(org_id), std::move(state_before),
                               "{\"reason\":" + Quoted(reason) + "}"));
    SUANLI_TRY(AddNotice(ctx, "org/" + std::to_string(org_id), "qualification.decided",
                         "org/" + std::to_string(org_id),
                         approve ? "单位资质审核已通过,有效期至" + until
                                 : "单位资质审核未通过:" + reason,
                         approve ? "Qualification approved, valid until " + until
                                 : "Qualification refused: " + reason));
    return after;
  });
}

}  // namespace suanli::workflow
