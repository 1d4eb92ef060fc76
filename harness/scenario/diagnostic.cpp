#include "scenario/diagnostic.hpp"

namespace pop3 {

std::string Diagnostic::render() const {
  std::string out = file + ":" + std::to_string(line) + ":" + std::to_string(column) + ": error: " + message + "\n";
  if (line > 0) {
    out += "  " + source_line + "\n";
    out += "  " + std::string(static_cast<std::size_t>(column > 1 ? column - 1 : 0), ' ') + "^\n";
  }
  return out;
}

}  // namespace pop3
