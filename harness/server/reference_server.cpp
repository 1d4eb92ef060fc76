#include "server/reference_server.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "server/server_session.hpp"

#include <stdexcept>

namespace asio = boost::asio;
using asio::ip::tcp;

namespace pop3 {

ReferenceServer::ReferenceServer(asio::any_io_executor ex, MaildropStore& store, ServerOptions options)
    : acceptor_(ex), store_(store), options_(std::move(options)) {}

ReferenceServer::~ReferenceServer() { stop(); }

void ReferenceServer::start() {
  boost::system::error_code ec;
  std::string where = options_.address + ":" + std::to_string(options_.port);
  auto address = asio::ip::make_address(options_.address, ec);
  if (ec) throw std::runtime_error(options_.address + " is not an IP address (give HOST:PORT with an address)");
  tcp::endpoint endpoint(address, options_.port);
  // Each step's error in words, naming the address; not Boost's source location.
  acceptor_.open(endpoint.protocol(), ec);
  if (!ec) acceptor_.set_option(tcp::acceptor::reuse_address(true), ec);
  if (!ec) acceptor_.bind(endpoint, ec);
  if (ec == asio::error::address_in_use)
    throw std::runtime_error(where + " is already in use: stop what listens there, or pick another port (port 0 picks a free one)");
  if (ec == asio::error::access_denied)
    throw std::runtime_error(where + ": permission denied (ports below 1024 need root; pick a port above 1023)");
  if (ec == boost::system::errc::address_not_available)
    throw std::runtime_error(where + ": this machine has no such address");
  if (!ec) acceptor_.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) throw std::runtime_error(where + ": " + ec.message());
  port_ = acceptor_.local_endpoint().port();
  accepting_ = true;
  asio::co_spawn(acceptor_.get_executor(), accept_loop(), asio::detached);
}

void ReferenceServer::stop() {
  boost::system::error_code ignored;
  acceptor_.close(ignored);
  for (ServerSession* s : live_) s->abort();
}

asio::awaitable<void> ReferenceServer::accept_loop() {
  while (acceptor_.is_open()) {
    auto [ec, socket] = co_await acceptor_.async_accept(asio::as_tuple(asio::use_awaitable));
    if (ec) {
      if (ec == asio::error::operation_aborted || !acceptor_.is_open()) break;
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
  accepting_ = false;
  notify_if_idle();
}

void ReferenceServer::notify_if_idle() {
  if (idle() && idle_timer_) idle_timer_->cancel();
}

asio::awaitable<void> ReferenceServer::wait_idle() {
  while (!idle()) {
    idle_timer_ = std::make_unique<asio::steady_timer>(acceptor_.get_executor(), std::chrono::hours(24));
    co_await idle_timer_->async_wait(asio::as_tuple(asio::use_awaitable));
  }
  idle_timer_.reset();
}

asio::awaitable<void> ReferenceServer::serve(tcp::socket socket) {
  ServerSession session(std::move(socket), store_, options_, ++sessions_);
  live_.insert(&session);
  co_await session.run();  // never throws
  live_.erase(&session);
  --active_;
  notify_if_idle();
}

asio::awaitable<void> ReferenceServer::refuse(tcp::socket socket) {
  // Touches nothing of the server's, so it may outlive it for its one write.
  Connection conn(std::move(socket));
  try {
    co_await conn.write("-ERR [SYS/TEMP] too many sessions, try again later\r\n", std::chrono::seconds(2));
  } catch (const std::exception&) {
  }
  conn.close();
}

}  // namespace pop3
