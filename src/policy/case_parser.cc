#include "policy/case_parser.h"

#include <algorithm>
#include <set>

#include <boost/json.hpp>

#include "core/codes.h"
#include "core/limits.h"
#include "policy/program.h"

namespace suanli::policy {
namespace {

namespace json = boost::json;

// A strict reader over one JSON object, the twin of TomlTable: each getter names its path, null
// counts as absent, Finish() refuses keys no getter read.
class JsonObject {
 public:
  JsonObject(const json::object& o, std::string path) : o_(&o), path_(std::move(path)) {}

  std::string PathOf(std::string_view key) const {
    return path_.empty() ? std::string(key) : path_ + "." + std::string(key);
  }

  Result<std::optional<std::string>> String(std::string_view key) {
    const json::value* v = Get(key);
    if (v == nullptr) return std::optional<std::string>();
    if (!v->is_string()) return WrongType(key, "a string");
    return std::optional<std::string>(std::string(v->get_string()));
  }

  Result<std::string> RequiredString(std::string_view key) {
    SUANLI_ASSIGN(auto s, String(key));
    if (!s || s->empty()) return MakeError(ErrorCode::kMissingField, PathOf(key), "required");
    return *s;
  }

  Result<std::optional<bool>> Bool(std::string_view key) {
    const json::value* v = Get(key);
    if (v == nullptr) return std::optional<bool>();
    if (!v->is_bool()) return WrongType(key, "true or false");
    return std::optional<bool>(v->get_bool());
  }

  // Money is a decimal string, never a JSON number (a double would carry it inexactly).
  Result<std::optional<Money>> MoneyValue(std::string_view key) {
    const json::value* v = Get(key);
    if (v == nullptr) return std::optional<Money>();
    if (!v->is_string()) return WrongType(key, "an amount as a decimal string, e.g. \"10000.00\"");
    SUANLI_ASSIGN(Money m, Money::Parse(std::string_view(v->get_string()), PathOf(key)));
    if (m.is_negative()) {
      return MakeError(ErrorCode::kNegativeAmount, PathOf(key), "must not be negative");
    }
    if (m.fen() > limits::kAmountFenMax) {
      return MakeError(ErrorCode::kOutOfRange, PathOf(key), "amount above 10 trillion CNY");
    }
    return std::optional<Money>(m);
  }

  Result<Money> RequiredMoney(std::string_view key) {
    SUANLI_ASSIGN(auto m, MoneyValue(key));
    if (!m) return MakeError(ErrorCode::kMissingField, PathOf(key), "required");
    return *m;
  }

  Result<std::optional<Date>> DateValue(std::string_view key) {
    SUANLI_ASSIGN(auto s, String(key));
    if (!s) return std::optional<Date>();
    auto d = Date::Parse(*s, PathOf(key));
    if (!d.ok()) return MakeError(ErrorCode::kInvalidDate, PathOf(key), d.error().message);
    return std::optional<Date>(*d);
  }

  Result<std::vector<std::string>> StringList(std::string_view key) {
    const json::value* v = Get(key);
    std::vector<std::string> out;
    if (v == nullptr) return out;
    if (!v->is_array()) return WrongType(key, "an array of strings");
    const json::array& a = v->get_array();
    for (std::size_t i = 0; i < a.size(); ++i) {
      if (!a[i].is_string()) {
        return MakeError(ErrorCode::kWrongType, PathOf(key) + "[" + std::to_string(i) + "]",
                         "expected a string");
      }
      out.emplace_back(a[i].get_string());
    }
    return out;
  }

  // {"<name>": "<money>", ...}: amounts by name (history's grants by tier).
  Result<std::optional<std::map<std::string, Money>>> MoneyMap(std::string_view key) {
    SUANLI_ASSIGN(auto o, Object(key));
    if (!o) return std::optional<std::map<std::string, Money>>();
    std::map<std::string, Money> out;
    for (const auto& kv : *o->o_) {
      const std::string name(kv.key());
      if (name.empty()) return MakeError(ErrorCode::kMissingField, o->PathOf(name), "empty name");
      SUANLI_ASSIGN(auto m, o->MoneyValue(name));
      out[name] = m.value_or(Money::Zero());
    }
    return std::optional<std::map<std::string, Money>>(std::move(out));
  }

  Result<std::optional<JsonObject>> Object(std::string_view key) {
    const json::value* v = Get(key);
    if (v == nullptr) return std::optional<JsonObject>();
    if (!v->is_object()) return WrongType(key, "an object");
    return std::optional<JsonObject>(JsonObject(v->get_object(), PathOf(key)));
  }

  Result<JsonObject> RequiredObject(std::string_view key) {
    SUANLI_ASSIGN(auto o, Object(key));
    if (!o) return MakeError(ErrorCode::kMissingField, PathOf(key), "required");
    return *o;
  }

  Result<const json::array*> Array(std::string_view key) {
    const json::value* v = Get(key);
    if (v == nullptr) return static_cast<const json::array*>(nullptr);
    if (!v->is_array()) return WrongType(key, "an array");
    return &v->get_array();
  }

  Status Finish() const {
    for (const auto& kv : *o_) {
      if (!seen_.count(kv.key())) {
        return MakeError(ErrorCode::kUnknownField, PathOf(kv.key()),
                         "unknown field (see docs/case-schema.md)");
      }
    }
    return OkStatus();
  }

 private:
  const json::value* Get(std::string_view key) {
    seen_.emplace(key);
    const json::value* v = o_->if_contains(key);
    return (v == nullptr || v->is_null()) ? nullptr : v;
  }
  Error WrongType(std::string_view key, std::string_view expected) const {
    return MakeError(ErrorCode::kWrongType, PathOf(key), "expected " + std::string(expected));
  }

  const json::object* o_;
  std::string path_;
  std::set<std::string, std::less<>> seen_;
};

Status CheckVocabulary(const std::string& value, const std::vector<std::string_view>& vocab,
                       const std::string& field, bool allow_empty) {
  if (allow_empty && value.empty()) return OkStatus();
  if (std::find(vocab.begin(), vocab.end(), value) != vocab.end()) return OkStatus();
  std::string known;
  for (auto v : vocab) known += (known.empty() ? "" : ", ") + std::string(v);
  return MakeError(ErrorCode::kOutOfRange, field,
                   "unknown value '" + value + "' (one of " + known + ")");
}

Status ReadCredit(JsonObject& o, CreditRecord& c) {
  SUANLI_ASSIGN(auto bl, o.Bool("blacklisted"));
  SUANLI_ASSIGN(auto active, o.Bool("sanction_active"));
  SUANLI_ASSIGN(c.last_dishonesty_on, o.DateValue("last_dishonesty_on"));
  c.blacklisted = bl.value_or(false);
  c.sanction_active = active.value_or(false);
  return o.Finish();
}

Status ReadOrganisation(JsonObject& o, Organisation& org) {
  SUANLI_ASSIGN(auto name, o.String("name"));
  org.name = name.value_or("");
  SUANLI_ASSIGN(org.type, o.RequiredString("type"));
  SUANLI_TRY(CheckVocabulary(org.type, OrgTypes(), o.PathOf("type"), false));
  SUANLI_ASSIGN(auto uscc, o.String("uscc"));
  const bool needs_uscc = org.type != "individual" && org.type != "maker";
  if (needs_uscc && !uscc) {
    return MakeError(ErrorCode::kMissingField, o.PathOf("uscc"),
                     "required for every organisation type except individual and maker");
  }
  if (uscc) SUANLI_TRY(ValidateUscc(*uscc, o.PathOf("uscc")));
  org.uscc = uscc.value_or("");
  SUANLI_ASSIGN(auto region, o.String("region"));
  org.region = region.value_or("");
  SUANLI_ASSIGN(org.prior_year_revenue, o.MoneyValue("prior_year_revenue"));
  SUANLI_ASSIGN(auto industry, o.String("industry"));
  org.industry = industry.value_or("");
  SUANLI_ASSIGN(org.classes, o.StringList("classes"));
  SUANLI_ASSIGN(auto credit, o.Object("credit"));
  if (credit) SUANLI_TRY(ReadCredit(*credit, org.credit));
  SUANLI_ASSIGN(org.banned_until, o.DateValue("banned_until"));
  SUANLI_ASSIGN(org.fraud_found_on, o.DateValue("fraud_found_on"));
  SUANLI_ASSIGN(org.related_parties, o.StringList("related_parties"));
  return o.Finish();
}

Status ReadProvider(JsonObject& o, Provider& p) {
  SUANLI_ASSIGN(p.name, o.RequiredString("name"));
  SUANLI_ASSIGN(auto uscc, o.String("uscc"));
  if (uscc) SUANLI_TRY(ValidateUscc(*uscc, o.PathOf("uscc")));
  p.uscc = uscc.value_or("");
  SUANLI_ASSIGN(p.tags, o.StringList("tags"));
  SUANLI_ASSIGN(p.related_parties, o.StringList("related_parties"));
  return o.Finish();
}

Status ReadContractTerms(JsonObject& o, Contract& c) {
  SUANLI_ASSIGN(c.start, o.DateValue("start"));
  SUANLI_ASSIGN(c.end, o.DateValue("end"));
  if (c.start && c.end && *c.start > *c.end) {
    return MakeError(ErrorCode::kContradiction, o.PathOf("start"),
                     "contract starts after it ends");
  }
  SUANLI_ASSIGN(c.paid, o.MoneyValue("paid"));
  SUANLI_ASSIGN(c.settled, o.MoneyValue("settled"));
  SUANLI_ASSIGN(auto rate, o.String("approved_rate"));
  if (rate) {
    SUANLI_ASSIGN(Rate r, Rate::Parse(*rate, o.PathOf("approved_rate")));
    if (Rate::One().LessThan(r)) {
      return MakeError(ErrorCode::kOutOfRange, o.PathOf("approved_rate"), "above 100%");
    }
    c.approved_rate = r;
  }
  SUANLI_ASSIGN(auto dc, o.String("discount_class"));
  c.discount_class = dc.value_or("");
  return OkStatus();
}

Status ReadContract(JsonObject& o, Contract& c) {
  SUANLI_ASSIGN(c.id, o.RequiredString("id"));
  SUANLI_ASSIGN(c.fee, o.RequiredMoney("fee"));
  SUANLI_ASSIGN(auto signed_on, o.DateValue("signed_on"));
  if (!signed_on) return MakeError(ErrorCode::kMissingField, o.PathOf("signed_on"), "required");
  c.signed_on = *signed_on;
  SUANLI_ASSIGN(c.resource_class, o.RequiredString("resource_class"));
  SUANLI_TRY(CheckVocabulary(c.resource_class, ResourceClasses(), o.PathOf("resource_class"), false));
  SUANLI_ASSIGN(auto chip, o.String("chip_origin"));
  c.chip_origin = chip.value_or("");
  SUANLI_TRY(CheckVocabulary(c.chip_origin, ChipOrigins(), o.PathOf("chip_origin"), true));
  SUANLI_ASSIGN(auto filed, o.Bool("uses_filed_model"));
  c.uses_filed_model = filed.value_or(false);
  SUANLI_ASSIGN(auto use_case, o.String("use_case"));
  c.use_case = use_case.value_or("");
  SUANLI_ASSIGN(auto project, o.Object("project"));
  if (project) {
    Project pr;
    SUANLI_ASSIGN(pr.id, project->RequiredString("id"));
    SUANLI_ASSIGN(pr.level, project->RequiredString("level"));
    SUANLI_TRY(CheckVocabulary(pr.level, ProjectLevels(), project->PathOf("level"), false));
    SUANLI_TRY(project->Finish());
    c.project = pr;
  }
  SUANLI_TRY(ReadContractTerms(o, c));
  return o.Finish();
}

// The by-tier figures are parts of the totals: their sum may not exceed a total given; a total
// not given is their sum.
Status CheckParts(const std::optional<std::map<std::string, Money>>& parts, std::optional<Money>& total,
                  const std::string& field) {
  if (!parts) return OkStatus();
  std::int64_t sum = 0;
  for (const auto& [tier, m] : *parts) {
    sum += m.fen();
    if (sum > limits::kAmountFenMax) return MakeError(ErrorCode::kOutOfRange, field, "sum too large");
  }
  if (!total) {
    total = Money::FromFen(sum);
  } else if (total->fen() < sum) {
    return MakeError(ErrorCode::kContradiction, field,
                     "the grants by tier add up to more than the total " + total->ToString());
  }
  return OkStatus();
}

Status ReadHistory(JsonObject& o, History& h) {
  SUANLI_ASSIGN(auto year, o.MoneyValue("org_granted_this_year"));
  SUANLI_ASSIGN(auto cumulative, o.MoneyValue("org_granted_cumulative"));
  SUANLI_ASSIGN(h.org_granted_this_year_by_tier, o.MoneyMap("org_granted_this_year_by_tier"));
  SUANLI_ASSIGN(h.org_granted_cumulative_by_tier, o.MoneyMap("org_granted_cumulative_by_tier"));
  SUANLI_TRY(CheckParts(h.org_granted_this_year_by_tier, year, o.PathOf("org_granted_this_year_by_tier")));
  SUANLI_TRY(CheckParts(h.org_granted_cumulative_by_tier, cumulative, o.PathOf("org_granted_cumulative_by_tier")));
  SUANLI_ASSIGN(auto project, o.MoneyValue("project_granted"));
  SUANLI_ASSIGN(auto contract, o.MoneyValue("contract_granted"));
  SUANLI_ASSIGN(auto applied, o.Bool("contract_already_applied"));
  SUANLI_ASSIGN(h.pool_remaining, o.MoneyValue("pool_remaining"));
  SUANLI_ASSIGN(h.one_off_tiers_received, o.StringList("one_off_tiers_received"));
  h.org_granted_this_year = year.value_or(Money::Zero());
  h.org_granted_cumulative = cumulative.value_or(Money::Zero());
  h.project_granted = project.value_or(Money::Zero());
  h.contract_granted = contract.value_or(Money::Zero());
  h.contract_already_applied = applied.value_or(false);
  if (h.org_granted_cumulative < h.org_granted_this_year) {
    return MakeError(ErrorCode::kContradiction, o.PathOf("org_granted_cumulative"),
                     "cumulative grants are below this year's grants");
  }
  return o.Finish();
}

Status ReadSettlements(JsonObject& root, std::vector<Settlement>& out) {
  SUANLI_ASSIGN(const json::array* a, root.Array("settlements"));
  if (a == nullptr) return OkStatus();
  if (a->size() > limits::kQuoteSettlementsMax) {
    return MakeError(ErrorCode::kOutOfRange, "settlements",
                     "more than " + std::to_string(limits::kQuoteSettlementsMax) + " bills");
  }
  for (std::size_t i = 0; i < a->size(); ++i) {
    const std::string path = "settlements[" + std::to_string(i) + "]";
    if (!(*a)[i].is_object()) return MakeError(ErrorCode::kWrongType, path, "expected an object");
    JsonObject s((*a)[i].get_object(), path);
    Settlement st;
    SUANLI_ASSIGN(st.bill, s.RequiredMoney("bill"));
    SUANLI_ASSIGN(st.on, s.DateValue("on"));
    SUANLI_TRY(s.Finish());
    out.push_back(st);
  }
  return OkStatus();
}

Result<Case> ReadCase(JsonObject& root) {
  Case c;
  SUANLI_ASSIGN(std::string as_of, root.RequiredString("as_of"));
  auto instant = Instant::Parse(as_of, "as_of");
  if (!instant.ok()) return MakeError(ErrorCode::kInvalidDate, "as_of", instant.error().message);
  c.as_of = *instant;
  SUANLI_ASSIGN(auto applied_at, root.String("applied_at"));
  if (applied_at) {
    auto applied = Instant::Parse(*applied_at, "applied_at");
    if (!applied.ok()) {
      return MakeError(ErrorCode::kInvalidDate, "applied_at", applied.error().message);
    }
    if (c.as_of < *applied) {
      return MakeError(ErrorCode::kContradiction, "applied_at",
                       "the application cannot be made after as_of");
    }
    c.applied_at = *applied;
  }
  SUANLI_ASSIGN(JsonObject org, root.RequiredObject("organisation"));
  SUANLI_TRY(ReadOrganisation(org, c.organisation));
  SUANLI_ASSIGN(JsonObject provider, root.RequiredObject("provider"));
  SUANLI_TRY(ReadProvider(provider, c.provider));
  SUANLI_ASSIGN(JsonObject contract, root.RequiredObject("contract"));
  SUANLI_TRY(ReadContract(contract, c.contract));
  SUANLI_ASSIGN(auto history, root.Object("history"));
  if (history) SUANLI_TRY(ReadHistory(*history, c.history));
  SUANLI_ASSIGN(c.other_subsidies, root.StringList("other_subsidies"));
  SUANLI_ASSIGN(auto used_by, root.String("used_by_uscc"));
  if (used_by) SUANLI_TRY(ValidateUscc(*used_by, "used_by_uscc"));
  c.used_by_uscc = used_by.value_or("");
  SUANLI_TRY(ReadSettlements(root, c.settlements));
  SUANLI_TRY(root.Finish());
  return c;
}

}  // namespace

Result<Case> ParseCase(std::string_view json_text) {
  if (json_text.size() > limits::kDocumentBytesMax) {
    return MakeError(ErrorCode::kOutOfRange, "", "case larger than 1 MiB");
  }
  boost::system::error_code ec;
  json::value doc = json::parse(json_text, ec);
  if (ec) return MakeError(ErrorCode::kParse, "", "malformed JSON: " + ec.message());
  if (!doc.is_object()) return MakeError(ErrorCode::kWrongType, "", "a case is a JSON object");
  JsonObject root(doc.get_object(), "");
  return ReadCase(root);
}

}  // namespace suanli::policy
