// The wire shape of the compute network's records: centers (their spec as declared, plus
// totals, retirement and the prices in force), price entries and goods.
#include "api/json_io.h"
#include "api/views.h"

namespace suanli::api {

namespace json = boost::json;

json::object View(const workflow::Center& c) {
  json::object o = json::parse(network::CenterSpecJson(c.spec)).as_object();
  o["id"] = c.id;
  o["provider_id"] = c.provider_id;
  o["cards"] = c.spec.Cards();
  o["cores"] = c.spec.Cores();
  o["created_at"] = TimeString(c.created_at);
  o["retired_at"] = c.retired_at ? json::value(TimeString(*c.retired_at)) : json::value(nullptr);
  return o;
}

json::object View(const workflow::Center& c, std::span<const workflow::Price> in_force) {
  json::object o = View(c);
  json::array prices;
  for (const auto& p : in_force) {
    if (p.center_id != c.id) continue;
    prices.push_back(json::object{{"partition", p.partition},
                                  {"unit", p.unit},
                                  {"price", MoneyString(p.price_fen)},
                                  {"effective_from", p.effective_from.ToString()},
                                  {"billing_weights", p.billing_weights}});
  }
  o["prices_in_force"] = std::move(prices);
  return o;
}

json::object View(const workflow::Price& p) {
  return json::object{{"id", p.id},
                      {"center_id", p.center_id},
                      {"partition", p.partition},
                      {"unit", p.unit},
                      {"price", MoneyString(p.price_fen)},
                      {"effective_from", p.effective_from.ToString()},
                      {"billing_weights", p.billing_weights},
                      {"created_at", TimeString(p.created_at)},
                      {"rerated", json::object{{"lines", p.lines_rerated},
                                               {"delta", MoneyString(p.rerated_delta_fen)},
                                               {"failed", p.lines_rerate_failed}}}};
}

json::object View(const workflow::Goods& g) {
  json::object o{{"id", g.id},
                 {"provider_id", g.provider_id},
                 {"provider_name", g.provider_name},
                 {"kind", g.kind},
                 {"name", g.name},
                 {"description", g.description},
                 {"unit", g.unit},
                 {"price", MoneyString(g.price_fen)},
                 {"created_at", TimeString(g.created_at)}};
  o["center_id"] = g.center_id ? json::value(*g.center_id) : json::value(nullptr);
  o["withdrawn_at"] =
      g.withdrawn_at ? json::value(TimeString(*g.withdrawn_at)) : json::value(nullptr);
  return o;
}

}  // namespace suanli::api
