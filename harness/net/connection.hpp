#pragma once
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <chrono>
#include <optional>
#include <stdexcept>
#include <string>

#include "net/tls_inspect.hpp"
#include "net/transcript.hpp"
#include "util/interrupt.hpp"

namespace pop3 {

using Duration = std::chrono::milliseconds;

// A network failure, classified so callers can tell a timeout from a refusal.
class NetError : public std::runtime_error {
 public:
  // certificate: the handshake failed because the server's certificate did
  // not verify (the message says why: expired, unknown issuer, wrong name).
  // cancelled: an interrupt (SIGINT, SIGTERM, SIGHUP) closed the connection.
  // upgrade_refused / upgrade_plaintext: the server refused an in-band
  // upgrade (STLS), or sent more plaintext after accepting it.
  enum class Kind { timeout, refused, resolve, tls, certificate, io, cancelled, upgrade_refused, upgrade_plaintext };
  // For a certificate that did not verify: OpenSSL's verify code and what
  // the certificate says, so the user is told what to fix.
  struct Certificate {
    long verify = 0;  // X509_V_ERR_*
    std::string subject, issuer, not_after, names;
  };
  NetError(Kind kind, const std::string& what) : std::runtime_error(what), kind_(kind) {}
  NetError(const std::string& what, Certificate certificate)
      : std::runtime_error(what), kind_(Kind::certificate), certificate_(std::move(certificate)) {}
  Kind kind() const { return kind_; }
  const Certificate& certificate() const { return certificate_; }

 private:
  Kind kind_;
  Certificate certificate_;
};

// One TCP connection that may be upgraded to TLS in place (STLS) or start in
// TLS (implicit TLS, RFC 8314). Every operation has a deadline; every byte in
// either direction is recorded in the transcript.
class Connection {
 public:
  explicit Connection(boost::asio::any_io_executor ex);
  explicit Connection(boost::asio::ip::tcp::socket socket);

  boost::asio::awaitable<void> connect(const std::string& host, const std::string& port, Duration timeout);
  // sni: the server name to send and verify; empty for neither.
  boost::asio::awaitable<void> handshake_client(boost::asio::ssl::context& ctx, const std::string& sni,
                                                Duration timeout);
  boost::asio::awaitable<void> handshake_server(boost::asio::ssl::context& ctx, Duration timeout);
  // The TLS checks' handshake: sends sni (unless empty), verifies nothing
  // itself, and on failure drops the TLS layer, leaving the socket as it was
  // for the caller to probe. Returns why it failed, or nothing.
  boost::asio::awaitable<std::optional<std::string>> try_handshake_client(boost::asio::ssl::context& ctx,
                                                                           const std::string& sni, Duration timeout);

  // shown: what the transcript records instead of bytes (secrets redacted).
  boost::asio::awaitable<void> write(std::string_view bytes, Duration timeout, std::string_view shown = {});
  // Appends what one read delivered to out; returns 0 when the peer closed.
  boost::asio::awaitable<std::size_t> read_some(std::string& out, Duration timeout);

  void close();  // abrupt: no QUIT, no TLS close_notify
  // An orderly end (RFC 8314 #3.4): inside TLS, the close_notify alert first,
  // waiting at most timeout for the peer's; then the socket is closed.
  // Returns whether the peer answered with its own close_notify (TLS only).
  boost::asio::awaitable<bool> close_tls(Duration timeout);
  // How the peer ended the stream, as the last read saw it.
  enum class PeerClose { open, plain, close_notify, truncated, reset };
  PeerClose peer_close() const { return peer_close_; }
  // Half-close: the peer reads end-of-stream, and may still answer (plain TCP only).
  void shutdown_send();
  bool is_open() const { return socket_.is_open(); }
  bool in_tls() const { return tls_.has_value(); }
  // Octets that have arrived and wait to be read (TLS: decrypted ones), without waiting.
  std::size_t available();
  // Whether the plain socket has something to read (octets or the peer's
  // close) within timeout, reading nothing.
  boost::asio::awaitable<bool> wait_readable(Duration timeout);
  std::string tls_summary() const;
  // What the handshake showed; host is the name or address the harness dialled.
  PeerTls peer_tls(const std::string& host) const;

  Transcript& transcript() { return transcript_; }
  const Transcript& transcript() const { return transcript_; }
  boost::asio::any_io_executor executor() { return socket_.get_executor(); }

 private:
  void throw_if_interrupted() const;

  boost::asio::ip::tcp::socket socket_;
  std::optional<boost::asio::ssl::stream<boost::asio::ip::tcp::socket&>> tls_;
  Transcript transcript_;
  PeerClose peer_close_ = PeerClose::open;
  // An interrupt closes the socket at once, whatever waits on it.
  interrupt::Registration on_interrupt_{[this] { close(); }};
};

}  // namespace pop3
