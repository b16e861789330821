// Redemption claims, their expert review, and the quarterly payout batch with its export.
#include "api/route_kit.h"
#include "api/views.h"
#include "api/xlsx_export.h"

namespace suanli::api {

namespace json = boost::json;
using workflow::Role;

static std::string PayoutCsv(const workflow::PayoutBatch& b) {
  // 兑付汇总表 for the finance bureau: one line per claim, amounts in yuan.
  std::string out = "batch,quarter,program,claim,provider,provider_uscc,period,amount\r\n";
  for (const auto& l : b.lines) {
    out += std::to_string(b.id) + "," + CsvField(b.quarter) + "," + CsvField(b.program_id) + "," +
           std::to_string(l.claim_id) + "," + CsvField(l.provider_name) + "," +
           CsvField(l.provider_uscc) + "," + CsvField(l.period) + "," +
           MoneyString(l.amount_fen) + "\r\n";
  }
  out += ",,,,,,total," + MoneyString(b.total_fen) + "\r\n";
  return out;
}

void AddClaimRoutes(RouteKit& kit) {
  using http::Method;
  const Access provider = Access::Roles({Role::kProvider});
  const Access officer = Access::Roles({Role::kOfficer});
  const Access readers = Access::Roles({Role::kProvider, Role::kOfficer, Role::kExpert,
                                        Role::kAdmin, Role::kAuditor});
  kit.Add(Method::kPost, "/api/v1/claims", provider,
          "compile a claim for a period from your settlements", "claims",
          [](Call& c) -> Result<http::Response> {
            SUANLI_ASSIGN(JsonBody b, JsonBody::Parse(c.req.body));
            SUANLI_ASSIGN(const std::string program, b.String("program_id"));
            SUANLI_ASSIGN(const std::string period, b.String("period"));
            SUANLI_TRY(b.Finish());
            SUANLI_ASSIGN(const auto claim, c.platform.CompileClaim(c.who, program, period));
            return Json(View(claim), 201);
          });
  kit.Add(Method::kGet, "/api/v1/claims", readers, "list claims", "claims",
          [](Call& c) -> Result<http::Response> {
            SUANLI_ASSIGN(const auto page, PageFrom(c.req));
            SUANLI_ASSIGN(const auto rows, c.platform.ListClaims(c.who, page));
            return Json(ListView(rows, page.limit));
          });
  kit.Add(Method::kGet, "/api/v1/claims/{id}", readers, "read a claim", "claims",
          [](Call& c) -> Result<http::Response> {
            SUANLI_ASSIGN(const std::int64_t id, IdParam(c.req, "id"));
            SUANLI_ASSIGN(const auto claim, c.platform.GetClaim(c.who, id));
            return Json(View(claim));
          });
  kit.Add(Method::kGet, "/api/v1/claims/{id}/summary.xlsx", readers,
          "the claim's redemption summary table (兑现汇总表, XLSX)", "claims",
          [](Call& c) -> Result<http::Response> {
            SUANLI_ASSIGN(const std::int64_t id, IdParam(c.req, "id"));
            SUANLI_ASSIGN(const auto claim, c.platform.GetClaim(c.who, id));
            SUANLI_ASSIGN(const auto rows, c.platform.ClaimSummary(c.who, id));
            std::string provider_name;
            SUANLI_ASSIGN(const auto providers, c.platform.ListProviders());
            for (const auto& p : providers) {
              if (p.id == claim.provider_id) provider_name = p.name;
            }
            SUANLI_ASSIGN(std::string bytes, ClaimSummaryXlsx(claim, rows, provider_name));
            http::Response r;
            r.content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
            r.body = std::move(bytes);
            r.headers.emplace_back("Content-Disposition",
                                   "attachment; filename=\"claim-" + std::to_string(id) + "-summary.xlsx\"");
            return r;
          });
  kit.Add(Method::kPost, "/api/v1/claims/{id}/materials", provider,
          "attach a claim material (raw body; ?kind=&filename=)", "claims",
          [](Call& c) -> Result<http::Response> {
            SUANLI_ASSIGN(const std::int64_t id, IdParam(c.req, "id"));
            const std::string kind = c.req.QueryParam("kind").value_or("");
            const std::string filename = c.req.QueryParam("filename").value_or(kind);
            SUANLI_ASSIGN(const auto d, c.platform.UploadDocument(
                                            c.who, "claim/" + std::to_string(id), kind,
                                            filename.empty() ? "material" : filename, c.req.body));
            return Json(View(d), 201);
          });
  kit.Add(Method::kGet, "/api/v1/claims/{id}/materials", readers, "list a claim's materials",
          "claims", [](Call& c) -> Result<http::Response> {
            SUANLI_ASSIGN(const std::int64_t id, IdParam(c.req, "id"));
            SUANLI_ASSIGN(const auto docs,
                          c.platform.ListDocuments(c.who, "claim/" + std::to_string(id)));
            return Json(ItemsView(docs));
          });
  kit.Add(Method::kPost, "/api/v1/claims/{id}/submit", provider, "submit a claim for review",
          "claims", [](Call& c) -> Result<http::Response> {
            SUANLI_ASSIGN(const std::int64_t id, IdParam(c.req, "id"));
            SUANLI_ASSIGN(const auto claim, c.platform.SubmitClaim(c.who, id));
            return Json(View(claim));
          });
  kit.Add(Method::kPost, "/api/v1/claims/{id}/panel", officer,
          "assign an expert panel (at least three, without conflicts)", "claims",
          [](Call& c) -> Result<http::Response> {
            SUANLI_ASSIGN(const std::int64_t id, IdParam(c.req, "id"));
            SUANLI_ASSIGN(JsonBody b, JsonBody::Parse(c.req.body));
            SUANLI_ASSIGN(auto experts, b.IntArray("expert_ids"));
            SUANLI_TRY(b.Finish());
            SUANLI_ASSIGN(const auto claim, c.platform.AssignPanel(c.who, id, std::move(experts)));
            return Json(View(claim));
          });
  kit.Add(Method::kPost, "/api/v1/claims/{id}/opinions", Access::Roles({Role::kExpert}),
          "record your opinion on a claim", "claims", [](Call& c) -> Result<http::Response> {
            SUANLI_ASSIGN(const std::int64_t id, IdParam(c.req, "id"));
            SUANLI_ASSIGN(JsonBody b, JsonBody::Parse(c.req.body));
            SUANLI_ASSIGN(std::string decision, b.String("decision"));
            SUANLI_ASSIGN(auto amount, b.OptMoneyFen("approved_amount"));
            SUANLI_ASSIGN(std::string comment, b.String("comment"));
            SUANLI_TRY(b.Finish());
            SUANLI_ASSIGN(const auto claim, c.platform.RecordOpinion(c.who, id, decision,
                                                                     amount.value_or(0), comment));
            return Json(View(claim));
          });
  kit.Add(Method::kPost, "/api/v1/claims/{id}/decision", officer,
          "decide a claim on its panel's opinions", "claims",
          [](Call& c) -> Result<http::Response> {
            SUANLI_ASSIGN(const std::int64_t id, IdParam(c.req, "id"));
            SUANLI_ASSIGN(JsonBody b, JsonBody::Parse(c.req.body));
            SUANLI_ASSIGN(auto reason, b.OptString("reason"));
            SUANLI_TRY(b.Finish());
            SUANLI_ASSIGN(const auto claim, c.platform.DecideClaim(c.who, id, reason.value_or("")));
            return Json(View(claim));
          });
  kit.Add(Method::kPost, "/api/v1/payout-batches", officer,
          "pay every decided claim in the quarter's batch", "payouts",
          [](Call& c) -> Result<http::Response> {
            SUANLI_ASSIGN(JsonBody b, JsonBody::Parse(c.req.body));
            SUANLI_ASSIGN(const std::string program, b.String("program_id"));
            SUANLI_ASSIGN(const std::string quarter, b.String("quarter"));
            SUANLI_TRY(b.Finish());
            SUANLI_ASSIGN(const auto batch, c.platform.CreatePayoutBatch(c.who, program, quarter));
            return Json(View(batch), 201);
          },
          /*money_moving=*/true);
  kit.Add(Method::kGet, "/api/v1/payout-batches/{id}",
          Access::Roles({Role::kOfficer, Role::kAdmin, Role::kAuditor}), "read a payout batch",
          "payouts", [](Call& c) -> Result<http::Response> {
            SUANLI_ASSIGN(const std::int64_t id, IdParam(c.req, "id"));
            SUANLI_ASSIGN(const auto batch, c.platform.GetPayoutBatch(c.who, id));
            return Json(View(batch));
          });
  kit.Add(Method::kGet, "/api/v1/payout-batches/{id}/export.csv",
          Access::Roles({Role::kOfficer, Role::kAdmin, Role::kAuditor}),
          "export a payout batch for the finance bureau (CSV)", "payouts",
          [](Call& c) -> Result<http::Response> {
            SUANLI_ASSIGN(const std::int64_t id, IdParam(c.req, "id"));
            SUANLI_ASSIGN(const auto batch, c.platform.GetPayoutBatch(c.who, id));
            http::Response r;
            r.content_type = "text/csv; charset=utf-8";
            r.body = PayoutCsv(batch);
            r.headers.emplace_back("Content-Disposition", "attachment; filename=\"payout-" +
                                                              batch.quarter + ".csv\"");
            return r;
          });
}

}  // namespace suanli::api
