// A small synchronous HTTP/1.1 client for slurmrestd: one request per connection, plain HTTP
// on loopback or a trusted network (slurmrestd 22.05 speaks no TLS itself). Only this file's
// .cc includes Boost.Beast, so the cost of its headers is paid once.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "core/result.h"

namespace suanli::network::slurm {

struct HttpResponse {
  int status = 0;
  std::string body;
};

class HttpClient {
 public:
  // base_url: "http://host:port" (no path). Errors (kParse) when it is not of that form.
  static Result<HttpClient> Create(std::string_view base_url, std::chrono::milliseconds timeout);

  // Sends `method` (GET, POST, DELETE) to `target` ("/slurm/v0.0.38/jobs?x=y", already
  // URL-encoded) with the headers and body, and reads the whole response. Any HTTP status is
  // a value; connection failures, timeouts and unreadable responses are kIo.
  Result<HttpResponse> Send(std::string_view method, std::string_view target,
                            const std::vector<std::pair<std::string, std::string>>& headers,
                            std::string_view body) const;

  const std::string& host() const { return host_; }
  const std::string& port() const { return port_; }

 private:
  HttpClient(std::string host, std::string port, std::chrono::milliseconds timeout)
      : host_(std::move(host)), port_(std::move(port)), timeout_(timeout) {}
  std::string host_;
  std::string port_;
  std::chrono::milliseconds timeout_;
};

// Percent-encodes a query value (RFC 3986 unreserved characters pass through).
std::string UrlEncode(std::string_view value);

}  // namespace suanli::network::slurm
