// The price file's TOML reader (price_file.h).
#include "metering/price_file.h"

#include <toml++/toml.h>

#include <fstream>
#include <set>
#include <sstream>

#include "core/money.h"

namespace suanli::metering {
namespace {

// A strict view of one table: getters record the keys they read; Finish refuses the rest.
class Table {
 public:
  Table(const toml::table& t, std::string path) : t_(t), path_(std::move(path)) {}
  std::string Field(std::string_view key) const {
    return path_.empty() ? std::string(key) : path_ + "." + std::string(key);
  }
  const toml::node* Get(std::string_view key) {
    read_.insert(std::string(key));
    return t_.get(key);
  }
  Result<std::optional<std::string>> String(std::string_view key) {
    const toml::node* n = Get(key);
    if (n == nullptr) return std::optional<std::string>();
    if (!n->is_string()) return MakeError(ErrorCode::kWrongType, Field(key), "must be a string");
    return std::optional<std::string>(n->as_string()->get());
  }
  Result<std::string> Required(std::string_view key) {
    SUANLI_ASSIGN(auto s, String(key));
    if (!s) return MakeError(ErrorCode::kMissingField, Field(key), "required");
    return *s;
  }
  Result<std::optional<std::int64_t>> Int(std::string_view key) {
    const toml::node* n = Get(key);
    if (n == nullptr) return std::optional<std::int64_t>();
    if (!n->is_integer()) return MakeError(ErrorCode::kWrongType, Field(key), "must be an integer");
    const std::int64_t v = n->as_integer()->get();
    if (v <= 0) return MakeError(ErrorCode::kOutOfRange, Field(key), "must be > 0");
    return std::optional<std::int64_t>(v);
  }
  Result<std::vector<Table>> Array(std::string_view key) {
    std::vector<Table> out;
    const toml::node* n = Get(key);
    if (n == nullptr) return out;
    const toml::array* a = n->as_array();
    if (a == nullptr)
      return MakeError(ErrorCode::kWrongType, Field(key), "must be [[" + std::string(key) + "]]");
    for (std::size_t i = 0; i < a->size(); ++i) {
      const toml::table* t = (*a)[i].as_table();
      const std::string f = Field(key) + "[" + std::to_string(i) + "]";
      if (t == nullptr) return MakeError(ErrorCode::kWrongType, f, "must be a table");
      out.emplace_back(*t, f);
    }
    return out;
  }
  Status Finish() const {
    for (const auto& [k, v] : t_) {
      if (!read_.contains(std::string(k.str()))) {
        return MakeError(ErrorCode::kUnknownField, Field(k.str()), "not a known key");
      }
    }
    return OkStatus();
  }

 private:
  const toml::table& t_;
  std::string path_;
  std::set<std::string> read_;
};

// A time is an ISO instant ("2024-04-01T00:00:00+08:00") or a CST date ("2024-04-01").
Result<Instant> InstantField(Table& t, std::string_view key) {
  const toml::node* n = t.Get(key);
  if (n == nullptr) return MakeError(ErrorCode::kMissingField, t.Field(key), "required");
  if (const auto* d = n->as_date()) {
    SUANLI_ASSIGN(Date day,
                  Date::FromYmd(d->get().year, d->get().month, d->get().day, t.Field(key)));
    return Instant::StartOfDay(day);
  }
  if (!n->is_string()) {
    return MakeError(ErrorCode::kWrongType, t.Field(key), "must be a date or an ISO time string");
  }
  return Instant::Parse(n->as_string()->get(), t.Field(key));
}

Result<PriceEntry> ParsePrice(Table& t) {
  PriceEntry e;
  SUANLI_ASSIGN(e.center, t.Required("center"));
  SUANLI_ASSIGN(auto partition, t.String("partition"));
  e.partition = partition.value_or("");
  SUANLI_ASSIGN(std::string unit, t.Required("unit"));
  SUANLI_ASSIGN(e.unit, ParsePriceUnit(unit, t.Field("unit")));
  SUANLI_ASSIGN(auto tres, t.String("tres"));
  e.tres = tres.value_or("");
  SUANLI_ASSIGN(std::string price, t.Required("price"));
  SUANLI_ASSIGN(Money m, Money::Parse(price, t.Field("price")));
  e.price_fen = m.fen();
  SUANLI_ASSIGN(e.effective_from, InstantField(t, "effective_from"));
  SUANLI_ASSIGN(auto weights, t.String("billing_weights"));
  if (weights) {
    SUANLI_ASSIGN(e.weights, ParseTresBillingWeights(*weights, t.Field("billing_weights")));
  }
  SUANLI_TRY(t.Finish());
  return e;
}

Result<AccountEntry> ParseAccount(Table& t) {
  AccountEntry a;
  SUANLI_ASSIGN(a.account, t.Required("account"));
  SUANLI_ASSIGN(auto center, t.String("center"));
  a.center = center.value_or("");
  SUANLI_ASSIGN(auto org, t.Int("org"));
  if (!org) return MakeError(ErrorCode::kMissingField, t.Field("org"), "required");
  a.org = OrgId(static_cast<std::uint64_t>(*org));
  SUANLI_ASSIGN(auto contract, t.Int("contract"));
  if (contract) a.contract = ContractId(static_cast<std::uint64_t>(*contract));
  SUANLI_ASSIGN(auto cls, t.String("class"));
  if (cls) {
    if (cls->size() != 1) {
      return MakeError(ErrorCode::kOutOfRange, t.Field("class"), "one letter A–E");
    }
    a.discount_class = (*cls)[0];
  }
  SUANLI_TRY(t.Finish());
  return a;
}

}  // namespace

Result<PriceFile> ParsePriceFile(std::string_view toml_text, std::string_view origin) {
  toml::table doc;
  try {
    doc = toml::parse(toml_text, origin);
  } catch (const toml::parse_error& e) {
    return MakeError(
        ErrorCode::kParse, std::string(origin),
        std::string(e.description()) + " at line " + std::to_string(e.source().begin.line));
  }
  Table root(doc, "");
  PriceFile file;
  SUANLI_ASSIGN(auto floor, root.String("floor_share"));
  if (floor) {
    SUANLI_ASSIGN(file.spec.floor_share, Rate::Parse(*floor, "floor_share"));
  }
  if (const toml::node* n = root.Get("centers")) {
    const toml::array* a = n->as_array();
    if (a == nullptr) return MakeError(ErrorCode::kWrongType, "centers", "must be a list of names");
    for (std::size_t i = 0; i < a->size(); ++i) {
      const auto* s = (*a)[i].as_string();
      if (s == nullptr) {
        return MakeError(ErrorCode::kWrongType, "centers[" + std::to_string(i) + "]",
                         "must be a string");
      }
      file.centers.push_back(s->get());
    }
  }
  SUANLI_ASSIGN(auto classes, root.Array("classes"));
  for (Table& t : classes) {
    SUANLI_ASSIGN(std::string id, t.Required("id"));
    if (id.size() != 1) return MakeError(ErrorCode::kOutOfRange, t.Field("id"), "one letter A–E");
    SUANLI_ASSIGN(std::string share, t.Required("share"));
    SUANLI_ASSIGN(Rate rate, Rate::Parse(share, t.Field("share")));
    SUANLI_ASSIGN(auto who, t.String("who"));  // documentation only
    (void)who;
    SUANLI_TRY(t.Finish());
    file.spec.classes.push_back(DiscountClass{id[0], rate});
  }
  SUANLI_ASSIGN(auto prices, root.Array("prices"));
  for (Table& t : prices) {
    SUANLI_ASSIGN(PriceEntry e, ParsePrice(t));
    file.spec.prices.push_back(std::move(e));
  }
  SUANLI_ASSIGN(auto accounts, root.Array("accounts"));
  for (Table& t : accounts) {
    SUANLI_ASSIGN(AccountEntry a, ParseAccount(t));
    file.accounts.push_back(std::move(a));
  }
  SUANLI_TRY(root.Finish());
  return file;
}

Result<Rater> LoadRater(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return MakeError(ErrorCode::kNotFound, path, "cannot read the price file");
  std::ostringstream text;
  text << in.rdbuf();
  SUANLI_ASSIGN(PriceFile file, ParsePriceFile(text.str(), path));
  SUANLI_ASSIGN(PriceList list, PriceList::Build(std::move(file.spec)));
  return Rater::Make(std::move(list), std::move(file.accounts), std::move(file.centers));
}

}  // namespace suanli::metering
