#pragma once
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace pop3 {

using Variables = std::map<std::string, std::string, std::less<>>;

// An S: line pattern. Literal text, with:
//   {name}   a token (no spaces, up to the next literal character); binds name,
//            or must equal it when name is already bound
//   {name*}  the rest of the line, spaces included (last element only)
//   {*}      any text (last element only); " {*}" at the end also matches
//            nothing, as "+OK" alone is a valid status line
//   {{ and }} literal braces, {#} a literal '#' (after a space '#' starts a comment)
// Matching is linear in the line length: no backtracking on peer data.
class Pattern {
 public:
  struct Element {
    enum class Kind { literal, token, rest, any } kind;
    std::string text;  // literal text or variable name
  };

  // Throws std::invalid_argument with the 0-based column of the problem in what().
  static Pattern compile(std::string_view source);

  // Matches a whole line; on success adds new captures to vars.
  bool match(std::string_view line, Variables& vars) const;
  const std::vector<Element>& elements() const { return elements_; }

 private:
  std::vector<Element> elements_;
};

struct PatternError : std::invalid_argument {
  PatternError(std::size_t column, const std::string& what) : std::invalid_argument(what), column(column) {}
  std::size_t column;
};

// Replaces {name} in a C: line with variable values; {repeat:N:TEXT} with N
// copies of TEXT; {#} with '#'. Throws PatternError for an unknown variable.
std::string substitute(std::string_view source, const Variables& vars);

// The {name} variables a C: line (or any substituted text) uses, each with
// the 0-based column of its name.
std::vector<std::pair<std::string, std::size_t>> variables_in(std::string_view source);

}  // namespace pop3
