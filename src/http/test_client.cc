#include "http/test_client.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>

#include "http/url.h"

namespace suanli::http::testing {

std::optional<std::string> ParsedResponse::Header(std::string_view name) const {
  for (const auto& [n, v] : headers) {
    if (EqualsIgnoreCase(n, name)) return v;
  }
  return std::nullopt;
}

RawClient::RawClient(std::uint16_t port) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    ::close(fd);
    return;
  }
  fd_ = fd;
}

RawClient::~RawClient() {
  if (fd_ >= 0) ::close(fd_);
}

bool RawClient::Send(std::string_view bytes) {
  while (!bytes.empty()) {
    ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

bool RawClient::Fill(int timeout_ms) {
  if (eof_) return false;
  pollfd p{fd_, POLLIN, 0};
  int ready = ::poll(&p, 1, timeout_ms);
  if (ready <= 0) return false;
  char chunk[16384];
  ssize_t n = ::recv(fd_, chunk, sizeof(chunk), 0);
  if (n <= 0) {
    eof_ = true;
    return false;
  }
  buffer_.append(chunk, static_cast<std::size_t>(n));
  return true;
}

std::optional<ParsedResponse> RawClient::Read(bool head_request, int timeout_ms) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  auto remaining = [&] {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    return static_cast<int>(std::max<std::int64_t>(0, left.count()));
  };
  std::size_t head_end;
  while ((head_end = buffer_.find("\r\n\r\n")) == std::string::npos) {
    if (!Fill(remaining())) return std::nullopt;
  }
  ParsedResponse r;
  std::string_view head(buffer_.data(), head_end);
  std::size_t line_end = head.find("\r\n");
  std::string_view status_line = head.substr(0, line_end);
  std::size_t sp = status_line.find(' ');
  if (sp == std::string_view::npos) return std::nullopt;
  r.version = std::string(status_line.substr(0, sp));
  r.status = static_cast<unsigned>(std::atoi(std::string(status_line.substr(sp + 1, 3)).c_str()));
  std::string_view rest = line_end == std::string_view::npos ? std::string_view()
                                                             : head.substr(line_end + 2);
  while (!rest.empty()) {
    std::size_t e = rest.find("\r\n");
    std::string_view line = rest.substr(0, e);
    rest = e == std::string_view::npos ? std::string_view() : rest.substr(e + 2);
    std::size_t colon = line.find(':');
    if (colon == std::string_view::npos) return std::nullopt;
    std::string_view value = line.substr(colon + 1);
    while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
    r.headers.emplace_back(std::string(line.substr(0, colon)), std::string(value));
  }
  std::size_t length = 0;
  if (auto cl = r.Header("Content-Length")) length = std::strtoul(cl->c_str(), nullptr, 10);
  if (head_request || r.status == 100 || r.status == 204 || r.status == 304) length = 0;
  std::size_t body_start = head_end + 4;
  while (buffer_.size() < body_start + length) {
    if (!Fill(remaining())) return std::nullopt;
  }
  r.body = buffer_.substr(body_start, length);
  buffer_.erase(0, body_start + length);
  return r;
}

bool RawClient::WaitClosed(int timeout_ms) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (!eof_) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                    deadline - std::chrono::steady_clock::now())
                    .count();
    if (left <= 0) return false;
    Fill(static_cast<int>(left));
  }
  return true;
}

std::string RequestText(std::string_view method, std::string_view target, std::string_view body,
                        std::string_view extra_headers, bool close) {
  std::string text;
  text.append(method).append(" ").append(target).append(" HTTP/1.1\r\nHost: test\r\n");
  if (!body.empty()) text.append("Content-Length: ").append(std::to_string(body.size()) + "\r\n");
  if (close) text.append("Connection: close\r\n");
  text.append(extra_headers);
  text.append("\r\n");
  text.append(body);
  return text;
}

std::optional<ParsedResponse> Fetch(std::uint16_t port, std::string_view method,
                                    std::string_view target, std::string_view body,
                                    std::string_view extra_headers) {
  RawClient client(port);
  if (!client.connected()) return std::nullopt;
  if (!client.Send(RequestText(method, target, body, extra_headers, true))) return std::nullopt;
  return client.Read(method == "HEAD");
}

}  // namespace suanli::http::testing
