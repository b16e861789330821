// A strict reader over one TOML table: every getter names the dotted path of the key it reads,
// so an error says "grant.tiers[1].rate" and not just "bad rate"; Finish() refuses any key no
// getter asked for, so a misspelt rule cannot be silently ignored.
#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <toml++/toml.h>

#include "core/cst_time.h"
#include "core/money.h"
#include "core/rate.h"
#include "core/result.h"
#include "policy/program.h"

namespace suanli::policy {

class TomlTable {
 public:
  // `table` must outlive this reader (it is owned by the parsed document).
  TomlTable(const toml::table& table, std::string path) : table_(&table), path_(std::move(path)) {}

  const std::string& path() const { return path_; }
  std::string PathOf(std::string_view key) const;
  bool Has(std::string_view key) const;

  // Optional getters return nullopt when the key is absent and an error when it has the wrong
  // type or an invalid value. Required* return kMissingField when absent.
  Result<std::optional<std::string>> String(std::string_view key);
  Result<std::string> RequiredString(std::string_view key);
  Result<std::optional<bool>> Bool(std::string_view key);
  Result<std::optional<std::int64_t>> Int(std::string_view key, std::int64_t min,
                                         std::int64_t max);
  // Money is a decimal string ("10000.00"); numbers are refused so no float ever carries money.
  Result<std::optional<Money>> MoneyValue(std::string_view key);
  Result<std::optional<Rate>> RateValue(std::string_view key);
  Result<std::optional<Rounding>> RoundingValue(std::string_view key);
  // A TOML local date (2024-01-02) or the same as a string.
  Result<std::optional<Date>> DateValue(std::string_view key);
  Result<std::vector<std::string>> StringList(std::string_view key);
  // Like StringList, but every value must be in `vocabulary`.
  Result<std::vector<std::string>> EnumList(std::string_view key,
                                            const std::vector<std::string_view>& vocabulary);
  Result<std::optional<TomlTable>> Table(std::string_view key);
  Result<std::vector<TomlTable>> TableArray(std::string_view key);

  // The rule's provenance: `clause` (required), `assumed` and `note` (required when assumed).
  Result<RuleSource> Source();

  // Refuses keys that no getter read.
  Status Finish() const;

 private:
  const toml::node* Get(std::string_view key);
  Error WrongType(std::string_view key, std::string_view expected) const;

  const toml::table* table_;
  std::string path_;
  std::set<std::string, std::less<>> seen_;
};

}  // namespace suanli::policy
