// Sign-in and sign-out: a session cookie (HttpOnly, SameSite=Strict) and a CSRF token the
// console sends back on every state change.
#include "api/route_kit.h"
#include "api/views.h"

namespace suanli::api {

namespace json = boost::json;

static std::string SessionCookie(const std::string& token, std::int64_t max_age_s, bool secure) {
  return std::string(kSessionCookie) + "=" + token + "; Path=/; HttpOnly; SameSite=Strict; Max-Age=" +
         std::to_string(max_age_s) + (secure ? "; Secure" : "");
}

// `must_change_password`: until the user changes its password (someone else set it), only
// these session routes answer it; the console opens the change-password dialog at once.
static json::object SessionView(const workflow::Session& s) {
  return {{"user", View(s.user)},
          {"csrf_token", s.csrf_token},
          {"expires_at", TimeString(s.expires_at)},
          {"must_change_password", s.user.must_change_password}};
}

void AddSessionRoutes(RouteKit& kit) {
  using http::Method;
  const bool secure = kit.options().secure_cookies;
  kit.Add(Method::kPost, "/api/v1/session", Access::Public(), "sign in", "session",
          [secure](Call& c) -> Result<http::Response> {
            SUANLI_ASSIGN(JsonBody body, JsonBody::Parse(c.req.body));
            SUANLI_ASSIGN(const std::string username, body.String("username"));
            SUANLI_ASSIGN(const std::string password, body.String("password"));
            SUANLI_TRY(body.Finish());
            SUANLI_ASSIGN(const workflow::Session s,
                          c.platform.Login(username, password, c.req.remote_ip));
            http::Response r = Json(SessionView(s));
            const std::int64_t ttl = (s.expires_at.micros() - c.platform.clock().Now().micros()) /
                                     kMicrosPerSecond;
            r.headers.emplace_back("Set-Cookie", SessionCookie(s.token, ttl, secure));
            return r;
          });
  kit.Add(Method::kGet, "/api/v1/session", Access::AnyUserBeforePasswordChange(),
          "read the current session (must_change_password: only the session routes answer until "
          "the password is changed)",
          "session", [](Call& c) -> Result<http::Response> {
            SUANLI_ASSIGN(const workflow::Session s, c.platform.ResumeSession(c.session_token));
            return Json(SessionView(s));
          });
  kit.Add(Method::kPost, "/api/v1/session/password", Access::AnyUserBeforePasswordChange(),
          "change the signed-in user's own password (the current one first); its other "
          "sessions end and a must_change_password is cleared",
          "session", [](Call& c) -> Result<http::Response> {
            SUANLI_ASSIGN(JsonBody body, JsonBody::Parse(c.req.body));
            SUANLI_ASSIGN(const std::string current, body.String("current_password"));
            SUANLI_ASSIGN(const std::string next, body.String("new_password"));
            SUANLI_TRY(body.Finish());
            SUANLI_TRY(c.platform.ChangePassword(c.who, current, next, c.session_token,
                                                 c.req.remote_ip));
            return Json(json::object{{"password_changed", true}});
          });
  kit.Add(Method::kDelete, "/api/v1/session", Access::AnyUserBeforePasswordChange(), "sign out",
          "session",
          [secure](Call& c) -> Result<http::Response> {
            SUANLI_TRY(c.platform.Logout(c.session_token));
            http::Response r = Json(json::object{{"signed_out", true}});
            r.headers.emplace_back("Set-Cookie", SessionCookie("", 0, secure));
            return r;
          });
}

}  // namespace suanli::api
