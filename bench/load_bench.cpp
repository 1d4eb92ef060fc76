// The server side under load: CONCURRENCY clients at once, each running
// sessions back to back (greeting, USER, PASS, STAT, RETR of every message,
// QUIT) until SESSIONS sessions are done, all on one io_context. Prints the
// sessions per second and, when given the server's PID, the CPU time the
// server (that process and its children, e.g. Dovecot's login and pop3
// processes) spent per session, read from /proc before and after.
//
//   pop3-bench-load HOST PORT USER-PREFIX CONCURRENCY SESSIONS [SERVER-PID]
//   pop3-bench-load --cpu PID   (the CPU seconds of PID and its descendants so far)
//     (POP3_PASS: the password; client i logs in as USER-PREFIX<i>, i = 1..CONCURRENCY,
//      so that a server that locks a maildrop per session serves them all)
#include <unistd.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/streambuf.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <istream>
#include <map>
#include <sstream>
#include <string>

namespace asio = boost::asio;
using asio::ip::tcp;
using Clock = std::chrono::steady_clock;

namespace {

constexpr auto kTimeout = std::chrono::seconds(10);

// CPU seconds of a process and its descendants. Children that already
// exited are in their parent's cutime/cstime once reaped.
double tree_cpu_seconds(long root) {
  struct Proc {
    long ppid = 0;
    double own = 0, reaped = 0;
  };
  std::map<long, Proc> procs;
  for (const auto& e : std::filesystem::directory_iterator("/proc")) {
    std::string name = e.path().filename().string();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    std::ifstream in(e.path() / "stat");
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    auto close = text.rfind(')');
    if (close == std::string::npos) continue;
    std::istringstream fields(text.substr(close + 2));
    std::string state;
    long ppid = 0;
    fields >> state >> ppid;
    std::string skip;
    for (int i = 0; i < 9; ++i) fields >> skip;  // pgrp .. cmajflt
    double utime = 0, stime = 0, cutime = 0, cstime = 0;
    fields >> utime >> stime >> cutime >> cstime;
    double tick = static_cast<double>(sysconf(_SC_CLK_TCK));
    procs[std::stol(name)] = {ppid, (utime + stime) / tick, (cutime + cstime) / tick};
  }
  double total = 0;
  for (const auto& [pid, p] : procs) {
    long at = pid;
    for (int depth = 0; depth < 64 && at > 1 && at != root; ++depth) {
      auto it = procs.find(at);
      at = it == procs.end() ? 0 : it->second.ppid;
    }
    if (at == root) total += p.own + p.reaped;
  }
  return total;
}

struct Load {
  std::string host, port, prefix, pass;
  int sessions = 0;
  int started = 0, done = 0, failed = 0;
  std::string first_error;
};

class Client {
 public:
  Client(asio::io_context& io, Load& load, std::string user) : socket_(io), watchdog_(io), load_(load), user_(std::move(user)) {}

  asio::awaitable<void> run() {
    while (load_.started < load_.sessions) {
      ++load_.started;
      try {
        co_await session();
        ++load_.done;
      } catch (const std::exception& e) {
        ++load_.failed;
        if (load_.first_error.empty()) load_.first_error = user_ + ": " + e.what();
      }
      boost::system::error_code ignored;
      socket_.close(ignored);
    }
    watchdog_.cancel();
  }

 private:
  // Every read and write is bounded: the watchdog closes the socket when the
  // deadline passes, which fails the pending operation.
  void arm() {
    watchdog_.expires_after(kTimeout);
    watchdog_.async_wait([this](boost::system::error_code ec) {
      if (!ec) {
        boost::system::error_code ignored;
        socket_.close(ignored);
      }
    });
  }

  asio::awaitable<std::string> line() {
    arm();
    std::size_t n = co_await asio::async_read_until(socket_, buffer_, "\r\n", asio::use_awaitable);
    std::string text(asio::buffers_begin(buffer_.data()), asio::buffers_begin(buffer_.data()) + static_cast<long>(n) - 2);
    buffer_.consume(n);
    co_return text;
  }

  asio::awaitable<std::string> command(const std::string& text) {
    std::string wire = text + "\r\n";
    arm();
    co_await asio::async_write(socket_, asio::buffer(wire), asio::use_awaitable);
    std::string status = co_await line();
    if (!status.starts_with("+OK")) throw std::runtime_error(text.substr(0, 4) + ": " + status);
    co_return status;
  }

  asio::awaitable<void> session() {
    tcp::resolver resolver(socket_.get_executor());
    arm();
    auto endpoints = co_await resolver.async_resolve(load_.host, load_.port, asio::use_awaitable);
    co_await asio::async_connect(socket_, endpoints, asio::use_awaitable);
    socket_.set_option(tcp::no_delay(true));
    buffer_.consume(buffer_.size());
    std::string greeting = co_await line();
    if (!greeting.starts_with("+OK")) throw std::runtime_error("greeting: " + greeting);
    co_await command("USER " + user_);
    co_await command("PASS " + load_.pass);
    std::string stat = co_await command("STAT");
    unsigned long count = std::stoul(stat.substr(4));
    for (unsigned long i = 1; i <= count; ++i) {
      co_await command("RETR " + std::to_string(i));
      while (co_await line() != ".") {
      }
    }
    co_await command("QUIT");
  }

  tcp::socket socket_;
  asio::steady_timer watchdog_;
  asio::streambuf buffer_{1 << 20};
  Load& load_;
  std::string user_;
};

}  // namespace

int main(int argc, char** argv) {
  // bench/run measures pop3-harness load's server CPU with this, before and after.
  if (argc == 3 && std::string(argv[1]) == "--cpu") {
    std::printf("%.3f\n", tree_cpu_seconds(std::atol(argv[2])));
    return 0;
  }
  if (argc < 6 || !std::getenv("POP3_PASS")) {
    std::fprintf(stderr, "usage: POP3_PASS=... pop3-bench-load HOST PORT USER-PREFIX CONCURRENCY SESSIONS [SERVER-PID]\n");
    return 2;
  }
  Load load;
  load.host = argv[1];
  load.port = argv[2];
  load.prefix = argv[3];
  load.pass = std::getenv("POP3_PASS");
  int concurrency = std::atoi(argv[4]);
  load.sessions = std::atoi(argv[5]);
  long server = argc > 6 ? std::atol(argv[6]) : 0;
  if (concurrency < 1 || load.sessions < 1) return 2;

  asio::io_context io;
  std::vector<std::unique_ptr<Client>> clients;
  for (int i = 1; i <= concurrency; ++i) {
    clients.push_back(std::make_unique<Client>(io, load, load.prefix + std::to_string(i)));
    asio::co_spawn(io, clients.back()->run(), asio::detached);
  }
  double cpu_before = server ? tree_cpu_seconds(server) : 0;
  auto start = Clock::now();
  io.run();
  double wall = std::chrono::duration<double>(Clock::now() - start).count();
  double cpu = server ? tree_cpu_seconds(server) - cpu_before : 0;

  std::printf("sessions %d\nfailed %d\nwall_s %.3f\nsessions_per_s %.1f\n", load.done, load.failed, wall,
              load.done / wall);
  if (server) std::printf("server_cpu_ms_per_session %.3f\n", load.done ? cpu * 1000.0 / load.done : 0.0);
  if (!load.first_error.empty()) std::fprintf(stderr, "first failure: %s\n", load.first_error.c_str());
  return load.failed ? 1 : 0;
}
