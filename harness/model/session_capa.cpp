// CAPA (RFC 2449): what the reference server announces, in which state, and
// which faults change it.
#include "model/session.hpp"

namespace pop3 {

Reply Session::capa(const CommandLine&) {
  const FaultSet& f = config_.faults;
  std::string body = f.has(Fault::no_uidl_top) ? "" : "TOP\r\nUIDL\r\n";
  if (!f.has(Fault::bracket_text)) body += "RESP-CODES\r\nAUTH-RESP-CODE\r\n";
  body += "PIPELINING\r\n";
  body += limit_capabilities();
  // RFC 2449 #5: what AUTHORIZATION announces, TRANSACTION announces too
  // (USER and SASL are "announced states: both"); STLS is only permitted,
  // and so only listed, before login (RFC 2595 #4).
  // RFC 2595 #6 and RFC 4616 #1: PLAIN is not advertised in the clear when
  // TLS is to be had.
  bool plain = config_.tls_active || !config_.stls_offered || f.has(Fault::plain_in_clear);
  bool cram = !f.has(Fault::no_cram_md5);
  std::string mechanisms = std::string(plain ? " PLAIN" : "") + (cram ? " CRAM-MD5" : "");
  if ((state_ == SessionState::authorization || !f.has(Fault::capa_forgets_after_login)) && !cleartext_denied())
    body += "USER\r\n" + (mechanisms.empty() ? "" : "SASL" + mechanisms + "\r\n");
  if (f.has(Fault::bad_capa_line)) body += "X-HARNESS.FAULT  two-spaces\r\n";
  if (state_ == SessionState::authorization) {
    if (config_.stls_offered && (!config_.tls_active || config_.faults.has(Fault::stls_after_tls)))
      body += "STLS\r\n";
  }
  if (config_.utf8_lang) body += "UTF8 USER\r\nLANG\r\n";
  body += "IMPLEMENTATION " + config_.implementation + "\r\n";
  if (f.has(Fault::capa_unterminated)) {
    Reply r = ok("capability list follows");
    r.bytes += body;  // no terminating "." line, ever
    r.stall = true;
    return r;
  }
  return multiline("capability list follows", body);
}

// cleartext-denial-leaks: no login before TLS, like a server that requires
// it (RFC 8314 #4.1), but the refusal tells a right password from a wrong one.
bool Session::cleartext_denied() const {
  return config_.faults.has(Fault::cleartext_denial_leaks) && config_.stls_offered && !config_.tls_active;
}

}  // namespace pop3
