#pragma once
#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace pop3 {

// RFC 1939 #3: a multi-line body on the wire. Every line that starts with "."
// gets one more "."; the body ends with ".CRLF". POP3 cannot carry a body whose
// last line lacks CRLF, so one is added.
std::string dot_stuff(std::string_view body);

// A multi-line body, held once: the unstuffed octets (each line ending in
// CRLF), where each line starts, and which lines were byte-stuffed on the
// wire. Beyond its hold limit a body is only streamed through: its size,
// line count and SHA-256 stay, its octets do not (held() is false).
class Body {
 public:
  using Digest = std::array<unsigned char, 32>;

  bool held() const { return held_; }
  std::size_t size() const { return size_; }
  std::size_t lines() const { return lines_; }
  // The unstuffed octets; empty when not held.
  std::string_view text() const { return text_; }
  // Line i without its CRLF: unstuffed, or as it was on the wire.
  std::string_view line(std::size_t i) const;
  std::string wire_line(std::size_t i) const;
  bool was_stuffed(std::size_t i) const;
  // SHA-256 of the unstuffed octets, held or not.
  Digest sha256() const;
  // Lines that began with a single '.' on the wire: a server that does not
  // byte-stuff (RFC 1939 #3). Counted whether the body is held or not.
  std::size_t unstuffed_dot_lines() const { return unstuffed_; }
  std::size_t first_unstuffed_dot_line() const { return first_unstuffed_; }
  // Octets this body costs the harness (text and per-line bookkeeping).
  std::size_t footprint() const { return text_.size() + 4 * (starts_.size() + stuffed_.size()); }

 private:
  friend class MultilineDecoder;
  std::string text_;
  std::vector<std::uint32_t> starts_;   // offset of each line in text_
  std::vector<std::uint32_t> stuffed_;  // ascending indices of stuffed lines
  std::size_t size_ = 0, lines_ = 0;
  std::size_t unstuffed_ = 0, first_unstuffed_ = 0;
  bool held_ = true;
  Digest digest_{};  // set when the body stopped being held
};

// Reassembles a multi-line body from its wire lines (each without CRLF).
class MultilineDecoder {
 public:
  // max_body bounds what is held (octets plus 4 per line); past hold_limit
  // octets the body is streamed, up to stream_limit octets in all.
  explicit MultilineDecoder(std::size_t max_body, std::size_t hold_limit = static_cast<std::size_t>(-1),
                            std::size_t stream_limit = static_cast<std::size_t>(-1))
      : max_body_(max_body), hold_limit_(hold_limit), stream_limit_(stream_limit) {}

  enum class Step { more, done, too_large };
  Step add_line(std::string_view wire_line);

  // The body after unstuffing, once add_line() returned done.
  Body take() { return std::move(body_); }
  const Body& body() const { return body_; }
  std::size_t lines() const { return body_.lines_; }

 private:
  void stop_holding();
  void append(std::string_view octets);
  struct HashFree {
    void operator()(void* ctx) const;
  };
  std::size_t max_body_, hold_limit_, stream_limit_;
  Body body_;
  std::unique_ptr<void, HashFree> hash_;  // the running SHA-256 once streaming (an EVP_MD_CTX)
};

}  // namespace pop3
