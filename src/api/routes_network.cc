// The compute network: centers and their price lists, goods, and the catalogue search.
// Everyone may read the catalogue, the centers, the prices and the goods (they are published
// offers); a provider's operator registers, edits and retires its own centers, quotes their
// prices, and lists, reprices and withdraws its own goods; an admin may do it for any provider.
#include "api/route_kit.h"
#include "api/views.h"
#include "network/center_spec.h"

namespace suanli::api {

namespace json = boost::json;
using workflow::Role;

namespace {

// Centers as answered: each with the prices in force on the platform's day, read for all of
// them in one query (so a list costs two queries, not one per center).
Result<json::array> CentersJson(Call& c, std::span<const workflow::Center> centers) {
  if (centers.empty()) return json::array();  // a goods-only search: no query
  SUANLI_ASSIGN(const auto in_force,
                c.platform.PricesInForce(c.platform.clock().Now().CstDate()));
  json::array out;
  for (const auto& center : centers) out.push_back(View(center, in_force));
  return out;
}

Result<json::object> CenterJson(Call& c, const workflow::Center& center) {
  SUANLI_ASSIGN(json::array one, CentersJson(c, std::span(&center, 1)));
  return std::move(one[0].as_object());
}

// The optional {"reason"} of a retirement or a withdrawal; an empty body is no reason.
Result<std::string> ReasonFrom(const http::Request& req) {
  if (req.body.empty()) return std::string();
  SUANLI_ASSIGN(JsonBody b, JsonBody::Parse(req.body));
  SUANLI_ASSIGN(auto reason, b.OptString("reason"));
  SUANLI_TRY(b.Finish());
  return reason.value_or("");
}

Result<workflow::GoodsEdit> ParseGoodsEdit(std::string_view body) {
  SUANLI_ASSIGN(JsonBody b, JsonBody::Parse(body));
  workflow::GoodsEdit e;
  SUANLI_ASSIGN(e.price_fen, b.OptMoneyFen("price"));
  SUANLI_ASSIGN(e.unit, b.OptString("unit"));
  SUANLI_ASSIGN(e.description, b.OptString("description"));
  SUANLI_TRY(b.Finish());
  return e;
}

Result<workflow::GoodsFilter> GoodsFilterFrom(const http::Request& req) {
  workflow::GoodsFilter f;
  SUANLI_ASSIGN(f.provider_id, OptIdQuery(req, "provider_id"));
  f.kind = req.QueryParam("kind").value_or("");
  const std::string withdrawn = req.QueryParam("include_withdrawn").value_or("false");
  if (withdrawn != "true" && withdrawn != "false") {
    return MakeError(ErrorCode::kParse, "include_withdrawn", "true or false");
  }
  f.include_withdrawn = withdrawn == "true";
  return f;
}

}  // namespace

void AddNetworkRoutes(RouteKit& kit) {
  using http::Method;
  const Access provider = Access::Roles({Role::kProvider, Role::kAdmin});
  kit.Add(Method::kPost, "/api/v1/providers/{id}/centers", provider,
          "register a compute center of this provider (the body is the center's spec)",
          "network", [](Call& c) -> Result<http::Response> {
            SUANLI_ASSIGN(const std::int64_t provider_id, IdParam(c.req, "id"));
            SUANLI_ASSIGN(const network::CenterSpec spec, network::ParseCenterSpec(c.req.body));
            SUANLI_ASSIGN(const auto center, c.platform.RegisterCenter(c.who, provider_id, spec));
            SUANLI_ASSIGN(auto view, CenterJson(c, center));
            return Json(view, 201);
          });
  kit.Add(Method::kGet, "/api/v1/centers", Access::Public(),
          "list the network's centers, retired ones too (retired_at), each with the prices in "
          "force today",
          "network", [](Call& c) -> Result<http::Response> {
            SUANLI_ASSIGN(const auto rows, c.platform.ListCenters());
            SUANLI_ASSIGN(auto items, CentersJson(c, rows));
            return Json(json::object{{"items", std::move(items)}, {"next_cursor", nullptr}});
          });
  kit.Add(Method::kGet, "/api/v1/centers/{id}", Access::Public(),
          "read a center: partitions, accelerators, software, prices in force today", "network",
          [](Call& c) -> Result<http::Response> {
            SUANLI_ASSIGN(const std::int64_t id, IdParam(c.req, "id"));
            SUANLI_ASSIGN(const auto center, c.platform.GetCenter(id));
            SUANLI_ASSIGN(auto view, CenterJson(c, center));
            return Json(view);
          });
  kit.Add(Method::kPatch, "/api/v1/centers/{id}", provider,
          "edit how a center is described (name, kind, region, latency_class, software); not "
          "its Slurm cluster or partitions",
          "network", [](Call& c) -> Result<http::Response> {
            SUANLI_ASSIGN(const std::int64_t id, IdParam(c.req, "id"));
            SUANLI_ASSIGN(const network::CenterEdit edit, network::ParseCenterEdit(c.req.body));
            SUANLI_ASSIGN(const auto center, c.platform.EditCenter(c.who, id, edit));
            SUANLI_ASSIGN(auto view, CenterJson(c, center));
            return Json(view);
          });
  // Retire and reinstate: {"reason"} optional, the center as it is afterwards.
  using ServiceChange = Result<workflow::Center> (workflow::Platform::*)(
      const workflow::Principal&, std::int64_t, std::string_view);
  const auto service_change = [](ServiceChange change) {
    return [change](Call& c) -> Result<http::Response> {
      SUANLI_ASSIGN(const std::int64_t id, IdParam(c.req, "id"));
      SUANLI_ASSIGN(const std::string reason, ReasonFrom(c.req));
      SUANLI_ASSIGN(const auto center, (c.platform.*change)(c.who, id, reason));
      SUANLI_ASSIGN(auto view, CenterJson(c, center));
      return Json(view);
    };
  };
  kit.Add(Method::kPost, "/api/v1/centers/{id}/retire", provider,
          "retire a center ({\"reason\"} optional): no new jobs placed there, out of the "
          "catalogue; its jobs go on and its usage is still metered",
          "network", service_change(&workflow::Platform::RetireCenter));
  kit.Add(Method::kPost, "/api/v1/centers/{id}/reinstate", provider,
          "reinstate a retired center ({\"reason\"} optional): jobs are placed there and the "
          "catalogue lists it again",
          "network", service_change(&workflow::Platform::ReinstateCenter));
  kit.Add(Method::kPost, "/api/v1/centers/{id}/prices", provider,
          "quote a price per unit for a partition from a day on (never an edit)", "network",
          [](Call& c) -> Result<http::Response> {
            workflow::NewPrice p;
            SUANLI_ASSIGN(p.center_id, IdParam(c.req, "id"));
            SUANLI_ASSIGN(JsonBody b, JsonBody::Parse(c.req.body));
            SUANLI_ASSIGN(p.partition, b.String("partition"));
            SUANLI_ASSIGN(p.unit, b.String("unit"));
            SUANLI_ASSIGN(p.price_fen, b.MoneyFen("price"));
            SUANLI_ASSIGN(p.effective_from, b.DateField("effective_from"));
            SUANLI_ASSIGN(auto weights, b.OptString("billing_weights"));
            p.billing_weights = weights.value_or("");
            SUANLI_TRY(b.Finish());
            SUANLI_ASSIGN(const auto price, c.platform.SetPrice(c.who, p));
            return Json(View(price), 201);
          });
  kit.Add(Method::kGet, "/api/v1/centers/{id}/prices", Access::Public(),
          "a center's price list, every entry with its effective day", "network",
          [](Call& c) -> Result<http::Response> {
            SUANLI_ASSIGN(const std::int64_t id, IdParam(c.req, "id"));
            SUANLI_ASSIGN(const auto center, c.platform.GetCenter(id));
            SUANLI_ASSIGN(const auto rows, c.platform.ListPrices(center.id));
            return Json(ItemsView(rows));
          });
  kit.Add(Method::kGet, "/api/v1/centers/{id}/utilisation", Access::AnyUser(),
          "a center's utilisation per day (?from=YYYY-MM-DD&to=YYYY-MM-DD): used over capacity, "
          "jobs; billed and voucher-funded share to its operators, officers, admins and auditors",
          "network",
          [](Call& c) -> Result<http::Response> {
            SUANLI_ASSIGN(const std::int64_t id, IdParam(c.req, "id"));
            SUANLI_ASSIGN(const Date from, Date::Parse(c.req.QueryParam("from").value_or(""), "from"));
            SUANLI_ASSIGN(const Date to, Date::Parse(c.req.QueryParam("to").value_or(""), "to"));
            SUANLI_ASSIGN(const auto u, c.platform.CenterUtilisation(id, from, to));
            SUANLI_ASSIGN(const auto center, c.platform.GetCenter(id));
            // How busy a center is, is public to signed-in users (they choose where to run);
            // what it billed and what vouchers paid it is the provider's business: its own
            // operators and the program's officers, admins and auditors see the money.
            const bool money = c.who.role == Role::kOfficer || c.who.role == Role::kAdmin ||
                               c.who.role == Role::kAuditor ||
                               (c.who.role == Role::kProvider &&
                                c.who.provider_id == center.provider_id);
            json::array days;
            for (const auto& d : u.days) {
              json::object day{{"day", d.day.ToString()},
                               {"card_used_s", d.card_used_s},
                               {"card_capacity_s", d.card_capacity_s},
                               {"core_used_s", d.core_used_s},
                               {"core_capacity_s", d.core_capacity_s},
                               {"jobs", d.jobs}};
              if (money) day["billed"] = MoneyString(d.billed_fen);
              days.push_back(std::move(day));
            }
            json::object out{{"center_id", u.center_id},
                             {"days", std::move(days)},
                             {"money_visible", money}};
            if (money) {
              out["provider_metered_settled"] = MoneyString(u.provider_metered_settled_fen);
              out["provider_voucher_paid"] = MoneyString(u.provider_voucher_paid_fen);
            }
            return Json(std::move(out));
          });
  kit.Add(Method::kPost, "/api/v1/goods", provider,
          "list goods beyond raw compute: a software licence, dataset, model or service",
          "network", [](Call& c) -> Result<http::Response> {
            SUANLI_ASSIGN(JsonBody b, JsonBody::Parse(c.req.body));
            workflow::NewGoods g;
            SUANLI_ASSIGN(g.provider_id, b.Int("provider_id"));
            SUANLI_ASSIGN(g.center_id, b.OptInt("center_id"));
            SUANLI_ASSIGN(g.kind, b.String("kind"));
            SUANLI_ASSIGN(g.name, b.String("name"));
            SUANLI_ASSIGN(auto description, b.OptString("description"));
            g.description = description.value_or("");
            SUANLI_ASSIGN(g.unit, b.String("unit"));
            SUANLI_ASSIGN(g.price_fen, b.MoneyFen("price"));
            SUANLI_TRY(b.Finish());
            SUANLI_ASSIGN(const auto goods, c.platform.AddGoods(c.who, g));
            return Json(View(goods), 201);
          });
  kit.Add(Method::kGet, "/api/v1/goods", Access::Public(),
          "list goods (?provider_id=&kind=&include_withdrawn=true&after=&limit=); withdrawn "
          "ones only when asked",
          "network", [](Call& c) -> Result<http::Response> {
            SUANLI_ASSIGN(const auto filter, GoodsFilterFrom(c.req));
            SUANLI_ASSIGN(const auto page, PageFrom(c.req));
            SUANLI_ASSIGN(const auto rows, c.platform.ListGoods(filter, page));
            return Json(ListView(rows, page.limit));
          });
  kit.Add(Method::kGet, "/api/v1/goods/{id}", Access::Public(),
          "read goods, withdrawn ones too (withdrawn_at)", "network",
          [](Call& c) -> Result<http::Response> {
            SUANLI_ASSIGN(const std::int64_t id, IdParam(c.req, "id"));
            SUANLI_ASSIGN(const auto goods, c.platform.GetGoods(id));
            return Json(View(goods));
          });
  kit.Add(Method::kPatch, "/api/v1/goods/{id}", provider,
          "reprice goods, or change their unit or description ({price, unit, description}, "
          "any of them)",
          "network", [](Call& c) -> Result<http::Response> {
            SUANLI_ASSIGN(const std::int64_t id, IdParam(c.req, "id"));
            SUANLI_ASSIGN(const workflow::GoodsEdit edit, ParseGoodsEdit(c.req.body));
            SUANLI_ASSIGN(const auto goods, c.platform.EditGoods(c.who, id, edit));
            return Json(View(goods));
          });
  kit.Add(Method::kPost, "/api/v1/goods/{id}/withdraw", provider,
          "withdraw goods ({\"reason\"} optional): out of the catalogue, still readable by id",
          "network", [](Call& c) -> Result<http::Response> {
            SUANLI_ASSIGN(const std::int64_t id, IdParam(c.req, "id"));
            SUANLI_ASSIGN(const std::string reason, ReasonFrom(c.req));
            SUANLI_ASSIGN(const auto goods, c.platform.WithdrawGoods(c.who, id, reason));
            return Json(View(goods));
          });
  kit.Add(Method::kGet, "/api/v1/catalogue", Access::Public(),
          "search the centers in service (with the prices in force today) and the goods offered "
          "(?q=&kind=compute|software_licence|dataset|model|service)",
          "network", [](Call& c) -> Result<http::Response> {
            const std::string q = c.req.QueryParam("q").value_or("");
            const std::string kind = c.req.QueryParam("kind").value_or("");
            SUANLI_ASSIGN(const auto found, c.platform.SearchCatalogue(q, kind));
            json::object o;
            SUANLI_ASSIGN(o["centers"], CentersJson(c, found.centers));
            o["goods"] = ItemsView(found.goods)["items"];
            return Json(o);
          });
}

}  // namespace suanli::api
