#include "codec/response_reader.hpp"

#include <algorithm>

namespace pop3 {

void ResponseReader::expect(bool multiline_if_ok, bool challenge) {
  multiline_if_ok_ = multiline_if_ok;
  challenge_ = challenge;
  state_ = State::status;
  current_ = Response{};
  decoder_.reset();
  received_ = 0;
}

const char* ResponseReader::describe(Error e) {
  switch (e) {
    case Error::none: return "no error";
    case Error::status_line_too_long: return "a response line exceeds 512 octets without CRLF (RFC 2449 #4)";
    case Error::status_bare_lf:
      return "a response line is ended by a bare LF, not CRLF (RFC 1939 #3: all responses are terminated by a CRLF pair)";
    case Error::status_bare_cr:
      return "a response line holds a bare CR, e.g. ends with CR CR LF (RFC 1939 #3: all responses are terminated "
             "by a CRLF pair)";
    case Error::body_bare_lf_terminator:
      return "the multi-line response ends with \".\" and a bare LF, not \".\" CRLF (RFC 1939 #3)";
    case Error::body_line_too_long: return "a multi-line body line exceeds the harness line limit without CRLF";
    case Error::body_too_large: return "a multi-line body exceeds the harness body limit without a terminator";
    case Error::challenge_too_long: return "a SASL challenge exceeds the harness's 1 MiB bound without CRLF";
  }
  return "unknown";
}

bool ResponseReader::is_violation(Error e) {
  return e == Error::status_line_too_long || e == Error::status_bare_lf || e == Error::status_bare_cr ||
         e == Error::body_bare_lf_terminator;
}

Builtin ResponseReader::check_of(Error e) {
  return e == Error::status_line_too_long ? Builtin::status_line_length : Builtin::line_ends;
}

const char* ResponseReader::rfc_of(Error e) { return e == Error::status_line_too_long ? "rfc2449#4" : "rfc1939#3"; }

namespace {

bool lenient_ok(std::string_view line) {
  if (line.size() < 3 || line[0] != '+') return false;
  bool o = line[1] == 'o' || line[1] == 'O', k = line[2] == 'k' || line[2] == 'K';
  return o && k && (line.size() == 3 || line[3] == ' ');
}

}  // namespace

std::optional<Response> ResponseReader::next() {
  if (error_ != Error::none) return std::nullopt;
  if (state_ == State::status) {
    std::size_t most = challenge_ ? std::max(limits_.status_line, limits_.challenge) : limits_.status_line;
    auto line = framer_.next_view(most, LineFramer::Ending::status);
    // Only a continuation ("+ ...", RFC 5034 #4) may pass the status-line limit.
    bool continuation = line && (*line == "+" || line->starts_with("+ "));
    if (line && line->size() + 2 > limits_.status_line && !continuation) {
      error_ = Error::status_line_too_long;
      return std::nullopt;
    }
    if (!line) {
      switch (framer_.error()) {
        case LineFramer::Error::none: break;
        case LineFramer::Error::bare_lf: error_ = Error::status_bare_lf; break;
        case LineFramer::Error::bare_cr: error_ = Error::status_bare_cr; break;
        case LineFramer::Error::line_too_long:
          error_ = challenge_ && framer_.pending().starts_with("+ ") ? Error::challenge_too_long
                                                                     : Error::status_line_too_long;
          break;
      }
      return std::nullopt;
    }
    current_.status_line.assign(*line);
    received_ += line->size() + 2;
    StatusLineError why;
    current_.parsed = parse_status_line(current_.status_line, &why);
    if (!current_.parsed) current_.parse_error = why.reason;
    // A malformed "+ok" still announces a body: framing follows it, so the
    // body is not read as answers to later commands (the status line itself
    // is reported malformed).
    bool ok = current_.parsed ? current_.parsed->status == Status::ok : lenient_ok(current_.status_line);
    if (!(multiline_if_ok_ && ok)) return std::move(current_);
    current_.multiline = true;
    decoder_.emplace(limits_.body, limits_.hold, limits_.stream);
    state_ = State::body;
  }
  while (auto line = framer_.next_view(limits_.body_line, LineFramer::Ending::body)) {
    received_ += line->size() + 2;
    switch (decoder_->add_line(*line)) {
      case MultilineDecoder::Step::more: continue;
      case MultilineDecoder::Step::too_large: error_ = Error::body_too_large; return std::nullopt;
      case MultilineDecoder::Step::done:
        current_.body = decoder_->take();
        decoder_.reset();
        state_ = State::status;
        return std::move(current_);
    }
  }
  if (framer_.error() == LineFramer::Error::bare_lf) error_ = Error::body_bare_lf_terminator;
  else if (framer_.error() != LineFramer::Error::none) error_ = Error::body_line_too_long;
  return std::nullopt;
}

}  // namespace pop3
