#pragma once
#include <string>
#include <string_view>
#include <vector>

namespace pop3 {

// The checks the harness makes on its own, outside the scenario files: on
// every response it reads, in the property model's judge, in the fuzzer's
// oracles and on every client it serves. Each declares the requirement ids it
// verifies (requirements/catalog.tsv); the check cites them in its findings
// and `pop3-harness coverage` counts them. A unit test refuses an id the
// catalog lacks.
enum class Builtin {
  // run, prop and fuzz: every response
  status_line,         // +OK or -ERR, upper case, then text
  line_ends,           // CRLF after every line, nothing but "." CRLF ends a body
  status_line_length,  // 512 octets with the CRLF, the greeting included
  answers_each_command,  // an answer within the deadline, the connection kept
  greeting,            // a positive one-line greeting
  certificate,         // the TLS certificate verifies and names the host
  // prop: the maildrop model's judge
  prop_authorization,  // USER, PASS, APOP and QUIT before login
  prop_state,          // commands outside their state refused
  prop_maildrop,       // STAT, LIST, RETR, TOP, UIDL, DELE, RSET, NOOP against the model
  prop_update,         // QUIT commits the marks, a dropped session commits nothing
  prop_unique_ids,     // unique-ids stable across sessions, distinct between messages
  // fuzz: the oracles
  fuzz_unknown_command,  // an unknown or malformed command is refused
  fuzz_missing_argument,  // a command without its required argument is refused
  fuzz_byte_stuffing,  // body lines starting with "." are stuffed
  fuzz_continuation,   // "+ " only answers AUTH
  // the client role: every client run
  client_nothing_after_quit,
  client_well_formed,
  client_pipelining,
  client_injection,
  client_credentials_after_stls,
  client_login_sequence,  // PASS only after +OK to USER; after a refused login, a new one or QUIT
  client_sasl,            // AUTH's initial response and the "*" cancellation (RFC 5034)
  client_auth_needs_sasl, // no AUTH unless CAPA lists SASL
  client_stls_rules,      // nothing after STLS before the handshake; no STLS after UTF8
  client_deletions_committed,  // a session with messages marked by DELE ends with QUIT
  client_argument_length,      // arguments of 40 characters at most to a server that did not answer CAPA
  client_close_notify,         // the client ends TLS with close_notify
  client_utf8_credentials,     // no UTF-8 in credentials unless CAPA lists UTF8 USER
};

struct BuiltinCheck {
  Builtin check;
  std::string_view name;   // as the README and reports name it
  std::string_view where;  // the subcommands that make it
  std::vector<std::string_view> ids;
};

const std::vector<BuiltinCheck>& builtin_checks();
const std::vector<std::string_view>& requirements_of(Builtin check);
// The same ids as strings, for a finding to carry.
std::vector<std::string> requirement_ids(Builtin check);

}  // namespace pop3
