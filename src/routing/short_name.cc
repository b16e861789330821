// ShortName's and Version's parsing (short_name.h).
#include "routing/short_name.h"

#include <charconv>
#include <cstring>
#include <string>

#include "core/check.h"

namespace suanli::routing {

Result<ShortName> ShortName::Make(std::string_view text, std::string_view field) {
  if (text.size() > kBytesMax) {
    return MakeError(ErrorCode::kOutOfRange, std::string(field),
                     "longer than " + std::to_string(kBytesMax) + " bytes");
  }
  if (text.find('\0') != std::string_view::npos) {
    return MakeError(ErrorCode::kParse, std::string(field), "contains a NUL byte");
  }
  ShortName name;
  std::memcpy(name.words_.data(), text.data(), text.size());
  return name;
}

ShortName ShortName::Of(std::string_view text) {
  Result<ShortName> name = Make(text);
  SUANLI_CHECK(name.ok());
  return *name;
}

std::string_view ShortName::view() const {
  const char* bytes = reinterpret_cast<const char*>(words_.data());
  std::size_t size = 0;
  while (size < kBytesMax && bytes[size] != '\0') ++size;
  return std::string_view(bytes, size);
}

Result<Version> Version::Parse(std::string_view text, std::string_view field) {
  std::uint32_t parts[3] = {0, 0, 0};
  std::size_t part = 0;
  const char* p = text.data();
  const char* end = text.data() + text.size();
  while (true) {
    std::uint32_t value = 0;
    const auto [next, ec] = std::from_chars(p, end, value);
    if (ec != std::errc() || next == p || value > kPartMax) {
      return MakeError(ErrorCode::kParse, std::string(field),
                       "expected up to three dot-separated numbers 0..1023, e.g. 2.1.0");
    }
    parts[part++] = value;
    p = next;
    if (p == end) break;
    if (*p != '.' || part == 3) {
      return MakeError(ErrorCode::kParse, std::string(field),
                       "expected up to three dot-separated numbers 0..1023, e.g. 2.1.0");
    }
    ++p;
  }
  return Of(parts[0], parts[1], parts[2]);
}

}  // namespace suanli::routing
