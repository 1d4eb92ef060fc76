#include "codec/command_line.hpp"

#include <cctype>

namespace pop3 {

std::optional<CommandLine> parse_command_line(std::string_view line, CommandLineError* why) {
  auto fail = [&](const char* reason) -> std::optional<CommandLine> {
    if (why) why->reason = reason;
    return std::nullopt;
  };
  for (char c : line) {
    if (c == '\0' || c == '\r' || c == '\n') return fail("control character in command line");
  }
  CommandLine out;
  std::size_t pos = line.find(' ');
  std::string_view keyword = line.substr(0, pos);
  if (keyword.size() < 3 || keyword.size() > 4) return fail("keyword must be 3 or 4 characters");
  // RFC 2449 #3: keyword = 3*4VCHAR (UTF8, RFC 6856, has a digit).
  for (char c : keyword) {
    if (c < 0x21 || c > 0x7e) return fail("keyword must be printable ASCII");
    out.keyword.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
  }
  while (pos != std::string_view::npos) {
    std::size_t next = line.find(' ', pos + 1);
    std::string_view arg = line.substr(pos + 1, next == std::string_view::npos ? next : next - pos - 1);
    if (arg.empty()) return fail("empty argument (two spaces or a trailing space)");
    out.args.emplace_back(arg);
    pos = next;
  }
  return out;
}

std::optional<unsigned long> parse_message_number(std::string_view arg) {
  if (arg.empty() || arg.size() > 10) return std::nullopt;
  unsigned long value = 0;
  for (char c : arg) {
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + static_cast<unsigned long>(c - '0');
  }
  return value;
}

std::string line_keyword(std::string_view line) {
  std::string k(line.substr(0, line.find(' ')));
  for (auto& c : k) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return k;
}

bool multiline_if_ok(std::string_view keyword, std::size_t args) {
  std::string k(keyword);
  for (auto& c : k) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  if (k == "RETR" || k == "TOP" || k == "CAPA") return true;
  return (k == "LIST" || k == "UIDL" || k == "LANG") && args == 0;
}

std::string with_upper_keyword(std::string_view line) {
  std::string k = line_keyword(line);
  return k + std::string(line.substr(k.size()));
}

}  // namespace pop3
