// The request and response a handler sees: plain structs with no Beast types, so the API layer
// compiles without Beast's headers. A Request is filled by the connection and valid only during
// the handler call; a Response is built by the handler and handed to Reply::Send.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace suanli::http {

enum class Method { kGet, kHead, kPost, kPut, kPatch, kDelete, kOptions, kOther };

// "GET", "HEAD", ...; "OTHER" for kOther.
std::string_view MethodName(Method method);

struct Request {
  Method method = Method::kOther;
  std::string path;       // percent-decoded path, no query string
  std::string query;      // raw query string (after '?'), not decoded
  std::string body;
  std::string remote_ip;  // the peer's address as text ("127.0.0.1", "::1")

  // The first header with this name (case-insensitive), or nullopt. The view points into the
  // connection's buffers: copy it to keep it past the handler call.
  std::optional<std::string_view> Header(std::string_view name) const;
  // The first query parameter with this (decoded) name, its value decoded ('+' is a space).
  // A parameter present without '=' yields "". nullopt when absent or not validly encoded.
  std::optional<std::string> QueryParam(std::string_view name) const;
  // The first cookie with this name in the Cookie header(s), surrounding quotes removed.
  std::optional<std::string> Cookie(std::string_view name) const;
  // The decoded value of "{name}" in the matched route pattern; "" when the pattern has none.
  std::string_view PathParam(std::string_view name) const;
  // The matched route pattern ("/api/v1/vouchers/{id}"), "" when no route matched.
  std::string_view route_pattern() const { return route_pattern_; }

  // ---- Filled by the server and the router (public so tests can build a Request by hand). ----
  // Header fields as (name, value) views, in arrival order.
  std::vector<std::pair<std::string_view, std::string_view>> headers_;
  // (name in the route pattern, decoded value); only the first path_param_count_ are live, the
  // rest keep their capacity for the next request on the connection.
  std::vector<std::pair<std::string_view, std::string>> path_params_;
  std::size_t path_param_count_ = 0;
  std::string_view route_pattern_;

  // Sets a path parameter (used by the router and by tests).
  void AddPathParam(std::string_view name, std::string_view value);
  // Forgets everything of the previous request but keeps string capacities.
  void Reset();
};

struct Response {
  unsigned status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // extra headers (Set-Cookie, ...)
};

}  // namespace suanli::http
