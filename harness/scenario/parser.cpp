#include "scenario/parser.hpp"

#include <algorithm>
#include <cctype>
#include <fstream>
#include <sstream>

#include "requirements/catalog.hpp"
#include "scenario/parser_impl.hpp"

namespace fs = std::filesystem;

namespace pop3 {

const char* to_string(Severity s) {
  switch (s) {
    case Severity::must: return "MUST";
    case Severity::should: return "SHOULD";
    case Severity::may: return "MAY";
    case Severity::info: return "INFO";
  }
  return "?";
}

bool Step::is_check() const {
  switch (kind) {
    case Kind::body: return words.empty() || words[0] != "save";
    case Kind::expect_line: case Kind::expect_regex: case Kind::check:
    case Kind::closed: case Kind::silence: case Kind::autologout: case Kind::client_expect:
    case Kind::tls: case Kind::probe: case Kind::info: case Kind::login: return true;
    default: return false;
  }
}

std::string Step::label() const {
  switch (kind) {
    case Kind::send: return "C: " + text;
    case Kind::send_raw: return "SEND: " + text;
    case Kind::expect_line: return "S: " + text;
    case Kind::expect_regex: return (negated ? "S!~: " : "S~: ") + text;
    case Kind::body: return "body: " + text;
    case Kind::check: return "check: " + text;
    case Kind::closed: return "expect: closed";
    case Kind::silence: case Kind::autologout: return "expect: " + text;
    case Kind::connection: return "conn: " + text;
    case Kind::drop: return "drop:";
    case Kind::client_expect: return "expect: " + text;
    case Kind::tls: return "tls: " + text;
    case Kind::probe: return "probe: " + text;
    case Kind::info: return "info: " + text;
    case Kind::login: return text.empty() ? "login:" : "login: " + text;
    case Kind::refusable: return "refusable: " + text;
  }
  return text;
}

namespace detail {

namespace {

constexpr int kMaxIncludeDepth = 8;
constexpr std::size_t kMaxErrors = 20;  // a file that is not a scenario at all stops there
constexpr std::size_t kMaxScenarioBytes = 4u << 20;

std::string read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  if (!in) throw ParseError({p.string(), 0, 1, "cannot read file", ""});
  std::ostringstream ss;
  ss << in.rdbuf();
  std::string text = ss.str();
  if (text.size() > kMaxScenarioBytes) throw ParseError({p.string(), 0, 1, "file larger than 4 MiB", ""});
  return text;
}

std::optional<Severity> parse_severity(std::string_view s) {
  if (s == "MUST") return Severity::must;
  if (s == "SHOULD") return Severity::should;
  if (s == "MAY") return Severity::may;
  if (s == "INFO") return Severity::info;
  return std::nullopt;
}

const std::vector<std::string> kHeaders = {"scenario", "rfc",  "severity", "group", "fixture", "requires",
                                           "requirements", "advisories", "role", "connect", "keep", "mailbox", "tls",
                                           "slow"};

}  // namespace

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

std::vector<std::string> split_words(std::string_view s) {
  std::vector<std::string> out;
  std::istringstream in{std::string(s)};
  for (std::string w; in >> w;) out.push_back(w);
  return out;
}

std::string_view strip_comment(std::string_view line) {
  for (std::size_t i = 1; i < line.size(); ++i) {
    if (line[i] != '#' || (line[i - 1] != ' ' && line[i - 1] != '\t')) continue;
    if (i + 1 == line.size() || line[i + 1] == ' ' || line[i + 1] == '\t') return line.substr(0, i);
  }
  return line;
}

void Parser::fail(const Where& at, std::size_t col, const std::string& msg) {
  throw ParseError({at.file, at.line, static_cast<int>(col), msg, at.text});
}

void Parser::parse(const std::string& file, std::string_view text, int depth, bool is_include) {
  int line_no = 0;
  bool in_header = !is_include;
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t nl = text.find('\n', start);
    std::string_view raw = text.substr(start, nl == std::string_view::npos ? text.size() - start : nl - start);
    start = nl == std::string_view::npos ? text.size() + 1 : nl + 1;
    ++line_no;
    if (!raw.empty() && raw.back() == '\r') raw.remove_suffix(1);
    Where at{file, line_no, std::string(raw)};
    std::string_view line = trim(strip_comment(raw));
    if (line.empty() || line.front() == '#') continue;
    try {
      std::size_t colon = line.find(':');
      if (colon == std::string_view::npos) fail(at, 1, "expected 'KEY: value' (e.g. 'C: STAT' or 'S: +OK {*}')");
      std::string key(line.substr(0, colon));
      std::string_view value = colon + 1 < line.size() && line[colon + 1] == ' ' ? line.substr(colon + 2)
                                                                                  : line.substr(colon + 1);
      // 1-based, like a compiler's: the column of the value's first character.
      std::size_t value_col = static_cast<std::size_t>(value.data() - raw.data()) + 1;
      if (in_header && header(at, key, trim(value), value_col)) continue;
      if (in_header) {
        in_header = false;
        severity_ = sc_.severity;
        rfc_ = sc_.rfc;
        if (sc_.name.empty()) fail(at, 1, "the header needs 'scenario: <name>' before the first step");
      }
      step(at, key, value, value_col, depth);
    } catch (const ParseError& e) {
      // An include's first error stands for it, at the including line.
      if (is_include) throw;
      errors_.insert(errors_.end(), e.diagnostics.begin(), e.diagnostics.end());
      if (errors_.size() >= kMaxErrors) break;
    }
  }
  if (is_include) {
    if (in_header && sc_.name.empty()) fail({file, line_no, ""}, 1, "missing 'scenario:' header");
    return;
  }
  try {
    if (in_header && sc_.name.empty()) fail({file, line_no, ""}, 1, "missing 'scenario:' header");
    final_checks(file);
  } catch (const ParseError& e) {
    errors_.insert(errors_.end(), e.diagnostics.begin(), e.diagnostics.end());
  }
  if (!errors_.empty()) throw ParseError(std::move(errors_));
}

void Parser::final_checks(const std::string& file) {
  if (!sc_.steps.empty() && sc_.steps.back().kind == Step::Kind::refusable)
    fail({file, sc_.steps.back().line, ""}, 1, "'refusable:' goes right before an S: or S~: step");
  if (sc_.server_role && !sc_.connect.empty())
    fail({file, 1, ""}, 1, "'connect:' is for client-role scenarios; a server-role scenario sets 'tls:'");
  if (!sc_.server_role && sc_.fixture.find('/') != std::string::npos)
    fail(fixture_at_, fixture_col_, "a one-message fixture (folder/file) is for server-role scenarios; "
                                    "a target's --reset-cmd receives a whole fixture folder");
}

bool Parser::header(const Where& at, const std::string& key, std::string_view value, std::size_t col) {
  if (key == "scenario") sc_.name = value;
  else if (key == "rfc") sc_.rfc = value;
  else if (key == "fixture") {
    if (!valid_fixture_name(value)) fail(at, col, "a fixture is a folder name under fixtures/, or folder/file for one message");
    sc_.fixture = value;
    fixture_at_ = at;
    fixture_col_ = col;
  } else if (key == "group") sc_.group = value;
  else if (key == "requires") requires_header(at, value, col);
  else if (key == "requirements") requirements_header(at, value, col);
  else if (key == "advisories") advisories_header(at, value, col);
  else if (key == "mailbox") {
    if (value != "any" && value != "fixture") fail(at, col, "mailbox must be 'fixture' (the default) or 'any'");
    sc_.mailbox_any = value == "any";
    mailbox_at_ = at;
  } else if (key == "role") {
    if (value != "server" && value != "client") fail(at, col, "role must be 'client' (the default) or 'server'");
    sc_.server_role = value == "server";
  } else if (key == "tls" && sc_.server_role) {  // in a client-role scenario, 'tls:' is a step
    // stls-offered: the server offers STLS, but the client is not told to use
    // TLS ({tls} is none): what does it do when TLS is to be had?
    if (value != "none" && value != "stls" && value != "implicit" && value != "stls-offered")
      fail(at, col, "tls must be none, stls, implicit or stls-offered");
    sc_.tls = value;
  } else if (key == "connect") {
    if (value != "plain" && value != "implicit" && value != "tls") fail(at, col, "connect must be plain, implicit or tls");
    sc_.connect = value;
  } else if (key == "slow") {
    sc_.slow = value;  // how long it takes, for the skip reason: run only with --slow
  } else if (key == "keep") {
    if (value != "yes" && value != "no") fail(at, col, "keep must be yes or no");
    sc_.keep = value == "yes";
  } else if (key == "severity") {
    auto s = parse_severity(value);
    if (!s) fail(at, col, "severity must be MUST, SHOULD, MAY or INFO");
    sc_.severity = *s;
  } else {
    return false;
  }
  if (value.empty()) fail(at, col, "'" + key + ":' needs a value");
  return true;
}

// A typo in 'requires:' would skip the scenario against every server.
void Parser::requires_header(const Where& at, std::string_view value, std::size_t col) {
  sc_.requires_caps = split_words(value);
  std::size_t offset = 0;
  for (const auto& tag : sc_.requires_caps) {
    offset = value.find(tag, offset);
    if (!known_capability(tag)) {
      auto guess = closest(tag, registered_capabilities());
      fail(at, col + offset, "'" + tag + "' is not a POP3 capability (IANA registry: RFC 2449, 2595, 3206, 6856), "
                             "an X- one, APOP or SASL:MECH" + (guess ? "; did you mean '" + *guess + "'?" : ""));
    }
    offset += tag.size();
  }
}

// CVE-2007-1558, CWE-134, bugtraq:10976, fetchmail-SA:2007-01: a name, then
// an id of letters, digits, dots and hyphens.
void Parser::advisories_header(const Where& at, std::string_view value, std::size_t col) {
  std::size_t offset = 0;
  for (const auto& id : split_words(std::string(value))) {
    offset = value.find(id, offset);
    std::size_t cut = id.starts_with("CVE-") || id.starts_with("CWE-") ? 3 : id.find(':');
    bool ok = cut != std::string::npos && cut > 0 && cut + 1 < id.size() &&
              std::all_of(id.begin(), id.end(), [](char c) {
                return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.' || c == ':' || c == '_';
              });
    if (!ok) fail(at, col + offset, "'" + id + "' is not an advisory (CVE-2007-1558, CWE-134, bugtraq:10976, NAME:ID)");
    sc_.advisories.push_back(id);
    offset += id.size();
  }
}

// Ids of the requirement catalog; whether each exists is checked against
// the catalog when the scenarios run (the parser reads no files).
void Parser::requirements_header(const Where& at, std::string_view value, std::size_t col) {
  std::string words(value);
  std::replace(words.begin(), words.end(), ',', ' ');
  std::size_t offset = 0;
  for (const auto& id : split_words(words)) {
    offset = value.find(id, offset);
    if (!valid_requirement_id(id))
      fail(at, col + offset, "'" + id + "' is not a requirement id (RFC-SECTION-TOPIC-N, e.g. 1939-5-DELE-2)");
    sc_.requirements.push_back(id);
    offset += id.size();
  }
  sc_.requirements_line = at.line;
}

void Parser::step(const Where& at, const std::string& key, std::string_view value, std::size_t col, int depth) {
  if (sc_.server_role && server_step(at, key, value, col)) return;
  if (key == "severity") {
    auto sev = parse_severity(value);
    if (!sev) fail(at, col, "severity must be MUST, SHOULD, MAY or INFO");
    severity_ = *sev;
    return;
  }
  if (key == "rfc") {
    rfc_ = value;
    return;
  }
  if (key == "use") {
    include(at, value, col, depth);
    return;
  }
  Step s;
  s.file = at.file;
  s.line = at.line;
  s.text = value;
  s.severity = severity_;
  s.rfc = rfc_;
  if (!client_step(at, key, value, col, s)) {
    std::vector<std::string> keys = {"C", "SEND", "S", "S~", "S!~", "body", "check", "expect", "tls", "probe", "info",
                                     "conn", "drop", "login", "refusable", "use", "severity", "rfc"};
    auto guess = closest(key, keys);
    if (!guess) guess = closest(key, kHeaders);
    bool is_header = guess && std::find(kHeaders.begin(), kHeaders.end(), *guess) != kHeaders.end();
    fail(at, 1, "unknown step '" + key + ":'" +
                    (guess ? is_header && *guess == key ? " (a header: it belongs before the first step)"
                                                        : " (did you mean '" + *guess + ":'?)"
                           : std::string(" (C, SEND, S, S~, body, check, expect, tls, probe, info, conn, drop, "
                                         "login, refusable, use, severity, rfc)")));
  }
  if (s.kind == Step::Kind::info || (s.kind == Step::Kind::probe && s.words[0] != "plaintext-login"))
    s.severity = Severity::info;
  bool expects = s.kind == Step::Kind::expect_line || s.kind == Step::Kind::expect_regex;
  if (!sc_.steps.empty() && sc_.steps.back().kind == Step::Kind::refusable && !expects)
    fail(at, 1, "'refusable:' (line " + std::to_string(sc_.steps.back().line) + ") goes right before an S: or S~: step");
  check_uses(at, s, col);
  record_binds(s);
  if (sc_.mailbox_any) check_mailbox_any(at, s);
  sc_.steps.push_back(std::move(s));
}

void Parser::include(const Where& at, std::string_view name, std::size_t col, int depth) {
  if (depth >= kMaxIncludeDepth) fail(at, col, "includes nested too deeply");
  for (char c : name)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_') fail(at, col, "invalid include name");
  for (fs::path dir = include_from_; !dir.empty(); dir = dir.parent_path()) {
    fs::path candidate = dir / "include" / (std::string(name) + ".pop3");
    if (fs::exists(candidate)) {
      parse(candidate.string(), read_file(candidate), depth + 1, true);
      return;
    }
    if (dir == dir.parent_path()) break;
  }
  fail(at, col, "no include/" + std::string(name) + ".pop3 in this folder or a parent");
}

}  // namespace detail

bool valid_fixture_name(std::string_view name) {
  std::size_t slash = name.find('/');
  auto part_ok = [](std::string_view p) {
    return !p.empty() && p != "." && p != ".." && std::all_of(p.begin(), p.end(), [](char c) {
      return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == '_';
    });
  };
  if (slash == std::string_view::npos) return part_ok(name);
  return part_ok(name.substr(0, slash)) && part_ok(name.substr(slash + 1));
}

Scenario parse_scenario_text(std::string_view text, const std::string& file, std::string_view id,
                             const fs::path& include_from) {
  Scenario sc;
  sc.file = file;
  sc.id = id;
  detail::Parser(sc, include_from).parse(file, text, 0, false);
  if (sc.group.empty()) sc.group = fs::path(std::string(id)).filename().string();
  return sc;
}

Scenario parse_scenario(const fs::path& file, std::string_view id) {
  return parse_scenario_text(detail::read_file(file), file.string(), id, fs::absolute(file).parent_path());
}

}  // namespace pop3
