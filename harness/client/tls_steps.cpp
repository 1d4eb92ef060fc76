#include "client/tls_steps.hpp"

#include <openssl/ssl.h>

#include "client/tls_scan.hpp"
#include "scenario/escapes.hpp"

namespace asio = boost::asio;

namespace pop3 {
namespace {

int openssl_version(int version) {
  switch (version) {
    case 10: return TLS1_VERSION;
    case 11: return TLS1_1_VERSION;
    case 12: return TLS1_2_VERSION;
    case 13: return TLS1_3_VERSION;
  }
  return 0;
}

std::string offered(const TlsAction& a) {
  std::string out = a.version ? "TLS " + std::to_string(a.version / 10) + "." + std::to_string(a.version % 10)
                              : std::string("TLS 1.2 or later");
  if (!a.ciphers.empty()) out += ", ciphers " + a.ciphers;
  if (!a.alpn.empty()) out += ", ALPN " + a.alpn;
  if (a.sni) out += a.sni->empty() ? ", no SNI" : ", SNI " + *a.sni;
  return out;
}

void set_variables(Variables& vars, const std::optional<std::string>& failure, const std::optional<PeerTls>& peer) {
  vars["tls.result"] = failure ? "refused (" + *failure + ")" : "accepted";
  if (failure || !peer) {
    for (const char* name : {"tls.version", "tls.cipher", "tls.alpn", "tls.cert.subject", "tls.cert.names",
                             "tls.cert.days", "tls.cert.bits", "tls.cert.key", "tls.cert.signature", "tls.client_cert"})
      vars[name] = "n/a";
    return;
  }
  vars["tls.version"] = peer->version;
  vars["tls.cipher"] = peer->cipher;
  vars["tls.alpn"] = peer->alpn.empty() ? "none" : peer->alpn;
  vars["tls.cert.subject"] = peer->subject;
  vars["tls.cert.names"] = peer->names.empty() ? "none" : peer->names;
  vars["tls.cert.days"] = std::to_string(peer->seconds_left / 86400);
  vars["tls.cert.bits"] = std::to_string(peer->security_bits);
  vars["tls.cert.key"] = peer->key;
  vars["tls.cert.signature"] = peer->signature;
  vars["tls.client_cert"] = peer->client_cert_requested ? "requested" : "none";
}

// After a failed handshake the server must not carry on in plaintext: a
// command sent in the clear must get no POP3 answer.
asio::awaitable<StepOutcome> no_usable_session(ClientSession& s, const Target& target, const std::string& why) {
  std::string data;
  try {
    co_await s.connection().write("CAPA\r\n", target.read_timeout);
  } catch (const NetError&) {
    co_return StepOutcome::pass("the server refused the handshake (" + why + ") and closed the connection");
  }
  auto q = co_await s.drain(target.read_timeout, data, 4096);
  // A TLS alert record (content type 21) is a refusal, not a session.
  if (data.starts_with("+") || data.starts_with("-"))
    co_return StepOutcome::fail("after the failed handshake the server answered a plaintext command",
                                "no POP3 response: the connection closed (RFC 2595 #4)", escape_bytes(data, 300));
  if (q == ClientSession::Quiet::closed)
    co_return StepOutcome::pass("the server refused the handshake (" + why + ") and closed the connection");
  if (q == ClientSession::Quiet::silent)
    co_return StepOutcome::pass("the server refused the handshake (" + why +
                                ") and answered nothing in plaintext; the connection stayed open");
  co_return StepOutcome::pass("the server refused the handshake (" + why + ")");
}

StepOutcome check_certificate(const std::string& aspect, const ClientSession& s, const Target& target) {
  const auto& peer = s.peer_tls();
  if (!peer) return StepOutcome::fail("no TLS handshake has completed on this connection");
  if (!peer->has_certificate) return StepOutcome::fail("the server presented no certificate");
  if (aspect == "chain" || aspect == "hostname") {
    if (target.trust.insecure) return StepOutcome::skip("not checked: --insecure turns certificate verification off");
  }
  if (aspect == "chain") {
    std::string anchor = !target.trust.cafile.empty() ? "--cafile " + target.trust.cafile
                         : !target.trust.extra_ca_pem.empty() ? std::string("the embedded server's test CA")
                                                               : std::string("the system trust store");
    if (peer->verify_result != X509_V_OK)
      return StepOutcome::fail("the certificate chain does not verify: " + peer->verify_error,
                               "a chain to a CA in " + anchor, "subject " + peer->subject + ", issuer " + peer->issuer);
    return StepOutcome::pass();
  }
  if (aspect == "hostname") {
    if (!peer->name_matches)
      return StepOutcome::fail("the certificate does not name " + target.host, "a name matching " + target.host,
                               "subjectAltName " + (peer->names.empty() ? "(none)" : peer->names) + "; subject " +
                                   peer->subject);
    return StepOutcome::pass();
  }
  if (aspect == "expiry") {
    if (peer->not_yet_valid) return StepOutcome::fail("the certificate is not valid yet", "notBefore in the past", "in the future");
    if (peer->seconds_left <= 0)
      return StepOutcome::fail("the certificate has expired", "notAfter in the future",
                               "expired " + std::to_string(-peer->seconds_left / 86400) + " days ago");
    return StepOutcome::pass("valid for " + std::to_string(peer->seconds_left / 86400) + " more days");
  }
  if (aspect == "signature") {
    if (peer->weak_signature_hash)
      return StepOutcome::fail("the certificate is signed with SHA-1 or MD5", "a SHA-256 or stronger signature",
                               peer->signature);
    return StepOutcome::pass(peer->signature);
  }
  // key: RFC 8314 #4.4 via RFC 7525 #4.3: at least 112 bits of security (RSA 2048, P-256 gives 128).
  if (peer->security_bits < 112)
    return StepOutcome::fail("the certificate's key is too weak", "at least 112 bits of security (RSA 2048, EC 224)",
                             peer->key + ": " + std::to_string(peer->security_bits) + " bits");
  return StepOutcome::pass(peer->key + ", " + std::to_string(peer->security_bits) + " bits of security");
}

}  // namespace

asio::awaitable<StepOutcome> run_tls_step(const TlsAction& action, ClientSession& s, const Target& target,
                                          Variables& vars) {
  if (action.kind == TlsAction::Kind::certificate) co_return check_certificate(action.aspect, s, target);
  if (action.kind == TlsAction::Kind::scan) co_return co_await run_tls_scan(action, target, vars);
  if (s.connection().in_tls()) co_return StepOutcome::fail("the connection is already in TLS");

  // RFC 2595 #4: the handshake starts right after the CRLF of +OK; plaintext
  // there is either an injected response or a server talking out of turn.
  std::string unread = s.take_unread();
  if (!unread.empty() && action.kind != TlsAction::Kind::attempt)
    co_return StepOutcome::fail("the server sent plaintext where the TLS handshake belongs",
                                "nothing after the CRLF of +OK (RFC 2595 #4)", escape_bytes(unread, 300));

  if (action.malformed_hello) {
    // A handshake record whose ClientHello is one octet long: a decode error.
    static constexpr char kBroken[] = "\x16\x03\x01\x00\x05\x01\x00\x00\x01\x00";
    std::string_view hello(kBroken, sizeof kBroken - 1);
    co_await s.connection().write(hello, target.read_timeout);
    co_return co_await no_usable_session(s, target, "a malformed ClientHello");
  }
  auto context = make_probe_tls(target.trust, {openssl_version(action.version), action.alpn, action.ciphers});
  boost::system::error_code not_ip;
  asio::ip::make_address(target.host, not_ip);
  std::string sni = action.sni ? *action.sni : not_ip ? target.host : std::string();
  auto failure = co_await s.try_tls(*context, sni, target.host, target.connect_timeout);
  set_variables(vars, failure, s.peer_tls());

  switch (action.kind == TlsAction::Kind::attempt ? TlsAction::Expect::success_or_refusal : action.expect) {
    case TlsAction::Expect::success:
      if (failure) {
        StepOutcome o = StepOutcome::fail("the TLS handshake failed", "a handshake offering " + offered(action), *failure);
        o.ends_scenario = true;
        co_return o;
      }
      co_return StepOutcome::pass();
    case TlsAction::Expect::failure:
      if (!failure)
        co_return StepOutcome::fail("the server accepted the handshake", "a refusal of " + offered(action),
                                    "accepted: " + vars["tls.version"] + " " + vars["tls.cipher"]);
      co_return co_await no_usable_session(s, target, *failure);
    case TlsAction::Expect::success_or_refusal:
      if (action.kind == TlsAction::Kind::attempt)
        co_return StepOutcome::pass(offered(action) + ": " + vars["tls.result"] +
                                    (failure ? "" : ", " + vars["tls.version"] + ", ALPN " + vars["tls.alpn"]));
      if (failure) {
        StepOutcome o = StepOutcome::pass("the server ended the connection instead of completing the handshake (" +
                                          *failure + "): nothing sent before it can run inside TLS");
        o.ends_scenario = true;
        co_return o;
      }
      co_return StepOutcome::pass();
  }
  co_return StepOutcome::pass();
}

}  // namespace pop3
