// Reading request bodies and writing response bodies. A JsonBody refuses malformed JSON, wrong
// types, unknown fields and missing required fields, naming the field; money is a decimal
// string ("1500000.00") parsed to fen, dates "YYYY-MM-DD", times ISO 8601. Writers render
// money as decimal strings and instants with +08:00.
#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json.hpp>

#include "core/cst_time.h"
#include "core/result.h"

namespace suanli::api {

class JsonBody {
 public:
  // Parses `body` as one JSON object.
  static Result<JsonBody> Parse(std::string_view body);

  Result<std::string> String(std::string_view name);             // required
  Result<std::optional<std::string>> OptString(std::string_view name);
  Result<std::int64_t> MoneyFen(std::string_view name);          // required decimal string
  Result<std::optional<std::int64_t>> OptMoneyFen(std::string_view name);
  Result<std::int64_t> Int(std::string_view name);
  Result<std::optional<std::int64_t>> OptInt(std::string_view name);
  Result<bool> Bool(std::string_view name);
  Result<std::optional<bool>> OptBool(std::string_view name);
  Result<Date> DateField(std::string_view name);
  Result<std::vector<std::int64_t>> IntArray(std::string_view name);
  // An array of 1..max_items objects, each read as its own JsonBody whose errors name the field
  // by its path ("settlements[3].amount").
  Result<std::vector<JsonBody>> ObjectArray(std::string_view name, std::size_t max_items);
  // Refuses any field no getter asked for (kUnknownField, naming it).
  Status Finish() const;

  const boost::json::object& object() const { return object_; }

 private:
  explicit JsonBody(boost::json::object o, std::string prefix = {})
      : object_(std::move(o)), prefix_(std::move(prefix)) {}
  const boost::json::value* Find(std::string_view name);
  std::string Field(std::string_view name) const { return prefix_ + std::string(name); }
  boost::json::object object_;
  std::string prefix_;  // "settlements[3]." for an element of ObjectArray, else empty
  std::set<std::string, std::less<>> seen_;
};

std::string MoneyString(std::int64_t fen);
// The largest JSON request body (a settlement run of 1,000 bills is ~150 KB). Uploads (documents,
// sacct files) are raw bodies, bounded by the server's body limit instead.
inline constexpr std::size_t kJsonBodyBytesMax = 1 << 20;
// One CSV field (RFC 4180): as it is, or in double quotes with inner quotes doubled when it
// holds a comma, a quote or a line break (a provider or group named 某"算力"公司, say).
std::string CsvField(std::string_view text);
boost::json::value OptMoney(const std::optional<std::int64_t>& fen);
std::string TimeString(Instant t);

}  // namespace suanli::api
