// The JSON shape of each workflow record on the wire (docs/api.md). Money: decimal strings in
// CNY; instants: ISO 8601 with +08:00; ids: integers.
#pragma once

#include <span>

#include <boost/json.hpp>

#include "audit/audit_log.h"
#include "workflow/records.h"
#include "workflow/records_draws.h"
#include "workflow/records_network.h"

namespace suanli::api {

boost::json::object View(const workflow::User& u);
// An account as listed (GET /users) and as created or changed (POST /users, PATCH
// /users/{id}, …/org-admin): the session's user plus `disabled`, `disabled_by_platform`,
// `must_change_password` and `created_at`.
boost::json::object ListedView(const workflow::User& u);
boost::json::object View(const workflow::ApiKeyInfo& k);
boost::json::object View(const workflow::Org& o);
boost::json::object View(const workflow::Document& d);
boost::json::object View(const workflow::Provider& p);
boost::json::object View(const workflow::RelatedParty& r);
boost::json::object View(const workflow::DeclaredParty& r);
boost::json::object View(const workflow::Subsidy& s);
boost::json::object View(const workflow::Contract& c);
boost::json::object View(const workflow::Application& a);
boost::json::object View(const workflow::ContractPayment& p);
boost::json::object View(const workflow::Award& a);
boost::json::object View(const workflow::Redemption& r);
// POST /vouchers/{id}/redemptions's answer: the redemption and `duplicate` (a replay).
boost::json::object View(const workflow::RedemptionSubmitted& s);
boost::json::object View(const workflow::Voucher& v);
boost::json::object View(const workflow::SettlementRow& s);
boost::json::object View(const workflow::SettlementResult& s);
// A settlement run's answer: {"results": [{"index", "status", "settlement" | "problem"}],
// "settled", "replayed", "refused"}, each result as POST /api/v1/settlements would answer it.
boost::json::object RunView(const std::vector<Result<workflow::SettlementResult>>& answers);
boost::json::object View(const workflow::Claim& c);
boost::json::object View(const workflow::PayoutBatch& b);
boost::json::object View(const workflow::Enforcement& e);
boost::json::object View(const workflow::Notice& n);
boost::json::object View(const workflow::PoolReport& p);
boost::json::object View(const workflow::ReportRow& r);
boost::json::object View(const audit::AuditEntry& e);
// POST /api/v1/audit/reconcile's answer, and `suanli audit reconcile --json`'s.
boost::json::object View(const workflow::Reconciliation& r);
// The compute network (views_network.cc).
boost::json::object View(const workflow::Center& c);
// A center with `prices_in_force`: the entries of `in_force` (every center's, from
// Platform::PricesInForce) that are its own, as {partition, unit, price, effective_from,
// billing_weights}.
boost::json::object View(const workflow::Center& c, std::span<const workflow::Price> in_force);
boost::json::object View(const workflow::Price& p);
boost::json::object View(const workflow::Goods& g);

// {"items": [...], "next_cursor": null}: a whole (unpaginated) list.
template <typename T>
boost::json::object ItemsView(const std::vector<T>& items) {
  boost::json::array arr;
  for (const T& t : items) arr.push_back(View(t));
  return boost::json::object{{"items", std::move(arr)}, {"next_cursor", nullptr}};
}

// {"items": [view(item)...], "next_cursor": id of the last item or null when fewer than
// `limit`}: a page of a list paged by ?after=&limit= (PageFrom).
template <typename T, typename ViewFn>
boost::json::object ListView(const std::vector<T>& items, int limit, ViewFn view) {
  boost::json::array arr;
  for (const T& t : items) arr.push_back(view(t));
  boost::json::object o;
  o["items"] = std::move(arr);
  if (!items.empty() && static_cast<int>(items.size()) >= limit) {
    o["next_cursor"] = items.back().id;
  } else {
    o["next_cursor"] = nullptr;
  }
  return o;
}
template <typename T>
boost::json::object ListView(const std::vector<T>& items, int limit) {
  return ListView(items, limit, [](const T& t) { return View(t); });
}

}  // namespace suanli::api
