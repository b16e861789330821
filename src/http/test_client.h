// A deliberately dumb HTTP/1.1 client on raw POSIX sockets, for the server tests: it sends
// exactly the bytes it is given (so tests can send malformed or pipelined requests) and parses
// responses framed by Content-Length. Test-only; no Beast, so the tests compile fast.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace suanli::http::testing {

struct ParsedResponse {
  unsigned status = 0;
  std::string version;  // "HTTP/1.1"
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  // First header with this name, case-insensitive.
  std::optional<std::string> Header(std::string_view name) const;
};

class RawClient {
 public:
  explicit RawClient(std::uint16_t port);  // connects to 127.0.0.1:port
  ~RawClient();
  RawClient(const RawClient&) = delete;
  RawClient& operator=(const RawClient&) = delete;

  bool connected() const { return fd_ >= 0; }
  bool Send(std::string_view bytes);
  // Reads one response. `head_request`: the response has no body whatever its Content-Length.
  // nullopt on timeout, on EOF before a full response, or on a head it cannot parse.
  std::optional<ParsedResponse> Read(bool head_request = false, int timeout_ms = 5000);
  // True when the server closes the connection (EOF or reset) within the timeout.
  bool WaitClosed(int timeout_ms = 3000);

 private:
  // Appends what arrives within the timeout; false on timeout, EOF or error.
  bool Fill(int timeout_ms);

  int fd_ = -1;
  std::string buffer_;
  bool eof_ = false;
};

// The text of a request with Host and, when the body is not empty, Content-Length.
std::string RequestText(std::string_view method, std::string_view target,
                        std::string_view body = {}, std::string_view extra_headers = {},
                        bool close = false);

// One request on a fresh connection that asks to close after it.
std::optional<ParsedResponse> Fetch(std::uint16_t port, std::string_view method,
                                    std::string_view target, std::string_view body = {},
                                    std::string_view extra_headers = {});

}  // namespace suanli::http::testing
