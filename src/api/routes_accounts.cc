// Accounts and API keys: creating, listing (paged, by role and text), changing (PATCH),
// passing an organisation's admin, disabling and enabling, resetting a password, and a provider
// operator's API keys. The rules are the workflow's (users.cc, user_changes.cc, passwords.cc,
// api_keys.cc); docs/api.md "Accounts" states them.
#include "api/route_kit.h"
#include "api/views.h"

namespace suanli::api {

namespace json = boost::json;
using workflow::Role;

namespace {

Result<Role> RoleFrom(std::string_view text) {
  const auto role = workflow::ParseRole(text);
  if (!role) {
    return MakeError(ErrorCode::kOutOfRange, "role",
                     "admin, officer, expert, provider, applicant or auditor");
  }
  return *role;
}

Result<http::Response> CreateUser(Call& c) {
  SUANLI_ASSIGN(JsonBody b, JsonBody::Parse(c.req.body));
  workflow::NewUser u;
  SUANLI_ASSIGN(u.username, b.String("username"));
  SUANLI_ASSIGN(u.display_name, b.String("display_name"));
  SUANLI_ASSIGN(u.password, b.String("password"));
  SUANLI_ASSIGN(const std::string role, b.String("role"));
  SUANLI_ASSIGN(u.role, RoleFrom(role));
  SUANLI_ASSIGN(u.org_id, b.OptInt("org_id"));
  SUANLI_ASSIGN(u.provider_id, b.OptInt("provider_id"));
  SUANLI_TRY(b.Finish());
  SUANLI_ASSIGN(const auto user, c.platform.CreateUser(c.who, u));
  return Json(ListedView(user), 201);
}

Result<http::Response> ListUsers(Call& c) {
  SUANLI_ASSIGN(const workflow::Page page, PageFrom(c.req));
  workflow::UserFilter filter;
  if (auto r = c.req.QueryParam("role")) {
    SUANLI_ASSIGN(filter.role, RoleFrom(*r));
  }
  filter.query = c.req.QueryParam("q").value_or("");
  SUANLI_ASSIGN(const auto users, c.platform.ListUsers(c.who, page, filter));
  return Json(ListView(users, page.limit, [](const workflow::User& u) { return ListedView(u); }));
}

Result<http::Response> UpdateUser(Call& c) {
  SUANLI_ASSIGN(const std::int64_t id, IdParam(c.req, "id"));
  SUANLI_ASSIGN(JsonBody b, JsonBody::Parse(c.req.body));
  workflow::UserPatch patch;
  SUANLI_ASSIGN(patch.display_name, b.OptString("display_name"));
  SUANLI_ASSIGN(const auto role, b.OptString("role"));
  if (role) {
    SUANLI_ASSIGN(patch.role, RoleFrom(*role));
  }
  SUANLI_ASSIGN(patch.org_id, b.OptInt("org_id"));
  SUANLI_ASSIGN(patch.provider_id, b.OptInt("provider_id"));
  SUANLI_TRY(b.Finish());
  SUANLI_ASSIGN(const auto user, c.platform.UpdateUser(c.who, id, patch));
  return Json(ListedView(user));
}

Result<http::Response> IssueApiKey(Call& c) {
  SUANLI_ASSIGN(const std::int64_t id, IdParam(c.req, "id"));
  std::optional<std::string> name;
  if (!c.req.body.empty()) {  // a body is optional: {"name": "billing system"}
    SUANLI_ASSIGN(JsonBody b, JsonBody::Parse(c.req.body));
    SUANLI_ASSIGN(name, b.OptString("name"));
    SUANLI_TRY(b.Finish());
  }
  SUANLI_ASSIGN(const auto key, c.platform.CreateApiKey(c.who, id, name));
  json::object o{{"key_id", key.key_id}, {"api_key", key.key}};
  o["name"] = key.name.empty() ? json::value(nullptr) : json::value(key.name);
  return Json(o, 201);
}

}  // namespace

void AddAccountRoutes(RouteKit& kit) {
  using http::Method;
  kit.Add(Method::kPost, "/api/v1/users", Access::Roles({Role::kAdmin, Role::kApplicant}),
          "create an account (admins), or invite a member (an organisation's admin); it must "
          "change the password at its first sign-in; answers it as GET /users lists it",
          "users", CreateUser);
  kit.Add(Method::kGet, "/api/v1/users",
          Access::Roles({Role::kAdmin, Role::kOfficer, Role::kAuditor, Role::kApplicant}),
          "list accounts (?role=&q=&after=&limit=; q: in the username or display name), with "
          "disabled, must_change_password and created_at; an organisation's admin lists its own "
          "members (other applicants 403)",
          "users", ListUsers);
  kit.Add(Method::kPatch, "/api/v1/users/{id}", Access::Roles({Role::kAdmin}),
          "change an account's display_name, and its role (among admin, officer, expert, "
          "auditor), org_id or provider_id: a change of powers ends its sessions and revokes its "
          "API keys; not one's own",
          "users", UpdateUser);
  kit.Add(Method::kPost, "/api/v1/users/{id}/org-admin", Access::Roles({Role::kAdmin, Role::kApplicant}),
          "make a member its organisation's admin (the organisation's admin passes it on, or the "
          "platform's admin); the previous one becomes a plain member",
          "users", [](Call& c) -> Result<http::Response> {
            SUANLI_ASSIGN(const std::int64_t id, IdParam(c.req, "id"));
            SUANLI_ASSIGN(const auto user, c.platform.PassOrgAdmin(c.who, id));
            return Json(ListedView(user));
          });
  kit.Add(Method::kGet, "/api/v1/users/{id}/api-keys", Access::Roles({Role::kAdmin, Role::kProvider}),
          "list a user's API keys (revoked ones too; name, last_used_at; never a secret): an "
          "admin, or an operator its own",
          "users", [](Call& c) -> Result<http::Response> {
            SUANLI_ASSIGN(const std::int64_t id, IdParam(c.req, "id"));
            SUANLI_ASSIGN(const auto keys, c.platform.ListApiKeys(c.who, id));
            return Json(ItemsView(keys));
          });
  kit.Add(Method::kPost, "/api/v1/users/{id}/api-keys", Access::Roles({Role::kAdmin, Role::kProvider}),
          "issue an API key for a provider's system ({\"name\": optional label}; the secret is "
          "shown once)",
          "users", IssueApiKey);
  kit.Add(Method::kDelete, "/api/v1/users/{id}/api-keys/{key_id}",
          Access::Roles({Role::kAdmin, Role::kProvider}),
          "revoke an API key (refused from the next request on)", "users",
          [](Call& c) -> Result<http::Response> {
            SUANLI_ASSIGN(const std::int64_t id, IdParam(c.req, "id"));
            SUANLI_TRY(c.platform.RevokeApiKey(c.who, id, c.req.PathParam("key_id")));
            return Json(json::object{{"revoked", true}});
          });
  for (const bool disable : {true, false}) {
    kit.Add(Method::kPost, disable ? "/api/v1/users/{id}/disable" : "/api/v1/users/{id}/enable",
            Access::Roles({Role::kAdmin, Role::kApplicant}),
            disable ? "disable an account (admins; an organisation's admin its members): its "
                      "sessions end and its API keys are refused at once"
                    : "enable a disabled account again (an organisation's admin: not one the "
                      "platform's admin disabled)",
            "users", [disable](Call& c) -> Result<http::Response> {
              SUANLI_ASSIGN(const std::int64_t id, IdParam(c.req, "id"));
              SUANLI_TRY(c.platform.SetUserDisabled(c.who, id, disable));
              return Json(json::object{{"id", id}, {"disabled", disable}});
            });
  }
  kit.Add(Method::kPost, "/api/v1/users/{id}/password",
          Access::Roles({Role::kAdmin, Role::kApplicant}),
          "set another account's password (it forgot its own; admins, and an organisation's admin "
          "for its members): its sessions end and it must change the password at its next "
          "sign-in",
          "users", [](Call& c) -> Result<http::Response> {
            SUANLI_ASSIGN(const std::int64_t id, IdParam(c.req, "id"));
            SUANLI_ASSIGN(JsonBody b, JsonBody::Parse(c.req.body));
            SUANLI_ASSIGN(const std::string password, b.String("new_password"));
            SUANLI_TRY(b.Finish());
            SUANLI_TRY(c.platform.ResetPassword(c.who, id, password));
            return Json(json::object{{"id", id}, {"password_reset", true}});
          });
}

}  // namespace suanli::api
