#pragma once
#include <optional>
#include <string>
#include <string_view>

namespace pop3 {

enum class Status { ok, err, continuation };

// A parsed first response line: "+OK [CODE] text", "-ERR text" or a SASL
// continuation "+ base64" (RFC 5034 #4).
struct StatusLine {
  Status status = Status::err;
  std::string code;  // RFC 2449 #8 extended response code, without brackets
  std::string text;  // the rest of the line
};

struct StatusLineError {
  std::string reason;
};

// Strict parse: the indicator must be upper case and followed by SP or the end
// of the line (RFC 1939 #3).
std::optional<StatusLine> parse_status_line(std::string_view line, StatusLineError* why = nullptr);

}  // namespace pop3
