#pragma once
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace pop3 {

// Splits a byte stream into CRLF-terminated lines. Only CRLF ends a line: a
// bare LF or CR is data, so a peer that ends lines with LF alone is caught by
// the line limit or the read deadline rather than silently accepted.
class LineFramer {
 public:
  enum class Error { none, line_too_long };

  void feed(std::string_view bytes) { buffer_.append(bytes); }

  // The next complete line without its CRLF, or nothing if none is complete.
  // A line longer than max_octets (CRLF included) sets error() instead.
  std::optional<std::string> next_line(std::size_t max_octets);

  // After line_too_long: drop the offending line up to and including its
  // CRLF (now or when it arrives) and carry on with the next one.
  void discard_line();

  Error error() const { return error_; }
  // Bytes received but not yet part of a complete line.
  std::string_view pending() const { return buffer_; }
  // Hands over whatever is buffered (for example plaintext that arrived before
  // a TLS upgrade, which must be discarded rather than executed).
  std::string take_pending();

 private:
  bool skip_discarded();

  std::string buffer_;
  std::size_t scanned_ = 0;  // bytes of buffer_ known to hold no CRLF
  bool discarding_ = false;
  Error error_ = Error::none;
};

}  // namespace pop3
