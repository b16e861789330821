// Programs (rules as data and as readable text), the quote form, the pool and reports.
#include "api/route_kit.h"
#include "api/views.h"
#include "policy/case_parser.h"
#include "policy/program_text.h"
#include "policy/quote.h"
#include "policy/quote_json.h"

namespace suanli::api {

namespace json = boost::json;
using workflow::Role;

static Result<const policy::Program*> ProgramParam(Call& c) {
  const std::string id(c.req.PathParam("id"));
  const policy::Program* p = c.platform.FindProgram(id);
  if (p == nullptr) return MakeError(ErrorCode::kNotFound, "program_id", "no program " + id);
  return p;
}

// The report as CSV: the voucher columns, and in the quarter and industry reports the award
// columns after them (the provider report has none: an award pays the organisation).
static std::string Csv(const std::vector<workflow::ReportRow>& rows, std::string_view by) {
  const bool awards = by != "provider";
  std::string out = std::string(by) + ",issued,used,redeemed,lapsed" +
                    (awards ? ",awarded,award_paid,award_withdrawn" : "") + "\r\n";
  for (const auto& r : rows) {
    out += CsvField(r.group) + "," + MoneyString(r.issued_fen) + "," + MoneyString(r.used_fen) + "," +
           MoneyString(r.redeemed_fen) + "," + MoneyString(r.lapsed_fen);
    if (awards) {
      const workflow::ReportRow::Awards a = r.awards.value_or(workflow::ReportRow::Awards{});
      out += "," + MoneyString(a.awarded_fen) + "," + MoneyString(a.paid_fen) + "," +
             MoneyString(a.withdrawn_fen);
    }
    out += "\r\n";
  }
  return out;
}

void AddProgramRoutes(RouteKit& kit) {
  using http::Method;
  kit.Add(Method::kGet, "/api/v1/programs", Access::Public(), "list programs", "programs",
          [](Call& c) -> Result<http::Response> {
            json::array items;
            for (const policy::Program* p : c.platform.Programs()) {
              json::object o = policy::ProgramSummaryJson(*p);
              o["year"] = p->year;
              o["region"] = p->city;
              items.push_back(std::move(o));
            }
            return Json(json::object{{"items", std::move(items)}, {"next_cursor", nullptr}});
          });
  kit.Add(Method::kGet, "/api/v1/programs/{id}", Access::Public(), "read a program's rules",
          "programs", [](Call& c) -> Result<http::Response> {
            SUANLI_ASSIGN(const policy::Program* p, ProgramParam(c));
            json::object o = policy::ProgramSummaryJson(*p);
            o["year"] = p->year;
            json::array rules;
            for (const auto& r : policy::ProgramToRules(*p)) {
              rules.push_back(json::object{{"section", r.section}, {"text", r.text},
                                           {"clause", r.clause}, {"assumed", r.assumed},
                                           {"note", r.note}});
            }
            o["text"] = std::move(rules);
            o["text_plain"] = policy::ProgramToText(*p);
            return Json(o);
          });
  kit.Add(Method::kGet, "/api/v1/programs/{id}/versions", Access::Public(),
          "every version of the program's file the platform has run with (the last is in force)",
          "programs", [](Call& c) -> Result<http::Response> {
            SUANLI_ASSIGN(const auto versions, c.platform.ProgramVersions(c.req.PathParam("id")));
            json::array items;
            for (const workflow::ProgramVersion& v : versions) {
              items.push_back(json::object{{"version", v.version},
                                           {"sha256", v.sha256},
                                           {"loaded_at", TimeString(v.loaded_at)},
                                           {"vouchers_issued", v.vouchers_issued},
                                           {"in_force", &v == &versions.back()}});
            }
            return Json(json::object{{"items", std::move(items)}});
          });
  kit.Add(Method::kGet, "/api/v1/programs/{id}/versions/{version}", Access::Public(),
          "one version of the program's file, as the platform loaded it", "programs",
          [](Call& c) -> Result<http::Response> {
            const std::string id(c.req.PathParam("id"));
            SUANLI_ASSIGN(const std::int64_t version, IdParam(c.req, "version"));
            SUANLI_ASSIGN(std::string text, c.platform.ProgramVersionText(id, version));
            return Json(json::object{{"program_id", id},
                                     {"version", version},
                                     {"text", std::move(text)}});
          });
  kit.Add(Method::kPost, "/api/v1/programs/{id}/quote", Access::Public(),
          "quote what a contract would get", "programs", [](Call& c) -> Result<http::Response> {
            SUANLI_ASSIGN(const policy::Program* p, ProgramParam(c));
            SUANLI_ASSIGN(const policy::Case k, policy::ParseCase(c.req.body));
            return Json(policy::QuoteToJson(policy::Quote(*p, k)));
          });
  kit.Add(Method::kGet, "/api/v1/programs/{id}/pool", Access::Roles({Role::kOfficer, Role::kAdmin, Role::kAuditor}),
          "read the pool's position", "reports", [](Call& c) -> Result<http::Response> {
            SUANLI_ASSIGN(const auto pool, c.platform.Pool(c.who, c.req.PathParam("id")));
            return Json(View(pool));
          });
  kit.Add(Method::kGet, "/api/v1/programs/{id}/reports",
          Access::Roles({Role::kOfficer, Role::kAdmin, Role::kAuditor}),
          "report by provider, quarter or industry (JSON or CSV)", "reports",
          [](Call& c) -> Result<http::Response> {
            const std::string by = c.req.QueryParam("by").value_or("provider");
            SUANLI_ASSIGN(const auto rows, c.platform.Report(c.who, c.req.PathParam("id"), by));
            if (c.req.QueryParam("format").value_or("json") == "csv") {
              http::Response r;
              r.content_type = "text/csv; charset=utf-8";
              r.body = Csv(rows, by);
              r.headers.emplace_back("Content-Disposition",
                                     "attachment; filename=\"report-" + by + ".csv\"");
              return r;
            }
            json::array items;
            for (const auto& row : rows) items.push_back(View(row));
            return Json(json::object{{"by", by}, {"items", std::move(items)}});
          });
}

}  // namespace suanli::api
