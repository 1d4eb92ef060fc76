#include "client/preflight.hpp"

#include <openssl/x509_vfy.h>

#include <boost/asio/this_coro.hpp>

#include <optional>

#include "client/login.hpp"
#include "client/session_io.hpp"
#include "net/tls.hpp"

namespace asio = boost::asio;

namespace pop3 {

const char* to_string(Preflight::Verdict v) {
  switch (v) {
    case Preflight::Verdict::ok: return "ok";
    case Preflight::Verdict::unreachable: return "unreachable";
    case Preflight::Verdict::tls_setup: return "tls-setup";
    case Preflight::Verdict::wrong_tls_mode: return "wrong-tls-mode";
    case Preflight::Verdict::login_refused: return "login-refused";
    case Preflight::Verdict::violation: return "violation";
  }
  return "?";
}

namespace {

constexpr const char* kImplicitTlsPort =
    "this port sends no greeting but completes a TLS handshake: it speaks implicit TLS (RFC 8314); use --tls implicit";

using Verdict = Preflight::Verdict;

bool looks_like_pop3(std::string_view d) { return d.starts_with("+OK") || d.starts_with("-ERR") || d.starts_with("+ok"); }
// A TLS record header: alert (21) or handshake (22), version 3.x.
bool looks_like_tls(std::string_view d) { return d.size() >= 2 && (d[0] == 0x15 || d[0] == 0x16) && d[1] == 0x03; }

std::string seconds(Duration d) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g s", static_cast<double>(d.count()) / 1000.0);
  return buf;
}

// Hints for a refused login, by its RFC 2449 / RFC 3206 response code.
std::string refusal_hint(const Response& r) {
  std::string code = r.parsed ? r.parsed->code : std::string{};
  if (code == "IN-USE") return "the maildrop is in use by another session ([IN-USE], RFC 2449 #8.1.2): end that session";
  if (code == "LOGIN-DELAY") return "the server wants more time between logins ([LOGIN-DELAY], RFC 2449 #8.1.1)";
  if (code == "SYS/TEMP") return "a temporary problem on the server ([SYS/TEMP], RFC 3206): try again later";
  if (code == "SYS/PERM") return "a permanent problem on the server ([SYS/PERM], RFC 3206)";
  return "check --user, --pass or POP3_PASS";
}

class Procedure {
 public:
  Procedure(asio::any_io_executor ex, const Target& t, const Account* a) : ex_(ex), t_(t), a_(a), s_(ex) {}

  asio::awaitable<Preflight> run() {
    // Plain statements: GCC 12 miscompiles co_await in a short-circuit operand.
    bool ok = co_await open();
    if (ok) ok = co_await greet();
    if (ok) ok = co_await capa();
    if (ok && a_) ok = co_await login();
    if (ok) co_await quit();
    if (ok && a_ && p_.caps.has("LOGIN-DELAY") && !tls_first_) ok = co_await login_again();
    const auto& tr = s_.connection().transcript();
    p_.transcript = tr.render(0, tr.size(), 300);
    s_.drop();
    co_return std::move(p_);
  }

 private:
  bool set(Verdict v, std::string message, std::string rfc = {}) {
    p_.verdict = v;
    p_.message = std::move(message);
    p_.rfc = std::move(rfc);
    return false;
  }
  std::string where() const { return t_.describe(); }

  // What a plaintext connection to the port receives first.
  asio::awaitable<std::string> first_plaintext() {
    ClientSession probe(ex_);
    std::string data;
    try {
      co_await probe.connection().connect(t_.host, t_.port, t_.connect_timeout);
      co_await probe.wait_quiet(t_.read_timeout, data);
    } catch (const std::exception&) {
    }
    probe.drop();
    co_return data.substr(0, 200);
  }

  // Whether the port completes a TLS handshake (any certificate).
  asio::awaitable<bool> speaks_tls(Duration budget) {
    ClientSession probe(ex_);
    bool tls = false;
    try {
      co_await probe.connection().connect(t_.host, t_.port, budget);
      auto ctx = make_probe_tls({"", true, ""}, {});
      tls = !(co_await probe.try_tls(*ctx, "", t_.host, budget));
    } catch (const std::exception&) {
    }
    probe.drop();
    co_return tls;
  }

  asio::awaitable<bool> open() {
    // co_await is not allowed in a handler: keep the error, act after.
    std::optional<NetError> net;
    std::optional<ProtocolError> protocol;
    try {
      co_await s_.open(t_);
      co_return true;
    } catch (const NetError& e) {
      net = e;
    } catch (const ProtocolError& e) {
      protocol = e;  // STLS: the greeting, or the answer to STLS
    }
    if (net) co_return co_await opening_failed(*net);
    co_return co_await no_greeting(*protocol);
  }

  // Why the certificate did not verify, in words, with what to do about it.
  std::string certificate_advice(const NetError& e) const {
    const NetError::Certificate& c = e.certificate();
    std::string trust = t_.trust.cafile.empty() ? "the system's trust store" : "--cafile " + t_.trust.cafile;
    std::string of = "the certificate of " + where() + (c.subject.empty() ? "" : " (" + c.subject + ")");
    switch (c.verify) {
      case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT:
      case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN:
      case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
      case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT:
      case X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE:
        return of + " is issued by " + c.issuer + ", which " + trust +
               " does not contain: give the issuing CA's certificate with --cafile FILE, or --insecure (" + e.what() + ")";
      case X509_V_ERR_HOSTNAME_MISMATCH:
      case X509_V_ERR_IP_ADDRESS_MISMATCH:
        return of + " names " + (c.names.empty() ? "no subjectAltName" : c.names) + ", not " + t_.host +
               ": connect with a name it carries (--target NAME:PORT), or --insecure (" + e.what() + ")";
      case X509_V_ERR_CERT_HAS_EXPIRED:
        return of + " expired on " + c.not_after + ": the server must renew it; --insecure skips this check";
      case X509_V_ERR_CERT_NOT_YET_VALID:
        return of + " is not valid yet (check the clocks): " + e.what() + "; --insecure skips this check";
      default:
        return std::string(e.what()) + " (" + of + ", verified against " + trust + " and the name " + t_.host +
               "; --insecure skips this check)";
    }
  }

  asio::awaitable<bool> opening_failed(const NetError& e) {
    using K = NetError::Kind;
    if (e.kind() == K::refused || e.kind() == K::resolve || e.kind() == K::io ||
        (e.kind() == K::timeout && !s_.connection().is_open()))
      co_return set(Verdict::unreachable, "nothing answers at " + where() + ": " + e.what());
    if (e.kind() == K::certificate) co_return set(Verdict::violation, certificate_advice(e), "rfc8314#4.4");
    if (t_.tls == TlsMode::implicit) {
      if (e.kind() == K::timeout)
        co_return set(Verdict::violation, "the server accepted the connection but completed no TLS handshake within " +
                                              seconds(t_.connect_timeout) + " (RFC 8314 #3.1: TLS begins at once on an "
                                              "implicit-TLS port)", "rfc8314#3.1");
      std::string first = co_await first_plaintext();
      if (looks_like_pop3(first))
        co_return set(Verdict::wrong_tls_mode, "this port speaks plaintext POP3 (it greets with '" +
                                                   escape_bytes(first.substr(0, first.find('\r')), 80) +
                                                   "'): use --tls none, or --tls stls to upgrade with STLS");
    }
    std::string what = e.what();
    if (e.kind() == K::upgrade_refused)
      co_return set(Verdict::wrong_tls_mode, "the server refused STLS (" + what.substr(14) +
                                                 "): use --tls none, or --tls implicit with its implicit-TLS port");
    if (e.kind() == K::upgrade_plaintext)
      co_return set(Verdict::violation, "the server sent more plaintext right after +OK to STLS (RFC 2595 #4: the TLS "
                                        "negotiation begins immediately after the CRLF of the +OK)", "rfc2595#4");
    // The server said +OK to STLS: whatever stops the handshake now, a stall,
    // bytes that are not TLS, a version or cipher it cannot agree on, is its own.
    if (t_.tls == TlsMode::stls && (e.kind() == K::tls || e.kind() == K::timeout))
      co_return set(Verdict::violation, "the server answered +OK to STLS, but no TLS session came of it: " + what +
                                            " (RFC 2595 #4: after +OK the TLS negotiation begins; the harness offers "
                                            "TLS 1.2 and 1.3 with OpenSSL's default ciphers)", "rfc2595#4");
    co_return set(Verdict::tls_setup, "TLS with " + where() + " failed: " + what +
                                          " (the harness offers TLS 1.2 and 1.3 with OpenSSL's default ciphers)");
  }

  bool read_failed(const ProtocolError& e, const std::string& during) {
    if (e.kind == ProtocolError::Kind::limit) return set(Verdict::tls_setup, e.what());
    return set(Verdict::violation, std::string(e.what()) + " (" + during + ")", e.rfc);
  }

  // A port that speaks implicit TLS waits for the ClientHello and never
  // greets: after a moment of silence a second connection tries a handshake,
  // so the advice comes at once, not after the whole greeting deadline.
  asio::awaitable<bool> silent_tls_port() {
    // The probe's time counts against the greeting's deadline (from the
    // connection), so a server that is merely silent is judged no later.
    auto silence = std::min<Duration>(std::chrono::seconds(1), t_.read_timeout / 2);
    bool readable = co_await s_.connection().wait_readable(silence);
    if (readable) co_return false;
    bool tls = co_await speaks_tls(std::min(t_.connect_timeout, t_.read_timeout - silence));
    co_return tls;
  }

  asio::awaitable<bool> greet() {
    bool tls_port = false;
    if (t_.tls == TlsMode::none) tls_port = co_await silent_tls_port();
    if (tls_port) co_return set(Verdict::wrong_tls_mode, kImplicitTlsPort);
    Response r;
    std::optional<ProtocolError> failed;
    try {
      r = co_await s_.greeting(t_.read_timeout);
    } catch (const ProtocolError& e) {
      failed = e;
    }
    if (failed) co_return co_await no_greeting(*failed);
    p_.greeting = r.status_line;
    if (!r.parsed) {
      if (looks_like_tls(r.status_line))
        co_return set(Verdict::wrong_tls_mode, "this port answers with TLS records: use --tls implicit");
      co_return set(Verdict::violation, "the greeting is not a status line (" + r.parse_error + "): " +
                                            escape_bytes(r.status_line, 200), "rfc1939#4");
    }
    if (r.parsed->status != Status::ok)
      co_return set(Verdict::violation, "the greeting is not a positive response (RFC 1939 #4: the server issues a "
                                        "one line greeting ... any positive response): " + escape_bytes(r.status_line, 200),
                    "rfc1939#4");
    if (!s_.greeting_timestamp().empty()) p_.caps.add("APOP");
    co_return true;
  }

  asio::awaitable<bool> no_greeting(const ProtocolError& e) {
    bool tls_port = false;
    if (e.kind == ProtocolError::Kind::timeout && t_.tls == TlsMode::stls) tls_port = co_await speaks_tls(t_.connect_timeout);
    if (tls_port) co_return set(Verdict::wrong_tls_mode, kImplicitTlsPort);
    if (e.kind == ProtocolError::Kind::closed)
      co_return set(Verdict::violation, "the server closed the connection without a greeting (RFC 1939 #4)", "rfc1939#4");
    if (e.kind == ProtocolError::Kind::timeout)
      co_return set(Verdict::violation, std::string(e.what()) + " (RFC 1939 #4: once the TCP connection has been "
                                                                "opened, the POP3 server issues a one line greeting)",
                    "rfc1939#4");
    co_return read_failed(e, "the greeting");
  }

  // A status line that is neither +OK nor -ERR breaks the protocol at its base.
  bool malformed(const Response& r, const std::string& command) {
    if (r.parsed) return false;
    return !set(Verdict::violation, "the answer to " + command + " is not a status line (" + r.parse_error + "): " +
                                        escape_bytes(r.status_line, 200), "rfc1939#3");
  }

  asio::awaitable<bool> capa() {
    try {
      Response r = co_await s_.request("CAPA", "CAPA", true, t_.read_timeout);
      if (malformed(r, "CAPA")) co_return false;
      if (r.parsed && r.parsed->status == Status::ok) {
        p_.caps.capa_supported = true;
        p_.caps.read_capa(r.body);
      }
      co_return true;
    } catch (const ProtocolError& e) {
      co_return read_failed(e, "CAPA, before any other command");
    } catch (const NetError& e) {
      co_return set(Verdict::violation, std::string("the server closed the connection at CAPA: ") + e.what(), "rfc1939#3");
    }
  }

  std::vector<std::string> methods(const Capabilities& c) const {
    std::vector<std::string> m;
    if (!c.capa_supported || c.has("USER")) m.push_back("user");
    if (c.has("SASL:PLAIN")) m.push_back("plain");
    if (c.has("APOP")) m.push_back("apop");
    if (m.empty()) m.push_back("user");  // nothing advertised that the harness knows: USER/PASS is RFC 1939's own
    return m;
  }

  // A server that offers no login before TLS but offers STLS (Dovecot with
  // disable_plaintext_auth): the preflight logs in inside TLS, as a client would.
  bool wants_tls_first() const {
    const Capabilities& c = p_.caps;
    return t_.tls == TlsMode::none && c.capa_supported && c.has("STLS") && !c.has("USER") && !c.has("SASL:PLAIN") &&
           !c.has("APOP") && t_.tls_context;
  }

  asio::awaitable<bool> upgrade(Capabilities& inside) {
    Response r = co_await s_.request("STLS", "STLS", false, t_.read_timeout);
    if (malformed(r, "STLS")) co_return false;
    if (r.parsed->status != Status::ok) co_return true;  // refused: try in plaintext after all
    co_await s_.connection().handshake_client(*t_.tls_context, t_.host, t_.connect_timeout);
    Response capa = co_await s_.request("CAPA", "CAPA", true, t_.read_timeout);
    if (capa.parsed && capa.parsed->status == Status::ok) {
      inside.capa_supported = true;
      inside.read_capa(capa.body);
    }
    tls_first_ = true;
    co_return true;
  }

  asio::awaitable<bool> login() {
    auto label = login_label;
    Capabilities offered = p_.caps;
    if (wants_tls_first()) {
      Capabilities inside;
      std::optional<std::string> failed;
      try {
        if (!co_await upgrade(inside)) co_return false;
      } catch (const std::exception& e) {
        failed = e.what();
      }
      if (failed) co_return set(Verdict::tls_setup, "CAPA offers no login before TLS, and STLS failed: " + *failed);
      if (tls_first_) offered = inside;
      if (!s_.greeting_timestamp().empty()) offered.add("APOP");
    }
    std::string refusals;
    for (const auto& method : methods(offered)) {
      bool at_first_step = true;
      Response r;
      try {
        LoginAnswer answer = co_await log_in(s_, method, *a_, t_.read_timeout);
        r = std::move(answer.response);
        at_first_step = answer.at_first_step;
      } catch (const ProtocolError& e) {
        if (e.kind == ProtocolError::Kind::closed && s_.may_close())
          co_return set(Verdict::login_refused, "login as " + a_->user + " (" + label(method) + ") refused, and the "
                                                "server closed the connection: check --user, --pass or POP3_PASS");
        co_return read_failed(e, "logging in as " + a_->user);
      } catch (const NetError& e) {
        co_return set(Verdict::login_refused, "login as " + a_->user + " failed: " + e.what());
      }
      if (malformed(r, label(method))) co_return false;
      if (r.parsed && r.parsed->status == Status::ok) {
        p_.login_method = (tls_first_ ? "stls:" : "") + method;
        if (method == "user" && !tls_first_) p_.caps.add("USER");  // proven, CAPA or not
        co_return true;
      }
      refusals = "login as " + a_->user + " (" + label(method) + ") refused: " + escape_bytes(r.status_line, 200) +
                 ": " + refusal_hint(r);
      // Only a refusal of the method itself (at USER) is worth another
      // method; a refused password stays refused, and retries may lock the account.
      if (!at_first_step || method != "user") break;
    }
    co_return set(Verdict::login_refused, refusals);
  }

  // RFC 2449 #6.5: a server that announces LOGIN-DELAY may enforce it, which
  // is legal, and refuses the logins of every scenario after the preflight's:
  // a setup matter (the test account wants exempting), said once, here.
  asio::awaitable<bool> login_again() {
    ClientSession again(ex_);
    std::optional<Response> refused;
    try {
      co_await again.open(t_);
      co_await again.greeting(t_.read_timeout);
      LoginAnswer answer = co_await log_in(again, p_.login_method, *a_, t_.read_timeout);
      // Refused at USER ([LOGIN-DELAY] there is a SHOULD NOT, RFC 2449
      // #8.1.1): the scenario login-delay-not-on-user judges it.
      if (!answer.ok() && !answer.at_first_step) refused = std::move(answer.response);
      else co_await again.request("QUIT", "QUIT", false, t_.read_timeout);
    } catch (const std::exception&) {
      // How the server handles a second session is the scenarios' to judge.
    }
    again.drop();
    if (refused && refused->parsed && refused->parsed->code == "LOGIN-DELAY")
      co_return set(Verdict::login_refused,
                    "the server enforces its LOGIN-DELAY (legal, RFC 2449 #6.5): a second login right after the "
                    "preflight's was refused (" + escape_bytes(refused->status_line, 200) + "); the suite logs in once "
                    "per scenario, so exempt the test account from the login delay");
    co_return true;
  }

  asio::awaitable<void> quit() {
    try {
      co_await s_.request("QUIT", "QUIT", false, t_.read_timeout);
    } catch (const std::exception&) {
      // The verdict is in; how the server ends the session is judged by the scenarios.
    }
  }

  asio::any_io_executor ex_;
  const Target& t_;
  const Account* a_;
  ClientSession s_;
  Preflight p_;
  bool tls_first_ = false;  // logged in after an STLS upgrade
};

}  // namespace

asio::awaitable<Preflight> preflight(const Target& target, const Account* account) {
  Procedure p(co_await asio::this_coro::executor, target, account);
  std::optional<Preflight> done;
  std::string why;
  try {
    done = co_await p.run();
  } catch (const std::exception& e) {
    why = e.what();  // an interrupt, or a write into a connection that is gone
  }
  if (done) co_return std::move(*done);
  Preflight failed;
  failed.verdict = Preflight::Verdict::unreachable;
  failed.message = why;
  co_return failed;
}

asio::awaitable<std::optional<std::string>> why_not_accepting(const Target& target) {
  try {
    ClientSession s(co_await asio::this_coro::executor);
    co_await s.open(target);
    co_await s.greeting(target.read_timeout);
    s.drop();
  } catch (const std::exception& e) {
    co_return std::string(e.what());
  }
  co_return std::nullopt;
}

}  // namespace pop3
