// Vouchers and settlement. POST /settlements is the hot path: answered from the ledger's
// commit callback, never blocking an I/O thread.
#include "api/errors.h"
#include "api/json_io.h"
#include "api/route_kit.h"
#include "api/views.h"

namespace suanli::api {

namespace json = boost::json;
using workflow::Role;

void AddVoucherRoutes(RouteKit& kit) {
  using http::Method;
  kit.Add(Method::kGet, "/api/v1/vouchers", Access::AnyUser(), "list the vouchers you may see",
          "vouchers", [](Call& c) -> Result<http::Response> {
            SUANLI_ASSIGN(const auto page, PageFrom(c.req));
            SUANLI_ASSIGN(const auto rows, c.platform.ListVouchers(c.who, page));
            return Json(ListView(rows, page.limit));
          });
  kit.Add(Method::kGet, "/api/v1/vouchers/{id}", Access::AnyUser(),
          "read a voucher: grant, used, remaining, expiry", "vouchers",
          [](Call& c) -> Result<http::Response> {
            SUANLI_ASSIGN(const std::int64_t id, IdParam(c.req, "id"));
            SUANLI_ASSIGN(const auto v, c.platform.GetVoucher(c.who, id));
            return Json(View(v));
          });
  kit.Add(Method::kGet, "/api/v1/vouchers/{id}/deductions", Access::AnyUser(),
          "list a voucher's deductions", "vouchers", [](Call& c) -> Result<http::Response> {
            SUANLI_ASSIGN(const std::int64_t id, IdParam(c.req, "id"));
            SUANLI_ASSIGN(const auto rows, c.platform.ListDeductions(c.who, id));
            return Json(ItemsView(rows));
          });
  kit.AddAsync(
      Method::kPost, "/api/v1/settlements", Access::Roles({Role::kProvider}),
      "settle a bill: the voucher pays its share", "settlements",
      [](Call& c, http::Reply reply) {
        workflow::SettlementRequest r;
        r.idempotency_key = std::string(c.req.Header("Idempotency-Key").value_or(""));
        auto parsed = [&]() -> Status {
          SUANLI_ASSIGN(JsonBody b, JsonBody::Parse(c.req.body));
          SUANLI_ASSIGN(r.voucher_id, b.Int("voucher_id"));
          SUANLI_ASSIGN(r.bill_no, b.String("bill_no"));
          SUANLI_ASSIGN(r.bill_fen, b.MoneyFen("amount"));
          return b.Finish();
        }();
        if (!parsed.ok()) return std::move(reply).Send(ProblemFrom(parsed.error()));
        c.platform.SubmitSettlement(
            c.who, std::move(r),
            // std::function needs a copyable target: the move-only Reply rides in a shared_ptr.
            [reply = std::make_shared<http::Reply>(std::move(reply))](
                Result<workflow::SettlementResult> out) {
              if (!out.ok()) return std::move(*reply).Send(ProblemFrom(out.error()));
              std::move(*reply).Send(Json(View(*out), out->duplicate ? 200 : 201));
            });
      },
      /*money_moving=*/true);
  kit.AddAsync(
      Method::kPost, "/api/v1/settlement-runs", Access::Roles({Role::kProvider}),
      "settle a run of up to 1,000 bills, each as POST /api/v1/settlements would", "settlements",
      [](Call& c, http::Reply reply) {
        std::vector<workflow::SettlementRequest> bills;
        auto parsed = [&]() -> Status {
          SUANLI_ASSIGN(JsonBody b, JsonBody::Parse(c.req.body));
          SUANLI_ASSIGN(auto items, b.ObjectArray("settlements", workflow::kSettlementRunMax));
          bills.reserve(items.size());
          for (JsonBody& item : items) {
            workflow::SettlementRequest r;
            SUANLI_ASSIGN(r.idempotency_key, item.String("idempotency_key"));
            SUANLI_ASSIGN(r.voucher_id, item.Int("voucher_id"));
            SUANLI_ASSIGN(r.bill_no, item.String("bill_no"));
            SUANLI_ASSIGN(r.bill_fen, item.MoneyFen("amount"));
            SUANLI_TRY(item.Finish());
            bills.push_back(std::move(r));
          }
          return b.Finish();
        }();
        // A malformed bill refuses the whole run before anything moves; a bill the rules
        // refuse (expired voucher, used up, ...) is one refused result among the others.
        if (!parsed.ok()) return std::move(reply).Send(ProblemFrom(parsed.error()));
        c.platform.SubmitSettlementRun(
            c.who, std::move(bills),
            [reply = std::make_shared<http::Reply>(std::move(reply))](
                Result<std::vector<Result<workflow::SettlementResult>>> out) {
              if (!out.ok()) return std::move(*reply).Send(ProblemFrom(out.error()));
              std::move(*reply).Send(Json(RunView(*out), 200));
            });
      },
      /*money_moving=*/true);
  kit.Add(Method::kPost, "/api/v1/settlements/{id}/reversal",
          Access::Roles({Role::kProvider, Role::kOfficer}),
          "correct a settlement with a reversing entry", "settlements",
          [](Call& c) -> Result<http::Response> {
            SUANLI_ASSIGN(const std::int64_t id, IdParam(c.req, "id"));
            SUANLI_ASSIGN(JsonBody b, JsonBody::Parse(c.req.body));
            SUANLI_ASSIGN(std::string reason, b.String("reason"));
            SUANLI_TRY(b.Finish());
            SUANLI_ASSIGN(const auto row, c.platform.ReverseSettlement(c.who, id, reason));
            return Json(View(row));
          },
          /*money_moving=*/true);
}

}  // namespace suanli::api
