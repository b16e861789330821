// Routes: (method, pattern) → handler, where a pattern is literal segments and "{param}"
// segments ("/api/v1/vouchers/{id}"). The router answers which route a request path takes, or
// that none does (404) or that the path exists for other methods (405 with Allow).
#pragma once

#include <array>
#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "http/message.h"
#include "http/reply.h"

namespace suanli::http {

// A handler answers through its Reply, exactly once, now or later and from any thread. It runs
// on a server I/O thread: anything slow (disk, fsync, another service) belongs elsewhere, with
// the Reply moved there. An exception escaping a handler is logged; its Reply answers 500.
using Handler = std::function<void(const Request&, Reply)>;

struct RouteDoc {
  std::string summary;
  std::string tag;
};

struct Route {
  Method method;
  std::string pattern;
  Handler handler;
  RouteDoc doc;
};

class Router {
 public:
  // Registers a route. `pattern` starts with '/', and each segment is either literal text or
  // "{name}" (a whole segment; name of [A-Za-z0-9_]). Registering the same method and pattern
  // twice, a malformed pattern or Method::kOther is a bug (CHECK). All routes are added before
  // Server::Start: the router is read-only, and so safe to share between threads, afterwards.
  void Add(Method method, std::string pattern, Handler handler, RouteDoc doc = {});

  // Everything registered, in registration order.
  const std::vector<Route>& routes() const { return routes_; }

  struct Match {
    enum class Kind { kFound, kNotFound, kMethodNotAllowed };
    Kind kind = Kind::kNotFound;
    const Route* route = nullptr;  // kFound (a GET route for a HEAD request without its own)
    std::string allow;             // kMethodNotAllowed: "GET, HEAD, POST"
  };

  // Matches a raw (still percent-encoded) request path, without query string. Segments are
  // split before decoding, so "%2F" stays inside its segment. On kFound, fills the request's
  // path parameters (decoded) and route pattern. When several patterns match, the one whose
  // first differing segment is literal wins ("/vouchers/search" over "/vouchers/{id}"). A
  // segment that is not validly encoded matches only a parameter-free miss: kNotFound.
  Match Find(Method method, std::string_view raw_path, Request* request) const;

 private:
  struct Segment {
    bool is_param = false;
    std::string text;  // literal text, or the parameter name
  };
  struct Pattern {
    std::string pattern;
    std::vector<Segment> segments;
    std::array<int, 8> route_by_method{};  // index into routes_ per Method, -1 when none
  };

  std::vector<Route> routes_;
  std::vector<Pattern> patterns_;
};

}  // namespace suanli::http
