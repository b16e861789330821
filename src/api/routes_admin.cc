// Providers, notices, the audit log, and the operations endpoints (expiry sweep; the test-only
// clock). Accounts and API keys are in routes_accounts.cc.
#include <algorithm>

#include "api/route_kit.h"
#include "api/views.h"

namespace suanli::api {

namespace json = boost::json;
using workflow::Role;

void AddAdminRoutes(RouteKit& kit) {
  using http::Method;
  kit.Add(Method::kPost, "/api/v1/providers", Access::Roles({Role::kAdmin}),
          "onboard a compute provider", "providers", [](Call& c) -> Result<http::Response> {
            SUANLI_ASSIGN(JsonBody b, JsonBody::Parse(c.req.body));
            workflow::NewProvider p;
            SUANLI_ASSIGN(p.name, b.String("name"));
            SUANLI_ASSIGN(p.uscc, b.String("uscc"));
            SUANLI_ASSIGN(p.region, b.String("region"));
            SUANLI_TRY(b.Finish());
            SUANLI_ASSIGN(const auto out, c.platform.CreateProvider(c.who, p));
            return Json(View(out), 201);
          });
  kit.Add(Method::kGet, "/api/v1/providers", Access::AnyUser(), "list providers", "providers",
          [](Call& c) -> Result<http::Response> {
            SUANLI_ASSIGN(const auto rows, c.platform.ListProviders());
            return Json(ItemsView(rows));
          });
  kit.Add(Method::kGet, "/api/v1/provider-lists", Access::AnyUser(),
          "the programs' provider lists a provider can be put on, and the programs that ask for each",
          "providers", [](Call& c) -> Result<http::Response> {
            json::array items;
            for (std::string_view tag : policy::ProviderTags()) {
              json::array programs;
              for (const policy::Program* p : c.platform.Programs()) {
                if (!p->provider.any_tags) continue;
                const auto& v = p->provider.any_tags->values;
                if (std::find(v.begin(), v.end(), tag) != v.end()) {
                  programs.push_back(json::object{{"id", p->id}, {"name", p->name}});
                }
              }
              items.push_back(json::object{{"tag", tag}, {"programs", std::move(programs)}});
            }
            return Json(json::object{{"items", std::move(items)}});
          });
  kit.Add(Method::kPost, "/api/v1/providers/{id}/tags", Access::Roles({Role::kOfficer}),
          "put a provider on a program's provider list ({\"tag\": \"qingyang_cluster\"})",
          "providers", [](Call& c) -> Result<http::Response> {
            SUANLI_ASSIGN(const std::int64_t id, IdParam(c.req, "id"));
            SUANLI_ASSIGN(JsonBody b, JsonBody::Parse(c.req.body));
            SUANLI_ASSIGN(const std::string tag, b.String("tag"));
            SUANLI_TRY(b.Finish());
            SUANLI_ASSIGN(const auto out, c.platform.SetProviderTag(c.who, id, tag, true));
            return Json(View(out));
          });
  kit.Add(Method::kDelete, "/api/v1/providers/{id}/tags/{tag}", Access::Roles({Role::kOfficer}),
          "take a provider off a program's provider list", "providers",
          [](Call& c) -> Result<http::Response> {
            SUANLI_ASSIGN(const std::int64_t id, IdParam(c.req, "id"));
            SUANLI_ASSIGN(const auto out,
                          c.platform.SetProviderTag(c.who, id, c.req.PathParam("tag"), false));
            return Json(View(out));
          });
  kit.Add(Method::kPost, "/api/v1/orgs/{id}/classes", Access::Roles({Role::kOfficer}),
          "record an organisation class a program asks about ({\"class\": "
          "\"newly_settled_ai_firm\"} or foundation_model_firm)",
          "orgs", [](Call& c) -> Result<http::Response> {
            SUANLI_ASSIGN(const std::int64_t id, IdParam(c.req, "id"));
            SUANLI_ASSIGN(JsonBody b, JsonBody::Parse(c.req.body));
            SUANLI_ASSIGN(const std::string cls, b.String("class"));
            SUANLI_TRY(b.Finish());
            SUANLI_ASSIGN(const auto out, c.platform.SetOrgClass(c.who, id, cls, true));
            return Json(View(out));
          });
  kit.Add(Method::kDelete, "/api/v1/orgs/{id}/classes/{class}", Access::Roles({Role::kOfficer}),
          "withdraw an organisation class", "orgs", [](Call& c) -> Result<http::Response> {
            SUANLI_ASSIGN(const std::int64_t id, IdParam(c.req, "id"));
            SUANLI_ASSIGN(const auto out,
                          c.platform.SetOrgClass(c.who, id, c.req.PathParam("class"), false));
            return Json(View(out));
          });
  kit.Add(Method::kGet, "/api/v1/notices", Access::AnyUser(), "your notices", "notices",
          [](Call& c) -> Result<http::Response> {
            SUANLI_ASSIGN(const auto rows, c.platform.ListNotices(c.who));
            return Json(ItemsView(rows));
          });
  kit.Add(Method::kPost, "/api/v1/notices/{id}/read", Access::AnyUser(), "mark a notice read",
          "notices", [](Call& c) -> Result<http::Response> {
            SUANLI_ASSIGN(const std::int64_t id, IdParam(c.req, "id"));
            SUANLI_TRY(c.platform.MarkNoticeRead(c.who, id));
            return Json(json::object{{"read", true}});
          });
  kit.Add(Method::kGet, "/api/v1/audit", Access::Roles({Role::kAuditor, Role::kAdmin, Role::kOfficer}),
          "read the audit log (?after_seq=&actor=&action=&object=&limit=)", "audit",
          [](Call& c) -> Result<http::Response> {
            audit::AuditFilter f;
            f.actor = c.req.QueryParam("actor");
            f.action = c.req.QueryParam("action");
            f.object_prefix = c.req.QueryParam("object");
            try {
              if (auto a = c.req.QueryParam("after_seq")) f.after_seq = std::stoll(*a);
              if (auto l = c.req.QueryParam("limit")) f.limit = std::stoi(*l);
            } catch (...) {
              return MakeError(ErrorCode::kParse, "after_seq", "an integer");
            }
            SUANLI_ASSIGN(const auto page, c.platform.ListAudit(c.who, f));
            json::array items;
            for (const auto& e : page.entries) items.push_back(View(e));
            json::object o{{"items", std::move(items)}};
            o["next_cursor"] = page.next_after_seq ? json::value(*page.next_after_seq) : nullptr;
            return Json(o);
          });
  kit.Add(Method::kPost, "/api/v1/audit/verify", Access::Roles({Role::kAuditor, Role::kAdmin}),
          "verify the audit log's hash chain", "audit", [](Call& c) -> Result<http::Response> {
            SUANLI_ASSIGN(const auto report, c.platform.VerifyAudit(c.who));
            json::array problems;
            for (const auto& p : report.problems) problems.push_back(json::string(p));
            return Json(json::object{{"ok", report.ok},
                                     {"entries_checked", report.entries_checked},
                                     {"problems", std::move(problems)}});
          });
  kit.Add(Method::kPost, "/api/v1/audit/reconcile", Access::Roles({Role::kAuditor, Role::kAdmin}),
          "check every ledger transfer against the platform's records and the audit log",
          "audit", [](Call& c) -> Result<http::Response> {
            SUANLI_ASSIGN(const auto r, c.platform.Reconcile(c.who));
            return Json(View(r));
          });
  kit.Add(Method::kPost, "/api/v1/admin/expiry/run", Access::Roles({Role::kAdmin, Role::kOfficer}),
          "run the expiry sweep now (it also runs every minute)", "operations",
          [](Call& c) -> Result<http::Response> {
            SUANLI_TRY(c.platform.RunExpiry());
            return Json(json::object{{"ran", true}, {"at", TimeString(c.platform.clock().Now())}});
          });
  ManualClock* clock = kit.options().manual_clock;
  kit.Add(Method::kGet, "/api/v1/clock", Access::Public(),
          "the platform's time and CST day (the demo's clock runs from 2024; the console's "
          "\"today\" is this, not the browser's)",
          "operations", [clock](Call& c) -> Result<http::Response> {
            const Instant now = c.platform.clock().Now();
            return Json(json::object{{"now", TimeString(now)},
                                     {"today", now.CstDate().ToString()},
                                     {"manual", clock != nullptr}});
          });
  kit.Add(Method::kPost, "/api/v1/admin/clock", Access::Roles({Role::kAdmin}),
          "move the simulated clock (only on a server started with --manual-clock)",
          "operations", [clock](Call& c) -> Result<http::Response> {
            if (clock == nullptr) {
              return MakeError(ErrorCode::kStateConflict, "", "this server runs on the real clock");
            }
            SUANLI_ASSIGN(JsonBody b, JsonBody::Parse(c.req.body));
            SUANLI_ASSIGN(const std::string at, b.String("now"));
            SUANLI_TRY(b.Finish());
            SUANLI_ASSIGN(const Instant t, Instant::Parse(at, "now"));
            if (t < clock->Now()) {
              return MakeError(ErrorCode::kContradiction, "now", "the clock only moves forward");
            }
            clock->Set(t);
            return Json(json::object{{"now", TimeString(clock->Now())}});
          });
}

}  // namespace suanli::api
