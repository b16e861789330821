// The machinery every route shares: authentication (session cookie + CSRF token for people,
// API keys for providers' systems), the role check against the route's Access, the
// Idempotency-Key rule for money-moving POSTs, and turning a Result into JSON or problem+json.
#pragma once

#include <functional>
#include <mutex>
#include <string>
#include <unordered_map>

#include <boost/json.hpp>

#include "api/api.h"
#include "api/errors.h"
#include "api/json_io.h"

namespace suanli::api {

inline constexpr char kSessionCookie[] = "suanli_session";

struct Call {
  const http::Request& req;
  workflow::Platform& platform;
  workflow::Principal who;
  bool signed_in = false;
  std::string session_token;  // when signed in with a cookie
};

using SyncHandler = std::function<Result<http::Response>(Call&)>;
using AsyncHandler = std::function<void(Call&, http::Reply)>;

http::Response Json(const boost::json::value& v, unsigned status = 200);
// Cursor pagination from ?after=&limit= (limit 1..200, default 50).
Result<workflow::Page> PageFrom(const http::Request& req);
Result<std::int64_t> IdParam(const http::Request& req, std::string_view name);
// An optional id in the query (?org_id=3): absent, or a positive integer (kParse on `name`).
Result<std::optional<std::int64_t>> OptIdQuery(const http::Request& req, std::string_view name);

class RouteKit {
 public:
  RouteKit(http::Router& router, workflow::Platform& platform, const ApiOptions& options);
  void Add(http::Method method, std::string pattern, Access access, std::string summary,
           std::string tag, SyncHandler handler, bool money_moving = false);
  void AddAsync(http::Method method, std::string pattern, Access access, std::string summary,
                std::string tag, AsyncHandler handler, bool money_moving = false);
  const ApiOptions& options() const { return options_; }

 private:
  // Authenticates and checks access; fills `call` or returns the problem to send.
  std::optional<http::Response> Admit(const RouteEntry& route, Call& call);

  http::Router& router_;
  workflow::Platform& platform_;
  ApiOptions options_;
  // Replays of money-moving POSTs: (principal, route pattern, key) → (digest of the concrete
  // path and the body, the response a replay gets).
  struct Remembered {
    std::string request_sha256;
    http::Response response;
  };
  std::mutex idem_mu_;
  std::unordered_map<std::string, Remembered> idem_;
  // Keys whose request is running: memo key → digest of that request (guarded by idem_mu_).
  std::unordered_map<std::string, std::string> in_flight_;
};

void AddSessionRoutes(RouteKit& kit);
void AddOrgRoutes(RouteKit& kit);
void AddProgramRoutes(RouteKit& kit);
void AddVoucherRoutes(RouteKit& kit);
void AddAwardRoutes(RouteKit& kit);    // routes_awards.cc
void AddRedemptionRoutes(RouteKit& kit);  // routes_redemptions.cc
void AddDrawRoutes(RouteKit& kit);        // routes_draws.cc
void AddClaimRoutes(RouteKit& kit);
void AddAccountRoutes(RouteKit& kit);  // routes_accounts.cc
void AddAdminRoutes(RouteKit& kit);
void AddNetworkRoutes(RouteKit& kit);   // routes_network.cc
void AddMeteringRoutes(RouteKit& kit);  // routes_metering.cc
void AddJobRoutes(RouteKit& kit);       // routes_jobs.cc
void AddOpenApiRoute(RouteKit& kit);

}  // namespace suanli::api
