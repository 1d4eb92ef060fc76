#pragma once
#include <stdexcept>
#include <string>
#include <vector>

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
  explicit ParseError(Diagnostic d) : std::runtime_error(d.render()), diagnostic(d), diagnostics{std::move(d)} {}
  // Every error of a file (a parser that goes on at the next line), the
  // first as diagnostic; what() renders them all.
  explicit ParseError(std::vector<Diagnostic> all)
      : std::runtime_error(render_all(all)), diagnostic(all.front()), diagnostics(std::move(all)) {}
  Diagnostic diagnostic;
  std::vector<Diagnostic> diagnostics;

 private:
  static std::string render_all(const std::vector<Diagnostic>& all) {
    std::string out;
    for (const auto& d : all) out += d.render();
    return out;
  }
};

}  // namespace pop3
