#include "codec/response_reader.hpp"

namespace pop3 {

void ResponseReader::expect(bool multiline_if_ok) {
  multiline_if_ok_ = multiline_if_ok;
  state_ = State::status;
  current_ = Response{};
  decoder_.reset();
}

const char* ResponseReader::describe(Error e) {
  switch (e) {
    case Error::none: return "no error";
    case Error::status_line_too_long: return "status line exceeds 512 octets without CRLF (RFC 2449 #4)";
    case Error::body_line_too_long: return "multi-line body line exceeds the harness line limit without CRLF";
    case Error::body_too_large: return "multi-line body exceeds the harness body limit without a terminator";
  }
  return "unknown";
}

std::optional<Response> ResponseReader::next() {
  if (error_ != Error::none) return std::nullopt;
  if (state_ == State::status) {
    auto line = framer_.next_line(limits_.status_line);
    if (!line) {
      if (framer_.error() != LineFramer::Error::none) error_ = Error::status_line_too_long;
      return std::nullopt;
    }
    current_.status_line = std::move(*line);
    StatusLineError why;
    current_.parsed = parse_status_line(current_.status_line, &why);
    if (!current_.parsed) current_.parse_error = why.reason;
    bool ok = current_.parsed && current_.parsed->status == Status::ok;
    if (!(multiline_if_ok_ && ok)) return std::move(current_);
    current_.multiline = true;
    decoder_.emplace(limits_.body);
    state_ = State::body;
  }
  while (auto line = framer_.next_line(limits_.body_line)) {
    switch (decoder_->add_line(*line)) {
      case MultilineDecoder::Step::more: current_.wire_lines.push_back(std::move(*line)); continue;
      case MultilineDecoder::Step::too_large: error_ = Error::body_too_large; return std::nullopt;
      case MultilineDecoder::Step::done:
        current_.body = decoder_->body();
        current_.body_lines = decoder_->lines();
        state_ = State::status;
        return std::move(current_);
    }
  }
  if (framer_.error() != LineFramer::Error::none) error_ = Error::body_line_too_long;
  return std::nullopt;
}

}  // namespace pop3
