#pragma once
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <functional>
#include <string>

#include "codec/line_framer.hpp"
#include "model/session.hpp"
#include "net/connection.hpp"
#include "server/reference_server.hpp"

namespace pop3 {

// One connection of the reference server: the Session state machine driven
// over a socket, with the wire faults, the server role's script and the
// STLS upgrade. Owned by the server, which can abort it at any time (its
// socket closed and its timer cancelled, so every wait ends at once).
class ServerSession {
 public:
  ServerSession(boost::asio::ip::tcp::socket socket, MaildropStore& store, const ServerOptions& options,
                unsigned long id);
  boost::asio::awaitable<void> run();
  void abort();

 private:
  boost::asio::awaitable<void> greet();
  boost::asio::awaitable<void> implicit_handshake();
  // Answers every complete line in the framer; false when the session is over.
  boost::asio::awaitable<bool> answer_lines();
  boost::asio::awaitable<bool> answer(const std::string& line, bool pipelined);
  boost::asio::awaitable<bool> after_reply(const std::string& line, const Reply& reply);
  boost::asio::awaitable<void> upgrade(bool inject_separately);
  Reply reply_to(const std::string& line);
  // Sends a reply as the wire faults say; false when the connection is done.
  boost::asio::awaitable<bool> deliver(std::string_view command, const std::string& bytes);
  boost::asio::awaitable<void> write_faulty(std::string_view bytes);
  boost::asio::awaitable<void> pause(std::chrono::milliseconds d);
  // nul-stall, stls-no-handshake, capa-unterminated: no answer ever again, until the client closes.
  boost::asio::awaitable<void> stall();
  // What the client does while an answer is held: nothing (false), or more
  // bytes (appended to input) or a close (true).
  boost::asio::awaitable<bool> acts_while_held(std::string& input);
  [[noreturn]] static void crash(std::string_view fault, std::string_view line);
  void observe(ServerEvent::Kind kind, std::string line = {}, std::string reply = {}, bool pipelined = false);
  std::string line_ending(std::string_view bytes) const;

  static constexpr std::size_t kCrashLineOctets = 300;
  static constexpr std::size_t kShortCommandLine = 128;  // short-command-lines
  Connection conn_;
  const ServerOptions& options_;
  const FaultSet& faults_;
  unsigned long id_;
  Session session_;
  LineFramer framer_;
  boost::asio::steady_timer timer_;
  bool hold_next_ = false;
  bool inject_pending_ = false;
  bool ending_ = false;
  bool sasl_response_next_ = false;  // the last reply was a SASL challenge  // the server ends the session (QUIT): an orderly close follows
  bool greeted_ = false;        // a timeout after the greeting is the autologout timer's
  std::uint64_t commands_ = 0;  // lines answered: each restarts the autologout timer
};

}  // namespace pop3
