#pragma once
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <vector>
#include <string>

#include "model/faults.hpp"
#include "model/maildrop_store.hpp"
#include "net/connection.hpp"
#include "server/script.hpp"

namespace pop3 {

struct ServerOptions {
  std::string address = "127.0.0.1";
  unsigned short port = 0;  // 0: an ephemeral port
  bool implicit_tls = false;
  std::shared_ptr<boost::asio::ssl::context> tls;  // offers STLS, or serves implicit TLS
  bool apop = true;
  // RFC 6856: UTF8 and LANG offered. The client role's scripted server does
  // not offer them, so that it serves every fixture as is, UTF-8 headers too.
  bool utf8_lang = true;
  // RFC 1939 #3: the autologout timer is at least 10 minutes.
  Duration idle_timeout = std::chrono::minutes(10);
  Duration io_timeout = std::chrono::seconds(30);
  // Sessions at once; more connections are greeted with -ERR [SYS/TEMP] and closed.
  std::size_t max_sessions = 1000;
  FaultSet faults;  // deliberate deviations (serve --fault)
  // Response-injection oracle: the answer to the first command inside TLS
  // waits this long (0: not at all) for the client to act without it.
  Duration hold_first_tls_answer{0};
  std::shared_ptr<const ServerScript> script;
  std::function<void(const ServerEvent&)> observe;
};

class ServerSession;

// The reference POP3 server: strict RFC 1939/2449/2595 behaviour on top of the
// pure Session state machine, many sessions on one io_context. It owns its
// sessions: stop() closes every one of them, and idle() says when the last
// has ended, so its owner can drain the io_context before destroying it.
class ReferenceServer {
 public:
  ReferenceServer(boost::asio::any_io_executor ex, MaildropStore& store, ServerOptions options);
  ~ReferenceServer();
  void start();
  // Stops accepting and ends every session at once (their sockets closed,
  // their timers cancelled); they finish on the io_context's next turns.
  void stop();
  bool idle() const { return active_ == 0 && !accepting_; }
  // Completes once idle() (after stop(), or when the last session ends).
  boost::asio::awaitable<void> wait_idle();
  unsigned short port() const { return port_; }

 private:
  boost::asio::awaitable<void> accept_loop();
  boost::asio::awaitable<void> serve(boost::asio::ip::tcp::socket socket);
  static boost::asio::awaitable<void> refuse(boost::asio::ip::tcp::socket socket);

  boost::asio::ip::tcp::acceptor acceptor_;
  MaildropStore& store_;
  ServerOptions options_;
  unsigned short port_ = 0;
  unsigned long sessions_ = 0;
  std::size_t active_ = 0;
  bool accepting_ = false;
  std::set<ServerSession*> live_;
  std::unique_ptr<boost::asio::steady_timer> idle_timer_;  // wakes wait_idle()
  void notify_if_idle();
};

}  // namespace pop3
