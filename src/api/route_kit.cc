#include "api/route_kit.h"

#include <charconv>

#include "security/csrf.h"
#include "security/digest.h"

namespace suanli::api {
namespace {

std::vector<RouteEntry>& MutableTable() {
  static std::vector<RouteEntry> table;
  return table;
}

// Replays remembered per server at most: bounds memory (oldest forgotten first is not
// tracked; the map is cleared when full — the steps behind are idempotent by state anyway).
constexpr std::size_t kRememberedRepliesMax = 100'000;

// What a money-moving request asked for, for the replay memo: its concrete path (the ids in it)
// and its body, each length-prefixed so no two requests share a text.
std::string RequestDigest(const http::Request& req) {
  return security::Sha256Hex(std::to_string(req.path.size()) + ":" + req.path +
                             std::to_string(req.body.size()) + ":" + req.body);
}

// What a replay from the memo answers. An answer that says whether its request was a replay
// (`duplicate`: a redemption's, as a settlement's) says so again — 200 and `duplicate: true`,
// as the step itself answers a retry that reaches it under a new key; any other answer is
// repeated as it was.
http::Response ReplayOf(const http::Response& first) {
  http::Response replay = first;
  if (first.content_type != "application/json") return replay;
  boost::system::error_code ec;
  boost::json::value body = boost::json::parse(first.body, ec);
  boost::json::object* o = ec ? nullptr : body.if_object();
  const boost::json::value* flag = o == nullptr ? nullptr : o->if_contains("duplicate");
  if (flag == nullptr || !flag->is_bool()) return replay;
  (*o)["duplicate"] = true;
  replay.body = boost::json::serialize(body);
  if (replay.status == 201) replay.status = 200;
  return replay;
}

}  // namespace

const std::vector<RouteEntry>& RouteTable() { return MutableTable(); }

bool Access::Allows(workflow::Role role) const {
  if (is_public || roles.empty()) return true;
  for (workflow::Role r : roles) {
    if (r == role) return true;
  }
  return false;
}

http::Response Json(const boost::json::value& v, unsigned status) {
  http::Response r;
  r.status = status;
  r.body = boost::json::serialize(v);
  return r;
}

// A query parameter that must be a whole decimal number from `min` (no sign, no other text:
// "5x" is refused, not read as 5).
static Result<std::optional<std::int64_t>> WholeQuery(const http::Request& req,
                                                      std::string_view name, std::int64_t min) {
  const std::optional<std::string> text = req.QueryParam(name);
  if (!text) return std::optional<std::int64_t>();
  std::int64_t value = 0;
  const char* end = text->data() + text->size();
  const auto [ptr, ec] = std::from_chars(text->data(), end, value);
  if (text->empty() || (*text)[0] == '-' || ec != std::errc() || ptr != end) {
    return MakeError(ErrorCode::kParse, std::string(name), "a whole number");
  }
  if (value < min) {
    return MakeError(ErrorCode::kOutOfRange, std::string(name), "at least " + std::to_string(min));
  }
  return std::optional<std::int64_t>(value);
}

Result<workflow::Page> PageFrom(const http::Request& req) {
  workflow::Page page;
  SUANLI_ASSIGN(const auto after, WholeQuery(req, "after", 0));
  SUANLI_ASSIGN(const auto limit, WholeQuery(req, "limit", 1));
  if (after) page.after_id = *after;
  if (limit) {
    if (*limit > 200) return MakeError(ErrorCode::kOutOfRange, "limit", "1 to 200");
    page.limit = static_cast<int>(*limit);
  }
  return page;
}

Result<std::int64_t> IdParam(const http::Request& req, std::string_view name) {
  const std::string text(req.PathParam(name));
  if (text.empty() || text.size() > 18 ||
      text.find_first_not_of("0123456789") != std::string::npos) {
    return MakeError(ErrorCode::kParse, std::string(name), "an id is a positive integer");
  }
  return std::stoll(text);
}

Result<std::optional<std::int64_t>> OptIdQuery(const http::Request& req, std::string_view name) {
  const std::optional<std::string> text = req.QueryParam(name);
  if (!text) return std::optional<std::int64_t>();
  if (text->empty() || text->size() > 18 || text->find_first_not_of("0123456789") != std::string::npos ||
      std::stoll(*text) == 0) {
    return MakeError(ErrorCode::kParse, std::string(name), "an id is a positive integer");
  }
  return std::optional<std::int64_t>(std::stoll(*text));
}

RouteKit::RouteKit(http::Router& router, workflow::Platform& platform, const ApiOptions& options)
    : router_(router), platform_(platform), options_(options) {}

std::optional<http::Response> RouteKit::Admit(const RouteEntry& route, Call& call) {
  const http::Request& req = call.req;
  if (route.money_moving) {
    const std::string_view key = req.Header("Idempotency-Key").value_or(std::string_view{});
    if (Status valid = workflow::ValidateIdempotencyKey(key); !valid.ok()) {
      return ProblemFrom(valid.error());
    }
  }
  if (route.access.is_public) return std::nullopt;
  std::optional<std::string_view> api_key = req.Header("X-Api-Key");
  if (auto auth = req.Header("Authorization"); auth && auth->rfind("Bearer ", 0) == 0) {
    api_key = auth->substr(7);
  }
  if (api_key) {
    auto p = platform_.AuthenticateApiKey(*api_key);
    if (!p.ok()) return ProblemFrom(p.error());
    call.who = *p;
  } else {
    const auto cookie = req.Cookie(kSessionCookie);
    if (!cookie) return ProblemFrom(MakeError(ErrorCode::kUnauthenticated, "", "sign in first"));
    auto session = platform_.ResumeSession(*cookie);
    if (!session.ok()) return ProblemFrom(session.error());
    // Cookies travel by themselves; a state change must also show the CSRF token.
    if (req.method != http::Method::kGet && req.method != http::Method::kHead) {
      const auto token = req.Header("X-CSRF-Token");
      if (!token || !security::CsrfMatches(session->csrf_token, *token)) {
        return ProblemFrom(MakeError(ErrorCode::kForbidden, "X-CSRF-Token",
                                     "missing or wrong CSRF token"));
      }
    }
    const workflow::User& u = session->user;
    if (u.must_change_password && !route.access.before_password_change) {
      return ProblemFrom(MakeError(ErrorCode::kForbidden, "must_change_password",
                                   "this password was set by an administrator: change it first "
                                   "(POST /api/v1/session/password)"));
    }
    call.who.user_id = u.id;
    call.who.username = u.username;
    call.who.role = u.role;
    call.who.org_id = u.org_id;
    call.who.provider_id = u.provider_id;
    call.who.org_admin = u.org_admin;
    call.session_token = *cookie;
  }
  call.signed_in = true;
  if (!route.access.Allows(call.who.role)) {
    return ProblemFrom(MakeError(ErrorCode::kForbidden, "",
                                 "the role " + std::string(workflow::RoleName(call.who.role)) +
                                     " may not " + route.summary));
  }
  return std::nullopt;
}

void RouteKit::Add(http::Method method, std::string pattern, Access access, std::string summary,
                   std::string tag, SyncHandler handler, bool money_moving) {
  MutableTable().push_back(RouteEntry{method, pattern, access, summary, tag, money_moving});
  const RouteEntry entry = MutableTable().back();
  router_.Add(
      method, pattern,
      [this, entry, handler = std::move(handler)](const http::Request& req, http::Reply reply) {
        Call call{req, platform_, {}, false, {}};
        if (auto refused = Admit(entry, call)) return std::move(reply).Send(std::move(*refused));
        std::string memo_key, request_sha;
        if (entry.money_moving) {
          // One key names one request per actor and route: the same key on another id of the
          // route (another application, settlement, organisation) is a conflict, not a new
          // request.
          memo_key = call.who.Actor() + " " + entry.pattern + " " +
                     std::string(*req.Header("Idempotency-Key"));
          request_sha = RequestDigest(req);
          std::lock_guard lock(idem_mu_);
          if (auto it = idem_.find(memo_key); it != idem_.end()) {
            if (it->second.request_sha256 != request_sha) {
              return std::move(reply).Send(ProblemFrom(MakeError(
                  ErrorCode::kIdempotencyConflict, "Idempotency-Key",
                  "this key was used for a different request")));
            }
            return std::move(reply).Send(http::Response(it->second.response));
          }
          // The key is taken from here until the answer is remembered: a second request under
          // it (from another I/O thread) would otherwise miss the memo and run too — with other
          // content, both would take effect.
          const auto [running, taken] = in_flight_.emplace(memo_key, request_sha);
          if (!taken) {
            return std::move(reply).Send(ProblemFrom(
                running->second != request_sha
                    ? MakeError(ErrorCode::kIdempotencyConflict, "Idempotency-Key",
                                "this key was used for a different request")
                    : MakeError(ErrorCode::kStateConflict, "Idempotency-Key",
                                "a request under this key is still in progress: retry")));
          }
        }
        // Frees the key however the handler ends (an exception is answered 500 by the server).
        struct Release {
          RouteKit* kit;
          const std::string* key;
          ~Release() {
            if (key == nullptr) return;
            std::lock_guard lock(kit->idem_mu_);
            kit->in_flight_.erase(*key);
          }
        } release{this, entry.money_moving ? &memo_key : nullptr};
        Result<http::Response> out = handler(call);
        http::Response response = out.ok() ? std::move(out).value() : ProblemFrom(out.error());
        if (entry.money_moving && response.status < 300) {
          std::lock_guard lock(idem_mu_);
          if (idem_.size() >= kRememberedRepliesMax) idem_.clear();
          idem_[memo_key] = Remembered{request_sha, ReplayOf(response)};
        }
        std::move(reply).Send(std::move(response));
      },
      http::RouteDoc{summary, tag});
}

void RouteKit::AddAsync(http::Method method, std::string pattern, Access access,
                        std::string summary, std::string tag, AsyncHandler handler,
                        bool money_moving) {
  MutableTable().push_back(RouteEntry{method, pattern, access, summary, tag, money_moving});
  const RouteEntry entry = MutableTable().back();
  router_.Add(
      method, pattern,
      [this, entry, handler = std::move(handler)](const http::Request& req, http::Reply reply) {
        Call call{req, platform_, {}, false, {}};
        if (auto refused = Admit(entry, call)) return std::move(reply).Send(std::move(*refused));
        handler(call, std::move(reply));
      },
      http::RouteDoc{summary, tag});
}

void RegisterRoutes(http::Router& router, workflow::Platform& platform,
                    metrics::Registry& metrics, const ApiOptions& options) {
  (void)metrics;
  MutableTable().clear();
  static std::vector<std::unique_ptr<RouteKit>> kits;  // live as long as the process's routers
  kits.push_back(std::make_unique<RouteKit>(router, platform, options));
  RouteKit& kit = *kits.back();
  AddSessionRoutes(kit);
  AddProgramRoutes(kit);
  AddOrgRoutes(kit);
  AddVoucherRoutes(kit);
  AddAwardRoutes(kit);
  AddRedemptionRoutes(kit);
  AddDrawRoutes(kit);
  AddClaimRoutes(kit);
  AddAccountRoutes(kit);
  AddAdminRoutes(kit);
  AddNetworkRoutes(kit);
  AddMeteringRoutes(kit);
  AddJobRoutes(kit);
  AddOpenApiRoute(kit);
}

}  // namespace suanli::api
