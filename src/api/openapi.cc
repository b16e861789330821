// The OpenAPI 3 document, written from the routes the server actually registered (so the two
// cannot drift), with each operation's roles as x-roles and money-moving routes marked.
#include "api/route_kit.h"

namespace suanli::api {

namespace json = boost::json;

static json::array PathParams(const std::string& pattern) {
  json::array params;
  std::size_t pos = 0;
  while ((pos = pattern.find('{', pos)) != std::string::npos) {
    const std::size_t end = pattern.find('}', pos);
    params.push_back(json::object{{"name", pattern.substr(pos + 1, end - pos - 1)},
                                  {"in", "path"},
                                  {"required", true},
                                  {"schema", json::object{{"type", "integer"}}}});
    pos = end;
  }
  return params;
}

static json::object Document() {
  json::object paths;
  for (const RouteEntry& r : RouteTable()) {
    std::string method(http::MethodName(r.method));
    for (char& ch : method) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    json::array roles;
    if (r.access.is_public) {
      roles.push_back("public");
    } else if (r.access.roles.empty()) {
      roles.push_back("any");
    } else {
      for (auto role : r.access.roles) roles.push_back(json::string(workflow::RoleName(role)));
    }
    json::array params = PathParams(r.pattern);
    if (r.money_moving) {
      params.push_back(json::object{{"name", "Idempotency-Key"},
                                    {"in", "header"},
                                    {"required", true},
                                    {"schema", json::object{{"type", "string"}, {"maxLength", 40}}}});
    }
    json::object op{{"summary", r.summary},
                    {"tags", json::array{json::string(r.tag)}},
                    {"x-roles", std::move(roles)},
                    {"parameters", std::move(params)},
                    {"responses",
                     json::object{{"2XX", json::object{{"description", "success (JSON)"}}},
                                  {"default", json::object{{"description", "problem+json (RFC 9457)"},
                                                           {"content", json::object{{"application/problem+json", json::object{}}}}}}}}};
    if (r.money_moving) op["x-money-moving"] = true;
    if (!paths.contains(r.pattern)) paths[r.pattern] = json::object{};
    paths[r.pattern].as_object()[method] = std::move(op);
  }
  return json::object{
      {"openapi", "3.0.3"},
      {"info", json::object{{"title", "Suanli API"}, {"version", "1"},
                            {"description", "Compute-voucher programs: money as decimal strings "
                                            "in CNY, times ISO 8601 +08:00, errors problem+json."}}},
      {"components",
       json::object{{"securitySchemes",
                     json::object{{"session", json::object{{"type", "apiKey"}, {"in", "cookie"}, {"name", kSessionCookie}}},
                                  {"apiKey", json::object{{"type", "apiKey"}, {"in", "header"}, {"name", "X-Api-Key"}}}}}}},
      {"paths", std::move(paths)}};
}

void AddOpenApiRoute(RouteKit& kit) {
  kit.Add(http::Method::kGet, "/api/v1/openapi.json", Access::Public(), "this document",
          "meta", [](Call&) -> Result<http::Response> { return Json(Document()); });
}

}  // namespace suanli::api
