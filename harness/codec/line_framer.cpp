#include "codec/line_framer.hpp"

namespace pop3 {

bool LineFramer::skip_discarded() {
  if (!discarding_) return true;
  std::size_t from = scanned_ > 0 ? scanned_ - 1 : 0;
  std::size_t pos = buffer_.find("\r\n", from);
  if (pos == std::string::npos) {
    // Keep a trailing CR: it may pair with an LF in the next read.
    bool cr = !buffer_.empty() && buffer_.back() == '\r';
    buffer_.assign(cr ? "\r" : "");
    scanned_ = buffer_.size();
    return false;
  }
  buffer_.erase(0, pos + 2);
  scanned_ = 0;
  discarding_ = false;
  return true;
}

std::optional<std::string> LineFramer::next_line(std::size_t max_octets) {
  if (error_ != Error::none || !skip_discarded()) return std::nullopt;
  // Resume one byte back: a CR may have been the last byte of the previous feed.
  std::size_t from = scanned_ > 0 ? scanned_ - 1 : 0;
  std::size_t pos = buffer_.find("\r\n", from);
  if (pos == std::string::npos) {
    scanned_ = buffer_.size();
    if (buffer_.size() >= max_octets) error_ = Error::line_too_long;
    return std::nullopt;
  }
  if (pos + 2 > max_octets) {
    error_ = Error::line_too_long;
    return std::nullopt;
  }
  std::string line = buffer_.substr(0, pos);
  buffer_.erase(0, pos + 2);
  scanned_ = 0;
  return line;
}

void LineFramer::discard_line() {
  error_ = Error::none;
  discarding_ = true;
  scanned_ = 0;
}

std::string LineFramer::take_pending() {
  std::string out;
  out.swap(buffer_);
  scanned_ = 0;
  discarding_ = false;
  return out;
}

}  // namespace pop3
