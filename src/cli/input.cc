#include "cli/input.h"

#include <fstream>
#include <iostream>

#include <boost/json.hpp>

#include "core/limits.h"
#include "policy/quote_json.h"

namespace suanli::cli {

Result<std::string> ReadInputText(const std::string& path, const std::string& what) {
  std::ifstream file;
  std::istream* in = &std::cin;
  if (path != "-") {
    file.open(path, std::ios::binary);
    if (!file) return MakeError(ErrorCode::kNotFound, path, "cannot open " + what);
    in = &file;
  }
  std::string text(limits::kDocumentBytesMax + 1, '\0');
  in->read(text.data(), static_cast<std::streamsize>(text.size()));
  if (in->bad()) return MakeError(ErrorCode::kIo, path, "read failed");
  text.resize(static_cast<std::size_t>(in->gcount()));
  if (text.size() > limits::kDocumentBytesMax) {
    return MakeError(ErrorCode::kOutOfRange, path,
                     what + " is larger than " + std::to_string(limits::kDocumentBytesMax) +
                         " bytes");
  }
  return text;
}

int BadInput(const Error& e, const char* input) {
  boost::json::object o = policy::ErrorToJson(e);
  o["input"] = input;
  std::cerr << boost::json::serialize(o) << "\n";
  return 2;
}

}  // namespace suanli::cli
