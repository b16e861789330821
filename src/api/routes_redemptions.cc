// Redemptions (兑付) of apply_then_redeem vouchers: the organisation claims what it paid its
// provider with invoice and delivery proof; an officer pays or refuses it (redemptions.cc).
#include "api/errors.h"
#include "api/json_io.h"
#include "api/route_kit.h"
#include "api/views.h"

namespace suanli::api {

using workflow::Role;

void AddRedemptionRoutes(RouteKit& kit) {
  using http::Method;
  const Access readers =
      Access::Roles({Role::kApplicant, Role::kOfficer, Role::kAdmin, Role::kAuditor});
  kit.Add(Method::kPost, "/api/v1/vouchers/{id}/redemptions", Access::Roles({Role::kApplicant}),
          "redeem an apply_then_redeem voucher with an invoice and a delivery proof: "
          "floor(rate × invoiced), at most what is left, held until an officer decides",
          "redemptions",
          [](Call& c) -> Result<http::Response> {
            workflow::NewRedemption r;
            SUANLI_ASSIGN(r.voucher_id, IdParam(c.req, "id"));
            SUANLI_ASSIGN(JsonBody b, JsonBody::Parse(c.req.body));
            SUANLI_ASSIGN(r.invoice_no, b.String("invoice_no"));
            SUANLI_ASSIGN(r.invoiced_fen, b.MoneyFen("invoiced"));
            SUANLI_ASSIGN(r.invoice_document_id, b.Int("invoice_document_id"));
            SUANLI_ASSIGN(r.proof_document_id, b.Int("proof_document_id"));
            SUANLI_TRY(b.Finish());
            SUANLI_ASSIGN(const auto out, c.platform.SubmitRedemption(c.who, r));
            // As a settlement: 201 when this request recorded it, 200 when an earlier one did.
            return Json(View(out), out.duplicate ? 200 : 201);
          },
          /*money_moving=*/true);
  kit.Add(Method::kGet, "/api/v1/redemptions", readers,
          "list redemptions (?status=submitted|paid|refused&voucher_id=&after=&limit=); an "
          "applicant sees its own",
          "redemptions", [](Call& c) -> Result<http::Response> {
            SUANLI_ASSIGN(const auto page, PageFrom(c.req));
            SUANLI_ASSIGN(const auto voucher_id, OptIdQuery(c.req, "voucher_id"));
            SUANLI_ASSIGN(const auto rows, c.platform.ListRedemptions(
                                               c.who, page, c.req.QueryParam("status"), voucher_id));
            return Json(ListView(rows, page.limit));
          });
  kit.Add(Method::kGet, "/api/v1/redemptions/{id}", readers, "read a redemption", "redemptions",
          [](Call& c) -> Result<http::Response> {
            SUANLI_ASSIGN(const std::int64_t id, IdParam(c.req, "id"));
            SUANLI_ASSIGN(const auto r, c.platform.GetRedemption(c.who, id));
            return Json(View(r));
          });
  kit.Add(Method::kPost, "/api/v1/redemptions/{id}/payout", Access::Roles({Role::kOfficer}),
          "record the bank transfer paying a redemption to its organisation (its amount, once)",
          "redemptions",
          [](Call& c) -> Result<http::Response> {
            SUANLI_ASSIGN(const std::int64_t id, IdParam(c.req, "id"));
            SUANLI_ASSIGN(JsonBody b, JsonBody::Parse(c.req.body));
            SUANLI_ASSIGN(const std::int64_t amount_fen, b.MoneyFen("amount"));
            SUANLI_ASSIGN(std::string reference, b.String("reference"));
            SUANLI_TRY(b.Finish());
            SUANLI_ASSIGN(const auto r,
                          c.platform.PayRedemption(c.who, id, amount_fen, std::move(reference)));
            return Json(View(r));
          },
          /*money_moving=*/true);
  kit.Add(Method::kPost, "/api/v1/redemptions/{id}/refusal", Access::Roles({Role::kOfficer}),
          "refuse a redemption with reasons: its hold goes back to the voucher (or lapses)",
          "redemptions",
          [](Call& c) -> Result<http::Response> {
            SUANLI_ASSIGN(const std::int64_t id, IdParam(c.req, "id"));
            SUANLI_ASSIGN(JsonBody b, JsonBody::Parse(c.req.body));
            SUANLI_ASSIGN(std::string reasons, b.String("reasons"));
            SUANLI_TRY(b.Finish());
            SUANLI_ASSIGN(const auto r, c.platform.RefuseRedemption(c.who, id, std::move(reasons)));
            return Json(View(r));
          },
          /*money_moving=*/true);
}

}  // namespace suanli::api
