#include "policy/toml_table.h"

#include <algorithm>

namespace suanli::policy {
namespace {

std::string LineOf(const toml::node& node) {
  const auto& begin = node.source().begin;
  if (begin.line == 0) return "";
  return " (line " + std::to_string(begin.line) + ")";
}

}  // namespace

std::string TomlTable::PathOf(std::string_view key) const {
  if (path_.empty()) return std::string(key);
  return path_ + "." + std::string(key);
}

bool TomlTable::Has(std::string_view key) const { return table_->contains(key); }

const toml::node* TomlTable::Get(std::string_view key) {
  seen_.emplace(key);
  return table_->get(key);
}

Error TomlTable::WrongType(std::string_view key, std::string_view expected) const {
  const toml::node* node = table_->get(key);
  return MakeError(ErrorCode::kWrongType, PathOf(key),
                   "expected " + std::string(expected) + (node ? LineOf(*node) : ""));
}

Result<std::optional<std::string>> TomlTable::String(std::string_view key) {
  const toml::node* node = Get(key);
  if (node == nullptr) return std::optional<std::string>();
  if (!node->is_string()) return WrongType(key, "a string");
  return std::optional<std::string>(node->as_string()->get());
}

Result<std::string> TomlTable::RequiredString(std::string_view key) {
  SUANLI_ASSIGN(auto value, String(key));
  if (!value) return MakeError(ErrorCode::kMissingField, PathOf(key), "required");
  if (value->empty()) return MakeError(ErrorCode::kMissingField, PathOf(key), "must not be empty");
  return *value;
}

Result<std::optional<bool>> TomlTable::Bool(std::string_view key) {
  const toml::node* node = Get(key);
  if (node == nullptr) return std::optional<bool>();
  if (!node->is_boolean()) return WrongType(key, "true or false");
  return std::optional<bool>(node->as_boolean()->get());
}

Result<std::optional<std::int64_t>> TomlTable::Int(std::string_view key, std::int64_t min,
                                                  std::int64_t max) {
  const toml::node* node = Get(key);
  if (node == nullptr) return std::optional<std::int64_t>();
  if (!node->is_integer()) return WrongType(key, "an integer");
  const std::int64_t v = node->as_integer()->get();
  if (v < min || v > max) {
    return MakeError(ErrorCode::kOutOfRange, PathOf(key),
                     std::to_string(v) + " is outside " + std::to_string(min) + ".." +
                         std::to_string(max) + LineOf(*node));
  }
  return std::optional<std::int64_t>(v);
}

Result<std::optional<Money>> TomlTable::MoneyValue(std::string_view key) {
  const toml::node* node = Get(key);
  if (node == nullptr) return std::optional<Money>();
  if (!node->is_string()) return WrongType(key, "an amount as a decimal string, e.g. \"10000.00\"");
  SUANLI_ASSIGN(Money m, Money::Parse(node->as_string()->get(), PathOf(key)));
  if (m.is_negative()) {
    return MakeError(ErrorCode::kNegativeAmount, PathOf(key), "must not be negative");
  }
  return std::optional<Money>(m);
}

Result<std::optional<Rate>> TomlTable::RateValue(std::string_view key) {
  const toml::node* node = Get(key);
  if (node == nullptr) return std::optional<Rate>();
  if (!node->is_string()) return WrongType(key, "a rate as a string, e.g. \"50%\"");
  SUANLI_ASSIGN(Rate r, Rate::Parse(node->as_string()->get(), PathOf(key)));
  return std::optional<Rate>(r);
}

Result<std::optional<Rounding>> TomlTable::RoundingValue(std::string_view key) {
  const toml::node* node = Get(key);
  if (node == nullptr) return std::optional<Rounding>();
  if (!node->is_string()) return WrongType(key, "a rounding name, e.g. \"down_fen\"");
  SUANLI_ASSIGN(Rounding r, Rounding::Parse(node->as_string()->get(), PathOf(key)));
  return std::optional<Rounding>(r);
}

Result<std::optional<Date>> TomlTable::DateValue(std::string_view key) {
  const toml::node* node = Get(key);
  if (node == nullptr) return std::optional<Date>();
  if (node->is_date()) {
    const toml::date d = node->as_date()->get();
    SUANLI_ASSIGN(Date date, Date::FromYmd(d.year, d.month, d.day, PathOf(key)));
    return std::optional<Date>(date);
  }
  if (node->is_string()) {
    SUANLI_ASSIGN(Date date, Date::Parse(node->as_string()->get(), PathOf(key)));
    return std::optional<Date>(date);
  }
  return WrongType(key, "a date, e.g. 2024-01-02");
}

Result<std::vector<std::string>> TomlTable::StringList(std::string_view key) {
  const toml::node* node = Get(key);
  std::vector<std::string> out;
  if (node == nullptr) return out;
  if (!node->is_array()) return WrongType(key, "an array of strings");
  const toml::array& array = *node->as_array();
  for (std::size_t i = 0; i < array.size(); ++i) {
    const toml::node& item = *array.get(i);
    if (!item.is_string()) {
      return MakeError(ErrorCode::kWrongType, PathOf(key) + "[" + std::to_string(i) + "]",
                       "expected a string" + LineOf(item));
    }
    std::string value = item.as_string()->get();
    if (value.empty()) {
      return MakeError(ErrorCode::kOutOfRange, PathOf(key) + "[" + std::to_string(i) + "]",
                       "must not be empty");
    }
    out.push_back(std::move(value));
  }
  return out;
}

Result<std::vector<std::string>> TomlTable::EnumList(
    std::string_view key, const std::vector<std::string_view>& vocabulary) {
  SUANLI_ASSIGN(auto values, StringList(key));
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (std::find(vocabulary.begin(), vocabulary.end(), values[i]) == vocabulary.end()) {
      std::string known;
      for (auto v : vocabulary) known += (known.empty() ? "" : ", ") + std::string(v);
      return MakeError(ErrorCode::kOutOfRange, PathOf(key) + "[" + std::to_string(i) + "]",
                       "unknown value '" + values[i] + "' (one of " + known + ")");
    }
  }
  return values;
}

Result<std::optional<TomlTable>> TomlTable::Table(std::string_view key) {
  const toml::node* node = Get(key);
  if (node == nullptr) return std::optional<TomlTable>();
  if (!node->is_table()) return WrongType(key, "a table");
  return std::optional<TomlTable>(TomlTable(*node->as_table(), PathOf(key)));
}

Result<std::vector<TomlTable>> TomlTable::TableArray(std::string_view key) {
  const toml::node* node = Get(key);
  std::vector<TomlTable> out;
  if (node == nullptr) return out;
  if (!node->is_array_of_tables()) return WrongType(key, "an array of tables ([[...]])");
  const toml::array& array = *node->as_array();
  for (std::size_t i = 0; i < array.size(); ++i) {
    out.emplace_back(*array.get(i)->as_table(), PathOf(key) + "[" + std::to_string(i) + "]");
  }
  return out;
}

Result<RuleSource> TomlTable::Source() {
  RuleSource source;
  SUANLI_ASSIGN(source.clause, RequiredString("clause"));
  SUANLI_ASSIGN(auto assumed, Bool("assumed"));
  SUANLI_ASSIGN(auto note, String("note"));
  source.assumed = assumed.value_or(false);
  source.note = note.value_or("");
  if (source.assumed && source.note.empty()) {
    return MakeError(ErrorCode::kMissingField, PathOf("note"),
                     "an assumed rule must say what is assumed and why");
  }
  return source;
}

Status TomlTable::Finish() const {
  for (const auto& [key, node] : *table_) {
    if (seen_.find(key.str()) == seen_.end()) {
      return MakeError(ErrorCode::kUnknownField, PathOf(key.str()),
                       "unknown key" + LineOf(node) + " (see docs/policy.md for the schema)");
    }
  }
  return OkStatus();
}

}  // namespace suanli::policy
