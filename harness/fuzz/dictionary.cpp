#include "fuzz/dictionary.hpp"

#include <fstream>
#include <sstream>
#include <stdexcept>

namespace pop3::fuzz {

namespace {

int hex(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

std::vector<std::string> parse_dictionary(std::string_view text) {
  std::vector<std::string> out;
  int number = 0;
  std::size_t pos = 0;
  while (pos <= text.size()) {
    std::size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(pos, end - pos);
    pos = end + 1;
    ++number;
    while (!line.empty() && (line.back() == ' ' || line.back() == '\t' || line.back() == '\r')) line.remove_suffix(1);
    while (!line.empty() && (line.front() == ' ' || line.front() == '\t')) line.remove_prefix(1);
    if (line.empty() || line.front() == '#') {
      if (end == text.size()) break;
      continue;
    }
    auto bad = [&](const std::string& why) {
      return std::runtime_error("dictionary line " + std::to_string(number) + ": " + why);
    };
    std::size_t open = line.find('"');
    if (open == std::string_view::npos || line.back() != '"' || open + 1 >= line.size())
      throw bad("expected \"value\" or name=\"value\"");
    std::string value;
    for (std::size_t i = open + 1; i + 1 < line.size(); ++i) {
      char c = line[i];
      if (c != '\\') {
        if (c == '"') throw bad("an unescaped quote inside the value");
        value += c;
        continue;
      }
      if (i + 2 >= line.size()) throw bad("a backslash at the end of the value");
      char next = line[++i];
      if (next == '\\' || next == '"') {
        value += next;
      } else if (next == 'x' && i + 2 < line.size() && hex(line[i + 1]) >= 0 && hex(line[i + 2]) >= 0) {
        value += static_cast<char>(hex(line[i + 1]) * 16 + hex(line[i + 2]));
        i += 2;
      } else {
        throw bad("unknown escape \\" + std::string(1, next));
      }
    }
    out.push_back(std::move(value));
    if (end == text.size()) break;
  }
  return out;
}

std::vector<std::string> load_dictionary(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read the dictionary " + path);
  std::ostringstream s;
  s << in.rdbuf();
  try {
    return parse_dictionary(s.str());
  } catch (const std::runtime_error& e) {
    throw std::runtime_error(path + ": " + e.what());
  }
}

}  // namespace pop3::fuzz
