#pragma once
#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <deque>
#include <memory>
#include <optional>
#include <string>

#include "client/target.hpp"
#include "codec/response_reader.hpp"
#include "requirements/builtin_checks.hpp"

namespace pop3 {

// Why a response could not be read. Every kind but `limit` is the server's
// doing, and a verdict on it; `limit` is the harness's own bound.
struct ProtocolError : std::runtime_error {
  enum class Kind {
    closed,        // closed before sending any of the answer
    closed_mid,    // closed in the middle of an answer
    timeout,       // no complete status line within the deadline
    unterminated,  // a multi-line answer not terminated within the deadline
    violation,     // the bytes break the framing (bare LF, CR CR LF, a line over 512 octets)
    limit,         // the answer is beyond what the harness holds
  };
  ProtocolError(Kind kind, const std::string& what, std::string rfc = "rfc1939#3",
                Builtin check = Builtin::answers_each_command)
      : std::runtime_error(what), kind(kind), rfc(std::move(rfc)), check(check) {}
  Kind kind;
  std::string rfc;  // the section the server broke
  Builtin check;    // the built-in check that found it, and so the requirement ids
};

// The client side of one connection: sends lines, and hands back the server's
// responses line by line (status line, stuffed body lines, terminator) knowing
// which commands expect a multi-line answer. Each response is bounded by one
// deadline for the whole of it, however the server trickles it.
class ClientSession {
 public:
  using Clock = std::chrono::steady_clock;
  explicit ClientSession(boost::asio::any_io_executor ex) : conn_(std::make_unique<Connection>(ex)) {}

  // Connects, and for implicit TLS or STLS, reaches TLS before the scenario
  // runs; the greeting stays unread for the scenario to check.
  boost::asio::awaitable<void> open(const Target& target);
  boost::asio::awaitable<void> send(std::string_view bytes, Duration timeout, std::string_view shown,
                                    bool multiline_if_ok);
  // Raw bytes (SEND:): each whole command line in them is expected to be
  // answered as that command is; after STLS nothing is (the rest would be
  // injected plaintext, never answered).
  boost::asio::awaitable<void> send_lines(std::string_view bytes, Duration timeout, std::string_view shown);
  boost::asio::awaitable<std::string> next_line(Duration timeout);
  // Leaves the rest of the current response unread by the scenario.
  void finish_response() { cursor_ = line_count(); }
  const Response* last_response() const { return current_.get(); }
  const Response* last_multiline() const { return last_multiline_.get(); }

  enum class Quiet { silent, data, closed };
  // Waits up to timeout: data, the peer closing, or nothing.
  boost::asio::awaitable<Quiet> wait_quiet(Duration timeout, std::string& data);
  void drop() { conn_->close(); }
  // For engines that work a response at a time (property, fuzz): the
  // greeting, and one command with its whole answer.
  boost::asio::awaitable<Response> greeting(Duration timeout);
  boost::asio::awaitable<Response> request(std::string_view line, std::string_view shown, bool multiline_if_ok,
                                           Duration timeout);
  // The fuzzer's halves of a request: any bytes, and the next whole answer.
  boost::asio::awaitable<void> write(std::string_view bytes, std::string_view shown, Duration timeout) {
    co_await conn_->write(bytes, timeout, shown);
  }
  boost::asio::awaitable<Response> response(bool multiline_if_ok, Duration timeout) {
    return read_response(multiline_if_ok, timeout);
  }
  // Collects what arrives until the peer closes (closed), cap octets have come
  // (data) or timeout has passed since the call (silent): one deadline for the
  // whole drain, however the peer spaces its octets. A failed read counts as closed.
  boost::asio::awaitable<Quiet> drain(Duration timeout, std::string& data, std::size_t cap);

  // What the server sent after the last complete response (e.g. plaintext
  // following +OK to STLS), taken out of the reader.
  std::string take_unread() { return reader_.take_pending(); }
  // The TLS checks: a handshake that may fail (see Connection), and what the
  // last successful one showed.
  boost::asio::awaitable<std::optional<std::string>> try_tls(boost::asio::ssl::context& ctx, const std::string& sni,
                                                            const std::string& host, Duration timeout);
  const std::optional<PeerTls>& peer_tls() const { return peer_tls_; }

  Connection& connection() { return *conn_; }
  std::string greeting_timestamp() const { return timestamp_; }
  bool opened() const { return opened_; }

  // The session's state as the answers showed it: logged in (TRANSACTION)
  // once PASS, APOP or AUTH got +OK.
  bool authorized() const { return authorized_; }
  // RFC 1939 #4: "After returning a negative status indicator, the server
  // may close the connection" - in the AUTHORIZATION state.
  bool may_close() const { return !authorized_ && last_err_; }
  // The command whose answer was read last, and the last command sent, as
  // shown (secrets redacted).
  const std::string& last_command() const { return last_command_; }
  const std::string& last_sent() const { return last_sent_; }
  // How long the last complete response took from its command (or the connect).
  Duration last_wait() const { return last_wait_; }
  // Deadline for answers to PASS, APOP and AUTH, which servers may delay on
  // purpose after a failure (at least the read timeout).
  void set_login_timeout(Duration d) { login_timeout_ = d; }

 private:
  struct Awaited {
    bool multiline = false;
    std::string keyword;  // upper-cased, or "SASL" for a SASL response line
    std::string shown;
    Clock::time_point sent;
  };
  boost::asio::awaitable<Response> read_response(bool multiline_if_ok, Duration timeout);
  boost::asio::awaitable<Response> read_awaited(Awaited a, Duration timeout);
  Awaited awaited_for(std::string_view line, std::string_view shown, bool multiline);
  void absorb(const Response& r, const Awaited& a);
  std::size_t line_count() const;
  std::string line_at(std::size_t i) const;

  std::unique_ptr<Connection> conn_;
  ResponseReader reader_;
  std::deque<Awaited> pending_;  // per sent command
  std::shared_ptr<const Response> current_, last_multiline_;
  std::size_t cursor_ = 0;  // next line of current_: 0 status, 1..n body, n+1 the terminator
  std::string timestamp_;
  bool opened_ = false;
  bool got_greeting_ = false;
  bool authorized_ = false, last_err_ = false, in_sasl_ = false;
  std::string last_command_, last_sent_;
  Duration last_wait_{0};
  Duration login_timeout_{0};
  Clock::time_point connected_at_ = Clock::now();
  std::optional<PeerTls> peer_tls_;
};

// RFC 1939/2449: commands answered with a multi-line body when +OK.
bool expects_multiline(std::string_view command_line);

}  // namespace pop3
