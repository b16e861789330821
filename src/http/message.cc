#include "http/message.h"

#include "http/url.h"

namespace suanli::http {

std::string_view MethodName(Method method) {
  switch (method) {
    case Method::kGet: return "GET";
    case Method::kHead: return "HEAD";
    case Method::kPost: return "POST";
    case Method::kPut: return "PUT";
    case Method::kPatch: return "PATCH";
    case Method::kDelete: return "DELETE";
    case Method::kOptions: return "OPTIONS";
    case Method::kOther: return "OTHER";
  }
  return "OTHER";
}

std::optional<std::string_view> Request::Header(std::string_view name) const {
  for (const auto& [field, value] : headers_) {
    if (EqualsIgnoreCase(field, name)) return value;
  }
  return std::nullopt;
}

std::optional<std::string> Request::QueryParam(std::string_view name) const {
  return FindQueryParam(query, name);
}

std::optional<std::string> Request::Cookie(std::string_view name) const {
  // Several Cookie fields may arrive (proxies that split them); search each in order.
  for (const auto& [field, value] : headers_) {
    if (!EqualsIgnoreCase(field, "cookie")) continue;
    if (auto found = FindCookie(value, name)) return found;
  }
  return std::nullopt;
}

std::string_view Request::PathParam(std::string_view name) const {
  for (std::size_t i = 0; i < path_param_count_; ++i) {
    if (path_params_[i].first == name) return path_params_[i].second;
  }
  return {};
}

void Request::AddPathParam(std::string_view name, std::string_view value) {
  if (path_param_count_ == path_params_.size()) path_params_.emplace_back();
  auto& slot = path_params_[path_param_count_++];
  slot.first = name;
  slot.second.assign(value);
}

void Request::Reset() {
  method = Method::kOther;
  path.clear();
  query.clear();
  body.clear();
  headers_.clear();
  path_param_count_ = 0;
  route_pattern_ = {};
}

}  // namespace suanli::http
