// HttpClient over Boost.Beast (http_client.h). Synchronous with a deadline: the socket gets
// SO_RCVTIMEO/SO_SNDTIMEO, since Beast's tcp_stream timeouts apply to async operations only.
#include "network/slurm/http_client.h"

#include <sys/socket.h>
#include <sys/time.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

namespace suanli::network::slurm {
namespace beast = boost::beast;
namespace http = beast::http;
namespace asio = boost::asio;

Result<HttpClient> HttpClient::Create(std::string_view base_url, std::chrono::milliseconds timeout) {
  constexpr std::string_view kScheme = "http://";
  if (base_url.substr(0, kScheme.size()) != kScheme) {
    return MakeError(ErrorCode::kParse, "rest_url", "expected http://host:port");
  }
  std::string_view rest = base_url.substr(kScheme.size());
  while (!rest.empty() && rest.back() == '/') rest.remove_suffix(1);
  const auto colon = rest.rfind(':');
  if (colon == std::string_view::npos || colon == 0 || colon + 1 == rest.size() ||
      rest.find('/') != std::string_view::npos) {
    return MakeError(ErrorCode::kParse, "rest_url", "expected http://host:port");
  }
  return HttpClient(std::string(rest.substr(0, colon)), std::string(rest.substr(colon + 1)),
                    timeout);
}

Result<HttpResponse> HttpClient::Send(std::string_view method, std::string_view target,
                                      const std::vector<std::pair<std::string, std::string>>& headers,
                                      std::string_view body) const {
  try {
    asio::io_context io;
    asio::ip::tcp::resolver resolver(io);
    asio::ip::tcp::socket socket(io);
    asio::connect(socket, resolver.resolve(host_, port_));
    timeval tv{};
    tv.tv_sec = static_cast<time_t>(timeout_.count() / 1000);
    tv.tv_usec = static_cast<suseconds_t>((timeout_.count() % 1000) * 1000);
    ::setsockopt(socket.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    ::setsockopt(socket.native_handle(), SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);

    http::request<http::string_body> req(http::string_to_verb(method),
                                         beast::string_view(target.data(), target.size()), 11);
    req.set(http::field::host, host_);
    req.set(http::field::accept, "application/json");
    for (const auto& [name, value] : headers) req.set(name, value);
    if (!body.empty()) {
      req.set(http::field::content_type, "application/json");
      req.body() = std::string(body);
    }
    req.prepare_payload();
    http::write(socket, req);

    beast::flat_buffer buffer;
    http::response_parser<http::string_body> parser;
    parser.body_limit(64 * 1024 * 1024);  // a month of slurmdb jobs on a busy center
    http::read(socket, buffer, parser);
    beast::error_code ignored;
    socket.shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
    HttpResponse out;
    out.status = static_cast<int>(parser.get().result_int());
    out.body = std::move(parser.get().body());
    return out;
  } catch (const std::exception& e) {
    return MakeError(ErrorCode::kIo, "http",
                     std::string(method) + " http://" + host_ + ":" + port_ +
                         std::string(target) + ": " + e.what());
  }
}

std::string UrlEncode(std::string_view value) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(value.size());
  for (char c : value) {
    const auto u = static_cast<unsigned char>(c);
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
        c == '_' || c == '.' || c == '~') {
      out += c;
    } else {
      out += '%';
      out += kHex[u >> 4];
      out += kHex[u & 15];
    }
  }
  return out;
}

}  // namespace suanli::network::slurm
