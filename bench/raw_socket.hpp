#pragma once
// The benchmarks' baseline client: a blocking TCP socket with plain read()
// and write(), and just enough POP3 framing to know where an answer ends.
// It judges nothing; what the harness does beyond it is the harness's cost.
#include <netdb.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cerrno>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

class RawSocket {
 public:
  // Connects; every read and write gives up after timeout_ms.
  RawSocket(const std::string& host, const std::string& port, int timeout_ms = 5000) {
    addrinfo hints{}, *res = nullptr;
    hints.ai_socktype = SOCK_STREAM;
    if (getaddrinfo(host.c_str(), port.c_str(), &hints, &res) != 0) throw std::runtime_error("cannot resolve " + host);
    fd_ = ::socket(res->ai_family, SOCK_STREAM, 0);
    int one = 1;
    ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    timeval tv{timeout_ms / 1000, (timeout_ms % 1000) * 1000};
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    ::setsockopt(fd_, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    int rc = ::connect(fd_, res->ai_addr, res->ai_addrlen);
    freeaddrinfo(res);
    if (rc != 0) {
      ::close(fd_);
      throw std::runtime_error("cannot connect to " + host + ":" + port);
    }
  }
  ~RawSocket() { ::close(fd_); }
  RawSocket(const RawSocket&) = delete;
  RawSocket& operator=(const RawSocket&) = delete;

  bool write(std::string_view bytes) {
    while (!bytes.empty()) {
      ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
      if (n <= 0) return false;
      bytes.remove_prefix(static_cast<std::size_t>(n));
    }
    return true;
  }
  void shutdown_send() { ::shutdown(fd_, SHUT_WR); }

  // One answer: the status line, and when it is +OK and multiline, the body
  // through its terminating ".". Nothing when the server closed or stalled.
  std::optional<std::string> response(bool multiline) {
    for (;;) {
      std::size_t eol = buf_.find("\r\n");
      if (eol != std::string::npos) {
        std::size_t end = eol + 2;
        if (multiline && buf_.starts_with("+OK")) {
          end = buf_.find("\r\n.\r\n", eol);
          if (end != std::string::npos) end += 5;
        }
        if (end != std::string::npos) {
          std::string r = buf_.substr(0, end);
          buf_.erase(0, end);
          return r;
        }
      }
      if (!fill()) return std::nullopt;
    }
  }

  // Whatever arrives up to the first line end, the close or the timeout.
  std::string first_line() {
    while (buf_.find("\r\n") == std::string::npos)
      if (!fill()) break;
    return buf_.substr(0, buf_.find("\r\n"));
  }

  // Reads until the server closes (or the timeout).
  void drain() {
    while (fill()) buf_.clear();
  }

  // A read gave up after the timeout.
  bool stalled() const { return stalled_; }

  // Nothing unread and the server has not closed: the session can go on.
  bool quiet() {
    if (!buf_.empty()) return false;
    pollfd p{fd_, POLLIN, 0};
    return ::poll(&p, 1, 0) == 0;
  }

 private:
  bool fill() {
    char chunk[65536];
    ssize_t n = ::read(fd_, chunk, sizeof chunk);
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) stalled_ = true;
    if (n <= 0) return false;
    buf_.append(chunk, static_cast<std::size_t>(n));
    return true;
  }

  int fd_ = -1;
  std::string buf_;
  bool stalled_ = false;
};
