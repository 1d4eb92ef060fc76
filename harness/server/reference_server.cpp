#include "server/reference_server.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <ctime>
#include <unistd.h>

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
      continue;  // e.g. EMFILE: keep serving the sessions we have
    }
    asio::co_spawn(acceptor_.get_executor(), serve(std::move(socket)), asio::detached);
  }
}

asio::awaitable<void> ReferenceServer::serve(tcp::socket socket) {
  Connection conn(std::move(socket));
  SessionConfig config;
  config.stls_offered = options_.tls && !options_.implicit_tls;
  config.tls_active = options_.implicit_tls;
  if (options_.apop)
    config.apop_timestamp = "<" + std::to_string(::getpid()) + "." + std::to_string(++sessions_) + "." +
                            std::to_string(std::time(nullptr)) + "@pop3-harness>";
  Session session(config, store_);
  try {
    if (options_.implicit_tls) co_await conn.handshake_server(*options_.tls, options_.io_timeout);
    co_await conn.write(session.greeting(), options_.io_timeout);
    LineFramer framer;
    std::string input;
    for (;;) {
      while (auto line = framer.next_line(limits::kCommandLine)) {
        Reply reply = session.handle(*line);
        co_await conn.write(reply.bytes, options_.io_timeout);
        if (reply.close) {
          conn.close();
          co_return;
        }
        if (reply.start_tls) {
          // RFC 2595 #4 / STARTTLS injection: plaintext pipelined after STLS
          // was never protected, so it is dropped, not executed inside TLS.
          std::string injected = framer.take_pending();
          if (!injected.empty()) conn.transcript().note("discarded " + std::to_string(injected.size()) +
                                                        " plaintext octets sent after STLS");
          co_await conn.handshake_server(*options_.tls, options_.io_timeout);
          session.tls_started();
        }
      }
      if (framer.error() != LineFramer::Error::none) {
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
}

}  // namespace pop3
