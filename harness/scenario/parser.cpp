#include "scenario/parser.hpp"

#include "model/faults.hpp"
#include "scenario/escapes.hpp"
#include "scenario/tls_syntax.hpp"

#include <re2/re2.h>

#include <cctype>
#include <fstream>
#include <sstream>

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
    case Kind::closed: case Kind::silence: case Kind::client_expect:
    case Kind::tls: case Kind::probe: case Kind::info: return true;
    default: return false;
  }
}

std::string Step::label() const {
  switch (kind) {
    case Kind::send: return "C: " + text;
    case Kind::send_raw: return "SEND: " + text;
    case Kind::expect_line: return "S: " + text;
    case Kind::expect_regex: return "S~: " + text;
    case Kind::body: return "body: " + text;
    case Kind::check: return "check: " + text;
    case Kind::closed: return "expect: closed";
    case Kind::silence: return "expect: " + text;
    case Kind::connection: return "conn: " + text;
    case Kind::drop: return "drop:";
    case Kind::client_expect: return "expect: " + text;
    case Kind::tls: return "tls: " + text;
    case Kind::probe: return "probe: " + text;
    case Kind::info: return "info: " + text;
  }
  return text;
}

namespace {

constexpr int kMaxIncludeDepth = 8;
constexpr int kMaxClientRuns = 5;
constexpr std::size_t kMaxScenarioBytes = 4u << 20;

struct Source {
  std::string file;
  std::string text;
};

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

class Parser {
 public:
  Parser(Scenario& sc, fs::path include_from) : sc_(sc), include_from_(std::move(include_from)) {}

  void parse(const std::string& file, std::string_view text, int depth, bool is_include) {
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
      std::string_view line = trim(raw);
      if (line.empty() || line.front() == '#') continue;
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
        if (sc_.name.empty()) fail(at, 1, "the header needs 'scenario: <name>' before the first step");
        severity_ = sc_.severity;
        rfc_ = sc_.rfc;
      }
      step(at, key, value, value_col, depth);
    }
    if (in_header && sc_.name.empty()) fail({file, line_no, ""}, 1, "missing 'scenario:' header");
    if (!is_include && sc_.server_role && !sc_.connect.empty())
      fail({file, 1, ""}, 1, "'connect:' is for client-role scenarios; a server-role scenario sets 'tls:'");
    if (!is_include && !sc_.server_role && sc_.fixture.find('/') != std::string::npos)
      fail(fixture_at_, fixture_col_, "a one-message fixture (folder/file) is for server-role scenarios; "
                                      "a target's --reset-cmd receives a whole fixture folder");
  }

 private:
  struct Where {
    std::string file;
    int line;
    std::string text;
  };

  [[noreturn]] void fail(const Where& at, std::size_t col, const std::string& msg) {
    throw ParseError({at.file, at.line, static_cast<int>(col), msg, at.text});
  }

  bool header(const Where& at, const std::string& key, std::string_view value, std::size_t col) {
    if (key == "scenario") sc_.name = value;
    else if (key == "rfc") sc_.rfc = value;
    else if (key == "fixture") {
      if (!valid_fixture_name(value)) fail(at, col, "a fixture is a folder name under fixtures/, or folder/file for one message");
      sc_.fixture = value;
      fixture_at_ = at;
      fixture_col_ = col;
    }
    else if (key == "group") sc_.group = value;
    else if (key == "requires") sc_.requires_caps = split_words(value);
    else if (key == "role") {
      if (value != "server" && value != "client") fail(at, col, "role must be 'client' (the default) or 'server'");
      sc_.server_role = value == "server";
    } else if (key == "tls" && sc_.server_role) {  // in a client-role scenario, 'tls:' is a step
      if (value != "none" && value != "stls" && value != "implicit") fail(at, col, "tls must be none, stls or implicit");
      sc_.tls = value;
    } else if (key == "connect") {
      if (value != "plain" && value != "implicit") fail(at, col, "connect must be plain or implicit");
      sc_.connect = value;
    } else if (key == "keep") {
      if (value != "yes" && value != "no") fail(at, col, "keep must be yes or no");
      sc_.keep = value == "yes";
    }
    else if (key == "severity") {
      auto s = parse_severity(value);
      if (!s) fail(at, col, "severity must be MUST, SHOULD, MAY or INFO");
      sc_.severity = *s;
    } else return false;
    if (value.empty()) fail(at, col, "'" + key + ":' needs a value");
    return true;
  }

  void step(const Where& at, const std::string& key, std::string_view value, std::size_t col, int depth) {
    if (sc_.server_role && server_step(at, key, value, col)) return;
    Step s;
    s.file = at.file;
    s.line = at.line;
    s.text = value;
    s.severity = severity_;
    s.rfc = rfc_;
    if (key == "C") {
      s.kind = Step::Kind::send;
      check_substitution(at, value, col);
    } else if (key == "SEND") {
      s.kind = Step::Kind::send_raw;
      check_substitution(at, value, col);
    } else if (key == "S") {
      s.kind = Step::Kind::expect_line;
      try {
        s.pattern = Pattern::compile(value);
      } catch (const PatternError& e) {
        fail(at, col + e.column, e.what());
      }
    } else if (key == "S~") {
      s.kind = Step::Kind::expect_regex;
      RE2::Options options;
      options.set_log_errors(false);
      s.regex = std::make_shared<RE2>(std::string(value), options);
      if (!s.regex->ok()) fail(at, col, "invalid RE2 expression: " + s.regex->error());
    } else if (key == "body") {
      s.kind = Step::Kind::body;
      s.words = split_words(value);
      check_body(at, s.words, col);
    } else if (key == "check") {
      s.kind = Step::Kind::check;
      s.expression = parse_expression(at, value, col);
    } else if (key == "expect") {
      auto words = split_words(value);
      if (words.size() == 1 && words[0] == "closed") s.kind = Step::Kind::closed;
      else if (words.size() == 2 && words[0] == "silence" && parse_millis(words[1], s.millis)) s.kind = Step::Kind::silence;
      else fail(at, col, "expected 'expect: closed' or 'expect: silence <N>ms'");
    } else if (key == "tls") {
      s.kind = Step::Kind::tls;
      s.words = split_words(value);
      std::string error;
      std::size_t bad = 0;
      if (!parse_tls_action(s.words, s.tls, error, bad)) fail(at, col + word_offset(value, bad), error);
    } else if (key == "probe") {
      s.kind = Step::Kind::probe;
      s.words = split_words(value);
      std::string error;
      if (!valid_probe(s.words, error)) fail(at, col, error);
    } else if (key == "info") {
      s.kind = Step::Kind::info;
      check_substitution(at, value, col);
    } else if (key == "conn") {
      s.kind = Step::Kind::connection;
      if (value.empty() || value.find(' ') != std::string_view::npos) fail(at, col, "'conn:' takes one name");
    } else if (key == "drop") {
      s.kind = Step::Kind::drop;
    } else if (key == "severity") {
      auto sev = parse_severity(value);
      if (!sev) fail(at, col, "severity must be MUST, SHOULD, MAY or INFO");
      severity_ = *sev;
      return;
    } else if (key == "rfc") {
      rfc_ = value;
      return;
    } else if (key == "use") {
      include(at, value, col, depth);
      return;
    } else {
      fail(at, 1, "unknown step '" + key + ":' (C, SEND, S, S~, body, check, expect, tls, probe, info, conn, drop, use, "
                  "severity, rfc)");
    }
    if (s.kind == Step::Kind::info || (s.kind == Step::Kind::probe && s.words[0] != "plaintext-login"))
      s.severity = Severity::info;
    sc_.steps.push_back(std::move(s));
  }

  // The steps of a server-role scenario; false for the shared ones
  // (severity:, rfc:, use:).
  bool server_step(const Where& at, const std::string& key, std::string_view value, std::size_t col) {
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
      auto fault = parse_fault(value);
      if (!fault) fail(at, col, "unknown fault '" + std::string(value) + "' (pop3-harness serve --fault help)");
      if (info(*fault).aborts)
        fail(at, col, "fault '" + std::string(value) + "' aborts the process: only 'pop3-harness serve --fault' takes it");
      sc_.faults.emplace_back(value);
      in_override_ = false;
    } else if (key == "certificate") {
      if (value != "good" && value != "self-signed" && value != "unknown-ca" && value != "wrong-host" && value != "expired")
        fail(at, col, "certificate must be good, self-signed, unknown-ca, wrong-host or expired");
      sc_.certificate = value;
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
      in_override_ = false;
    } else {
      fail(at, 1, "unknown step '" + key + ":' in a server-role scenario (greeting, fault, certificate, inject, on, S, "
                  "SEND, expect, run, deliver, use, severity, rfc)");
    }
    return true;
  }

  // What the scripted server sends: {repeat:N:TEXT} expanded ({{ for a brace).
  std::string expand(const Where& at, std::string_view value, std::size_t col) {
    try {
      return substitute(value, {});
    } catch (const PatternError& e) {
      fail(at, col + e.column, e.what());
    }
  }

  void check_substitution(const Where& at, std::string_view value, std::size_t col) {
    // Variables are bound at run time; here only the braces are checked.
    for (std::size_t i = 0; i < value.size(); ++i) {
      if (value[i] == '{' && i + 1 < value.size() && value[i + 1] == '{') { ++i; continue; }
      if (value[i] == '{' && value.find('}', i) == std::string_view::npos) fail(at, col + i, "unterminated '{'");
    }
  }

  // The column offset of word number n in value (words split on spaces).
  static std::size_t word_offset(std::string_view value, std::size_t n) {
    std::size_t i = 0;
    for (std::size_t w = 0;; ++w) {
      while (i < value.size() && value[i] == ' ') ++i;
      if (w == n || i >= value.size()) return i;
      while (i < value.size() && value[i] != ' ') ++i;
    }
  }

  static bool parse_millis(const std::string& w, long& out) {
    std::size_t digits = 0;
    while (digits < w.size() && std::isdigit(static_cast<unsigned char>(w[digits]))) ++digits;
    if (digits == 0 || digits > 7 || w.substr(digits) != "ms") return false;
    out = std::stol(w.substr(0, digits));
    return true;
  }

  void check_body(const Where& at, const std::vector<std::string>& w, std::size_t col) {
    auto is_num = [](const std::string& s) {
      return !s.empty() && s.size() < 10 && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
    };
    bool ok = !w.empty() &&
              ((w[0] == "fixture" && w.size() == 1) || (w[0] == "message" && w.size() == 2 && is_num(w[1])) ||
               (w[0] == "listing" && w.size() == 1) || (w[0] == "uidl" && w.size() == 1) ||
               (w[0] == "top" && w.size() == 2 && is_num(w[1])) || (w[0] == "lines" && w.size() == 2 && is_num(w[1])) ||
               (w[0] == "top" && w.size() == 4 && is_num(w[1]) && w[2] == "message" && is_num(w[3])) ||
               (w[0] == "entries" && w.size() % 2 == 1 && entries_numbered(w, is_num)) ||
               ((w[0] == "has" || w[0] == "lacks") && w.size() >= 2) || (w[0] == "save" && w.size() == 2) ||
               ((w[0] == "uid" || w[0] == "no-uid") && w.size() == 2));
    if (!ok)
      fail(at, col,
           "expected 'body: fixture', 'message N', 'listing', 'uidl', 'top N [message K]', 'lines N', 'entries [N VALUE]...', "
           "'has TEXT', 'lacks TEXT', 'uid ID', 'no-uid ID' or 'save NAME'");
  }

  template <class IsNum>
  static bool entries_numbered(const std::vector<std::string>& w, IsNum is_num) {
    for (std::size_t i = 1; i < w.size(); i += 2)
      if (!is_num(w[i])) return false;
    return true;
  }

  Expression parse_expression(const Where& at, std::string_view v, std::size_t col) {
    static const char* kOps[] = {"==", "!=", "<=", ">=", "<", ">"};
    Expression e;
    std::size_t op_pos = std::string_view::npos;
    for (const char* op : kOps) {
      std::size_t p = v.find(op);
      if (p != std::string_view::npos && p < op_pos) {
        op_pos = p;
        e.op = op;
      }
    }
    if (op_pos == std::string_view::npos) fail(at, col, "expected a comparison: == != < <= > >=");
    e.left = parse_sum(at, v.substr(0, op_pos), col);
    e.right = parse_sum(at, v.substr(op_pos + e.op.size()), col + op_pos + e.op.size());
    return e;
  }

  std::vector<Expression::Term> parse_sum(const Where& at, std::string_view v, std::size_t col) {
    std::vector<Expression::Term> terms;
    bool negative = false, want_term = true;
    for (std::size_t i = 0; i < v.size();) {
      char c = v[i];
      if (c == ' ') { ++i; continue; }
      if (!want_term) {
        if (c != '+' && c != '-') fail(at, col + i, "expected + or - between terms");
        negative = c == '-';
        want_term = true;
        ++i;
        continue;
      }
      std::size_t j = i;
      bool braced = c == '{';
      if (braced) ++j;
      std::size_t k = j;
      while (k < v.size() && (std::isalnum(static_cast<unsigned char>(v[k])) || v[k] == '_' || v[k] == '.')) ++k;
      if (k == j) fail(at, col + i, "expected a number or a variable");
      Expression::Term t;
      t.negative = negative;
      t.text = v.substr(j, k - j);
      t.is_number = std::all_of(t.text.begin(), t.text.end(), [](char d) { return d >= '0' && d <= '9'; });
      if (braced) {
        if (k >= v.size() || v[k] != '}') fail(at, col + k, "expected '}'");
        ++k;
      }
      terms.push_back(t);
      negative = false;
      want_term = false;
      i = k;
    }
    if (terms.empty() || want_term) fail(at, col, "incomplete expression");
    return terms;
  }

  void include(const Where& at, std::string_view name, std::size_t col, int depth) {
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

  Scenario& sc_;
  fs::path include_from_;
  Where fixture_at_{};
  std::size_t fixture_col_ = 1;
  bool in_override_ = false;
  Severity severity_ = Severity::must;
  std::string rfc_;
};

}  // namespace

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
  Parser(sc, include_from).parse(file, text, 0, false);
  if (sc.group.empty()) sc.group = fs::path(std::string(id)).filename().string();
  return sc;
}

Scenario parse_scenario(const fs::path& file, std::string_view id) {
  return parse_scenario_text(read_file(file), file.string(), id, fs::absolute(file).parent_path());
}

}  // namespace pop3
