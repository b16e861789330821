// "Pay first, subsidy after" (reimbursement and post-use programs): what an organisation paid
// on its contract, the application read back with its award, the awards and their payout.
#include "api/errors.h"
#include "api/json_io.h"
#include "api/route_kit.h"
#include "api/views.h"

namespace suanli::api {

using workflow::Role;

void AddAwardRoutes(RouteKit& kit) {
  using http::Method;
  const Access readers =
      Access::Roles({Role::kApplicant, Role::kOfficer, Role::kAdmin, Role::kAuditor});
  kit.Add(Method::kPost, "/api/v1/contracts/{id}/payments", Access::Roles({Role::kApplicant}),
          "record what the organisation actually paid on a contract, with its payment receipt",
          "contracts", [](Call& c) -> Result<http::Response> {
            workflow::NewPayment p;
            SUANLI_ASSIGN(p.contract_id, IdParam(c.req, "id"));
            SUANLI_ASSIGN(JsonBody b, JsonBody::Parse(c.req.body));
            SUANLI_ASSIGN(p.amount_fen, b.MoneyFen("amount"));
            SUANLI_ASSIGN(p.paid_on, b.DateField("paid_on"));
            SUANLI_ASSIGN(p.document_id, b.Int("document_id"));
            SUANLI_TRY(b.Finish());
            SUANLI_ASSIGN(const auto payment, c.platform.RecordPayment(c.who, p));
            return Json(View(payment), 201);
          });
  kit.Add(Method::kGet, "/api/v1/contracts/{id}/payments", readers,
          "list what was paid on a contract", "contracts", [](Call& c) -> Result<http::Response> {
            SUANLI_ASSIGN(const std::int64_t id, IdParam(c.req, "id"));
            SUANLI_ASSIGN(const auto rows, c.platform.ListPayments(c.who, id));
            return Json(ItemsView(rows));
          });
  kit.Add(Method::kGet, "/api/v1/applications/{id}", readers,
          "read an application: quote, granted amount, its voucher or award", "applications",
          [](Call& c) -> Result<http::Response> {
            SUANLI_ASSIGN(const std::int64_t id, IdParam(c.req, "id"));
            SUANLI_ASSIGN(const auto a, c.platform.GetApplication(c.who, id));
            return Json(View(a));
          });
  kit.Add(Method::kGet, "/api/v1/awards", readers,
          "list subsidy awards (?status=awarded|paid|withdrawn&after=&limit=); an applicant "
          "sees its own",
          "awards", [](Call& c) -> Result<http::Response> {
            SUANLI_ASSIGN(const auto page, PageFrom(c.req));
            SUANLI_ASSIGN(const auto rows,
                          c.platform.ListAwards(c.who, page, c.req.QueryParam("status")));
            return Json(ListView(rows, page.limit));
          });
  kit.Add(Method::kGet, "/api/v1/awards/{id}", readers, "read a subsidy award", "awards",
          [](Call& c) -> Result<http::Response> {
            SUANLI_ASSIGN(const std::int64_t id, IdParam(c.req, "id"));
            SUANLI_ASSIGN(const auto a, c.platform.GetAward(c.who, id));
            return Json(View(a));
          });
  kit.Add(Method::kPost, "/api/v1/awards/{id}/payout", Access::Roles({Role::kOfficer}),
          "record the bank transfer paying an award to its organisation (once per award)",
          "awards",
          [](Call& c) -> Result<http::Response> {
            SUANLI_ASSIGN(const std::int64_t id, IdParam(c.req, "id"));
            SUANLI_ASSIGN(JsonBody b, JsonBody::Parse(c.req.body));
            SUANLI_ASSIGN(const std::int64_t amount_fen, b.MoneyFen("amount"));
            SUANLI_ASSIGN(std::string reference, b.String("reference"));
            SUANLI_TRY(b.Finish());
            SUANLI_ASSIGN(const auto a,
                          c.platform.PayAward(c.who, id, amount_fen, std::move(reference)));
            return Json(View(a));
          },
          /*money_moving=*/true);
}

}  // namespace suanli::api
