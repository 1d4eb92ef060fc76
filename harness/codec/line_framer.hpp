#pragma once
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace pop3 {

// Splits a byte stream into CRLF-terminated lines. Only CRLF ends a line.
// What a lone LF or CR means depends on where the line is:
//   Ending::data   - inside a line it is data (a command line, a body line);
//   Ending::status - it breaks the framing at once (a status line: RFC 1939 #3,
//                    "All responses are terminated by a CRLF pair"), so a
//                    peer ending lines with LF alone is caught on its first
//                    line, not by a deadline;
//   Ending::body   - data, except a "." ended by a bare LF: a multi-line
//                    terminator without its CRLF.
// Consumed bytes are dropped in amortized linear time, whatever the line count.
class LineFramer {
 public:
  enum class Error { none, line_too_long, bare_lf, bare_cr };
  enum class Ending { data, status, body };

  void feed(std::string_view bytes);

  // The next complete line without its CRLF, or nothing if none is complete
  // yet. A line longer than max_octets (CRLF included), or one that breaks
  // the ending rule, sets error() instead. The view stays valid until the
  // next call of any non-const member.
  std::optional<std::string_view> next_view(std::size_t max_octets, Ending ending = Ending::data);
  std::optional<std::string> next_line(std::size_t max_octets, Ending ending = Ending::data) {
    auto v = next_view(max_octets, ending);
    return v ? std::optional<std::string>(std::string(*v)) : std::nullopt;
  }

  // After line_too_long: drop the offending line up to and including its
  // CRLF (now or when it arrives) and carry on with the next one.
  void discard_line();

  Error error() const { return error_; }
  // Bytes received but not yet part of a complete line.
  std::string_view pending() const { return std::string_view(buffer_).substr(head_); }
  // Hands over whatever is buffered (for example plaintext that arrived before
  // a TLS upgrade, which must be discarded rather than executed).
  std::string take_pending();

 private:
  bool skip_discarded();
  void compact();

  std::string buffer_;
  std::size_t head_ = 0;     // start of the current line in buffer_
  std::size_t scanned_ = 0;  // buffer_ index up to which no line end is left to find
  bool discarding_ = false;
  Error error_ = Error::none;
};

}  // namespace pop3
