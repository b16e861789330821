#include "http/static_files.h"

#include <array>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <utility>

#include "core/check.h"

namespace suanli::http {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view kCacheImmutable = "public, max-age=31536000, immutable";
// Unhashed files (index.html above all) must be revalidated, or a deploy would not show.
constexpr std::string_view kCacheRevalidate = "no-cache";

struct TypeByExtension {
  std::string_view extension;
  std::string_view content_type;
};
constexpr std::array<TypeByExtension, 22> kTypes = {{
    {"html", "text/html; charset=utf-8"},
    {"htm", "text/html; charset=utf-8"},
    {"js", "text/javascript; charset=utf-8"},
    {"mjs", "text/javascript; charset=utf-8"},
    {"css", "text/css; charset=utf-8"},
    {"json", "application/json"},
    {"map", "application/json"},
    {"txt", "text/plain; charset=utf-8"},
    {"xml", "application/xml"},
    {"svg", "image/svg+xml"},
    {"png", "image/png"},
    {"jpg", "image/jpeg"},
    {"jpeg", "image/jpeg"},
    {"gif", "image/gif"},
    {"webp", "image/webp"},
    {"ico", "image/x-icon"},
    {"woff", "font/woff"},
    {"woff2", "font/woff2"},
    {"ttf", "font/ttf"},
    {"wasm", "application/wasm"},
    {"pdf", "application/pdf"},
    {"webmanifest", "application/manifest+json"},
}};

std::string_view Extension(std::string_view file_name) {
  std::size_t dot = file_name.rfind('.');
  if (dot == std::string_view::npos || dot == 0) return {};
  return file_name.substr(dot + 1);
}

std::string_view LastSegment(std::string_view path) {
  std::size_t slash = path.rfind('/');
  return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

// Refuses anything that could name a file outside the root or a hidden file.
bool IsSafePath(std::string_view path) {
  if (path.empty() || path.front() != '/') return false;
  if (path.find('\0') != std::string_view::npos) return false;
  if (path.find('\\') != std::string_view::npos) return false;
  std::string_view rest = path.substr(1);
  while (!rest.empty()) {
    std::size_t slash = rest.find('/');
    std::string_view segment = rest.substr(0, slash);
    if (!segment.empty() && segment.front() == '.') return false;  // ".", "..", ".env"
    if (slash == std::string_view::npos) break;
    rest.remove_prefix(slash + 1);
  }
  return true;
}

}  // namespace

std::string_view ContentTypeFor(std::string_view file_name) {
  std::string_view ext = Extension(file_name);
  for (const auto& t : kTypes) {
    if (ext.size() != t.extension.size()) continue;
    bool same = true;
    for (std::size_t i = 0; i < ext.size() && same; ++i) {
      char c = ext[i];
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
      same = c == t.extension[i];
    }
    if (same) return t.content_type;
  }
  return "application/octet-stream";
}

bool LooksContentHashed(std::string_view file_name) {
  std::size_t dot = file_name.rfind('.');
  if (dot == std::string_view::npos) return false;
  std::string_view stem = file_name.substr(0, dot);
  std::size_t sep = stem.find_last_of(".-");
  if (sep == std::string_view::npos) return false;
  std::string_view hash = stem.substr(sep + 1);
  if (hash.size() < 8) return false;
  bool has_digit = false;
  for (char c : hash) {
    bool word = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                c == '_';
    if (!word) return false;
    has_digit = has_digit || (c >= '0' && c <= '9');
  }
  return has_digit;
}

StaticFiles::StaticFiles(std::string root) {
  std::error_code ec;
  fs::path canonical = fs::canonical(fs::path(root), ec);
  SUANLI_CHECK(!ec);  // the caller validates static_dir before building a server
  root_ = canonical.string();
  while (root_.size() > 1 && root_.back() == '/') root_.pop_back();
}

std::optional<Response> StaticFiles::ReadFile(const std::string& full_path) const {
  std::error_code ec;
  if (!fs::is_regular_file(full_path, ec)) return std::nullopt;
  // A symlink may point anywhere: the resolved file must still lie under the root.
  fs::path resolved = fs::canonical(full_path, ec);
  if (ec) return std::nullopt;
  const std::string& resolved_text = resolved.native();
  if (resolved_text.size() <= root_.size() || resolved_text.compare(0, root_.size(), root_) != 0 ||
      resolved_text[root_.size()] != '/') {
    return std::nullopt;
  }
  std::ifstream in(resolved_text, std::ios::binary);
  if (!in) return std::nullopt;
  Response response;
  response.body.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  if (in.bad()) return std::nullopt;
  std::string_view name = LastSegment(resolved_text);
  response.content_type = std::string(ContentTypeFor(name));
  response.headers.emplace_back(
      "Cache-Control", std::string(LooksContentHashed(name) ? kCacheImmutable : kCacheRevalidate));
  return response;
}

std::optional<Response> StaticFiles::Serve(std::string_view path) const {
  if (!IsSafePath(path)) return std::nullopt;
  std::string full = root_;
  full.append(path);
  if (full.back() == '/') full.append("index.html");
  if (auto found = ReadFile(full)) return found;
  if (!Extension(LastSegment(path)).empty()) return std::nullopt;
  return ReadFile(root_ + "/index.html");
}

}  // namespace suanli::http
