#include "http/router.h"

#include <utility>

#include "core/check.h"
#include "http/url.h"

namespace suanli::http {
namespace {

// A path with more segments than this matches no route (no API path comes close); the bound
// keeps the split on the stack.
constexpr std::size_t kMaxSegments = 32;

constexpr std::array<Method, 7> kMethodOrder = {Method::kGet,   Method::kHead,   Method::kPost,
                                                Method::kPut,   Method::kPatch,  Method::kDelete,
                                                Method::kOptions};

std::size_t MethodIndex(Method m) { return static_cast<std::size_t>(m); }

bool IsParamNameChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

// Splits "/a/b" into {"a","b"}; "/" into {""}. Returns false when the path does not start with
// '/' or has more than kMaxSegments segments.
bool SplitPath(std::string_view path, std::array<std::string_view, kMaxSegments>* out,
               std::size_t* count) {
  if (path.empty() || path.front() != '/') return false;
  path.remove_prefix(1);
  *count = 0;
  while (true) {
    if (*count == kMaxSegments) return false;
    std::size_t slash = path.find('/');
    (*out)[(*count)++] = path.substr(0, slash);
    if (slash == std::string_view::npos) return true;
    path.remove_prefix(slash + 1);
  }
}

}  // namespace

void Router::Add(Method method, std::string pattern, Handler handler, RouteDoc doc) {
  SUANLI_CHECK(method != Method::kOther);
  SUANLI_CHECK(handler != nullptr);
  std::array<std::string_view, kMaxSegments> parts;
  std::size_t count = 0;
  SUANLI_CHECK(SplitPath(pattern, &parts, &count));

  Pattern compiled;
  compiled.pattern = pattern;
  compiled.route_by_method.fill(-1);
  for (std::size_t i = 0; i < count; ++i) {
    std::string_view part = parts[i];
    Segment segment;
    if (!part.empty() && part.front() == '{') {
      SUANLI_CHECK(part.size() > 2 && part.back() == '}');
      segment.is_param = true;
      segment.text = std::string(part.substr(1, part.size() - 2));
      for (char c : segment.text) SUANLI_CHECK(IsParamNameChar(c));
    } else {
      SUANLI_CHECK(part.find('{') == std::string_view::npos);
      SUANLI_CHECK(part.find('}') == std::string_view::npos);
      segment.text = std::string(part);
    }
    compiled.segments.push_back(std::move(segment));
  }

  routes_.push_back(Route{method, std::move(pattern), std::move(handler), std::move(doc)});
  int route_index = static_cast<int>(routes_.size() - 1);
  for (Pattern& existing : patterns_) {
    if (existing.pattern == compiled.pattern) {
      SUANLI_CHECK(existing.route_by_method[MethodIndex(method)] == -1);  // registered twice
      existing.route_by_method[MethodIndex(method)] = route_index;
      return;
    }
  }
  compiled.route_by_method[MethodIndex(method)] = route_index;
  patterns_.push_back(std::move(compiled));
}

Router::Match Router::Find(Method method, std::string_view raw_path, Request* request) const {
  Match match;
  std::array<std::string_view, kMaxSegments> segments;
  std::size_t count = 0;
  if (!SplitPath(raw_path, &segments, &count)) return match;

  // Decode the segments that carry escapes; the rest are compared as they are. The scratch
  // strings are per thread and keep their capacity, so a request allocates nothing here.
  thread_local std::array<std::string, kMaxSegments> decoded;
  for (std::size_t i = 0; i < count; ++i) {
    if (segments[i].find('%') == std::string_view::npos) continue;
    decoded[i].clear();
    if (!PercentDecode(segments[i], false, &decoded[i])) return match;
    segments[i] = decoded[i];
  }

  const Pattern* best = nullptr;
  int best_route = -1;
  bool any_path_match = false;
  std::array<bool, 8> allowed{};
  for (const Pattern& p : patterns_) {
    if (p.segments.size() != count) continue;
    bool matches = true;
    for (std::size_t i = 0; i < count && matches; ++i) {
      matches = p.segments[i].is_param ? !segments[i].empty() : p.segments[i].text == segments[i];
    }
    if (!matches) continue;
    any_path_match = true;
    for (Method m : kMethodOrder) {
      if (p.route_by_method[MethodIndex(m)] >= 0) allowed[MethodIndex(m)] = true;
    }
    int route = p.route_by_method[MethodIndex(method)];
    if (route < 0 && method == Method::kHead) route = p.route_by_method[MethodIndex(Method::kGet)];
    if (route < 0) continue;
    if (best != nullptr) {
      // Prefer the pattern whose first differing segment is literal.
      bool better = false;
      for (std::size_t i = 0; i < count; ++i) {
        if (p.segments[i].is_param != best->segments[i].is_param) {
          better = !p.segments[i].is_param;
          break;
        }
      }
      if (!better) continue;
    }
    best = &p;
    best_route = route;
  }

  if (best != nullptr) {
    match.kind = Match::Kind::kFound;
    match.route = &routes_[static_cast<std::size_t>(best_route)];
    request->route_pattern_ = best->pattern;
    request->path_param_count_ = 0;
    for (std::size_t i = 0; i < count; ++i) {
      if (best->segments[i].is_param) request->AddPathParam(best->segments[i].text, segments[i]);
    }
    return match;
  }
  if (!any_path_match) return match;

  match.kind = Match::Kind::kMethodNotAllowed;
  if (allowed[MethodIndex(Method::kGet)]) allowed[MethodIndex(Method::kHead)] = true;
  for (Method m : kMethodOrder) {
    if (!allowed[MethodIndex(m)]) continue;
    if (!match.allow.empty()) match.allow.append(", ");
    match.allow.append(MethodName(m));
  }
  return match;
}

}  // namespace suanli::http
