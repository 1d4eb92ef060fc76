#include "client/check_eval.hpp"

#include "net/transcript.hpp"

#include <limits>

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

}  // namespace pop3
