#include "api/views.h"

#include "api/errors.h"
#include "api/json_io.h"

namespace suanli::api {

namespace json = boost::json;
using namespace workflow;

static json::value Opt(const std::optional<std::int64_t>& v) {
  if (!v) return nullptr;
  return *v;
}

// A share as a decimal fraction ("0.20"); null when there is none or no exact decimal.
static json::value RateDecimal(const std::optional<Rate>& rate) {
  const std::optional<std::string> text = rate ? rate->ToDecimal() : std::nullopt;
  if (!text) return nullptr;
  return json::value(*text);
}

json::object View(const User& u) {
  return {{"id", u.id},
          {"username", u.username},
          {"display_name", u.display_name},
          {"roles", json::array{json::string(RoleName(u.role))}},
          {"org_id", Opt(u.org_id)},
          {"provider_id", Opt(u.provider_id)},
          {"org_admin", u.org_admin}};
}

json::object ListedView(const User& u) {
  json::object j = View(u);
  j["disabled"] = u.disabled;
  j["disabled_by_platform"] = u.disabled_by_platform;
  j["must_change_password"] = u.must_change_password;
  if (u.created_at) j["created_at"] = TimeString(*u.created_at);
  return j;
}

json::object View(const ApiKeyInfo& k) {
  json::object j{{"key_id", k.key_id},
                 {"created_at", TimeString(k.created_at)},
                 {"revoked", k.revoked}};
  j["name"] = k.name.empty() ? json::value(nullptr) : json::value(k.name);
  j["last_used_at"] = k.last_used_at ? json::value(TimeString(*k.last_used_at)) : nullptr;
  return j;
}

json::object View(const Org& o) {
  json::object j{{"id", o.id},
                 {"uscc", o.uscc},
                 {"name", o.name},
                 {"type", o.type},
                 {"region", o.region},
                 {"industry", o.industry},
                 {"legal_rep_name", o.legal_rep_name},
                 {"legal_rep_id", o.legal_rep_id_masked},
                 {"prior_year_revenue", OptMoney(o.prior_year_revenue_fen)},
                 {"credit_status", o.credit_status},
                 {"blacklisted", o.blacklisted},
                 {"qualification", o.qualification},
                 {"created_at", TimeString(o.created_at)}};
  j["qualified_until"] = o.qualified_until ? json::value(*o.qualified_until) : nullptr;
  j["banned_until"] = o.banned_until ? json::value(TimeString(*o.banned_until)) : nullptr;
  json::array classes;
  for (const std::string& c : o.classes) classes.push_back(json::string(c));
  j["classes"] = std::move(classes);
  return j;
}

json::object View(const Document& d) {
  return {{"id", d.id},           {"owner", d.owner},        {"kind", d.kind},
          {"sha256", d.sha256},   {"media_type", d.media_type}, {"filename", d.filename},
          {"status", d.status},   {"reason", d.reason},      {"size_bytes", d.size_bytes},
          {"uploaded_at", TimeString(d.uploaded_at)}};
}

json::object View(const Provider& p) {
  json::array tags;
  for (const std::string& t : p.tags) tags.push_back(json::string(t));
  return {{"id", p.id}, {"name", p.name}, {"uscc", p.uscc}, {"region", p.region},
          {"tags", std::move(tags)}};
}

json::object View(const RelatedParty& r) {
  return {{"id", r.id}, {"owner", r.owner}, {"relation", r.relation}, {"party", r.party}};
}

json::object View(const DeclaredParty& r) {
  json::object j = View(static_cast<const RelatedParty&>(r));
  j["owner_name"] = r.owner_name.empty() ? json::value(nullptr) : json::value(r.owner_name);
  j["declared_at"] = TimeString(r.declared_at);
  return j;
}

json::object View(const Subsidy& s) {
  return {{"id", s.id},
          {"uscc", s.uscc},
          {"org_id", Opt(s.org_id)},
          {"org_name", s.org_id ? json::value(s.org_name) : json::value(nullptr)},
          {"scheme", s.scheme},
          {"reference", s.reference},
          {"amount", MoneyString(s.amount_fen)},
          {"year", s.year},
          {"import_id", Opt(s.import_id)},
          {"imported_at", s.imported_at ? json::value(TimeString(*s.imported_at)) : json::value(nullptr)},
          {"imported_by", s.imported_by.empty() ? json::value(nullptr) : json::value(s.imported_by)}};
}

json::object View(const Contract& c) {
  return {{"id", c.id},
          {"org_id", c.org_id},
          {"provider_id", c.provider_id},
          {"contract_no", c.contract_no},
          {"amount", MoneyString(c.amount_fen)},
          {"signed_on", c.signed_on.ToString()},
          {"start_on", c.start_on.ToString()},
          {"end_on", c.end_on.ToString()},
          {"resource_class", c.resource_class},
          {"project_name", c.project_name},
          {"project_level", c.project_level},
          {"evidence_document_id", Opt(c.evidence_document_id)},
          {"chip_origin", c.chip_origin},
          {"uses_filed_model", c.uses_filed_model},
          {"paid", MoneyString(c.paid_fen)},
          {"created_at", TimeString(c.created_at)}};
}

json::object View(const ContractPayment& p) {
  return {{"id", p.id},
          {"contract_id", p.contract_id},
          {"org_id", p.org_id},
          {"amount", MoneyString(p.amount_fen)},
          {"paid_on", p.paid_on.ToString()},
          {"document_id", p.document_id},
          {"recorded_at", TimeString(p.recorded_at)}};
}

json::object View(const Award& a) {
  return {{"id", a.id},
          {"application_id", a.application_id},
          {"org_id", a.org_id},
          {"org_name", a.org_name},
          {"program_id", a.program_id},
          {"contract_id", a.contract_id},
          {"contract_no", a.contract_no},
          {"amount", MoneyString(a.amount_fen)},
          {"status", a.status},
          {"bank_reference", a.bank_reference.empty() ? json::value(nullptr)
                                                      : json::value(a.bank_reference)},
          {"awarded_at", TimeString(a.awarded_at)},
          {"paid_at", a.paid_at ? json::value(TimeString(*a.paid_at)) : json::value(nullptr)}};
}

json::object View(const Redemption& r) {
  return {{"id", r.id},
          {"voucher_id", r.voucher_id},
          {"org_id", r.org_id},
          {"org_name", r.org_name},
          {"program_id", r.program_id},
          {"contract_no", r.contract_no},
          {"invoice_no", r.invoice_no},
          {"invoiced", MoneyString(r.invoiced_fen)},
          // As the voucher's: a decimal fraction ("0.20"); stored as the program states it ("20%").
          {"rate", RateDecimal([&]() -> std::optional<Rate> {
             auto parsed = Rate::Parse(r.rate);
             return parsed.ok() ? std::optional<Rate>(*parsed) : std::nullopt;
           }())},
          {"amount", MoneyString(r.amount_fen)},
          {"invoice_document_id", r.invoice_document_id},
          {"proof_document_id", r.proof_document_id},
          {"status", r.status},
          {"reasons", r.reasons},
          {"bank_reference", r.bank_reference},
          {"submitted_at", TimeString(r.submitted_at)},
          {"decided_at",
           r.decided_at ? json::value(TimeString(*r.decided_at)) : json::value(nullptr)}};
}

json::object View(const RedemptionSubmitted& s) {
  json::object o = View(s.redemption);
  o["duplicate"] = s.duplicate;
  return o;
}

json::object View(const Application& a) {
  json::object j{{"id", a.id},
                 {"org_id", a.org_id},
                 {"program_id", a.program_id},
                 {"contract_id", a.contract_id},
                 {"status", a.status},
                 {"quoted", MoneyString(a.quoted_fen)},
                 {"granted", OptMoney(a.granted_fen)},
                 {"reasons", a.reasons},
                 {"created_at", TimeString(a.created_at)},
                 {"voucher_id", Opt(a.voucher_id)},
                 {"award_id", Opt(a.award_id)}};
  boost::system::error_code ec;
  json::value quote = json::parse(a.quote_json, ec);
  j["quote"] = ec ? json::value(nullptr) : quote;
  return j;
}

json::object View(const Voucher& v) {
  return {{"id", v.id},
          {"org_id", v.org_id},
          {"org_name", v.org_name},
          {"provider_id", v.provider_id},
          {"program_id", v.program_id},
          {"grant", MoneyString(v.grant_fen)},
          {"rate", RateDecimal(v.rate)},
          {"rounding", v.rounding.empty() ? json::value(nullptr) : json::value(v.rounding)},
          {"program_version",
           v.program_version == 0 ? json::value(nullptr) : json::value(v.program_version)},
          {"used", MoneyString(v.used_fen)},
          {"remaining", MoneyString(v.remaining_fen)},
          {"lapsed", MoneyString(v.lapsed_fen)},
          {"redeemed_by", v.redeemed_by},
          {"held", MoneyString(v.held_fen)},
          {"expires_at", TimeString(v.expires_at)},
          {"status", v.status}};
}

json::object View(const SettlementRow& s) {
  return {{"id", s.id},
          {"voucher_id", s.voucher_id},
          {"provider_id", s.provider_id},
          {"bill_no", s.bill_no},
          {"bill_amount", MoneyString(s.bill_fen)},
          {"deduction", MoneyString(s.deduction_fen)},
          {"customer_pays", MoneyString(s.bill_fen - s.deduction_fen)},
          {"at", TimeString(s.at)},
          {"reversed", s.reversed_by.has_value()}};
}

json::object RunView(const std::vector<Result<SettlementResult>>& answers) {
  json::array results;
  results.reserve(answers.size());
  std::int64_t settled = 0, replayed = 0, refused = 0;
  for (std::size_t i = 0; i < answers.size(); ++i) {
    const Result<SettlementResult>& a = answers[i];
    json::object item{{"index", i}};
    if (a.ok()) {
      ++(a->duplicate ? replayed : settled);
      item["status"] = a->duplicate ? 200 : 201;
      item["settlement"] = View(*a);
    } else {
      ++refused;
      const http::Response problem = ProblemFrom(a.error());
      item["status"] = problem.status;
      item["problem"] = json::parse(problem.body);
    }
    results.push_back(std::move(item));
  }
  return {{"results", std::move(results)},
          {"settled", settled},
          {"replayed", replayed},
          {"refused", refused}};
}

json::object View(const SettlementResult& s) {
  return {{"id", s.settlement_id},
          {"voucher_id", s.voucher_id},
          {"bill_no", s.bill_no},
          {"bill_amount", MoneyString(s.bill_fen)},
          {"deduction", MoneyString(s.deduction_fen)},
          {"customer_pays", MoneyString(s.customer_pays_fen)},
          {"invoiced", MoneyString(s.invoiced_fen)},
          {"voucher_remaining", MoneyString(s.voucher_remaining_fen)},
          {"at", TimeString(s.at)},
          {"duplicate", s.duplicate}};
}

json::object View(const Claim& c) {
  json::array panel, opinions;
  for (auto e : c.panel) panel.push_back(e);
  for (const auto& o : c.opinions) {
    opinions.push_back(json::object{{"expert_id", o.expert_id},
                                    {"decision", o.decision},
                                    {"approved_amount", MoneyString(o.approved_fen)},
                                    {"comment", o.comment}});
  }
  return {{"id", c.id},
          {"provider_id", c.provider_id},
          {"program_id", c.program_id},
          {"period", c.period},
          {"status", c.status},
          {"claimed", MoneyString(c.claimed_fen)},
          {"approved", OptMoney(c.approved_fen)},
          {"decision_reason", c.decision_reason},
          {"settlements", c.items},
          {"panel", std::move(panel)},
          {"opinions", std::move(opinions)},
          {"payout_batch_id", Opt(c.payout_batch_id)}};
}

json::object View(const PayoutBatch& b) {
  json::array lines;
  for (const auto& l : b.lines) {
    lines.push_back(json::object{{"claim_id", l.claim_id},
                                 {"provider_id", l.provider_id},
                                 {"provider_name", l.provider_name},
                                 {"provider_uscc", l.provider_uscc},
                                 {"period", l.period},
                                 {"amount", MoneyString(l.amount_fen)}});
  }
  return {{"id", b.id}, {"program_id", b.program_id}, {"quarter", b.quarter},
          {"total", MoneyString(b.total_fen)}, {"lines", std::move(lines)}};
}

json::object View(const Enforcement& e) {
  json::object o{{"id", e.id},
          {"org_id", e.org_id},
          {"program_id", e.program_id},
          {"finding", e.finding},
          {"voucher_clawed_back", MoneyString(e.voucher_clawed_fen)},
          {"used_to_recover", MoneyString(e.used_recovered_fen)},
          {"repaid", MoneyString(e.repaid_fen)},
          {"outstanding", MoneyString(e.outstanding_fen())},
          {"banned_until", TimeString(e.banned_until)},
          {"at", TimeString(e.at)},
          {"tally_pending", e.tally_pending}};
  if (!e.org_name.empty()) o["org_name"] = e.org_name;
  return o;
}

json::object View(const Reconciliation& r) {
  json::array differences, rebuilt;
  for (const auto& d : r.differences) differences.push_back(json::string(d));
  for (const std::int64_t id : r.rebuilt_settlements) rebuilt.push_back(id);
  return {{"ok", r.ok()},
          {"transfers_checked", r.transfers},
          {"settlements_checked", r.settlements},
          {"moves_checked", r.moves},
          {"audit_entries_checked", r.audit_entries},
          {"records_checked", r.records},
          {"moves_waiting", r.waiting},
          {"differences_total", r.differences_total},
          {"differences", std::move(differences)},
          {"rebuilt_settlements_total", r.rebuilt_total},
          {"rebuilt_settlements", std::move(rebuilt)}};
}

json::object View(const Notice& n) {
  return {{"id", n.id},         {"kind", n.kind},       {"object", n.object},
          {"text_zh", n.text_zh}, {"text_en", n.text_en}, {"created_at", TimeString(n.created_at)},
          {"read", n.read}};
}

json::object View(const PoolReport& p) {
  json::array series;
  for (const auto& [day, left] : p.series) {
    series.push_back(json::object{{"date", day.ToString()}, {"remaining", MoneyString(left)}});
  }
  const auto money_or_null = [](const std::optional<std::int64_t>& fen) -> json::value {
    if (!fen) return nullptr;
    return json::value(MoneyString(*fen));
  };
  // A program without a yearly pool has no funded or remaining figure: null, not "0.00".
  return {{"program_id", p.program_id},
          {"has_pool", p.has_pool},
          {"series", std::move(series)},
          {"funded", money_or_null(p.funded_fen)},
          {"issued", MoneyString(p.issued_fen)},
          {"used", MoneyString(p.used_fen)},
          {"redeemed", MoneyString(p.redeemed_fen)},
          {"lapsed", MoneyString(p.lapsed_fen)},
          {"clawed_back", MoneyString(p.clawed_back_fen)},
          {"recovery_repaid", MoneyString(p.repaid_fen)},
          {"recovery_outstanding", MoneyString(p.recovery_outstanding_fen)},
          {"awarded", MoneyString(p.awarded_fen)},
          {"award_paid", MoneyString(p.award_paid_fen)},
          {"remaining", money_or_null(p.remaining_fen)}};
}

json::object View(const ReportRow& r) {
  json::object o{{"group", r.group},
                 {"issued", MoneyString(r.issued_fen)},
                 {"used", MoneyString(r.used_fen)},
                 {"redeemed", MoneyString(r.redeemed_fen)},
                 {"lapsed", MoneyString(r.lapsed_fen)}};
  // Subsidy awards, apart from the voucher figures: quarter and industry reports only.
  if (r.awards) {
    o["awarded"] = MoneyString(r.awards->awarded_fen);
    o["award_paid"] = MoneyString(r.awards->paid_fen);
    o["award_withdrawn"] = MoneyString(r.awards->withdrawn_fen);
  }
  return o;
}

json::object View(const audit::AuditEntry& e) {
  boost::system::error_code ec;
  json::value detail = json::parse(e.detail_json, ec);
  return {{"seq", e.seq},
          {"at", TimeString(e.at)},
          {"actor", e.actor},
          {"action", e.action},
          {"object", e.object},
          {"before_sha256", e.before_sha256},
          {"after_sha256", e.after_sha256},
          {"detail", ec ? json::value(nullptr) : detail},
          {"prev_hash", e.prev_hash},
          {"hash", e.hash}};
}

}  // namespace suanli::api
