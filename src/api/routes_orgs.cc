// Organisations, documents and qualification, related parties, contracts, the subsidy
// register, applications and enforcement.
#include "api/route_kit.h"
#include "api/views.h"

namespace suanli::api {

namespace json = boost::json;
using workflow::Role;

static Result<http::Response> Upload(Call& c, std::string owner) {
  const std::string kind = c.req.QueryParam("kind").value_or("");
  const std::string filename = c.req.QueryParam("filename").value_or("");
  if (kind.empty()) return MakeError(ErrorCode::kMissingField, "kind", "?kind= is required");
  SUANLI_ASSIGN(const auto d, c.platform.UploadDocument(c.who, std::move(owner), kind,
                                                        filename.empty() ? kind : filename,
                                                        c.req.body));
  return Json(View(d), 201);
}


static Result<http::Response> Decision(Call& c, bool* approve, std::string* reason,
                                       std::string_view reason_field) {
  SUANLI_ASSIGN(JsonBody body, JsonBody::Parse(c.req.body));
  SUANLI_ASSIGN(const std::string decision, body.String("decision"));
  SUANLI_ASSIGN(auto r, body.OptString(reason_field));
  SUANLI_TRY(body.Finish());
  if (decision != "approve" && decision != "reject" && decision != "refuse") {
    return MakeError(ErrorCode::kOutOfRange, "decision", "approve, reject or refuse");
  }
  *approve = decision == "approve";
  *reason = r.value_or("");
  return http::Response{};
}

void AddOrgRoutes(RouteKit& kit) {
  using http::Method;
  const Access officer = Access::Roles({Role::kOfficer});
  const Access applicant = Access::Roles({Role::kApplicant});
  // The registers behind the no-stacking and related-party rules: read by the program office,
  // its auditors and the platform's admins.
  const Access readers = Access::Roles({Role::kOfficer, Role::kAdmin, Role::kAuditor});
  kit.Add(Method::kPost, "/api/v1/orgs", Access::Public(),
          "register an organisation and its administrator", "orgs",
          [](Call& c) -> Result<http::Response> {
            SUANLI_ASSIGN(JsonBody b, JsonBody::Parse(c.req.body));
            workflow::NewOrg o;
            SUANLI_ASSIGN(o.uscc, b.String("uscc"));
            SUANLI_ASSIGN(o.name, b.String("name"));
            SUANLI_ASSIGN(o.type, b.String("type"));
            SUANLI_ASSIGN(o.region, b.String("region"));
            SUANLI_ASSIGN(o.industry, b.String("industry"));
            SUANLI_ASSIGN(o.legal_rep_name, b.String("legal_rep_name"));
            SUANLI_ASSIGN(o.legal_rep_id, b.String("legal_rep_id"));
            SUANLI_ASSIGN(o.prior_year_revenue_fen, b.OptMoneyFen("prior_year_revenue"));
            SUANLI_ASSIGN(auto credit, b.OptString("credit_status"));
            o.credit_status = credit.value_or("good");
            SUANLI_ASSIGN(auto black, b.OptBool("blacklisted"));
            o.blacklisted = black.value_or(false);
            SUANLI_ASSIGN(o.admin_username, b.String("admin_username"));
            SUANLI_ASSIGN(o.admin_password, b.String("admin_password"));
            SUANLI_ASSIGN(auto display, b.OptString("admin_display_name"));
            o.admin_display_name = display.value_or("");
            SUANLI_TRY(b.Finish());
            SUANLI_ASSIGN(const auto org, c.platform.RegisterOrg(o));
            return Json(View(org), 201);
          });
  kit.Add(Method::kGet, "/api/v1/orgs",
          Access::Roles({Role::kOfficer, Role::kAdmin, Role::kAuditor, Role::kApplicant}),
          "list organisations", "orgs", [](Call& c) -> Result<http::Response> {
            SUANLI_ASSIGN(const auto page, PageFrom(c.req));
            SUANLI_ASSIGN(const auto orgs,
                          c.platform.ListOrgs(c.who, page, c.req.QueryParam("qualification")));
            return Json(ListView(orgs, page.limit));
          });
  kit.Add(Method::kGet, "/api/v1/orgs/{id}",
          Access::Roles({Role::kOfficer, Role::kAdmin, Role::kAuditor, Role::kApplicant}),
          "read an organisation", "orgs", [](Call& c) -> Result<http::Response> {
            SUANLI_ASSIGN(const std::int64_t id, IdParam(c.req, "id"));
            SUANLI_ASSIGN(const auto org, c.platform.GetOrg(c.who, id));
            return Json(View(org));
          });
  kit.Add(Method::kPost, "/api/v1/orgs/{id}/documents", applicant,
          "upload a qualification document (raw body; ?kind=&filename=)", "qualification",
          [](Call& c) -> Result<http::Response> {
            SUANLI_ASSIGN(const std::int64_t id, IdParam(c.req, "id"));
            return Upload(c, "org/" + std::to_string(id));
          });
  kit.Add(Method::kGet, "/api/v1/orgs/{id}/documents",
          Access::Roles({Role::kOfficer, Role::kAdmin, Role::kAuditor, Role::kApplicant, Role::kExpert}),
          "list an organisation's documents", "qualification",
          [](Call& c) -> Result<http::Response> {
            SUANLI_ASSIGN(const std::int64_t id, IdParam(c.req, "id"));
            SUANLI_ASSIGN(const auto docs, c.platform.ListDocuments(c.who, "org/" + std::to_string(id)));
            return Json(ItemsView(docs));
          });
  kit.Add(Method::kGet, "/api/v1/documents/{id}/content", Access::AnyUser(),
          "download a document", "qualification", [](Call& c) -> Result<http::Response> {
            SUANLI_ASSIGN(const std::int64_t id, IdParam(c.req, "id"));
            workflow::Document meta;
            SUANLI_ASSIGN(std::string bytes, c.platform.ReadDocument(c.who, id, &meta));
            http::Response r;
            r.content_type = meta.media_type;
            r.body = std::move(bytes);
            // The type is what the upload was checked to be (PDF, PNG, JPEG): the browser must not
            // guess another from the bytes. Shown inline (a reviewer reads it in the console),
            // under its id rather than the uploader's file name.
            r.headers.emplace_back("X-Content-Type-Options", "nosniff");
            r.headers.emplace_back("Content-Disposition",
                                   "inline; filename=\"document-" + std::to_string(id) + "\"");
            return r;
          });
  kit.Add(Method::kPost, "/api/v1/documents/{id}/review", officer,
          "approve or reject a document with a reason", "qualification",
          [](Call& c) -> Result<http::Response> {
            SUANLI_ASSIGN(const std::int64_t id, IdParam(c.req, "id"));
            bool approve = false;
            std::string reason;
            SUANLI_TRY(Decision(c, &approve, &reason, "reason"));
            SUANLI_ASSIGN(const auto d, c.platform.ReviewDocument(c.who, id, approve, reason));
            return Json(View(d));
          });
  kit.Add(Method::kPost, "/api/v1/orgs/{id}/qualification/submit", applicant,
          "submit the qualification for review", "qualification",
          [](Call& c) -> Result<http::Response> {
            SUANLI_ASSIGN(const std::int64_t id, IdParam(c.req, "id"));
            SUANLI_ASSIGN(const auto org, c.platform.SubmitQualification(c.who, id));
            return Json(View(org));
          });
  kit.Add(Method::kPost, "/api/v1/orgs/{id}/qualification/decision", officer,
          "approve or refuse a qualification", "qualification",
          [](Call& c) -> Result<http::Response> {
            SUANLI_ASSIGN(const std::int64_t id, IdParam(c.req, "id"));
            bool approve = false;
            std::string reason;
            SUANLI_TRY(Decision(c, &approve, &reason, "reason"));
            SUANLI_ASSIGN(const auto org, c.platform.DecideQualification(c.who, id, approve, reason));
            return Json(View(org));
          });
  kit.Add(Method::kPost, "/api/v1/related-parties",
          Access::Roles({Role::kApplicant, Role::kProvider, Role::kOfficer, Role::kExpert}),
          "declare a related party (or an expert's conflict of interest)", "orgs",
          [](Call& c) -> Result<http::Response> {
            SUANLI_ASSIGN(JsonBody b, JsonBody::Parse(c.req.body));
            SUANLI_ASSIGN(std::string owner, b.String("owner"));
            SUANLI_ASSIGN(std::string relation, b.String("relation"));
            SUANLI_ASSIGN(std::string party, b.String("party"));
            SUANLI_TRY(b.Finish());
            SUANLI_ASSIGN(const auto rp, c.platform.DeclareRelatedParty(c.who, owner, relation, party));
            return Json(View(rp), 201);
          });
  kit.Add(Method::kPost, "/api/v1/related-parties/{id}/withdrawal", officer,
          "withdraw a related-party declaration found wrong (with a reason)", "orgs",
          [](Call& c) -> Result<http::Response> {
            SUANLI_ASSIGN(const std::int64_t id, IdParam(c.req, "id"));
            SUANLI_ASSIGN(JsonBody b, JsonBody::Parse(c.req.body));
            SUANLI_ASSIGN(std::string reason, b.String("reason"));
            SUANLI_TRY(b.Finish());
            SUANLI_TRY(c.platform.WithdrawRelatedParty(c.who, id, reason));
            return Json(json::object{{"withdrawn", id}});
          });
  kit.Add(Method::kGet, "/api/v1/related-parties", Access::AnyUser(),
          "list the related parties declared by an owner (?owner=org/3)", "orgs",
          [](Call& c) -> Result<http::Response> {
            const std::string owner = c.req.QueryParam("owner").value_or("");
            SUANLI_ASSIGN(const auto rows, c.platform.ListRelatedParties(c.who, owner));
            return Json(ItemsView(rows));
          });
  kit.Add(Method::kGet, "/api/v1/related-parties/all", readers,
          "every organisation's and provider's related parties, with the owner's name "
          "(?org_id=&provider_id=&after=&limit=; not both ids)",
          "orgs", [](Call& c) -> Result<http::Response> {
            SUANLI_ASSIGN(const auto page, PageFrom(c.req));
            workflow::RelatedPartyFilter f;
            SUANLI_ASSIGN(f.org_id, OptIdQuery(c.req, "org_id"));
            SUANLI_ASSIGN(f.provider_id, OptIdQuery(c.req, "provider_id"));
            SUANLI_ASSIGN(const auto rows, c.platform.ListAllRelatedParties(c.who, page, f));
            return Json(ListView(rows, page.limit));
          });
  kit.Add(Method::kPost, "/api/v1/contracts", applicant, "file a compute-service contract",
          "contracts", [](Call& c) -> Result<http::Response> {
            SUANLI_ASSIGN(JsonBody b, JsonBody::Parse(c.req.body));
            workflow::NewContract k;
            SUANLI_ASSIGN(k.org_id, b.Int("org_id"));
            SUANLI_ASSIGN(k.provider_id, b.Int("provider_id"));
            SUANLI_ASSIGN(k.contract_no, b.String("contract_no"));
            SUANLI_ASSIGN(k.amount_fen, b.MoneyFen("amount"));
            SUANLI_ASSIGN(k.signed_on, b.DateField("signed_on"));
            SUANLI_ASSIGN(k.start_on, b.DateField("start_on"));
            SUANLI_ASSIGN(k.end_on, b.DateField("end_on"));
            SUANLI_ASSIGN(auto rc, b.OptString("resource_class"));
            k.resource_class = rc.value_or("compute");
            SUANLI_ASSIGN(auto pn, b.OptString("project_name"));
            k.project_name = pn.value_or("");
            SUANLI_ASSIGN(auto pl, b.OptString("project_level"));
            k.project_level = pl.value_or("");
            SUANLI_ASSIGN(k.evidence_document_id, b.OptInt("evidence_document_id"));
            SUANLI_ASSIGN(auto chip, b.OptString("chip_origin"));
            k.chip_origin = chip.value_or("");
            SUANLI_ASSIGN(auto filed, b.OptBool("uses_filed_model"));
            k.uses_filed_model = filed.value_or(false);
            SUANLI_TRY(b.Finish());
            SUANLI_ASSIGN(const auto contract, c.platform.FileContract(c.who, k));
            return Json(View(contract), 201);
          });
  kit.Add(Method::kGet, "/api/v1/contracts",
          Access::Roles({Role::kApplicant, Role::kProvider, Role::kOfficer, Role::kAdmin, Role::kAuditor}),
          "list contracts", "contracts", [](Call& c) -> Result<http::Response> {
            SUANLI_ASSIGN(const auto page, PageFrom(c.req));
            SUANLI_ASSIGN(const auto rows, c.platform.ListContracts(c.who, page));
            return Json(ListView(rows, page.limit));
          });
  kit.Add(Method::kPost, "/api/v1/subsidies/import", officer,
          "import the register of other subsidies (CSV: uscc,scheme,reference,amount,year)",
          "applications", [](Call& c) -> Result<http::Response> {
            SUANLI_ASSIGN(const std::int64_t n, c.platform.ImportSubsidies(c.who, c.req.body));
            return Json(json::object{{"imported", n}});
          });
  kit.Add(Method::kGet, "/api/v1/subsidies", readers,
          "the register of other subsidies, with the matching organisation and the import each "
          "row came from (?uscc=&year=&org_id=&after=&limit=)",
          "applications", [](Call& c) -> Result<http::Response> {
            SUANLI_ASSIGN(const auto page, PageFrom(c.req));
            workflow::SubsidyFilter f;
            f.uscc = c.req.QueryParam("uscc");
            if (auto y = c.req.QueryParam("year")) {
              if (y->size() != 4 || y->find_first_not_of("0123456789") != std::string::npos) {
                return MakeError(ErrorCode::kParse, "year", "a year of four digits, e.g. 2024");
              }
              f.year = std::stoi(*y);
            }
            SUANLI_ASSIGN(f.org_id, OptIdQuery(c.req, "org_id"));
            SUANLI_ASSIGN(const auto rows, c.platform.ListSubsidies(c.who, page, f));
            return Json(ListView(rows, page.limit));
          });
  kit.Add(Method::kPost, "/api/v1/applications", applicant,
          "apply for a voucher with a filed contract", "applications",
          [](Call& c) -> Result<http::Response> {
            SUANLI_ASSIGN(JsonBody b, JsonBody::Parse(c.req.body));
            SUANLI_ASSIGN(const std::string program, b.String("program_id"));
            SUANLI_ASSIGN(const std::int64_t contract, b.Int("contract_id"));
            SUANLI_TRY(b.Finish());
            SUANLI_ASSIGN(const auto a, c.platform.Apply(c.who, program, contract));
            return Json(View(a), 201);
          });
  kit.Add(Method::kGet, "/api/v1/applications",
          Access::Roles({Role::kApplicant, Role::kOfficer, Role::kAdmin, Role::kAuditor}),
          "list applications (?status=)", "applications", [](Call& c) -> Result<http::Response> {
            SUANLI_ASSIGN(const auto page, PageFrom(c.req));
            SUANLI_ASSIGN(const auto rows, c.platform.ListApplications(
                                               c.who, page, c.req.QueryParam("status")));
            return Json(ListView(rows, page.limit));
          });
  kit.Add(Method::kPost, "/api/v1/applications/{id}/decision", officer,
          "approve (issuing the voucher) or refuse an application", "applications",
          [](Call& c) -> Result<http::Response> {
            SUANLI_ASSIGN(const std::int64_t id, IdParam(c.req, "id"));
            bool approve = false;
            std::string reasons;
            SUANLI_TRY(Decision(c, &approve, &reasons, "reasons"));
            SUANLI_ASSIGN(const auto a, c.platform.DecideApplication(c.who, id, approve, reasons));
            return Json(View(a));
          },
          /*money_moving=*/true);
  kit.Add(Method::kPost, "/api/v1/orgs/{id}/enforcement", officer,
          "record a fraud finding: claw back, recover and ban", "enforcement",
          [](Call& c) -> Result<http::Response> {
            SUANLI_ASSIGN(const std::int64_t id, IdParam(c.req, "id"));
            SUANLI_ASSIGN(JsonBody b, JsonBody::Parse(c.req.body));
            SUANLI_ASSIGN(const std::string program, b.String("program_id"));
            SUANLI_ASSIGN(std::string finding, b.String("finding"));
            SUANLI_TRY(b.Finish());
            SUANLI_ASSIGN(const auto e, c.platform.RecordFraud(c.who, id, program, finding));
            return Json(View(e), 201);
          },
          /*money_moving=*/true);
  kit.Add(Method::kGet, "/api/v1/enforcements",
          Access::Roles({Role::kOfficer, Role::kAuditor, Role::kAdmin}),
          "fraud findings, newest first, with what each recovers and what was repaid",
          "enforcement", [](Call& c) -> Result<http::Response> {
            SUANLI_ASSIGN(const auto rows, c.platform.ListEnforcements(c.who));
            return Json(ItemsView(rows));
          });
  kit.Add(Method::kPost, "/api/v1/enforcements/{id}/repayments", officer,
          "record a repayment of what a finding recovers: it returns to the program's pool",
          "enforcement",
          [](Call& c) -> Result<http::Response> {
            SUANLI_ASSIGN(const std::int64_t id, IdParam(c.req, "id"));
            SUANLI_ASSIGN(JsonBody b, JsonBody::Parse(c.req.body));
            SUANLI_ASSIGN(const std::int64_t amount_fen, b.MoneyFen("amount"));
            SUANLI_ASSIGN(std::string reference, b.String("reference"));
            SUANLI_TRY(b.Finish());
            SUANLI_ASSIGN(const auto e,
                          c.platform.RecordRepayment(c.who, id, amount_fen, std::move(reference)));
            return Json(View(e), 201);
          },
          /*money_moving=*/true);
}

}  // namespace suanli::api
