// Serving the web console's files from a directory: content types, SPA fallback to index.html,
// Cache-Control for content-hashed assets, and no way out of the directory (no "..", no hidden
// files, no symlink leading outside). Synchronous reads: the console's files are few and small
// and sit in the page cache.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "http/message.h"

namespace suanli::http {

class StaticFiles {
 public:
  // `root` must be an existing directory; it is made canonical once here.
  explicit StaticFiles(std::string root);

  // The response for a GET of percent-decoded `path`, or nullopt when there is none (the
  // caller answers 404). A path with a "." or ".." segment, a segment starting with '.', a
  // backslash or a NUL is refused outright. "/" and "/dir/" mean their index.html. A missing
  // path whose last segment has no extension ("/vouchers/42") is a client-side route and gets
  // the root index.html (SPA fallback); a missing "/x.js" is a plain miss, so a broken asset
  // link fails loudly instead of receiving HTML.
  std::optional<Response> Serve(std::string_view path) const;

  const std::string& root() const { return root_; }

 private:
  std::optional<Response> ReadFile(const std::string& full_path) const;

  std::string root_;  // canonical, no trailing slash
};

// The Content-Type for a file name, by extension ("application/octet-stream" when unknown).
std::string_view ContentTypeFor(std::string_view file_name);

// True for bundler output named with a content hash: the last '.'- or '-'-separated part of the
// name before the extension has 8 or more characters of [A-Za-z0-9_] including a digit
// ("index-3fa9c1b2.js", "app.8f2c44e1.css", "index-BXk2_3fA.js").
bool LooksContentHashed(std::string_view file_name);

}  // namespace suanli::http
