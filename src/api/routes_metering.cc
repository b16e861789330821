// Metering over HTTP: a center's Slurm accounts, usage uploads (`sacct --parsable2` text as
// the raw body), an organisation's metered bills, settling them through a voucher, and a
// claim's reconciliation with metering for its reviewers.
#include "api/route_kit.h"
#include "api/views.h"

namespace suanli::api {

namespace json = boost::json;
using workflow::Role;

namespace {

json::object View(const metering::LineReject& r) {
  return json::object{{"line", r.line}, {"column", r.column}, {"kind", r.kind},
                      {"reason", r.reason}};
}

json::object View(const metering::IngestReport& r) {
  json::array rejects;
  for (const auto& x : r.rejects) rejects.push_back(View(x));
  return json::object{{"lines", r.lines},       {"ingested", r.ingested},
                      {"billed", r.billed},     {"steps", r.steps},
                      {"never_ran", r.never_ran}, {"already", r.already},
                      {"rejected", r.rejected}, {"amount", MoneyString(r.amount_fen)},
                      {"rejects", std::move(rejects)}};
}

json::object View(const metering::BillLine& l) {
  const auto& f = l.line.figures;
  json::object o{{"center", l.line.center},
                 {"job_id", l.line.job_id},
                 {"kind", metering::LineKindName(l.kind)},
                 {"revision", l.revision},
                 {"day", f.day.ToString()},
                 {"unit", metering::PriceUnitName(f.unit)},
                 {"quantity_unit_s", f.quantity_unit_s},
                 {"unit_price", MoneyString(f.unit_price_fen)},
                 {"discount_share", f.discount_share.ToString()},
                 {"amount", MoneyString(f.amount_fen)}};
  if (!l.reason.empty()) o["reason"] = l.reason;
  return o;
}

json::object View(const metering::Bill& b) {
  json::array lines;
  for (const auto& l : b.lines) lines.push_back(View(l));
  json::object o{{"org_id", b.org.value},
                 {"period", b.period.ToString()},
                 {"original", MoneyString(b.original_fen)},
                 {"adjustments", MoneyString(b.adjustments_fen)},
                 {"total", MoneyString(b.total_fen)},
                 {"lines", std::move(lines)}};
  o["contract_id"] = b.contract ? json::value(b.contract->value) : json::value(nullptr);
  return o;
}

json::object View(const metering::Reconciliation& r) {
  json::array rows;
  for (const auto& x : r.rows) {
    json::array days;
    for (const auto& d : x.days) days.push_back(json::string(d.ToString()));
    rows.push_back(json::object{{"org_id", x.org.value},
                                {"claimed", MoneyString(x.claimed_fen)},
                                {"metered", MoneyString(x.metered_fen)},
                                {"metered_days", std::move(days)},
                                {"difference", MoneyString(x.difference_fen)},
                                {"flagged", x.flagged}});
  }
  return json::object{{"period", r.period.ToString()},     {"claimed", MoneyString(r.claimed_fen)},
                      {"metered", MoneyString(r.metered_fen)}, {"flagged", r.flagged},
                      {"rows", std::move(rows)}};
}

json::object View(const workflow::SlurmAccount& a) {
  json::object o{{"id", a.id}, {"center_id", a.center_id}, {"account", a.account},
                 {"org_id", a.org_id}};
  o["contract_id"] = a.contract_id ? json::value(*a.contract_id) : json::value(nullptr);
  o["discount_class"] =
      a.discount_class ? json::value(std::string(1, *a.discount_class)) : json::value(nullptr);
  return o;
}

}  // namespace

void AddMeteringRoutes(RouteKit& kit) {
  using http::Method;
  const Access provider = Access::Roles({Role::kProvider, Role::kAdmin});
  kit.Add(Method::kPost, "/api/v1/centers/{id}/accounts", provider,
          "map a Slurm account on the center to the organisation that pays for it", "metering",
          [](Call& c) -> Result<http::Response> {
            workflow::SlurmAccount a;
            SUANLI_ASSIGN(a.center_id, IdParam(c.req, "id"));
            SUANLI_ASSIGN(JsonBody b, JsonBody::Parse(c.req.body));
            SUANLI_ASSIGN(a.account, b.String("account"));
            SUANLI_ASSIGN(a.org_id, b.Int("org_id"));
            SUANLI_ASSIGN(a.contract_id, b.OptInt("contract_id"));
            SUANLI_ASSIGN(auto cls, b.OptString("discount_class"));
            SUANLI_TRY(b.Finish());
            if (cls) {
              if (cls->size() != 1) {
                return MakeError(ErrorCode::kOutOfRange, "discount_class", "one of A, B, C, D, E");
              }
              a.discount_class = (*cls)[0];
            }
            SUANLI_ASSIGN(const auto out, c.platform.MapSlurmAccount(c.who, a));
            return Json(View(out), 201);
          });
  kit.Add(Method::kGet, "/api/v1/centers/{id}/accounts",
          Access::Roles({Role::kProvider, Role::kAdmin, Role::kOfficer, Role::kAuditor}),
          "the center's Slurm accounts and who pays for them", "metering",
          [](Call& c) -> Result<http::Response> {
            SUANLI_ASSIGN(const std::int64_t id, IdParam(c.req, "id"));
            SUANLI_ASSIGN(const auto rows, c.platform.ListSlurmAccounts(c.who, id));
            json::array items;
            for (const auto& a : rows) items.push_back(View(a));
            return Json(json::object{{"items", std::move(items)}, {"next_cursor", nullptr}});
          });
  kit.Add(Method::kPost, "/api/v1/centers/{id}/accounts/{account_id}/limit", provider,
          "limit a trial account to a voucher's hours (Slurm GrpTRESMins)", "metering",
          [](Call& c) -> Result<http::Response> {
            SUANLI_ASSIGN(const std::int64_t id, IdParam(c.req, "id"));
            SUANLI_ASSIGN(const std::int64_t account, IdParam(c.req, "account_id"));
            SUANLI_ASSIGN(JsonBody b, JsonBody::Parse(c.req.body));
            SUANLI_ASSIGN(const std::int64_t cards, b.Int("card_hours"));
            SUANLI_ASSIGN(const std::int64_t cores, b.Int("core_hours"));
            SUANLI_TRY(b.Finish());
            SUANLI_TRY(c.platform.LimitSlurmAccount(c.who, id, account, cards, cores));
            return Json(json::object{{"account_id", account}, {"card_hours", cards},
                                     {"core_hours", cores}});
          });
  kit.Add(Method::kPost, "/api/v1/centers/{id}/usage", provider,
          "ingest a sacct --parsable2 file (raw body): rated, stored, bad lines reported",
          "metering", [](Call& c) -> Result<http::Response> {
            SUANLI_ASSIGN(const std::int64_t id, IdParam(c.req, "id"));
            SUANLI_ASSIGN(const auto report, c.platform.IngestUsage(c.who, id, c.req.body));
            return Json(View(report));
          });
  kit.Add(Method::kPost, "/api/v1/centers/{id}/usage/pull", provider,
          "pull the center's new usage through its Slurm connection now (the server also does "
          "so every --usage-interval)",
          "metering", [](Call& c) -> Result<http::Response> {
            SUANLI_ASSIGN(const std::int64_t id, IdParam(c.req, "id"));
            if (!c.req.body.empty()) {
              SUANLI_ASSIGN(JsonBody b, JsonBody::Parse(c.req.body));
              SUANLI_TRY(b.Finish());
            }
            SUANLI_ASSIGN(const auto pull, c.platform.PullUsage(c.who, id));
            return Json(json::object{{"center_id", pull.center_id},
                                     {"pages", pull.pages},
                                     {"records", pull.records},
                                     {"ingested", pull.ingested},
                                     {"already", pull.already},
                                     {"rejected", pull.rejected},
                                     {"amount", MoneyString(pull.amount_fen)},
                                     {"cursor", pull.cursor},
                                     {"more", pull.more}});
          });
  kit.Add(Method::kGet, "/api/v1/bills",
          Access::Roles({Role::kApplicant, Role::kProvider, Role::kOfficer, Role::kAdmin,
                         Role::kAuditor, Role::kExpert}),
          "an organisation's metered bills for a period (?org_id=&period=2024Q2)", "metering",
          [](Call& c) -> Result<http::Response> {
            const auto org = c.req.QueryParam("org_id");
            const auto period = c.req.QueryParam("period");
            if (!org) return MakeError(ErrorCode::kMissingField, "org_id", "required");
            if (!period) return MakeError(ErrorCode::kMissingField, "period", "required");
            std::int64_t org_id = 0;
            try {
              org_id = std::stoll(*org);
            } catch (...) {
              return MakeError(ErrorCode::kWrongType, "org_id", "must be an integer");
            }
            SUANLI_ASSIGN(const auto bills, c.platform.Bills(c.who, org_id, *period));
            json::array items;
            for (const auto& b : bills) items.push_back(View(b));
            return Json(json::object{{"items", std::move(items)}, {"next_cursor", nullptr}});
          });
  kit.AddAsync(
      Method::kPost, "/api/v1/bills/settlement", Access::Roles({Role::kProvider}),
      "settle an organisation's metered bills for a period through its voucher", "metering",
      [](Call& c, http::Reply reply) {
        std::int64_t org_id = 0, voucher_id = 0;
        std::string period;
        auto parsed = [&]() -> Status {
          SUANLI_ASSIGN(JsonBody b, JsonBody::Parse(c.req.body));
          SUANLI_ASSIGN(org_id, b.Int("org_id"));
          SUANLI_ASSIGN(period, b.String("period"));
          SUANLI_ASSIGN(voucher_id, b.Int("voucher_id"));
          return b.Finish();
        }();
        if (!parsed.ok()) return std::move(reply).Send(ProblemFrom(parsed.error()));
        c.platform.SettleMeteredBill(
            c.who, org_id, period, voucher_id,
            std::string(c.req.Header("Idempotency-Key").value_or("")),
            [reply = std::make_shared<http::Reply>(std::move(reply))](
                Result<workflow::SettlementResult> out) {
              if (!out.ok()) return std::move(*reply).Send(ProblemFrom(out.error()));
              std::move(*reply).Send(Json(View(*out), out->duplicate ? 200 : 201));
            });
      },
      /*money_moving=*/true);
  kit.Add(Method::kGet, "/api/v1/claims/{id}/reconciliation",
          Access::Roles({Role::kProvider, Role::kOfficer, Role::kExpert, Role::kAdmin,
                         Role::kAuditor}),
          "the claim against metered usage: per organisation claimed, metered, difference",
          "claims", [](Call& c) -> Result<http::Response> {
            SUANLI_ASSIGN(const std::int64_t id, IdParam(c.req, "id"));
            SUANLI_ASSIGN(const auto r, c.platform.ReconcileClaim(c.who, id));
            return Json(View(r));
          });
}

}  // namespace suanli::api
