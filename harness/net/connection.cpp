#include "net/connection.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <openssl/ssl.h>
#include <openssl/x509_vfy.h>

#include "net/tls_inspect.hpp"
#include "util/deadline.hpp"

namespace asio = boost::asio;
using asio::ip::tcp;

namespace pop3 {
namespace {

constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);

std::string ms(Duration d) { return std::to_string(d.count()) + " ms"; }

NetError::Certificate certificate_problem(SSL* ssl, long verify) {
  // After a failed verification OpenSSL may keep only the chain as sent.
  X509* cert = SSL_get0_peer_certificate(ssl);
  if (STACK_OF(X509)* chain = SSL_get_peer_cert_chain(ssl); !cert && chain && sk_X509_num(chain) > 0)
    cert = sk_X509_value(chain, 0);
  CertificateFacts f = certificate_facts(cert);
  return {verify, f.subject, f.issuer, f.not_after, f.names};
}

}  // namespace

Connection::Connection(asio::any_io_executor ex) : socket_(std::move(ex)) {}
Connection::Connection(tcp::socket socket) : socket_(std::move(socket)) {
  // Replies and TLS records go out whole; Nagle plus delayed ACK would stall
  // each TLS exchange by tens of milliseconds.
  boost::system::error_code ignored;
  socket_.set_option(tcp::no_delay(true), ignored);
}

void Connection::throw_if_interrupted() const {
  if (interrupt::requested()) throw NetError(NetError::Kind::cancelled, "interrupted (SIGINT, SIGTERM or SIGHUP)");
}

asio::awaitable<void> Connection::connect(const std::string& host, const std::string& port, Duration timeout) {
  throw_if_interrupted();
  tcp::resolver resolver(socket_.get_executor());
  Deadline deadline(socket_.get_executor(), timeout, [&] {
    resolver.cancel();
    boost::system::error_code ignored;
    socket_.close(ignored);
  });
  auto [rec, endpoints] = co_await resolver.async_resolve(host, port, kTuple);
  if (deadline.fired()) throw NetError(NetError::Kind::timeout, "resolving " + host + " timed out after " + ms(timeout));
  if (rec) throw NetError(NetError::Kind::resolve, "cannot resolve " + host + ":" + port + ": " + rec.message());
  auto [ec, endpoint] = co_await asio::async_connect(socket_, endpoints, kTuple);
  throw_if_interrupted();
  if (deadline.fired())
    throw NetError(NetError::Kind::timeout, "connecting to " + host + ":" + port + " timed out after " + ms(timeout));
  if (ec) throw NetError(NetError::Kind::refused, "cannot connect to " + host + ":" + port + ": " + ec.message());
  socket_.set_option(tcp::no_delay(true));
  transcript_.note("connected to " + endpoint.address().to_string() + ":" + std::to_string(endpoint.port()));
}

asio::awaitable<void> Connection::handshake_client(asio::ssl::context& ctx, const std::string& sni, Duration timeout) {
  tls_.emplace(socket_, ctx);
  SSL* ssl = tls_->native_handle();
  if (!sni.empty()) {
    boost::system::error_code not_ip;
    // SNI only for names, never for IP literals (RFC 6066 #3). OpenSSL checks
    // the name itself, so a mismatch is reported as the verify result.
    if (asio::ip::make_address(sni, not_ip), not_ip) {
      SSL_set_tlsext_host_name(ssl, sni.c_str());
      SSL_set1_host(ssl, sni.c_str());
    } else {
      X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), sni.c_str());
    }
  }
  Deadline deadline(socket_.get_executor(), timeout, [&] { socket_.cancel(); });
  auto [ec] = co_await tls_->async_handshake(asio::ssl::stream_base::client, kTuple);
  throw_if_interrupted();
  if (deadline.fired()) throw NetError(NetError::Kind::timeout, "no TLS handshake within " + ms(timeout));
  if (ec) {
    long verify = SSL_get_verify_result(ssl);
    if (verify != X509_V_OK)
      throw NetError(std::string("the server's certificate failed verification: ") + X509_verify_cert_error_string(verify),
                     certificate_problem(ssl, verify));
    throw NetError(NetError::Kind::tls, "TLS handshake failed: " + ec.message());
  }
  transcript_.note("TLS handshake complete: " + tls_summary());
}

asio::awaitable<std::optional<std::string>> Connection::try_handshake_client(asio::ssl::context& ctx,
                                                                           const std::string& sni,
                                                                           Duration timeout) {
  tls_.emplace(socket_, ctx);
  if (!sni.empty()) SSL_set_tlsext_host_name(tls_->native_handle(), sni.c_str());
  Deadline deadline(socket_.get_executor(), timeout, [&] { socket_.cancel(); });
  auto [ec] = co_await tls_->async_handshake(asio::ssl::stream_base::client, kTuple);
  throw_if_interrupted();
  if (!ec && !deadline.fired()) {
    transcript_.note("TLS handshake complete: " + tls_summary());
    co_return std::nullopt;
  }
  std::string why = deadline.fired() ? "no handshake within " + ms(timeout) : ec.message();
  tls_.reset();
  transcript_.note("TLS handshake failed: " + why);
  co_return why;
}

PeerTls Connection::peer_tls(const std::string& host) const {
  if (!tls_) return {};
  return inspect_tls(const_cast<asio::ssl::stream<tcp::socket&>&>(*tls_).native_handle(), host);
}

asio::awaitable<void> Connection::handshake_server(asio::ssl::context& ctx, Duration timeout) {
  tls_.emplace(socket_, ctx);
  Deadline deadline(socket_.get_executor(), timeout, [&] { socket_.cancel(); });
  auto [ec] = co_await tls_->async_handshake(asio::ssl::stream_base::server, kTuple);
  throw_if_interrupted();
  if (deadline.fired()) throw NetError(NetError::Kind::timeout, "TLS handshake timed out after " + ms(timeout));
  if (ec) throw NetError(NetError::Kind::tls, "TLS handshake failed: " + ec.message());
  transcript_.note("TLS handshake complete: " + tls_summary());
}

std::string Connection::tls_summary() const {
  if (!tls_) return "plaintext";
  SSL* ssl = const_cast<asio::ssl::stream<tcp::socket&>&>(*tls_).native_handle();
  return std::string(SSL_get_version(ssl)) + " " + SSL_get_cipher_name(ssl);
}

asio::awaitable<void> Connection::write(std::string_view bytes, Duration timeout, std::string_view shown) {
  throw_if_interrupted();
  transcript_.sent(bytes, shown);
  Deadline deadline(socket_.get_executor(), timeout, [&] { socket_.cancel(); });
  boost::system::error_code ec;
  if (tls_) std::tie(ec, std::ignore) = co_await asio::async_write(*tls_, asio::buffer(bytes), kTuple);
  else std::tie(ec, std::ignore) = co_await asio::async_write(socket_, asio::buffer(bytes), kTuple);
  throw_if_interrupted();
  if (deadline.fired()) throw NetError(NetError::Kind::timeout, "write timed out after " + ms(timeout));
  if (ec) throw NetError(NetError::Kind::io, "write failed: " + ec.message());
}

asio::awaitable<std::size_t> Connection::read_some(std::string& out, Duration timeout) {
  throw_if_interrupted();
  char buf[16384];
  Deadline deadline(socket_.get_executor(), timeout, [&] { socket_.cancel(); });
  boost::system::error_code ec;
  std::size_t n = 0;
  if (tls_) std::tie(ec, n) = co_await tls_->async_read_some(asio::buffer(buf), kTuple);
  else std::tie(ec, n) = co_await socket_.async_read_some(asio::buffer(buf), kTuple);
  throw_if_interrupted();
  if (deadline.fired()) throw NetError(NetError::Kind::timeout, "no data within " + ms(timeout));
  if (ec == asio::error::eof || ec == asio::ssl::error::stream_truncated || ec == asio::error::connection_reset) {
    // Inside TLS, end-of-stream is the peer's close_notify alert; a TCP close
    // without one is a truncation (RFC 8446 #6.1, RFC 8314 #3.4).
    peer_close_ = ec == asio::error::connection_reset ? PeerClose::reset
                  : ec == asio::ssl::error::stream_truncated ? PeerClose::truncated
                  : tls_ ? PeerClose::close_notify : PeerClose::plain;
    transcript_.note(peer_close_ == PeerClose::reset       ? "connection reset by peer"
                     : peer_close_ == PeerClose::truncated ? "connection closed by peer without a TLS close_notify"
                     : tls_                                ? "TLS close_notify received; connection closed by peer"
                                                           : "connection closed by peer");
    co_return 0;
  }
  if (ec) throw NetError(NetError::Kind::io, "read failed: " + ec.message());
  transcript_.received(std::string_view(buf, n));
  out.append(buf, n);
  co_return n;
}

asio::awaitable<bool> Connection::wait_readable(Duration timeout) {
  throw_if_interrupted();
  Deadline deadline(socket_.get_executor(), timeout, [&] { socket_.cancel(); });
  auto [ec] = co_await socket_.async_wait(asio::ip::tcp::socket::wait_read, kTuple);
  throw_if_interrupted();
  co_return !deadline.fired() && !ec;
}

std::size_t Connection::available() {
  // Inside TLS, raw octets may be records that carry no data (TLS 1.3
  // session tickets); only decrypted data counts.
  if (tls_) return static_cast<std::size_t>(SSL_pending(tls_->native_handle()));
  boost::system::error_code ec;
  std::size_t n = socket_.is_open() ? socket_.available(ec) : 0;
  return ec ? 0 : n;
}

void Connection::shutdown_send() {
  boost::system::error_code ignored;
  socket_.shutdown(tcp::socket::shutdown_send, ignored);
  transcript_.note("client shut down its sending side");
}

asio::awaitable<bool> Connection::close_tls(Duration timeout) {
  bool answered = false;
  if (tls_ && socket_.is_open()) {
    Deadline deadline(socket_.get_executor(), timeout, [&] { socket_.cancel(); });
    auto [ec] = co_await tls_->async_shutdown(kTuple);
    // Done without error: the peer's close_notify came back; eof is the same
    // seen from a read already under way.
    answered = !deadline.fired() && (!ec || ec == asio::error::eof);
    transcript_.note(answered ? "TLS close_notify sent and answered" : "TLS close_notify sent");
  }
  close();
  co_return answered;
}

void Connection::close() {
  boost::system::error_code ignored;
  socket_.shutdown(tcp::socket::shutdown_both, ignored);
  socket_.close(ignored);
}

}  // namespace pop3
