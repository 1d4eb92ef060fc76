// The cost of one POP3 exchange through the harness's engine (async Asio
// connection, transcript, response codec) against a minimal blocking-socket
// client doing the same exchanges against the same server, interleaved in
// the same run so both see the same machine load.
//
//   pop3-bench-exchange HOST PORT USER [ROUNDS] [SESSIONS]   (POP3_PASS: password)
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
#include "raw_socket.hpp"

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

double blocking_session(const std::string& host, const std::string& port, const std::vector<std::string>& commands) {
  auto start = Clock::now();
  RawSocket c(host, port);
  c.response(false);  // the greeting
  for (const auto& cmd : commands) {
    if (!c.write(cmd + "\r\n")) throw std::runtime_error(cmd + ": the server closed the connection");
    if (!c.response(pop3::expects_multiline(cmd)).value_or("").starts_with("+OK")) throw std::runtime_error(cmd + " failed");
  }
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
