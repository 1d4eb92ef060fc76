#include "server/client_protocol_checks.hpp"

#include <algorithm>
#include <cctype>
#include <map>

#include "codec/command_line.hpp"
#include "net/transcript.hpp"
#include "util/base64.hpp"

namespace pop3 {
namespace {

using Violation = AutoCheck::Violation;

bool challenge(const std::string& reply) { return reply.starts_with("+ ") || reply == "+\r\n"; }

// The text of a "+ " challenge, without its CRLF.
std::string_view challenge_text(const std::string& reply) {
  std::string_view r(reply);
  r = r.substr(0, r.find("\r\n"));
  return r.size() > 2 ? r.substr(2) : std::string_view{};
}

// Whether a reply is exactly one POP3 response to the command: one status
// line, and for a positive answer to a multi-line command one body ending at
// the reply's end. A server that sent two answers (a scripted one, or the
// client fuzzer's) has the client read the rest of the session shifted by
// one: what the client does next answers replies the server did not mean,
// so a connection is judged only up to such a reply.
bool one_response(const std::string& line, const std::string& reply, bool answers_challenge) {
  std::string keyword = answers_challenge ? "" : line_keyword(line);
  auto parsed = answers_challenge ? std::nullopt : parse_command_line(line);
  bool multi = reply.starts_with("+OK") && parsed && multiline_if_ok(keyword, parsed->args.size());
  std::size_t first = reply.find("\r\n");
  if (first == std::string::npos) return false;
  if (!multi) return first + 2 == reply.size();
  if (reply.ends_with("\r\n.\r\n") && first + 2 == reply.size() - 3) return true;  // an empty body
  std::size_t end = reply.find("\r\n.\r\n", first);
  return end != std::string::npos && end + 5 == reply.size();
}

// RFC 1939 #4: after a refused login "the client may either issue a new
// authentication command and start again, or the client may issue the QUIT
// command". CAPA, STLS, UTF8 and LANG are AUTHORIZATION-state commands of the
// later extensions (RFC 2449, 2595, 6856), not a step further.
bool allowed_after_refusal(const std::string& keyword) {
  for (const char* k : {"USER", "APOP", "AUTH", "QUIT", "CAPA", "STLS", "UTF8", "LANG"})
    if (keyword == k) return true;
  return false;
}

AutoCheck login_sequence(const std::vector<const ServerEvent*>& commands, const Redactor& redactor) {
  AutoCheck c{"auto: PASS only right after +OK to USER; after a refused login, another login or QUIT", Severity::must,
              "rfc1939#7", Builtin::client_login_sequence};
  struct Connection {
    std::string previous;      // the last command's keyword ("SASL" for a SASL response)
    bool previous_ok = false;  // ... and whether it was answered +OK
    bool refused = false;      // the last login attempt was refused, and no new one began
    bool sasl = false;         // the last answer was a challenge
    bool shifted = false;      // the server answered once too often: not judged from the next command on
  };
  std::map<unsigned long, Connection> connections;
  for (const auto* e : commands) {
    Connection& k = connections[e->connection];
    if (k.shifted) continue;
    bool answers_challenge = std::exchange(k.sasl, challenge(e->reply));
    bool ok = e->reply.starts_with("+OK");
    k.shifted = !one_response(e->line, e->reply, answers_challenge);
    std::string keyword = answers_challenge ? "SASL" : line_keyword(e->line);
    std::string shown = answers_challenge ? "*** (a SASL response)" : escape_bytes(redactor.command(e->line), 200);
    if (!answers_challenge && keyword == "PASS" && !(k.previous == "USER" && k.previous_ok)) {
      bool after_refused_user = k.previous == "USER";
      c.violation = Violation{after_refused_user ? "the client sent PASS although the server refused its USER (RFC 1939 #7)"
                                                 : "the client sent PASS without a USER just before it (RFC 1939 #7)",
                              after_refused_user ? "a new authentication command, or QUIT" : "USER, then PASS", shown};
      break;
    }
    if (!answers_challenge && k.refused && !allowed_after_refusal(keyword)) {
      c.violation = Violation{"after a refused login the client sent " + keyword + " (RFC 1939 #4)",
                              "a new authentication command (USER, APOP, AUTH), or QUIT", shown};
      break;
    }
    bool login = keyword == "USER" || keyword == "PASS" || keyword == "APOP" || keyword == "AUTH" || keyword == "SASL";
    if (login && !k.sasl) k.refused = !ok;
    k.previous = keyword;
    k.previous_ok = ok;
  }
  return c;
}

// RFC 5034 #3: no initial response unless CAPA listed SASL; #4: an initial
// response is base64 or "=", and a challenge that is not base64 is answered
// "*" (servers and clients "MUST reject (and not ignore) any character not
// explicitly allowed by the Base64 alphabet").
AutoCheck sasl(const ClientRun& run, const std::vector<const ServerEvent*>& commands, const Redactor& redactor) {
  AutoCheck c{"auto: AUTH's initial response is base64 or '=' and needs SASL in CAPA; '*' answers a challenge that is not base64",
              Severity::must, "rfc5034#4", Builtin::client_sasl};
  // An AUTH line over 255 octets reached the server as an overlong line (refused).
  for (const auto& e : run.events)
    if (e.kind == ServerEvent::Kind::overlong && line_keyword(e.line) == "AUTH") {
      c.violation = Violation{"AUTH with an initial response makes a command over 255 octets: the response goes after "
                              "the server's challenge (RFC 5034 #4)",
                              "AUTH MECHANISM, then the response on its own line", escape_bytes(redactor.apply(e.line), 80) + "..."};
      return c;
    }
  struct Connection {
    bool sasl_listed = false, in_sasl = false, bad_challenge = false, shifted = false;
    std::string challenge;
  };
  std::map<unsigned long, Connection> connections;
  for (const auto* e : commands) {
    Connection& k = connections[e->connection];
    if (k.shifted) continue;
    k.shifted = !one_response(e->line, e->reply, k.in_sasl);
    if (k.in_sasl) {
      if (k.bad_challenge && e->line != "*") {
        c.violation = Violation{"the client answered a challenge that is not base64 with something other than '*' (RFC 5034 #4)",
                                "*", "challenge '" + escape_bytes(k.challenge, 80) + "', answered *** (a SASL response)"};
        break;
      }
    } else {
      std::string keyword = line_keyword(e->line);
      if (keyword == "CAPA" && e->reply.starts_with("+OK")) k.sasl_listed = capa_lists(e->reply, "SASL");
      auto parsed = keyword == "AUTH" ? parse_command_line(e->line) : std::nullopt;
      bool empty_initial = keyword == "AUTH" && e->line.ends_with(' ') &&
                           std::count(e->line.begin(), e->line.end() - 1, ' ') == 1 && !e->line.ends_with("  ");
      if (empty_initial) {
        c.violation = Violation{"AUTH with an empty initial response: a zero-length one is sent as '=' (RFC 5034 #4)",
                                "AUTH MECHANISM =", escape_bytes(redactor.command(e->line), 200)};
        break;
      }
      if (parsed && parsed->args.size() >= 2 && e->line.size() + 2 > 255) {
        c.violation = Violation{"AUTH with an initial response makes a command of " + std::to_string(e->line.size() + 2) +
                                    " octets: over 255, the response goes after the server's challenge (RFC 5034 #4)",
                                "AUTH MECHANISM, then the response on its own line", escape_bytes(redactor.command(e->line), 200)};
        break;
      }
      if (parsed && parsed->args.size() >= 2) {
        const std::string& initial = parsed->args[1];
        if (initial != "=" && !base64_decode(initial)) {
          c.violation = Violation{"the initial response to AUTH is neither base64 nor '=' (RFC 5034 #4)",
                                  "base64, or '=' for an empty one", escape_bytes(redactor.command(e->line), 200)};
          break;
        }
        if (!k.sasl_listed) {
          c.violation = Violation{"AUTH with an initial response, but CAPA listed no SASL on this connection (RFC 5034 #3)",
                                  "no initial response (or no AUTH)", escape_bytes(redactor.command(e->line), 200)};
          break;
        }
      }
    }
    k.in_sasl = challenge(e->reply);
    k.challenge = k.in_sasl ? std::string(challenge_text(e->reply)) : std::string();
    k.bad_challenge = k.in_sasl && !base64_decode(k.challenge);
  }
  return c;
}

// RFC 5034 #3: "clients SHOULD NOT attempt the AUTH command" unless CAPA
// lists SASL. One with an initial response is the MUST NOT of sasl().
AutoCheck auth_needs_sasl(const std::vector<const ServerEvent*>& commands, const Redactor& redactor) {
  AutoCheck c{"auto: no AUTH unless CAPA lists SASL", Severity::should, "rfc5034#3", Builtin::client_auth_needs_sasl};
  std::map<unsigned long, bool> listed, shifted;
  bool in_sasl = false;
  for (const auto* e : commands) {
    bool answers_challenge = std::exchange(in_sasl, challenge(e->reply));
    if (shifted[e->connection]) continue;
    shifted[e->connection] = !one_response(e->line, e->reply, answers_challenge);
    if (answers_challenge) continue;
    std::string keyword = line_keyword(e->line);
    if (keyword == "CAPA" && e->reply.starts_with("+OK")) listed[e->connection] = capa_lists(e->reply, "SASL");
    auto parsed = keyword == "AUTH" ? parse_command_line(e->line) : std::nullopt;
    if (parsed && parsed->args.size() == 1 && !listed[e->connection]) {
      c.violation = Violation{"the client tried AUTH although CAPA listed no SASL (RFC 5034 #3)", "USER/PASS or APOP",
                              escape_bytes(redactor.command(e->line), 200)};
      break;
    }
  }
  return c;
}

// RFC 2595 #4: "Once a client issues a STLS command, it MUST NOT issue
// further commands until a server response is seen and the TLS negotiation
// is complete." RFC 6856 #2.1: "Clients MUST NOT issue the STLS command
// after issuing UTF8."
AutoCheck stls_rules(const ClientRun& run, const Redactor& redactor) {
  AutoCheck c{"auto: nothing after STLS until the handshake; no STLS after UTF8", Severity::must, "rfc2595#4",
              Builtin::client_stls_rules};
  std::map<unsigned long, bool> utf8;
  for (const auto& e : run.events) {
    if (e.kind == ServerEvent::Kind::after_stls) {
      c.violation = Violation{"the client sent more after STLS before the TLS handshake (RFC 2595 #4)",
                              "nothing until +OK and the handshake", escape_bytes(redactor.apply(e.line), 200)};
      break;
    }
    if (e.kind != ServerEvent::Kind::command) continue;
    std::string keyword = line_keyword(e.line);
    if (keyword == "UTF8") utf8[e.connection] = true;
    if (keyword == "STLS" && utf8[e.connection]) {
      c.violation = Violation{"the client sent STLS after UTF8 (RFC 6856 #2.1)", "STLS before UTF8, or none", "UTF8 ... STLS"};
      break;
    }
  }
  return c;
}

// RFC 1939 #6: "The POP3 server does not actually delete the message until
// the POP3 session enters the UPDATE state" - at QUIT. A client that marks
// messages and drops the connection has deleted nothing, and finds them
// again. Not judged when the scenario's server misbehaves (fault:), since
// such a server may end the session first.
AutoCheck deletions_committed(const Scenario& scenario, const std::vector<const ServerEvent*>& commands) {
  AutoCheck c{"auto: a session that marked messages with DELE ends with QUIT", Severity::must, "rfc1939#6",
              Builtin::client_deletions_committed};
  if (!scenario.faults.empty()) {
    c.skipped = "not judged: the scenario's server fault may end the session itself";
    return c;
  }
  struct Connection {
    bool marked = false, shifted = false;
    std::string last;
  };
  std::map<unsigned long, Connection> connections;
  for (const auto* e : commands) {
    Connection& k = connections[e->connection];
    if (k.shifted) continue;
    k.shifted = !one_response(e->line, e->reply, false);
    k.last = line_keyword(e->line);
    bool ok = e->reply.starts_with("+OK");
    if (k.last == "DELE" && ok) k.marked = true;
    if (k.last == "RSET" && ok) k.marked = false;
  }
  for (const auto& [id, k] : connections)
    if (k.marked && !k.shifted && k.last != "QUIT") {
      c.violation = Violation{"the client marked messages with DELE, then ended the session without QUIT: nothing was deleted",
                              "QUIT after DELE", "connection " + std::to_string(id) + " ended after " + k.last};
      break;
    }
  return c;
}

// RFC 1939 #3: "Each argument may be up to 40 characters long." RFC 2449 #4
// raised the limit to a 255-octet command line for servers that answer CAPA;
// to one that did not (on this connection), the old limit holds. SASL
// responses are no commands.
AutoCheck argument_length(const std::vector<const ServerEvent*>& commands, const Redactor& redactor) {
  AutoCheck c{"auto: arguments of at most 40 characters unless CAPA was answered", Severity::must, "rfc1939#3",
              Builtin::client_argument_length};
  std::map<unsigned long, bool> capa;
  bool in_sasl = false;
  for (const auto* e : commands) {
    bool answers_challenge = std::exchange(in_sasl, challenge(e->reply));
    if (answers_challenge) continue;
    if (line_keyword(e->line) == "CAPA" && e->reply.starts_with("+OK")) capa[e->connection] = true;
    auto parsed = parse_command_line(e->line);
    if (!parsed || capa[e->connection]) continue;
    for (const auto& arg : parsed->args)
      if (arg.size() > 40) {
        c.violation = Violation{"an argument of " + std::to_string(arg.size()) +
                                    " characters to a server that did not answer CAPA (RFC 1939 #3: up to 40)",
                                "arguments of at most 40 characters", escape_bytes(redactor.command(e->line), 200)};
        return c;
      }
  }
  return c;
}

// RFC 8314 #3.4: the side that closes "SHOULD initiate the exchange of TLS
// close alerts before TCP connection termination". After QUIT the server
// sends its close_notify; a client that closes without its own (RFC 8446
// #6.1: "Each party MUST send a close_notify alert before closing its write
// side") leaves a truncation the server cannot tell from an attack.
AutoCheck close_notify(const ClientRun& run) {
  AutoCheck c{"auto: the client ends TLS with close_notify", Severity::should, "rfc8314#3.4", Builtin::client_close_notify};
  for (const auto& e : run.events)
    if (e.kind == ServerEvent::Kind::no_close_notify) {
      c.violation = Violation{"after QUIT the client closed the TLS connection without a close_notify alert (RFC 8314 #3.4)",
                              "close_notify, then the TCP close", "connection " + std::to_string(e.connection) +
                                                                      ": a TCP close alone"};
      break;
    }
  return c;
}

// RFC 6856 #2.2: "Clients MUST NOT use UTF-8 characters when authenticating
// if the server did not include the USER argument in the UTF8 capability
// response." USER, PASS and APOP arguments and AUTH's initial response as sent.
AutoCheck utf8_credentials(const std::vector<const ServerEvent*>& commands, const Redactor& redactor) {
  AutoCheck c{"auto: no UTF-8 in credentials unless CAPA lists UTF8 USER", Severity::must, "rfc6856#2.2",
              Builtin::client_utf8_credentials};
  std::map<unsigned long, bool> utf8_user;
  for (const auto* e : commands) {
    std::string keyword = line_keyword(e->line);
    if (keyword == "CAPA" && e->reply.starts_with("+OK"))
      utf8_user[e->connection] = e->reply.find("\r\nUTF8 USER") != std::string::npos;
    bool login = keyword == "USER" || keyword == "PASS" || keyword == "APOP" || keyword == "AUTH";
    bool eight_bit = std::any_of(e->line.begin(), e->line.end(), [](char ch) { return static_cast<unsigned char>(ch) >= 0x80; });
    if (login && eight_bit && !utf8_user[e->connection]) {
      c.violation = Violation{"the client logged in with octets outside ASCII, but CAPA listed no UTF8 USER (RFC 6856 #2.2)",
                              "ASCII credentials", escape_bytes(redactor.command(e->line), 200)};
      break;
    }
  }
  return c;
}

}  // namespace

bool capa_lists(std::string_view reply, std::string_view tag) {
  if (!reply.starts_with("+OK")) return false;
  for (std::size_t at = reply.find("\r\n"); at != std::string_view::npos;) {
    std::size_t start = at + 2, end = reply.find("\r\n", start);
    if (end == std::string_view::npos) break;
    std::string_view line = reply.substr(start, end - start);
    std::string_view name = line.substr(0, line.find(' '));
    bool same = name.size() == tag.size();
    for (std::size_t i = 0; same && i < name.size(); ++i)
      same = std::toupper(static_cast<unsigned char>(name[i])) == std::toupper(static_cast<unsigned char>(tag[i]));
    if (same) return true;
    at = end;
  }
  return false;
}

std::vector<AutoCheck> protocol_checks(const Scenario& scenario, const ClientRun& run,
                                       const std::vector<const ServerEvent*>& commands, const Redactor& redactor) {
  std::vector<AutoCheck> checks = {login_sequence(commands, redactor), sasl(run, commands, redactor),
                                   auth_needs_sasl(commands, redactor), deletions_committed(scenario, commands),
                                   argument_length(commands, redactor), utf8_credentials(commands, redactor)};
  if (scenario.tls == "stls" || scenario.tls == "stls-offered") checks.push_back(stls_rules(run, redactor));
  if (scenario.tls != "none" && !scenario.tls.empty()) checks.push_back(close_notify(run));
  return checks;
}

}  // namespace pop3
