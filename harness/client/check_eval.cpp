#include "client/check_eval.hpp"

#include "net/transcript.hpp"

#include <limits>

#include <re2/re2.h>

namespace pop3 {
namespace {

bool parse_long(const std::string& s, long long& out) {
  if (s.empty() || s.size() > 18) return false;
  std::size_t i = s[0] == '-' ? 1 : 0;
  if (i == s.size()) return false;
  for (std::size_t k = i; k < s.size(); ++k)
    if (s[k] < '0' || s[k] > '9') return false;
  out = std::stoll(s);
  return true;
}

}  // namespace

bool evaluate(const std::vector<Expression::Term>& terms, const Variables& vars, std::string& value,
              std::string& error) {
  long long sum = 0;
  for (const auto& t : terms) {
    std::string text = t.text;
    if (!t.is_number) {
      auto it = vars.find(t.text);
      if (it == vars.end()) {
        error = "no value for '" + t.text + "': the step that binds it did not run";
        return false;
      }
      text = it->second;
    }
    long long n;
    if (!parse_long(text, n)) {
      if (terms.size() == 1 && !t.negative) {
        value = text;
        return true;
      }
      error = "'" + t.text + "' is not a number: " + escape_bytes(text, 80);
      return false;
    }
    sum += t.negative ? -n : n;
  }
  value = std::to_string(sum);
  return true;
}

// RFC 2449 #6.7: "EXPIRE NEVER asserts that the server does not delete
// messages": a retention longer than any number of days.
static bool parse_days(const std::string& s, long long& out) {
  if (s != "NEVER") return parse_long(s, out);
  out = std::numeric_limits<long long>::max();
  return true;
}

bool compare(const std::string& a, const std::string& op, const std::string& b) {
  long long x, y;
  if (parse_days(a, x) && parse_days(b, y)) {
    if (op == "==") return x == y;
    if (op == "!=") return x != y;
    if (op == "<") return x < y;
    if (op == "<=") return x <= y;
    if (op == ">") return x > y;
    return x >= y;
  }
  if (op == "==") return a == b;
  if (op == "!=") return a != b;
  return false;
}

StepOutcome run_check(const Step& step, const Variables& vars) {
  std::string shown;
  for (const Expression* e : expressions_of(step)) {
    std::string a, b, error;
    if (!evaluate(e->left, vars, a, error) || !evaluate(e->right, vars, b, error)) return StepOutcome::skip("not run: " + error);
    if (compare(a, e->op, b)) return StepOutcome::pass();
    shown += (shown.empty() ? "" : " or ") + escape_bytes(a, 200) + " " + e->op + " " + escape_bytes(b, 200);
  }
  return StepOutcome::fail("check does not hold", step.text, shown);
}

StepOutcome match_line(const Step& step, const std::string& line, Variables& vars) {
  if (step.negated) {
    if (re2::RE2::FullMatch(line, *step.regex))
      return StepOutcome::fail("the server's line matches what it must not", "a line not matching " + step.text,
                               escape_bytes(line, 600));
    return StepOutcome::pass();
  }
  std::vector<std::string> values(static_cast<std::size_t>(step.regex->NumberOfCapturingGroups()));
  std::vector<re2::RE2::Arg> args(values.size());
  std::vector<re2::RE2::Arg*> ptrs;
  for (std::size_t i = 0; i < values.size(); ++i) {
    args[i] = re2::RE2::Arg(&values[i]);
    ptrs.push_back(&args[i]);
  }
  if (!re2::RE2::FullMatchN(line, *step.regex, ptrs.data(), static_cast<int>(ptrs.size())))
    return StepOutcome::fail("the server's line does not match the regular expression", step.text, escape_bytes(line, 600));
  for (const auto& [name, index] : step.regex->NamedCapturingGroups()) vars[name] = values[static_cast<std::size_t>(index - 1)];
  return StepOutcome::pass();
}

}  // namespace pop3
