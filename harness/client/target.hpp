#pragma once
#include <boost/asio/ssl/context.hpp>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "client/account.hpp"
#include "codec/limits.hpp"
#include "codec/multiline.hpp"
#include "net/connection.hpp"
#include "net/tls.hpp"
#include "util/secrets.hpp"

namespace pop3 {

enum class TlsMode { none, stls, implicit };

struct Target {
  std::string host = "127.0.0.1";
  std::string port = "110";
  TlsMode tls = TlsMode::none;
  // 'connect: tls' scenarios: how this endpoint speaks TLS, for the 'tls: scan'
  // connections, while the scenario's own connection stays bare (tls none).
  TlsMode tls_endpoint = TlsMode::none;
  std::shared_ptr<boost::asio::ssl::context> tls_context;
  ClientTlsOptions trust;  // what tls_context trusts; the TLS checks build their own contexts from it
  Duration connect_timeout = std::chrono::seconds(5);
  Duration read_timeout = std::chrono::seconds(5);
  // Answers to PASS, APOP and AUTH: servers may delay a failed login's -ERR
  // on purpose (a defence against password guessing), often beyond 5 s.
  Duration login_timeout = std::chrono::seconds(30);
  // The most of one answer read: a multi-line body not ended by then is
  // judged unterminated (an endless body on a fast link must still end).
  std::size_t max_response = limits::kBodyStream;
  // Removed from every byte a session with this target records (the
  // account's password and its SASL forms): see Transcript::set_secrets.
  std::shared_ptr<const Secrets> secrets;
  // How 'login:' steps log in: "user" (USER/PASS), "apop" or "plain" (AUTH
  // PLAIN), as the preflight found the server offers.
  std::string login_method = "user";
  std::string describe() const;
};

// What the server advertised before login: CAPA tags (upper-cased first
// words) plus "APOP" when the greeting carries a timestamp, and what the
// preflight's login proved ("USER" when USER/PASS worked without CAPA).
struct Capabilities {
  // A hostile server's CAPA may list a million lines: only this many tags
  // are kept, the rest counted.
  static constexpr std::size_t kMaxTags = 256;
  std::set<std::string> tags;
  std::size_t dropped = 0;
  bool capa_supported = false;
  // "CAPA" asks whether the server answered CAPA at all (RFC 2449 is an extension).
  bool has(const std::string& tag) const { return tag == "CAPA" ? capa_supported : tags.contains(tag); }
  // Adds the tags of a CAPA listing's lines, and "SASL:MECH" per mechanism.
  void read_capa(const Body& listing);
  void add(std::string tag);
  // The tags, space-separated, escaped for a terminal or a report, and bounded.
  std::string describe() const;
};

}  // namespace pop3
