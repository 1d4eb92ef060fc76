#pragma once
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "codec/limits.hpp"
#include "codec/line_framer.hpp"
#include "codec/multiline.hpp"
#include "codec/status_line.hpp"
#include "requirements/builtin_checks.hpp"

namespace pop3 {

// One complete server response.
struct Response {
  std::string status_line;           // first line as received, without CRLF
  std::optional<StatusLine> parsed;  // empty when the line is malformed
  std::string parse_error;           // why parsing failed
  bool multiline = false;            // a body followed the status line
  Body body;                         // the multi-line body, held once
};

// Incremental, I/O-free response parser: feed it bytes as TCP delivers them,
// in any segmentation, and it yields the same responses.
class ResponseReader {
 public:
  struct Limits {
    std::size_t status_line = limits::kStatusLine;
    std::size_t challenge = limits::kChallengeLine;  // a "+ " line where a SASL challenge may come
    std::size_t body_line = limits::kBodyLine;
    std::size_t body = limits::kBody;
    std::size_t hold = limits::kBodyHold;  // bodies beyond this are streamed, not held
    std::size_t stream = limits::kBodyStream;  // ... up to this many octets
  };
  // Violations of the protocol by the peer, and the harness's own bounds.
  enum class Error {
    none,
    status_line_too_long,   // RFC 2449 #4
    status_bare_lf,         // RFC 1939 #3: a response line ended by LF alone
    status_bare_cr,         // RFC 1939 #3: a CR inside the line (CR CR LF)
    body_bare_lf_terminator,  // RFC 1939 #3: ".", then LF alone
    body_line_too_long,     // the harness's bound
    body_too_large,         // the harness's bound
    challenge_too_long,     // the harness's bound on a SASL challenge (RFC 5034 #4 sets none)
  };

  ResponseReader() = default;
  explicit ResponseReader(Limits limits) : limits_(limits) {}

  // Starts reading one response. When multiline_if_ok is set, a +OK status
  // line is followed by a multi-line body (RFC 1939 #3). When challenge is
  // set (AUTH, or a SASL response sent), a continuation line may be as long
  // as limits.challenge; a status line still has the RFC 2449 #4 limit.
  void expect(bool multiline_if_ok, bool challenge = false);
  void feed(std::string_view bytes) { framer_.feed(bytes); }

  // The response once complete; nothing while more bytes are needed or after
  // an error.
  std::optional<Response> next();

  Error error() const { return error_; }
  static const char* describe(Error e);
  // Whether an error is the peer's protocol violation (not a harness bound),
  // and the RFC section it breaks.
  static bool is_violation(Error e);
  static const char* rfc_of(Error e);
  static Builtin check_of(Error e);
  bool in_body() const { return state_ == State::body; }
  // Octets of the current response received so far (status line and body).
  std::size_t received() const { return received_; }
  std::string_view pending() const { return framer_.pending(); }
  std::string take_pending() { return framer_.take_pending(); }
  const Response& partial() const { return current_; }

 private:
  enum class State { status, body };
  Limits limits_;
  LineFramer framer_;
  State state_ = State::status;
  bool multiline_if_ok_ = false;
  bool challenge_ = false;
  Response current_;
  std::optional<MultilineDecoder> decoder_;
  std::size_t received_ = 0;
  Error error_ = Error::none;
};

}  // namespace pop3
