#include "server/reference_server.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <unistd.h>

#include "codec/command_line.hpp"
#include "codec/limits.hpp"
#include "codec/line_framer.hpp"
#include "model/session.hpp"

namespace asio = boost::asio;
using asio::ip::tcp;

namespace pop3 {

ReferenceServer::ReferenceServer(asio::any_io_executor ex, MaildropStore& store, ServerOptions options)
    : acceptor_(ex), store_(store), options_(std::move(options)) {}

void ReferenceServer::start() {
  tcp::endpoint endpoint(asio::ip::make_address(options_.address), options_.port);
  acceptor_.open(endpoint.protocol());
  acceptor_.set_option(tcp::acceptor::reuse_address(true));
  acceptor_.bind(endpoint);
  acceptor_.listen();
  port_ = acceptor_.local_endpoint().port();
  asio::co_spawn(acceptor_.get_executor(), accept_loop(), asio::detached);
}

void ReferenceServer::stop() {
  boost::system::error_code ignored;
  acceptor_.close(ignored);
}

asio::awaitable<void> ReferenceServer::accept_loop() {
  while (acceptor_.is_open()) {
    auto [ec, socket] = co_await acceptor_.async_accept(asio::as_tuple(asio::use_awaitable));
    if (ec) {
      if (ec == asio::error::operation_aborted) co_return;
      // E.g. EMFILE: keep serving the sessions we have, and try again once
      // some may have ended rather than spinning on the error.
      asio::steady_timer backoff(acceptor_.get_executor(), std::chrono::milliseconds(50));
      co_await backoff.async_wait(asio::as_tuple(asio::use_awaitable));
      continue;
    }
    if (active_ >= options_.max_sessions) {
      asio::co_spawn(acceptor_.get_executor(), refuse(std::move(socket)), asio::detached);
      continue;
    }
    ++active_;
    asio::co_spawn(acceptor_.get_executor(), serve(std::move(socket)), asio::detached);
  }
}

asio::awaitable<void> ReferenceServer::serve(tcp::socket socket) {
  Connection conn(std::move(socket));
  unsigned long id = ++sessions_;
  SessionConfig config;
  config.stls_offered = options_.tls && !options_.implicit_tls;
  config.tls_active = options_.implicit_tls;
  config.faults = options_.faults;
  if (options_.apop)
    config.apop_timestamp = "<" + std::to_string(::getpid()) + "." + std::to_string(id) + "." +
                            std::to_string(std::time(nullptr)) + "@pop3-harness>";
  const ServerScript* script = options_.script.get();
  if (script && script->greeting) {
    // APOP digests are checked against the timestamp the client was shown.
    std::size_t open = script->greeting->find('<'), close = script->greeting->find('>', open);
    config.apop_timestamp = open != std::string::npos && close != std::string::npos
                                ? script->greeting->substr(open, close - open + 1)
                                : std::string();
  }
  Session session(config, store_);
  auto observe = [&](ServerEvent::Kind kind, std::string line = {}, std::string reply = {}, bool pipelined = false) {
    if (options_.observe)
      options_.observe({kind, id, std::move(line), std::move(reply), pipelined, conn.in_tls()});
  };
  observe(ServerEvent::Kind::connected);
  try {
    if (options_.implicit_tls) co_await conn.handshake_server(*options_.tls, options_.io_timeout);
    std::string greeting = script && script->greeting ? *script->greeting + "\r\n" : session.greeting();
    co_await write_faulty(conn, greeting);
    LineFramer framer;
    std::string input;
    bool hold_next = false;
    const FaultSet& faults = options_.faults;
    // long-line-crash lets lines through up to its trigger, then answers
    // those over the RFC limit as a correct server would.
    std::size_t line_limit = faults.has(Fault::long_line_crash) ? kCrashLineOctets : limits::kCommandLine;
    for (;;) {
      bool same_read = false;
      while (auto line = framer.next_line(line_limit)) {
        if (faults.has(Fault::nul_stall) && line->find('\0') != std::string::npos) {
          co_await stall(conn);
          break;
        }
        if (faults.has(Fault::top_negative_crash) && line_keyword(*line) == "TOP") {
          auto parsed = parse_command_line(*line);
          if (parsed && parsed->args.size() == 2 && parsed->args[1].starts_with("-")) crash(Fault::top_negative_crash, *line);
        }
        if (line->size() + 2 > limits::kCommandLine) {
          co_await conn.write(session.line_too_long().bytes, options_.io_timeout);
          continue;
        }
        Reply reply;
        const Override* scripted = nullptr;
        if (script) {
          Variables ignored;
          std::string key = with_upper_keyword(*line);
          for (const auto& o : script->overrides)
            if (o.pattern.match(key, ignored)) {
              scripted = &o;
              break;
            }
        }
        if (scripted) reply.bytes = scripted->response;
        else reply = session.handle(*line);
        bool inject = reply.start_tls && script && script->inject;
        if (inject && !script->inject->separate) reply.bytes += script->inject->bytes;
        observe(ServerEvent::Kind::command, *line, reply.bytes, same_read);
        if (hold_next && framer.pending().empty()) {
          // A client that waits sees this answer after the hold; one that
          // already took injected plaintext for it moves on without it.
          hold_next = false;
          std::string more;
          if (co_await acts_while_held(conn, more)) {
            bool quit = line_keyword(*line) == "QUIT";
            if (!more.empty() || !quit) observe(ServerEvent::Kind::early, *line, more.empty() ? "closed" : more);
            if (more.empty()) {
              conn.close();
              break;
            }
            framer.feed(more);
          }
        }
        hold_next = false;
        same_read = true;
        if (!co_await deliver(conn, *line, reply.bytes)) {
          conn.close();
          break;
        }
        if (faults.has(Fault::pipeline_first_only) && !framer.pending().empty()) {
          conn.transcript().note("fault: dropped the pipelined commands after the first");
          framer.take_pending();
        }
        if (reply.close) {
          if (!framer.pending().empty()) observe(ServerEvent::Kind::after_quit, std::string(framer.pending()));
          conn.close();
          break;
        }
        if (reply.start_tls) {
          // RFC 2595 #4 / STARTTLS injection: plaintext pipelined after STLS
          // was never protected, so it is dropped, not executed inside TLS.
          if (!options_.faults.has(Fault::stls_injection)) {
            std::string injected = framer.take_pending();
            if (!injected.empty())
              conn.transcript().note("discarded " + std::to_string(injected.size()) + " plaintext octets sent after STLS");
          }
          if (inject && script->inject->separate) co_await conn.write(script->inject->bytes, options_.io_timeout);
          if (options_.faults.has(Fault::stls_no_handshake)) {
            // +OK, then nothing: the client has to give up on its own.
            co_await stall(conn);
            break;
          }
          co_await conn.handshake_server(*options_.tls, options_.io_timeout);
          session.tls_started();
          hold_next = options_.hold_first_tls_answer.count() > 0;
        }
      }
      if (!conn.is_open()) break;
      if (framer.error() != LineFramer::Error::none) {
        if (faults.has(Fault::long_line_crash)) crash(Fault::long_line_crash, framer.pending());
        observe(ServerEvent::Kind::overlong, std::string(framer.pending().substr(0, 80)));
        co_await conn.write(session.line_too_long().bytes, options_.io_timeout);
        framer.discard_line();
        continue;
      }
      input.clear();
      if (co_await conn.read_some(input, options_.idle_timeout) == 0) break;
      framer.feed(input);
    }
  } catch (const std::exception&) {
    // Timeouts, resets and failed handshakes end the session like a drop.
  }
  session.connection_lost();
  conn.close();
  --active_;
  observe(ServerEvent::Kind::closed);
}

asio::awaitable<void> ReferenceServer::stall(Connection& conn) {
  // Reads and ignores everything until the client gives up and closes.
  std::string ignored;
  while (co_await conn.read_some(ignored, options_.idle_timeout) > 0) ignored.clear();
  conn.close();  // a read after end-of-stream would wait forever
}

void ReferenceServer::crash(Fault fault, std::string_view line) {
  // What a sanitizer would print, then the signal a crash gives.
  std::fprintf(stderr, "pop3-harness serve: fault %s: aborting on a command line of %zu octets starting '%.40s'\n",
               std::string(info(fault).name).c_str(), line.size(), std::string(line.substr(0, 40)).c_str());
  std::fflush(stderr);
  std::abort();
}

asio::awaitable<bool> ReferenceServer::acts_while_held(Connection& conn, std::string& input) {
  try {
    co_await conn.read_some(input, options_.hold_first_tls_answer);
    co_return true;  // data, or 0 bytes: closed
  } catch (const NetError& e) {
    if (e.kind() == NetError::Kind::timeout) co_return false;
    co_return true;
  }
}

asio::awaitable<void> ReferenceServer::refuse(tcp::socket socket) {
  Connection conn(std::move(socket));
  try {
    co_await conn.write("-ERR [SYS/TEMP] too many sessions, try again later\r\n", options_.io_timeout);
  } catch (const std::exception&) {
  }
  conn.close();
}

asio::awaitable<bool> ReferenceServer::deliver(Connection& conn, std::string_view command, const std::string& bytes) {
  const FaultSet& f = options_.faults;
  // A message on its way: RETR, or TOP (which some clients use to retrieve).
  std::string keyword = line_keyword(command);
  bool body = bytes.starts_with("+") && (keyword == "RETR" || keyword == "TOP");
  if (!body || !(f.has(Fault::drop_mid_retr) || f.has(Fault::stall_mid_retr) || f.has(Fault::endless_line) ||
                    f.has(Fault::endless_body))) {
    co_await write_faulty(conn, bytes);
    co_return true;
  }
  // Bounded, so that a client that never stops reading cannot keep us busy forever.
  constexpr std::size_t kEndless = 256u << 20;
  if (f.has(Fault::endless_line) || f.has(Fault::endless_body)) {
    // 64 KiB per write: 1000-octet lines (a line that never ends, or body lines).
    std::string chunk(64 * 1000, 'x');
    if (f.has(Fault::endless_body))
      for (std::size_t end = 998; end < chunk.size(); end += 1000) chunk.replace(end, 2, "\r\n");
    std::string start = f.has(Fault::endless_line) ? std::string("+OK ") : bytes.substr(0, bytes.find("\r\n") + 2);
    co_await write_faulty(conn, start);
    for (std::size_t sent = 0; sent < kEndless; sent += chunk.size()) co_await conn.write(chunk, options_.io_timeout);
    co_return false;
  }
  std::string half = bytes.substr(0, bytes.size() / 2);
  co_await write_faulty(conn, half);
  if (f.has(Fault::stall_mid_retr)) {
    // Nothing more: wait for the client to give up and close.
    std::string ignored;
    while (co_await conn.read_some(ignored, options_.idle_timeout) > 0) ignored.clear();
  }
  co_return false;
}

asio::awaitable<void> ReferenceServer::write_faulty(Connection& conn, std::string_view bytes) {
  const FaultSet& f = options_.faults;
  if (f.has(Fault::split_bytes)) {
    for (std::size_t i = 0; i < bytes.size(); ++i) co_await conn.write(bytes.substr(i, 1), options_.io_timeout);
  } else if (f.has(Fault::drip)) {
    std::size_t piece = std::max<std::size_t>(1, bytes.size() / 20);
    asio::steady_timer pause(co_await asio::this_coro::executor);
    for (std::size_t i = 0; i < bytes.size(); i += piece) {
      co_await conn.write(bytes.substr(i, piece), options_.io_timeout);
      pause.expires_after(std::chrono::milliseconds(10));
      co_await pause.async_wait(asio::use_awaitable);
    }
  } else {
    co_await conn.write(bytes, options_.io_timeout);
  }
}

}  // namespace pop3
