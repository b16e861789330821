// Suanli's REST API (/api/v1): every route with the roles that may call it (one matrix,
// published in the OpenAPI document as x-roles and walked by a test with every role), the
// translation of JSON to workflow calls and back, and errors as problem+json. Handlers are thin:
// the workflow does the work.
#pragma once

#include <cstdint>
#include <functional>
#include <initializer_list>
#include <string>
#include <vector>

#include "http/metrics.h"
#include "http/router.h"
#include "workflow/platform.h"

namespace suanli::api {

struct ApiOptions {
  bool secure_cookies = false;  // Secure attribute on the session cookie (behind TLS)
  // Test only: POST /api/v1/admin/clock moves this clock (a server started with a manual clock).
  ManualClock* manual_clock = nullptr;
};

// Who may call a route: nobody signed in (public), anyone signed in, or the listed roles.
struct Access {
  bool is_public = false;
  std::vector<workflow::Role> roles;  // empty and not public: any signed-in user
  // Open to a session whose account must change its password first (someone else set it): the
  // session's own routes. Every other route refuses such a session: 403 on
  // must_change_password.
  bool before_password_change = false;
  static Access Public() { return Access{true, {}}; }
  static Access AnyUser() { return Access{false, {}}; }
  static Access AnyUserBeforePasswordChange() { return Access{false, {}, true}; }
  static Access Roles(std::initializer_list<workflow::Role> r) { return Access{false, r}; }
  bool Allows(workflow::Role role) const;
};

struct RouteEntry {
  http::Method method;
  std::string pattern;
  Access access;
  std::string summary;
  std::string tag;
  bool money_moving = false;  // requires an Idempotency-Key
};

// Registers every /api/v1 route on `router`. `platform` outlives the router.
void RegisterRoutes(http::Router& router, workflow::Platform& platform,
                    metrics::Registry& metrics, const ApiOptions& options);

// The route table as registered (the OpenAPI writer and tests read it).
const std::vector<RouteEntry>& RouteTable();

}  // namespace suanli::api
