#pragma once
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "codec/limits.hpp"
#include "codec/line_framer.hpp"
#include "codec/multiline.hpp"
#include "codec/status_line.hpp"

namespace pop3 {

// One complete server response.
struct Response {
  std::string status_line;              // first line as received, without CRLF
  std::optional<StatusLine> parsed;     // empty when the line is malformed
  std::string parse_error;              // why parsing failed
  bool multiline = false;               // a body followed the status line
  std::string body;                     // unstuffed, CRLF line ends
  std::vector<std::string> wire_lines;  // body lines as received (stuffed), no terminator
  std::size_t body_lines = 0;
};

// Incremental, I/O-free response parser: feed it bytes as TCP delivers them,
// in any segmentation, and it yields the same responses.
class ResponseReader {
 public:
  struct Limits {
    std::size_t status_line = limits::kStatusLine;
    std::size_t body_line = limits::kBodyLine;
    std::size_t body = limits::kBody;
  };
  enum class Error { none, status_line_too_long, body_line_too_long, body_too_large };

  ResponseReader() = default;
  explicit ResponseReader(Limits limits) : limits_(limits) {}

  // Starts reading one response. When multiline_if_ok is set, a +OK status
  // line is followed by a multi-line body (RFC 1939 #3).
  void expect(bool multiline_if_ok);
  void feed(std::string_view bytes) { framer_.feed(bytes); }

  // The response once complete; nothing while more bytes are needed or after
  // an error.
  std::optional<Response> next();
  // A single line, for expectations that read line by line (e.g. greetings).
  std::optional<std::string> next_line(std::size_t max_octets) { return framer_.next_line(max_octets); }

  Error error() const { return error_; }
  static const char* describe(Error e);
  bool in_body() const { return state_ == State::body; }
  std::string_view pending() const { return framer_.pending(); }
  std::string take_pending() { return framer_.take_pending(); }
  const Response& partial() const { return current_; }

 private:
  enum class State { status, body };
  Limits limits_;
  LineFramer framer_;
  State state_ = State::status;
  bool multiline_if_ok_ = false;
  Response current_;
  std::optional<MultilineDecoder> decoder_;
  Error error_ = Error::none;
};

}  // namespace pop3
