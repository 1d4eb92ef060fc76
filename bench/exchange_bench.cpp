// The cost of one POP3 exchange through the harness's engine (async Asio
// connection, transcript, response codec) against a minimal blocking-socket
// client doing the same exchanges against the same server, interleaved in
// the same run so both see the same machine load.
//
//   pop3-bench-exchange HOST PORT USER [ROUNDS] [SESSIONS]   (POP3_PASS: password)
#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <stdexcept>
#include <string>
#include <vector>

#include "client/session_io.hpp"

namespace asio = boost::asio;
using Clock = std::chrono::steady_clock;

namespace {

struct Workload {
  std::string user, pass;
  int rounds = 20;  // of STAT, LIST, UIDL, RETR 1, NOOP per session
  std::vector<std::string> commands() const {
    std::vector<std::string> c{"USER " + user, "PASS " + pass};
    for (int i = 0; i < rounds; ++i)
      for (const char* cmd : {"STAT", "LIST", "UIDL", "RETR 1", "NOOP"}) c.emplace_back(cmd);
    c.emplace_back("QUIT");
    return c;
  }
};

// The baseline: connect(), write(), read() until the response ends.
class BlockingClient {
 public:
  BlockingClient(const std::string& host, const std::string& port) {
    addrinfo hints{}, *res = nullptr;
    hints.ai_socktype = SOCK_STREAM;
    if (getaddrinfo(host.c_str(), port.c_str(), &hints, &res) != 0) throw std::runtime_error("cannot resolve " + host);
    fd_ = ::socket(res->ai_family, SOCK_STREAM, 0);
    int one = 1;
    ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    int rc = ::connect(fd_, res->ai_addr, res->ai_addrlen);
    freeaddrinfo(res);
    if (rc != 0) throw std::runtime_error("cannot connect to " + host + ":" + port);
  }
  ~BlockingClient() { ::close(fd_); }

  std::string exchange(const std::string& command, bool multiline) {
    if (!command.empty()) {
      std::string line = command + "\r\n";
      if (::write(fd_, line.data(), line.size()) != static_cast<ssize_t>(line.size())) throw std::runtime_error("write");
    }
    return read_response(multiline);
  }

 private:
  std::string read_response(bool multiline) {
    for (;;) {
      std::size_t eol = buf_.find("\r\n");
      if (eol != std::string::npos) {
        bool ok = buf_.starts_with("+OK");
        std::size_t end = eol + 2;
        if (ok && multiline) {
          end = buf_.find("\r\n.\r\n", eol);
          if (end != std::string::npos) end += 5;
        }
        if (end != std::string::npos) {
          std::string r = buf_.substr(0, end);
          buf_.erase(0, end);
          return r;
        }
      }
      char chunk[65536];
      ssize_t n = ::read(fd_, chunk, sizeof chunk);
      if (n <= 0) throw std::runtime_error("server closed the connection");
      buf_.append(chunk, static_cast<std::size_t>(n));
    }
  }

  int fd_ = -1;
  std::string buf_;
};

double blocking_session(const std::string& host, const std::string& port, const std::vector<std::string>& commands) {
  auto start = Clock::now();
  BlockingClient c(host, port);
  c.exchange("", false);  // the greeting
  for (const auto& cmd : commands)
    if (!c.exchange(cmd, pop3::expects_multiline(cmd)).starts_with("+OK")) throw std::runtime_error(cmd + " failed");
  return std::chrono::duration<double>(Clock::now() - start).count();
}

asio::awaitable<double> harness_session(pop3::Target target, std::vector<std::string> commands) {
  auto start = Clock::now();
  pop3::ClientSession s(co_await asio::this_coro::executor);
  co_await s.open(target);
  co_await s.next_line(target.read_timeout);  // the greeting
  for (const auto& cmd : commands) {
    bool multi = pop3::expects_multiline(cmd);
    std::string line = cmd + "\r\n";
    co_await s.send(line, target.read_timeout, line, multi);
    std::string status = co_await s.next_line(target.read_timeout);
    if (!status.starts_with("+OK")) throw std::runtime_error(cmd + " failed: " + status);
    if (multi)
      while (co_await s.next_line(target.read_timeout) != ".") {
      }
  }
  co_return std::chrono::duration<double>(Clock::now() - start).count();
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 4 || !std::getenv("POP3_PASS")) {
    std::fprintf(stderr, "usage: POP3_PASS=P %s HOST PORT USER [ROUNDS] [SESSIONS]\n", argv[0]);
    return 2;
  }
  Workload w{argv[3], std::getenv("POP3_PASS"), argc > 4 ? std::atoi(argv[4]) : 20};
  int sessions = argc > 5 ? std::atoi(argv[5]) : 31;
  auto commands = w.commands();
  double exchanges = static_cast<double>(commands.size() + 1);  // + greeting

  pop3::Target target;
  target.host = argv[1];
  target.port = argv[2];
  asio::io_context ioc;
  std::vector<double> harness, blocking;
  try {
    for (int i = 0; i < sessions; ++i) {
      auto f = asio::co_spawn(ioc, harness_session(target, commands), asio::use_future);
      ioc.restart();
      ioc.run();
      harness.push_back(f.get());
      blocking.push_back(blocking_session(target.host, target.port, commands));
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "pop3-bench-exchange: %s\n", e.what());
    return 3;
  }
  double h = median(harness) / exchanges * 1e6, b = median(blocking) / exchanges * 1e6;
  std::printf("exchanges per session  %.0f (%d sessions each, interleaved; medians)\n", exchanges, sessions);
  std::printf("harness   us/exchange  %8.1f\n", h);
  std::printf("blocking  us/exchange  %8.1f\n", b);
  std::printf("ratio harness/blocking %8.2f\n", h / b);
}
