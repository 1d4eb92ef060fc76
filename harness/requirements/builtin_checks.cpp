#include "requirements/builtin_checks.hpp"

#include <stdexcept>

namespace pop3 {

const std::vector<BuiltinCheck>& builtin_checks() {
  using B = Builtin;
  // Only what the check really decides: a check that merely tolerates a
  // behaviour (USER with an unknown name, a second USER) cites nothing for it.
  static const std::vector<BuiltinCheck> checks = {
      {B::status_line, "every status line is +OK or -ERR, in upper case", "run, prop, fuzz",
       {"1939-3-RESP-1", "1939-3-RESP-4"}},
      {B::line_ends, "every line ends with CRLF; only '.' CRLF ends a multi-line body", "run, prop, fuzz",
       {"1939-3-RESP-2", "1939-3-ML-1", "1939-3-ML-2"}},
      {B::status_line_length, "a status line (the greeting included) is at most 512 octets", "run, prop, fuzz",
       {"1939-3-RESP-3", "2449-4-LEN-3", "2449-3-GRAM-2"}},
      {B::answers_each_command, "every command is answered within the deadline, the connection kept", "run, prop, fuzz",
       {"1939-5-RESP-1"}},
      {B::greeting, "a positive one-line greeting", "run, prop", {"1939-3-GREET-1", "1939-4-GREET-2"}},
      {B::certificate, "the server's certificate verifies against the trust store and names the host", "run",
       {"8314-4.4-CERT-1"}},
      {B::prop_authorization, "prop: USER, PASS, APOP and QUIT before login", "prop",
       {"1939-7-PASS-1", "1939-7-PASS-2", "1939-7-APOP-7", "1939-7-APOP-8", "1939-4-QUIT-1"}},
      {B::prop_state, "prop: commands outside their state are refused", "prop",
       {"1939-3-ERR-4", "1939-5-STAT-1", "1939-5-LIST-1", "1939-5-RETR-3", "1939-5-DELE-3", "1939-5-NOOP-1",
        "1939-5-RSET-1", "1939-7-TOP-3", "1939-7-UIDL-1", "1939-7-USER-1"}},
      {B::prop_maildrop, "prop: STAT, LIST, RETR, TOP, UIDL, DELE, RSET and NOOP against the maildrop model", "prop",
       {"1939-5-STAT-2", "1939-5-STAT-3", "1939-5-LIST-2", "1939-5-LIST-3", "1939-5-LIST-4", "1939-5-LIST-6",
        "1939-5-LIST-9", "1939-5-RETR-2", "1939-5-RETR-4", "1939-5-DELE-2", "1939-5-DELE-4", "1939-5-DELE-5",
        "1939-5-DELE-7", "1939-5-RSET-2", "1939-5-NOOP-2", "1939-7-TOP-2", "1939-7-TOP-4", "1939-7-TOP-5",
        "1939-7-UIDL-2", "1939-7-UIDL-3", "1939-7-UIDL-4", "1939-7-UIDL-11", "1939-11-SIZE-1"}},
      {B::prop_update, "prop: QUIT commits the marks, a dropped session commits nothing", "prop",
       {"1939-6-UPD-1", "1939-6-UPD-2", "1939-6-UPD-3", "1939-6-QUIT-1", "1939-6-QUIT-2", "1939-6-QUIT-3", "1939-8-OPS-2"}},
      {B::prop_unique_ids, "prop: unique-ids stay the same across sessions and differ between messages", "prop",
       {"1939-7-UIDL-7", "1939-7-UIDL-8", "1939-7-UIDL-9"}},
      {B::fuzz_unknown_command, "fuzz: an unknown or malformed command is refused", "fuzz",
       {"1939-3-ERR-1", "1939-3-ERR-3"}},
      {B::fuzz_missing_argument, "fuzz: a command without its required argument is refused", "fuzz",
       {"1939-3-ERR-3", "1939-5-RETR-1", "1939-5-DELE-1"}},
      {B::fuzz_byte_stuffing, "fuzz: body lines starting with '.' are byte-stuffed", "fuzz", {"1939-3-ML-3"}},
      {B::fuzz_continuation, "fuzz: a '+ ' continuation answers only AUTH", "fuzz", {"1939-3-RESP-1"}},
      // No RFC sentence forbids a command after QUIT; the check guards the
      // test's own premise (the session is over) and cites nothing.
      {B::client_nothing_after_quit, "auto: nothing after QUIT", "client role", {}},
      {B::client_well_formed, "auto: every command is well-formed", "client role",
       {"1939-3-CMD-2", "1939-3-CMD-3", "1939-3-CMD-4", "1939-3-CMD-5", "2449-3-GRAM-1", "2449-4-LEN-4"}},
      {B::client_pipelining, "auto: no pipelining unless PIPELINING is advertised", "client role", {"2449-6.6-PIPE-5"}},
      {B::client_injection, "auto: plaintext injected after +OK to STLS is not taken for a TLS response", "client role",
       {"2595-4-STLS-10"}},
      {B::client_credentials_after_stls, "auto: no credentials before STLS", "client role",
       {"2595-2.2-PRIV-2", "8314-5.2-MIN-1"}},
      {B::client_login_sequence, "auto: PASS only right after +OK to USER; after a refused login, a new one or QUIT",
       "client role", {"1939-7-USER-2", "1939-7-USER-3", "1939-4-RETRY-2"}},
      {B::client_sasl, "auto: AUTH's initial response is base64 or '=', none without SASL in CAPA; '*' to a challenge that is not base64",
       "client role", {"5034-4-IR-1", "5034-3-CAP-2", "5034-4-B64-2", "5034-4-B64-4", "5034-4-ZERO-1", "5034-4-LEN-1"}},
      {B::client_auth_needs_sasl, "auto: no AUTH unless CAPA lists SASL", "client role", {"5034-3-CAP-1"}},
      {B::client_stls_rules, "auto: nothing after STLS until the handshake; no STLS after UTF8", "client role",
       {"2595-4-STLS-4", "6856-2.1-UTF8-7"}},
      {B::client_argument_length, "auto: arguments of at most 40 characters unless CAPA was answered", "client role",
       {"1939-3-CMD-6"}},
      {B::client_utf8_credentials, "auto: no UTF-8 in credentials unless CAPA lists UTF8 USER", "client role",
       {"6856-2.2-USER-5"}},
      {B::client_close_notify, "auto: the client ends TLS with close_notify", "client role", {"8314-3.4-CLOSE-2"}},
      {B::client_deletions_committed, "auto: a session that marked messages with DELE ends with QUIT", "client role",
       {"1939-6-QUIT-5"}},
  };
  return checks;
}

const std::vector<std::string_view>& requirements_of(Builtin check) {
  for (const auto& c : builtin_checks())
    if (c.check == check) return c.ids;
  throw std::logic_error("a built-in check without a declaration");
}

std::vector<std::string> requirement_ids(Builtin check) {
  const auto& ids = requirements_of(check);
  return {ids.begin(), ids.end()};
}

}  // namespace pop3
