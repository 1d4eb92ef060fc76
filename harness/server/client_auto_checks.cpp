#include "server/client_auto_checks.hpp"

#include <algorithm>
#include <set>

#include "codec/command_line.hpp"
#include "server/client_protocol_checks.hpp"
#include "net/transcript.hpp"

namespace pop3 {
namespace {

using Violation = AutoCheck::Violation;

// The first line of an ASan, LSan, MSan, TSan or UBSan report in the output.
std::optional<std::string> sanitizer_report(const std::string& output) {
  for (const char* marker : {"ERROR: AddressSanitizer", "ERROR: LeakSanitizer", "WARNING: MemorySanitizer",
                             "WARNING: ThreadSanitizer", "runtime error: "}) {
    std::size_t at = output.find(marker);
    if (at == std::string::npos) continue;
    std::size_t start = output.rfind('\n', at);
    start = start == std::string::npos ? 0 : start + 1;
    std::size_t end = output.find('\n', at);
    std::size_t length = std::min<std::size_t>(end == std::string::npos ? output.size() - start : end - start, 300);
    return escape_bytes(output.substr(start, length), 300);
  }
  return std::nullopt;
}

// No RFC sets a time limit on a client; one that never gives up on a stalled
// or endless server hangs its user (CWE-400, uncontrolled resource
// consumption). A robustness expectation: SHOULD, and the limit is
// --client-timeout.
AutoCheck finishes(const ClientRun& run) {
  AutoCheck c{"auto: the client finishes within --client-timeout", Severity::should, ""};
  std::string limit = std::to_string(static_cast<long>(run.limit_seconds)) + " s";
  if (run.timed_out)
    c.violation = Violation{"the client was still running at the time limit (" + limit + ", --client-timeout) and was killed",
                            "exit within " + limit, "timed out"};
  return c;
}

// A crash on what a server sent is a memory-safety defect (CWE-119 class):
// MUST. The harness's own kill at the time limit is no crash.
AutoCheck no_crash(const ClientRun& run) {
  AutoCheck c{"auto: the client does not crash", Severity::must, ""};
  if (run.timed_out) {
    c.skipped = "not judged: the harness killed the client at the time limit";
  } else if (run.signal) {
    std::string sig = std::to_string(run.signal);
    c.violation = Violation{"the client was killed by signal " + sig, "a normal exit", "signal " + sig};
  } else if (auto report = sanitizer_report(run.output)) {
    // A client built with sanitizers may report and carry on, or exit 1.
    c.violation = Violation{"the client reported a memory or undefined-behaviour error", "no sanitizer report", *report};
  }
  return c;
}

AutoCheck nothing_after_quit(const ClientRun& run) {
  AutoCheck c{"auto: nothing after QUIT", Severity::must, "rfc1939#6", Builtin::client_nothing_after_quit};
  for (const auto& e : run.events)
    if (e.kind == ServerEvent::Kind::after_quit) {
      c.violation = Violation{"the client sent more after QUIT", "nothing after QUIT", escape_bytes(e.line, 200)};
      break;
    }
  return c;
}

// RFC 2449 #3 and #4: a keyword, arguments separated by one space, printable
// characters, 255 octets at most with the CRLF. SASL continuation lines
// (after a "+ " challenge) are base64, not commands.
AutoCheck well_formed(const ClientRun& run, const Redactor& redactor) {
  AutoCheck c{"auto: every command is well-formed", Severity::must, "rfc2449#4", Builtin::client_well_formed};
  bool continuation = false;
  for (const auto& e : run.events) {
    if (e.kind == ServerEvent::Kind::unterminated) {
      c.violation = Violation{"the client ended a command line with LF alone, not CRLF (RFC 1939 #3)", "KEYWORD [ARG ...] CRLF",
                              escape_bytes(redactor.apply(e.line), 200)};
      break;
    }
    if (e.kind == ServerEvent::Kind::overlong) {
      c.violation = Violation{"the client sent a command line over 255 octets (CRLF included)", "at most 255 octets",
                              escape_bytes(redactor.apply(e.line), 80) + "..."};
      break;
    }
    if (e.kind != ServerEvent::Kind::command) continue;
    bool was_continuation = continuation;
    continuation = e.reply.starts_with("+ ") || e.reply == "+\r\n";
    if (was_continuation) continue;
    CommandLineError why;
    bool printable = std::all_of(e.line.begin(), e.line.end(), [](char ch) { return ch >= 0x20 && ch < 0x7f; });
    if (!parse_command_line(e.line, &why) || !printable) {
      c.violation = Violation{
          "the client sent a malformed command: " + (printable ? why.reason : std::string("a byte outside printable ASCII")),
          "KEYWORD [ARG ...], printable ASCII, single spaces", escape_bytes(redactor.command(e.line), 200)};
      break;
    }
  }
  return c;
}

// RFC 2449 #6.6: only a server that lists PIPELINING may be sent several
// commands without waiting for each response.
AutoCheck pipelining(const std::vector<const ServerEvent*>& commands, const Redactor& redactor) {
  AutoCheck c{"auto: no pipelining unless PIPELINING is advertised", Severity::must, "rfc2449#6.6", Builtin::client_pipelining};
  std::set<unsigned long> allowed;
  for (const auto* e : commands) {
    if (line_keyword(e->line) == "CAPA" && capa_lists(e->reply, "PIPELINING")) allowed.insert(e->connection);
    if (e->pipelined && !allowed.contains(e->connection)) {
      c.violation = Violation{"the client pipelined a command the server did not allow", "wait for each response",
                              redactor.command(e->line) + " (sent with the previous command)"};
      break;
    }
  }
  return c;
}

// The server held its first answer inside TLS: a client that acted without
// it had taken the injected plaintext for that answer.
AutoCheck injection(const ClientRun& run, const Redactor& redactor) {
  AutoCheck c{"auto: plaintext injected after +OK to STLS is not taken for a TLS response", Severity::must, "rfc2595#4", Builtin::client_injection};
  for (const auto& e : run.events)
    if (e.kind == ServerEvent::Kind::early) {
      std::string then = e.reply == "closed" ? std::string("closed") : "sent " + escape_bytes(redactor.apply(e.reply), 120);
      c.violation = Violation{"the client used plaintext sent before the handshake as the answer to its first command inside TLS",
                              "wait for the answer inside TLS (or give up)",
                              redactor.command(e.line) + " answered by the injected bytes; then the client " + then};
      break;
    }
  return c;
}

AutoCheck credentials_after_stls(const std::vector<const ServerEvent*>& commands, const Redactor& redactor) {
  AutoCheck c{"auto: no credentials before STLS", Severity::must, "rfc2595#4", Builtin::client_credentials_after_stls};
  for (const auto* e : commands) {
    std::string k = line_keyword(e->line);
    if (!e->tls && (k == "USER" || k == "PASS" || k == "APOP" || k == "AUTH")) {
      c.violation = Violation{"the client sent credentials in the clear although told to use STLS", "STLS first",
                              redactor.command(e->line)};
      break;
    }
  }
  return c;
}

}  // namespace

std::vector<AutoCheck> automatic_checks(const Scenario& scenario, const ClientRun& run,
                                        const std::vector<const ServerEvent*>& commands, const Redactor& redactor) {
  std::vector<AutoCheck> checks = {finishes(run), no_crash(run), nothing_after_quit(run), well_formed(run, redactor),
                                   pipelining(commands, redactor)};
  if (scenario.inject) checks.push_back(injection(run, redactor));
  if (scenario.tls == "stls") checks.push_back(credentials_after_stls(commands, redactor));
  for (auto& c : protocol_checks(scenario, run, commands, redactor)) checks.push_back(std::move(c));
  return checks;
}

}  // namespace pop3
