// The steps of a server-role scenario (the harness is the server, a client
// command the peer): how the scripted server deviates, and what the client must do.
#include <algorithm>

#include "model/faults.hpp"
#include "scenario/escapes.hpp"
#include "scenario/parser_impl.hpp"

namespace pop3::detail {

namespace {

constexpr int kMaxClientRuns = 5;

}  // namespace

// The steps of a server-role scenario; false for the shared ones
// (severity:, rfc:, use:).
bool Parser::server_step(const Where& at, const std::string& key, std::string_view value, std::size_t col) {
  if (key == "severity" || key == "rfc" || key == "use") return false;
  if (key == "greeting") {
    sc_.greeting = expand(at, value, col);
    in_override_ = false;
  } else if (key == "run") {
    std::string next = std::to_string(sc_.runs + 1);
    if (value != next) fail(at, col, "runs are numbered in order from 2: expected 'run: " + next + "'");
    if (sc_.runs >= kMaxClientRuns) fail(at, col, "at most " + std::to_string(kMaxClientRuns) + " runs");
    ++sc_.runs;
    in_override_ = false;
  } else if (key == "deliver") {
    if (sc_.runs == 1) fail(at, 1, "'deliver:' adds mail between runs of the client: it follows a 'run: N' line");
    if (!valid_fixture_name(value)) fail(at, col, "a fixture is a folder name under fixtures/, or folder/file for one message");
    sc_.deliveries.push_back({sc_.runs, std::string(value)});
    in_override_ = false;
  } else if (key == "fault") {
    auto fault = parse_fault_spec(value);
    if (!fault) fail(at, col, "unknown fault '" + std::string(value) + "' (pop3-harness serve --fault help)");
    if (info(fault->fault).aborts)
      fail(at, col, "fault '" + std::string(value) + "' aborts the process: only 'pop3-harness serve --fault' takes it");
    sc_.faults.emplace_back(value);
    in_override_ = false;
  } else if (key == "certificate") {
    bool known = false;
    for (const char* k : {"good", "self-signed", "unknown-ca", "wrong-host", "expired", "san-not-cn", "upper-case-name",
                          "wildcard-only", "many-names"})
      known |= value == k;
    if (!known)
      fail(at, col, "certificate must be good, self-signed, unknown-ca, wrong-host, expired, san-not-cn, "
                    "upper-case-name, wildcard-only or many-names");
    sc_.certificate = value;
    in_override_ = false;
  } else if (key == "host") {
    if (value != "127.0.0.1" && value != "localhost") fail(at, col, "host must be 127.0.0.1 or localhost");
    sc_.host = value;
    in_override_ = false;
  } else if (key == "tls-versions") {
    if (value != "1.2" && value != "1.0") fail(at, col, "tls-versions must be 1.2 (that alone) or 1.0 (that alone)");
    sc_.tls_versions = value;
    in_override_ = false;
  } else if (key == "tls-ciphers") {
    if (value != "recommended") fail(at, col, "tls-ciphers must be 'recommended' (RFC 7525's AES-GCM suites, TLS 1.2 alone)");
    sc_.tls_ciphers = value;
    in_override_ = false;
  } else if (key == "inject") {
    std::size_t space = value.find(' ');
    std::string_view mode = value.substr(0, space);
    if ((mode != "same-segment" && mode != "separate-segment") || space == std::string_view::npos)
      fail(at, col, "expected 'inject: same-segment|separate-segment BYTES' (escapes \\r \\n \\xHH)");
    sc_.inject = Scenario::Injection{mode == "separate-segment", unescape(expand(at, value.substr(space + 1), col + space + 1))};
    in_override_ = false;
  } else if (key == "on") {
    Override o;
    o.text = value;
    try {
      o.pattern = Pattern::compile(value);
    } catch (const PatternError& e) {
      fail(at, col + e.column, e.what());
    }
    sc_.overrides.push_back(std::move(o));
    in_override_ = true;
  } else if (key == "S" || key == "SEND") {
    if (!in_override_) fail(at, 1, "in a server-role scenario, S: and SEND: lines follow an 'on: COMMAND' line");
    std::string text = expand(at, value, col);
    sc_.overrides.back().response += key == "S" ? text + "\r\n" : unescape(text);
  } else if (key == "expect") {
    server_expect(at, value, col);
    in_override_ = false;
  } else {
    fail(at, 1, "unknown step '" + key + ":' in a server-role scenario (greeting, fault, certificate, host, "
                "tls-versions, tls-ciphers, inject, on, S, SEND, expect, run, deliver, use, severity, rfc)");
  }
  return true;
}

// What the scripted server sends: {repeat:N:TEXT} expanded ({{ for a brace).
std::string Parser::expand(const Where& at, std::string_view value, std::size_t col) {
  try {
    return substitute(value, {});
  } catch (const PatternError& e) {
    fail(at, col + e.column, e.what());
  }
}

void Parser::server_expect(const Where& at, std::string_view value, std::size_t col) {
  Step s;
  s.kind = Step::Kind::client_expect;
  s.file = at.file;
  s.line = at.line;
  s.text = value;
  s.severity = severity_;
  s.rfc = rfc_;
  s.words = split_words(value);
  s.run = sc_.runs;
  const auto& w = s.words;
  auto is_count = [](const std::string& n) {
    return !n.empty() && n.size() < 5 && std::all_of(n.begin(), n.end(), ::isdigit);
  };
  bool pattern = !w.empty() && (w[0] == "sent" || w[0] == "not-sent" || w[0] == "last") && w.size() >= 2;
  bool at_most = w.size() >= 3 && w[0] == "at-most" && is_count(w[1]);
  bool ok = pattern || at_most ||
            (w.size() == 3 && w[0] == "connections" && w[1] == "at-most" && is_count(w[2])) ||
            (w.size() == 2 && w[0] == "exit") ||
            (w.size() == 2 && w[0] == "saved" &&
             (w[1] == "all" || w[1] == "none" || w[1] == "complete" ||
              (w[1].size() < 7 && std::all_of(w[1].begin(), w[1].end(), ::isdigit))));
  if (!ok)
    fail(at, col, "expected 'expect: sent|not-sent|last PATTERN', 'expect: at-most N PATTERN', "
                  "'expect: connections at-most N', 'expect: exit N|nonzero' or 'expect: saved all|none|complete|N'");
  if (w[0] == "exit" && w[1] != "nonzero" && !std::all_of(w[1].begin(), w[1].end(), ::isdigit))
    fail(at, col + 5, "expected an exit status or 'nonzero'");
  if (pattern || at_most) {
    std::string_view rest = value.substr(value.find(w[0]) + w[0].size());
    if (at_most) {
      rest.remove_prefix(std::min(rest.size(), rest.find_first_not_of(' ')));
      rest.remove_prefix(w[1].size());
    }
    rest.remove_prefix(std::min(rest.size(), rest.find_first_not_of(' ')));
    try {
      s.pattern = Pattern::compile(rest);
    } catch (const PatternError& e) {
      fail(at, col + static_cast<std::size_t>(rest.data() - value.data()) + e.column, e.what());
    }
  }
  sc_.steps.push_back(std::move(s));
}

}  // namespace pop3::detail
