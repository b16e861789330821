#include "policy/quote_json.h"

namespace suanli::policy {
namespace json = boost::json;

json::object QuoteToJson(const QuoteResult& r) {
  json::object o;
  o["program"] = r.program_id;
  o["eligible"] = r.eligible;
  o["amount"] = r.amount.ToString();
  o["amount_display"] = r.amount.FormatYuan();
  o["unit"] = r.unit;
  o["tier"] = r.tier;
  json::array reasons;
  for (const auto& x : r.reasons) {
    reasons.push_back(json::object{{"code", x.code},
                                   {"result", x.ok ? "ok" : "failed"},
                                   {"message", x.message},
                                   {"clause", x.clause}});
  }
  o["reasons"] = std::move(reasons);
  json::array steps;
  for (const auto& s : r.steps) {
    steps.push_back(json::object{
        {"name", s.name}, {"detail", s.detail}, {"value", s.value}, {"clause", s.clause}});
  }
  o["steps"] = std::move(steps);
  json::array deductions;
  for (const auto& d : r.deductions) {
    deductions.push_back(json::object{{"index", d.index},
                                      {"bill", d.bill.ToString()},
                                      {"deducted", d.deducted.ToString()},
                                      {"customer_pays", d.customer_pays.ToString()},
                                      {"invoiced", d.invoiced.ToString()},
                                      {"remaining", d.remaining.ToString()},
                                      {"note", d.note}});
  }
  o["deductions"] = std::move(deductions);
  if (r.expires_at) {
    o["expires_at"] = r.expires_at->ToString();
    o["validity"] = r.validity;
  } else {
    o["expires_at"] = nullptr;
  }
  json::array assumptions;
  for (const auto& a : r.assumptions) {
    assumptions.push_back(json::object{{"rule", a.rule}, {"note", a.note}, {"clause", a.clause}});
  }
  o["assumptions"] = std::move(assumptions);
  return o;
}

json::object ErrorToJson(const Error& e) {
  return json::object{{"error", std::string(ErrorCodeName(e.code))},
                      {"code", static_cast<int>(e.code)},
                      {"field", e.field},
                      {"message", e.message}};
}

json::object ProgramSummaryJson(const Program& p) {
  json::object o{{"id", p.id},
                 {"name", p.name},
                 {"city", p.city},
                 {"mode", std::string(ModeName(p.mode))},
                 {"year", p.year}};
  o["pool_per_year"] = p.pool ? json::value(p.pool->amount_per_year.ToString()) : json::value(nullptr);
  o["assumptions"] = p.assumptions.size();
  return o;
}

namespace {

void Pretty(std::string& out, const json::value& v, int indent) {
  const std::string pad(static_cast<std::size_t>(indent) * 2, ' ');
  const std::string inner(static_cast<std::size_t>(indent + 1) * 2, ' ');
  if (v.is_object()) {
    const auto& o = v.get_object();
    if (o.empty()) { out += "{}"; return; }
    out += "{\n";
    std::size_t i = 0;
    for (const auto& kv : o) {
      out += inner + json::serialize(json::value(kv.key())) + ": ";
      Pretty(out, kv.value(), indent + 1);
      out += (++i < o.size()) ? ",\n" : "\n";
    }
    out += pad + "}";
  } else if (v.is_array()) {
    const auto& a = v.get_array();
    if (a.empty()) { out += "[]"; return; }
    out += "[\n";
    for (std::size_t i = 0; i < a.size(); ++i) {
      out += inner;
      Pretty(out, a[i], indent + 1);
      out += (i + 1 < a.size()) ? ",\n" : "\n";
    }
    out += pad + "]";
  } else {
    out += json::serialize(v);
  }
}

}  // namespace

std::string PrettyJson(const json::value& v) {
  std::string out;
  Pretty(out, v, 0);
  out += "\n";
  return out;
}

}  // namespace suanli::policy
