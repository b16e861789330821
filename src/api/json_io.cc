#include "api/json_io.h"

#include "core/money.h"

namespace suanli::api {

Result<JsonBody> JsonBody::Parse(std::string_view body) {
  // The server admits bodies up to an upload's size (10 MiB); a JSON request is held to less.
  if (body.size() > kJsonBodyBytesMax) {
    return MakeError(ErrorCode::kTooLarge, "", "a JSON body is at most " +
                                                   std::to_string(kJsonBodyBytesMax) + " bytes");
  }
  boost::system::error_code ec;
  boost::json::value v = boost::json::parse(body, ec);
  if (ec) return MakeError(ErrorCode::kParse, "", "the body is not valid JSON: " + ec.message());
  if (!v.is_object()) return MakeError(ErrorCode::kWrongType, "", "the body must be a JSON object");
  return JsonBody(std::move(v).as_object());
}

const boost::json::value* JsonBody::Find(std::string_view name) {
  seen_.emplace(name);
  const boost::json::value* v = object_.if_contains(name);
  return (v == nullptr || v->is_null()) ? nullptr : v;
}

Result<std::optional<std::string>> JsonBody::OptString(std::string_view name) {
  const boost::json::value* v = Find(name);
  if (v == nullptr) return std::optional<std::string>();
  if (!v->is_string()) return MakeError(ErrorCode::kWrongType, Field(name), "must be a string");
  return std::optional<std::string>(std::string(v->as_string()));
}

Result<std::string> JsonBody::String(std::string_view name) {
  SUANLI_ASSIGN(auto s, OptString(name));
  if (!s) return MakeError(ErrorCode::kMissingField, Field(name), "required");
  return *s;
}

Result<std::optional<std::int64_t>> JsonBody::OptMoneyFen(std::string_view name) {
  const boost::json::value* v = Find(name);
  if (v == nullptr) return std::optional<std::int64_t>();
  if (!v->is_string()) {
    return MakeError(ErrorCode::kWrongType, Field(name),
                     "money is a decimal string such as \"1500000.00\", never a number");
  }
  SUANLI_ASSIGN(const Money m, Money::Parse(v->as_string(), Field(name)));
  return std::optional<std::int64_t>(m.fen());
}

Result<std::int64_t> JsonBody::MoneyFen(std::string_view name) {
  SUANLI_ASSIGN(auto m, OptMoneyFen(name));
  if (!m) return MakeError(ErrorCode::kMissingField, Field(name), "required");
  return *m;
}

Result<std::optional<std::int64_t>> JsonBody::OptInt(std::string_view name) {
  const boost::json::value* v = Find(name);
  if (v == nullptr) return std::optional<std::int64_t>();
  if (v->is_int64()) return std::optional<std::int64_t>(v->as_int64());
  if (v->is_uint64() && v->as_uint64() <= static_cast<std::uint64_t>(INT64_MAX)) {
    return std::optional<std::int64_t>(static_cast<std::int64_t>(v->as_uint64()));
  }
  return MakeError(ErrorCode::kWrongType, Field(name), "must be an integer");
}

Result<std::int64_t> JsonBody::Int(std::string_view name) {
  SUANLI_ASSIGN(auto i, OptInt(name));
  if (!i) return MakeError(ErrorCode::kMissingField, Field(name), "required");
  return *i;
}

Result<std::optional<bool>> JsonBody::OptBool(std::string_view name) {
  const boost::json::value* v = Find(name);
  if (v == nullptr) return std::optional<bool>();
  if (!v->is_bool()) return MakeError(ErrorCode::kWrongType, Field(name), "must be true or false");
  return std::optional<bool>(v->as_bool());
}

Result<bool> JsonBody::Bool(std::string_view name) {
  SUANLI_ASSIGN(auto b, OptBool(name));
  if (!b) return MakeError(ErrorCode::kMissingField, Field(name), "required");
  return *b;
}

Result<Date> JsonBody::DateField(std::string_view name) {
  SUANLI_ASSIGN(const std::string s, String(name));
  return Date::Parse(s, Field(name));
}

Result<std::vector<std::int64_t>> JsonBody::IntArray(std::string_view name) {
  const boost::json::value* v = Find(name);
  if (v == nullptr) return MakeError(ErrorCode::kMissingField, Field(name), "required");
  if (!v->is_array()) return MakeError(ErrorCode::kWrongType, Field(name), "must be an array");
  std::vector<std::int64_t> out;
  for (const auto& e : v->as_array()) {
    if (!e.is_int64()) return MakeError(ErrorCode::kWrongType, Field(name), "integers only");
    out.push_back(e.as_int64());
  }
  return out;
}

Result<std::vector<JsonBody>> JsonBody::ObjectArray(std::string_view name,
                                                    std::size_t max_items) {
  const boost::json::value* v = Find(name);
  if (v == nullptr) return MakeError(ErrorCode::kMissingField, Field(name), "required");
  if (!v->is_array()) return MakeError(ErrorCode::kWrongType, Field(name), "must be an array");
  const boost::json::array& items = v->as_array();
  if (items.empty()) return MakeError(ErrorCode::kMissingField, Field(name), "at least one item");
  if (items.size() > max_items) {
    return MakeError(ErrorCode::kOutOfRange, Field(name),
                     "at most " + std::to_string(max_items) + " items (" +
                         std::to_string(items.size()) + " given)");
  }
  std::vector<JsonBody> out;
  out.reserve(items.size());
  for (std::size_t i = 0; i < items.size(); ++i) {
    const std::string path = Field(name) + "[" + std::to_string(i) + "]";
    if (!items[i].is_object()) return MakeError(ErrorCode::kWrongType, path, "must be an object");
    out.push_back(JsonBody(items[i].as_object(), path + "."));
  }
  return out;
}

Status JsonBody::Finish() const {
  for (const auto& kv : object_) {
    if (!seen_.contains(std::string_view(kv.key()))) {
      return MakeError(ErrorCode::kUnknownField, Field(kv.key()), "unknown field");
    }
  }
  return OkStatus();
}

std::string MoneyString(std::int64_t fen) { return Money::FromFen(fen).ToString(); }

std::string CsvField(std::string_view text) {
  if (text.find_first_of(",\"\r\n") == std::string_view::npos) return std::string(text);
  std::string quoted = "\"";
  for (const char ch : text) {
    if (ch == '"') quoted += '"';
    quoted += ch;
  }
  return quoted + "\"";
}

boost::json::value OptMoney(const std::optional<std::int64_t>& fen) {
  if (!fen) return nullptr;
  return boost::json::value(MoneyString(*fen));
}

std::string TimeString(Instant t) { return t.ToString(); }

}  // namespace suanli::api
