#pragma once
#include <boost/asio/awaitable.hpp>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "client/target.hpp"
#include "codec/response_reader.hpp"

namespace pop3 {

// A POP3 failure seen while reading: the server closed, stalled, or broke a limit.
struct ProtocolError : std::runtime_error {
  enum class Kind { closed, timeout, limit };
  explicit ProtocolError(const std::string& what, Kind kind = Kind::limit) : std::runtime_error(what), kind(kind) {}
  Kind kind;
};

// The client side of one connection: sends lines, and hands back the server's
// responses line by line (status line, stuffed body lines, terminator) knowing
// which commands expect a multi-line answer.
class ClientSession {
 public:
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
  void finish_response() { cursor_ = lines_.size(); }
  const Response* last_response() const { return current_ ? &*current_ : nullptr; }
  const Response* last_multiline() const { return last_multiline_ ? &*last_multiline_ : nullptr; }

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
  // Collects what arrives until the peer closes (closed), stays silent for
  // timeout (silent) or cap octets have come (data). A failed read counts as closed.
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

 private:
  boost::asio::awaitable<Response> read_response(bool multiline_if_ok, Duration timeout);

  std::unique_ptr<Connection> conn_;
  ResponseReader reader_;
  std::deque<bool> pending_;  // per sent command: multi-line if +OK
  std::optional<Response> current_, last_multiline_;
  std::vector<std::string> lines_;
  std::size_t cursor_ = 0;
  std::string timestamp_;
  bool opened_ = false;
  bool got_greeting_ = false;
  std::optional<PeerTls> peer_tls_;
};

// RFC 1939/2449: commands answered with a multi-line body when +OK.
bool expects_multiline(std::string_view command_line);

}  // namespace pop3
