#pragma once
#include <cstddef>
#include <string>
#include <string_view>

namespace pop3 {

// RFC 1939 #3: a multi-line body on the wire. Every line that starts with "."
// gets one more "."; the body ends with ".CRLF". POP3 cannot carry a body whose
// last line lacks CRLF, so one is added.
std::string dot_stuff(std::string_view body);

// Reassembles a multi-line body from its wire lines (each without CRLF).
class MultilineDecoder {
 public:
  explicit MultilineDecoder(std::size_t max_body) : max_body_(max_body) {}

  enum class Step { more, done, too_large };
  Step add_line(std::string_view wire_line);

  // The body after unstuffing, each line ending in CRLF.
  const std::string& body() const { return body_; }
  std::size_t lines() const { return lines_; }

 private:
  std::size_t max_body_;
  std::string body_;
  std::size_t lines_ = 0;
};

}  // namespace pop3
