// Experience vouchers by weekly draw (experience_draw programs: Nanjing; docs/workflow.md
// §Experience draws): an officer opens a week's draw and runs it, an applicant enters its
// organisation, everyone who may read it sees the published seed digest, then the seed, the
// winners and the entrant file to replay the draw with `suanli draw`.
#include "api/errors.h"
#include "api/json_io.h"
#include "api/route_kit.h"
#include "api/views.h"

namespace suanli::api {

namespace json = boost::json;
using workflow::Role;

namespace {

json::value OptNumber(const std::optional<std::int64_t>& v) {
  if (!v) return nullptr;
  return *v;
}

json::object WinnerView(const workflow::DrawWinnerRecord& w) {
  return {{"voucher_id", w.voucher_id},
          {"org_id", w.org_id},
          {"org_name", w.org_name},
          {"rank", w.rank},
          {"hours", w.hours}};
}

// A draw on the wire. The seed is a decimal string: 64 bits do not fit a JSON number that
// JavaScript reads exactly. `winners` only where the step loaded them (one draw, not a list);
// `entered` and `own_voucher` only for an applicant (null for other roles).
json::object DrawView(const workflow::Draw& d, bool with_winners) {
  json::object o{
      {"id", d.id},
      {"program_id", d.program_id},
      {"week", d.week.ToString()},
      {"week_end", d.week.AddDays(6).ToString()},
      {"status", d.status},
      {"seed_sha256", d.seed_sha256},
      {"seed", d.seed ? json::value(std::to_string(*d.seed)) : json::value(nullptr)},
      {"entrants", d.entrants},
      {"entrants_sha256",
       d.entrants_sha256.empty() ? json::value(nullptr) : json::value(d.entrants_sha256)},
      {"total_hours", OptNumber(d.total_hours)},
      {"shortfall_hours", OptNumber(d.shortfall_hours)},
      {"program_version", OptNumber(d.program_version)},
      {"opened_at", TimeString(d.opened_at)},
      {"drawn_at", d.drawn_at ? json::value(TimeString(*d.drawn_at)) : json::value(nullptr)},
      {"entered", d.entered ? json::value(*d.entered) : json::value(nullptr)},
      {"own_voucher",
       d.own_voucher ? json::value(WinnerView(*d.own_voucher)) : json::value(nullptr)}};
  if (with_winners) {
    json::array winners;
    for (const auto& w : d.winners) winners.push_back(WinnerView(w));
    o["winners"] = std::move(winners);
  }
  return o;
}

json::value OptTime(const std::optional<Instant>& t) {
  if (!t) return nullptr;
  return json::value(TimeString(*t));
}

// Card-seconds as hours with two decimals, rounded down ("12.50"): a decimal string, as the
// API carries exact figures, never a float.
std::string HoursString(std::int64_t card_s) {
  const std::int64_t hundredths = card_s / 36;
  const std::int64_t cents = hundredths % 100;
  return std::to_string(hundredths / 100) + (cents < 10 ? ".0" : ".") + std::to_string(cents);
}

// An experience voucher on the wire. `expires_at` is the exclusive end of its last day (24:00
// CST, as a voucher's), `last_day` that day; the account fields are null until it is
// activated. hours_used counts the card-seconds metered on its account (brought up to date by
// the sweep every minute), hours_remaining what is left of `hours`.
json::object ExperienceVoucherView(const workflow::ExperienceVoucher& x) {
  return {{"id", x.id},
          {"draw_id", x.draw_id},
          {"program_id", x.program_id},
          {"week", x.week.ToString()},
          {"org_id", x.org_id},
          {"org_name", x.org_name},
          {"rank", x.rank},
          {"hours", x.hours},
          {"issued_at", TimeString(x.issued_at)},
          {"status", x.status},
          {"expires_at", OptTime(x.expires_at)},
          {"last_day", x.expires_at
                           ? json::value(x.expires_at->AddSeconds(-1).CstDate().ToString())
                           : json::value(nullptr)},
          {"center_id", OptNumber(x.center_id)},
          {"center", x.slurm_cluster.empty() ? json::value(nullptr) : json::value(x.slurm_cluster)},
          {"account",
           x.slurm_account.empty() ? json::value(nullptr) : json::value(x.slurm_account)},
          {"activated_at", OptTime(x.activated_at)},
          {"used_card_seconds", x.used_card_s},
          {"hours_used", HoursString(x.used_card_s)},
          {"hours_remaining", HoursString(x.remaining_card_s())},
          {"ended_at", OptTime(x.ended_at)},
          {"account_closed_at", OptTime(x.account_closed_at)}};
}

}  // namespace

void AddDrawRoutes(RouteKit& kit) {
  using http::Method;
  const Access readers =
      Access::Roles({Role::kApplicant, Role::kOfficer, Role::kAdmin, Role::kAuditor});
  const Access officer = Access::Roles({Role::kOfficer});
  kit.Add(Method::kGet, "/api/v1/programs/{id}/draws", readers,
          "a program's weekly experience-voucher draws (?after=&limit=); an applicant's say "
          "whether its organisation entered and what it won",
          "draws", [](Call& c) -> Result<http::Response> {
            SUANLI_ASSIGN(const auto page, PageFrom(c.req));
            SUANLI_ASSIGN(const auto rows,
                          c.platform.ListDraws(c.who, c.req.PathParam("id"), page));
            return Json(ListView(rows, page.limit, [](const workflow::Draw& d) {
              return DrawView(d, /*with_winners=*/false);
            }));
          });
  kit.Add(Method::kPost, "/api/v1/programs/{id}/draws", officer,
          "open a week's experience-voucher draw ({\"week\": the Monday}): the server draws the "
          "seed and publishes its SHA-256 only",
          "draws", [](Call& c) -> Result<http::Response> {
            SUANLI_ASSIGN(JsonBody b, JsonBody::Parse(c.req.body));
            SUANLI_ASSIGN(const Date week, b.DateField("week"));
            SUANLI_TRY(b.Finish());
            SUANLI_ASSIGN(const auto d, c.platform.OpenDraw(c.who, c.req.PathParam("id"), week));
            return Json(DrawView(d, /*with_winners=*/true), 201);
          });
  kit.Add(Method::kGet, "/api/v1/draws/{id}", readers,
          "read a draw: the seed's SHA-256, entrants, and once run the seed, hours and winners",
          "draws", [](Call& c) -> Result<http::Response> {
            SUANLI_ASSIGN(const std::int64_t id, IdParam(c.req, "id"));
            SUANLI_ASSIGN(const auto d, c.platform.GetDraw(c.who, id));
            return Json(DrawView(d, /*with_winners=*/true));
          });
  kit.Add(Method::kGet, "/api/v1/draws/{id}/entrants.txt", readers,
          "the entrant file a run draw read (one org-<id> a line; its SHA-256 is "
          "entrants_sha256): replay with `suanli draw --entrants FILE --seed SEED`",
          "draws", [](Call& c) -> Result<http::Response> {
            SUANLI_ASSIGN(const std::int64_t id, IdParam(c.req, "id"));
            SUANLI_ASSIGN(std::string text, c.platform.DrawEntrantsText(c.who, id));
            http::Response r;
            r.content_type = "text/plain; charset=utf-8";
            r.body = std::move(text);
            return r;
          });
  kit.Add(Method::kPost, "/api/v1/draws/{id}/entries", Access::Roles({Role::kApplicant}),
          "enter your organisation in an open draw (once per draw)", "draws",
          [](Call& c) -> Result<http::Response> {
            SUANLI_ASSIGN(const std::int64_t id, IdParam(c.req, "id"));
            if (!c.req.body.empty()) {  // nothing to say but the path: an empty object at most
              SUANLI_ASSIGN(JsonBody b, JsonBody::Parse(c.req.body));
              SUANLI_TRY(b.Finish());
            }
            SUANLI_ASSIGN(const auto d, c.platform.EnterDraw(c.who, id));
            return Json(DrawView(d, /*with_winners=*/false), 201);
          });
  // Issues vouchers, so it takes an Idempotency-Key as the money-moving POSTs do: a retry after
  // a lost answer gets the first answer, not the 409 of a draw already run.
  kit.Add(
      Method::kPost, "/api/v1/draws/{id}/run", officer,
      "run an open draw: winners drawn from the sealed seed, which is revealed; an "
      "experience voucher per winner",
      "draws",
      [](Call& c) -> Result<http::Response> {
        SUANLI_ASSIGN(const std::int64_t id, IdParam(c.req, "id"));
        if (!c.req.body.empty()) {
          SUANLI_ASSIGN(JsonBody b, JsonBody::Parse(c.req.body));
          SUANLI_TRY(b.Finish());
        }
        SUANLI_ASSIGN(const auto d, c.platform.RunDraw(c.who, id));
        return Json(DrawView(d, /*with_winners=*/true));
      },
      /*money_moving=*/true);
  kit.Add(Method::kGet, "/api/v1/experience-vouchers", readers,
          "experience vouchers won in draws (?after=&limit=); an applicant sees its own", "draws",
          [](Call& c) -> Result<http::Response> {
            SUANLI_ASSIGN(const auto page, PageFrom(c.req));
            SUANLI_ASSIGN(const auto rows, c.platform.ListExperienceVouchers(c.who, page));
            return Json(ListView(rows, page.limit, ExperienceVoucherView));
          });
  kit.Add(Method::kGet, "/api/v1/experience-vouchers/{id}", readers,
          "one experience voucher: its status, one-time account, hours used and remaining, "
          "expiry; an applicant reads its own organisation's",
          "draws", [](Call& c) -> Result<http::Response> {
            SUANLI_ASSIGN(const std::int64_t id, IdParam(c.req, "id"));
            SUANLI_ASSIGN(const auto x, c.platform.GetExperienceVoucher(c.who, id));
            return Json(ExperienceVoucherView(x));
          });
  kit.Add(Method::kPost, "/api/v1/experience-vouchers/{id}/activate",
          Access::Roles({Role::kApplicant}),
          "the winner's applicant activates its issued experience voucher: a one-time Slurm "
          "account is opened on the provider's AI center, limited to the voucher's card-hours, "
          "free of charge",
          "draws", [](Call& c) -> Result<http::Response> {
            SUANLI_ASSIGN(const std::int64_t id, IdParam(c.req, "id"));
            if (!c.req.body.empty()) {  // nothing to say but the path: an empty object at most
              SUANLI_ASSIGN(JsonBody b, JsonBody::Parse(c.req.body));
              SUANLI_TRY(b.Finish());
            }
            SUANLI_ASSIGN(const auto x, c.platform.ActivateExperienceVoucher(c.who, id));
            return Json(ExperienceVoucherView(x));
          });
}

}  // namespace suanli::api
