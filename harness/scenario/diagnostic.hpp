#pragma once
#include <stdexcept>
#include <string>

namespace pop3 {

// A scenario error reported like a compiler: file:line:col, the line, a caret.
struct Diagnostic {
  std::string file;
  int line = 0;
  int column = 1;
  std::string message;
  std::string source_line;

  std::string render() const;
};

class ParseError : public std::runtime_error {
 public:
  explicit ParseError(Diagnostic d) : std::runtime_error(d.render()), diagnostic(std::move(d)) {}
  Diagnostic diagnostic;
};

}  // namespace pop3
