#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace pop3 {

// A client command as the server sees it (RFC 1939 #3): a case-insensitive
// keyword of three or four characters, then arguments separated by one space.
struct CommandLine {
  std::string keyword;             // upper-cased
  std::vector<std::string> args;
};

struct CommandLineError {
  std::string reason;
};

std::optional<CommandLine> parse_command_line(std::string_view line, CommandLineError* why = nullptr);

// The first word of any line, upper-cased, even when the line is not a valid
// command: keywords are case-insensitive (RFC 1939 #3).
std::string line_keyword(std::string_view line);
// The line with its first word upper-cased and the rest as sent.
std::string with_upper_keyword(std::string_view line);

// Whether a positive answer to this command carries a multi-line body:
// RETR, TOP and CAPA always; LIST, UIDL and LANG (RFC 6856 #3.2) without an
// argument. keyword in any case.
bool multiline_if_ok(std::string_view keyword, std::size_t args);

// Parses a message number argument: decimal digits only, no sign.
std::optional<unsigned long> parse_message_number(std::string_view arg);

}  // namespace pop3
