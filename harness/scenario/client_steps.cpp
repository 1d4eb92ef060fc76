// The steps of a client-role scenario (the harness is the client), and the
// check that every variable a step uses is bound before it.
#include <re2/re2.h>

#include <algorithm>
#include <cctype>

#include "scenario/parser_impl.hpp"
#include "scenario/tls_syntax.hpp"

namespace pop3::detail {

namespace {

// The column offset of word number n in value (words split on spaces).
std::size_t word_offset(std::string_view value, std::size_t n) {
  std::size_t i = 0;
  for (std::size_t w = 0;; ++w) {
    while (i < value.size() && value[i] == ' ') ++i;
    if (w == n || i >= value.size()) return i;
    while (i < value.size() && value[i] != ' ') ++i;
  }
}

// "250ms" or "590s" (the autologout scenarios wait minutes).
bool parse_millis(const std::string& w, long& out) {
  std::size_t digits = 0;
  while (digits < w.size() && std::isdigit(static_cast<unsigned char>(w[digits]))) ++digits;
  std::string unit = w.substr(digits);
  if (digits == 0 || digits > 7 || (unit != "ms" && unit != "s")) return false;
  out = std::stol(w.substr(0, digits)) * (unit == "s" ? 1000 : 1);
  return true;
}

bool is_num(const std::string& s) {
  return !s.empty() && s.size() < 10 && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// Which step provides a variable that is not bound yet, for the message.
std::string provider_of(const std::string& name) {
  if (name.starts_with("listing.")) return "a 'body: listing' step";
  if (name == "uidl.count") return "a 'body: uidl' step";
  if (name.starts_with("body.")) return "a 'body:' step";
  if (name == "uid.number") return "a 'body: uid ID' step";
  if (name.starts_with("tls.")) return "a 'tls:' step";
  return {};
}

}  // namespace

bool Parser::client_step(const Where& at, const std::string& key, std::string_view value, std::size_t col, Step& s) {
  if (key == "C" || key == "SEND" || key == "info") {
    s.kind = key == "C" ? Step::Kind::send : key == "SEND" ? Step::Kind::send_raw : Step::Kind::info;
    check_substitution(at, value, col);
  } else if (key == "S") {
    s.kind = Step::Kind::expect_line;
    try {
      s.pattern = Pattern::compile(value);
    } catch (const PatternError& e) {
      fail(at, col + e.column, e.what());
    }
  } else if (key == "S~" || key == "S!~") {
    s.kind = Step::Kind::expect_regex;
    s.negated = key == "S!~";
    RE2::Options options;
    options.set_log_errors(false);
    s.regex = std::make_shared<RE2>(std::string(value), options);
    if (!s.regex->ok()) fail(at, col, "invalid RE2 expression: " + s.regex->error());
  } else if (key == "body") {
    s.kind = Step::Kind::body;
    s.words = split_words(value);
    if (!s.words.empty() && (s.words[0] == "any-line" || s.words[0] == "no-line" || s.words[0] == "every-line")) {
      std::string_view re = value.substr(std::min(value.size(), value.find(s.words[0]) + s.words[0].size()));
      while (!re.empty() && re.front() == ' ') re.remove_prefix(1);
      RE2::Options options;
      options.set_log_errors(false);
      s.regex = std::make_shared<RE2>(std::string(re), options);
      if (re.empty() || !s.regex->ok())
        fail(at, col, "write 'body: " + s.words[0] + " RE' with a valid RE2 expression" +
                          (re.empty() ? std::string() : ": " + s.regex->error()));
    } else {
      check_body(at, s.words, col);
    }
  } else if (key == "check") {
    s.kind = Step::Kind::check;
    // 'A or B': the RFC's conditional rules ("if the value differs, the
    // server SHOULD append USER") read as either the condition fails or the rule holds.
    std::size_t start = 0;
    for (;;) {
      std::size_t cut = value.find(" or ", start);
      std::string_view part = value.substr(start, cut == std::string_view::npos ? cut : cut - start);
      Expression e = parse_expression(at, part, col + start);
      if (start == 0) s.expression = std::move(e);
      else s.or_else.push_back(std::move(e));
      if (cut == std::string_view::npos) break;
      start = cut + 4;
    }
  } else if (key == "expect") {
    auto words = split_words(value);
    if (words.size() == 1 && (words[0] == "closed" || words[0] == "close-notify")) s.kind = Step::Kind::closed;
    else if (words.size() == 2 && words[0] == "silence" && parse_millis(words[1], s.millis)) s.kind = Step::Kind::silence;
    else if (words.size() == 2 && words[0] == "autologout" && parse_millis(words[1], s.millis))
      s.kind = Step::Kind::autologout;
    else
      fail(at, col,
           "expected 'expect: closed', 'expect: close-notify', 'expect: silence <N>ms|<N>s' or 'expect: autologout <N>s'");
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
  } else if (key == "login") {
    s.kind = Step::Kind::login;
    if (!value.empty() && value != "user" && value != "apop" && value != "plain")
      fail(at, col, "'login:' takes nothing (the method the server offers), or user, apop or plain");
  } else if (key == "conn") {
    s.kind = Step::Kind::connection;
    if (value.empty() || value.find(' ') != std::string_view::npos) fail(at, col, "'conn:' takes one name");
  } else if (key == "drop") {
    s.kind = Step::Kind::drop;
  } else if (key == "refusable") {
    s.kind = Step::Kind::refusable;
    if (value.empty()) fail(at, col, "'refusable:' says why -ERR is allowed here (the RFC's words)");
  } else {
    return false;
  }
  return true;
}

void Parser::check_substitution(const Where& at, std::string_view value, std::size_t col) {
  // Variables are bound at run time; here the braces are checked (and the names, in check_uses).
  for (std::size_t i = 0; i < value.size(); ++i) {
    if (value[i] == '{' && i + 1 < value.size() && value[i + 1] == '{') {
      ++i;
      continue;
    }
    if (value[i] == '{' && value.find('}', i) == std::string_view::npos) fail(at, col + i, "unterminated '{'");
  }
}

void Parser::use(const Where& at, const std::string& name, std::size_t col) {
  if (bindings_.has(name)) return;
  std::string provider = provider_of(name);
  if (!provider.empty()) fail(at, col, "'" + name + "' has no value here: " + provider + " before this one sets it");
  fail(at, col, "unknown variable '" + name + "'" + bindings_.did_you_mean(name) +
                    ": not bound by an earlier S:, S~: or body: step, nor one the harness provides");
}

void Parser::check_uses(const Where& at, const Step& s, std::size_t col) {
  switch (s.kind) {
    case Step::Kind::send:
    case Step::Kind::send_raw:
    case Step::Kind::info:
      for (const auto& [name, offset] : variables_in(s.text)) use(at, name, col + offset);
      break;
    case Step::Kind::check:
      for (const Expression* e : expressions_of(s))
        for (const auto* side : {&e->left, &e->right})
          for (const auto& t : *side)
            if (!t.is_number) use(at, t.text, col + s.text.find(t.text));
      break;
    case Step::Kind::body:
      if ((s.words[0] == "uid" || s.words[0] == "no-uid" || s.words[0] == "has" || s.words[0] == "lacks"))
        for (std::size_t i = 1; i < s.words.size(); ++i)
          for (const auto& [name, offset] : variables_in(s.words[i])) use(at, name, col + s.text.find(s.words[i]) + offset);
      break;
    default: break;
  }
}

void Parser::record_binds(const Step& s) {
  switch (s.kind) {
    case Step::Kind::expect_line:
      for (const auto& e : s.pattern.elements())
        if (e.kind == Pattern::Element::Kind::token || e.kind == Pattern::Element::Kind::rest) bindings_.bind(e.text);
      break;
    case Step::Kind::expect_regex:
      if (!s.negated)  // a line that must not match binds nothing
        for (const auto& [name, index] : s.regex->NamedCapturingGroups()) bindings_.bind(name);
      break;
    case Step::Kind::body:
      if (s.words[0] == "save") bindings_.bind(s.words[1]);
      if (s.words[0] == "any-line")  // the first matching line binds the named groups
        for (const auto& [name, index] : s.regex->NamedCapturingGroups()) bindings_.bind(name);
      if (s.words[0] == "entries")
        for (std::size_t i = 2; i < s.words.size(); i += 2)
          for (const auto& [name, offset] : variables_in(s.words[i])) bindings_.bind(name);
      bindings_.after_body(s.words[0]);
      break;
    case Step::Kind::tls: bindings_.after_tls(); break;
    default: break;
  }
}

// "mailbox: any" promises checks that hold whatever the mailbox holds.
void Parser::check_mailbox_any(const Where& at, const Step& s) {
  bool fixture_var = false;
  if (s.kind == Step::Kind::check)
    for (const Expression* e : expressions_of(s))
      for (const auto* side : {&e->left, &e->right})
        for (const auto& t : *side) fixture_var |= t.text.starts_with("fixture.");
  if (s.kind == Step::Kind::send || s.kind == Step::Kind::send_raw)
    for (const auto& [name, offset] : variables_in(s.text)) fixture_var |= name.starts_with("fixture.");
  bool content = s.kind == Step::Kind::body &&
                 (s.words[0] == "fixture" || s.words[0] == "message" || s.words[0] == "top" || s.words[0] == "entries");
  if (fixture_var || content)
    fail(at, 1, "this step depends on the mailbox's content, but the scenario says 'mailbox: any' (line " +
                    std::to_string(mailbox_at_.line) + ")");
}

void Parser::check_body(const Where& at, const std::vector<std::string>& w, std::size_t col) {
  auto numbered = [&] {
    for (std::size_t i = 1; i < w.size(); i += 2)
      if (!is_num(w[i])) return false;
    return true;
  };
  bool ok = !w.empty() &&
            ((w[0] == "fixture" && w.size() == 1) || (w[0] == "message" && w.size() == 2 && is_num(w[1])) ||
             (w[0] == "listing" && w.size() == 1) || (w[0] == "uidl" && w.size() == 1) ||
             (w[0] == "top" && w.size() == 2 && is_num(w[1])) || (w[0] == "lines" && w.size() == 2 && is_num(w[1])) ||
             (w[0] == "top" && w.size() == 4 && is_num(w[1]) && w[2] == "message" && is_num(w[3])) ||
             (w[0] == "entries" && w.size() % 2 == 1 && numbered()) ||
             ((w[0] == "has" || w[0] == "lacks") && w.size() >= 2) || (w[0] == "save" && w.size() == 2) ||
             ((w[0] == "uid" || w[0] == "no-uid") && w.size() == 2) ||
             ((w[0] == "capabilities" || w[0] == "ascii" || w[0] == "utf8") && w.size() == 1));
  if (!ok)
    fail(at, col,
         "expected 'body: fixture', 'message N', 'listing', 'uidl', 'top N [message K]', 'lines N', 'entries [N VALUE]...', "
         "'has TEXT', 'lacks TEXT', 'uid ID', 'no-uid ID', 'capabilities', 'ascii', 'utf8', 'any-line RE', 'no-line RE', "
         "'every-line RE' or 'save NAME'");
}

Expression Parser::parse_expression(const Where& at, std::string_view v, std::size_t col) {
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

std::vector<Expression::Term> Parser::parse_sum(const Where& at, std::string_view v, std::size_t col) {
  std::vector<Expression::Term> terms;
  bool negative = false, want_term = true;
  for (std::size_t i = 0; i < v.size();) {
    char c = v[i];
    if (c == ' ') {
      ++i;
      continue;
    }
    if (!want_term) {
      if (c != '+' && c != '-') fail(at, col + i, "expected + or - between terms");
      negative = c == '-';
      want_term = true;
      ++i;
      continue;
    }
    if (c == '"') {  // a text literal: "-ERR", "USER", "" (compared as text)
      std::size_t end = v.find('"', i + 1);
      if (end == std::string_view::npos) fail(at, col + i, "expected the closing '\"'");
      if (negative || !terms.empty()) fail(at, col + i, "a quoted text is compared on its own, never summed");
      Expression::Term t;
      t.is_number = true;  // a literal, not a variable
      t.text = v.substr(i + 1, end - i - 1);
      terms.push_back(t);
      want_term = false;
      i = end + 1;
      continue;
    }
    std::size_t j = i + (c == '{' ? 1 : 0);
    std::size_t k = j;
    while (k < v.size() && (std::isalnum(static_cast<unsigned char>(v[k])) || v[k] == '_' || v[k] == '.')) ++k;
    if (k == j) fail(at, col + i, "expected a number or a variable");
    Expression::Term t;
    t.negative = negative;
    t.text = v.substr(j, k - j);
    t.is_number = std::all_of(t.text.begin(), t.text.end(), [](char d) { return d >= '0' && d <= '9'; });
    if (c == '{') {
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

}  // namespace pop3::detail
