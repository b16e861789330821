#include "http/problem.h"

#include <string>

namespace suanli::http {

void AppendJsonString(std::string_view text, std::string* out) {
  static constexpr char kHex[] = "0123456789abcdef";
  out->push_back('"');
  for (char c : text) {
    auto byte = static_cast<unsigned char>(c);
    switch (c) {
      case '"': out->append("\\\""); break;
      case '\\': out->append("\\\\"); break;
      case '\n': out->append("\\n"); break;
      case '\r': out->append("\\r"); break;
      case '\t': out->append("\\t"); break;
      default:
        if (byte < 0x20) {
          out->append("\\u00");
          out->push_back(kHex[byte >> 4]);
          out->push_back(kHex[byte & 0xF]);
        } else {
          out->push_back(c);
        }
    }
  }
  out->push_back('"');
}

Response Problem(unsigned status, std::string_view code_name, int code, std::string_view title,
                 std::string_view detail, std::string_view field) {
  Response response;
  response.status = status;
  response.content_type = std::string(kProblemContentType);
  std::string& b = response.body;
  b.reserve(128 + title.size() + detail.size() + field.size());
  b.append("{\"type\":");
  AppendJsonString(std::string(kProblemTypePrefix) + std::string(code_name), &b);
  b.append(",\"title\":");
  AppendJsonString(title, &b);
  b.append(",\"status\":");
  b.append(std::to_string(status));
  b.append(",\"detail\":");
  AppendJsonString(detail, &b);
  b.append(",\"code\":");
  b.append(std::to_string(code));
  if (!field.empty()) {
    b.append(",\"field\":");
    AppendJsonString(field, &b);
  }
  b.push_back('}');
  return response;
}

}  // namespace suanli::http
