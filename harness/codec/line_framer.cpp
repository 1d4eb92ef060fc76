#include "codec/line_framer.hpp"

#include <cstring>

namespace pop3 {

namespace {

// Index of the first '\n' in s at or after from, or npos (memchr: fast on megabyte lines).
std::size_t find_lf(const std::string& s, std::size_t from) {
  if (from >= s.size()) return std::string::npos;
  const void* p = std::memchr(s.data() + from, '\n', s.size() - from);
  return p ? static_cast<std::size_t>(static_cast<const char*>(p) - s.data()) : std::string::npos;
}

}  // namespace

void LineFramer::feed(std::string_view bytes) {
  compact();
  buffer_.append(bytes);
}

void LineFramer::compact() {
  // Consumed lines are erased once they are most of the buffer: linear time
  // overall, where erasing each line at once would be quadratic.
  if (head_ == 0 || (head_ < 65536 && head_ * 2 < buffer_.size())) return;
  buffer_.erase(0, head_);
  scanned_ = scanned_ > head_ ? scanned_ - head_ : 0;
  head_ = 0;
}

bool LineFramer::skip_discarded() {
  if (!discarding_) return true;
  for (std::size_t from = std::max(head_, scanned_);;) {
    std::size_t lf = find_lf(buffer_, from);
    if (lf == std::string::npos) {
      // Keep a trailing CR: it may pair with an LF in the next read.
      bool cr = buffer_.size() > head_ && buffer_.back() == '\r';
      buffer_.assign(cr ? "\r" : "");
      head_ = 0;
      scanned_ = buffer_.size();
      return false;
    }
    if (lf > head_ && buffer_[lf - 1] == '\r') {
      head_ = scanned_ = lf + 1;
      discarding_ = false;
      return true;
    }
    from = lf + 1;
  }
}

std::optional<std::string_view> LineFramer::next_view(std::size_t max_octets, Ending ending) {
  if (error_ != Error::none || !skip_discarded()) return std::nullopt;
  std::size_t from = std::max(head_, scanned_);
  for (;;) {
    std::size_t lf = find_lf(buffer_, from);
    if (lf == std::string::npos) {
      scanned_ = buffer_.size();
      if (buffer_.size() - head_ >= max_octets) error_ = Error::line_too_long;
      return std::nullopt;
    }
    if (lf > head_ && buffer_[lf - 1] == '\r') {
      std::size_t length = lf - 1 - head_;
      if (length + 2 > max_octets) {
        error_ = Error::line_too_long;
        return std::nullopt;
      }
      std::string_view line(buffer_.data() + head_, length);
      if (ending == Ending::status && line.find('\r') != std::string_view::npos) {
        error_ = Error::bare_cr;  // e.g. CR CR LF
        return std::nullopt;
      }
      head_ = scanned_ = lf + 1;
      return line;
    }
    // A bare LF. Over the limit is over the limit first, so the verdict does
    // not depend on how the bytes were cut into reads.
    if (lf - head_ + 1 > max_octets) {
      error_ = Error::line_too_long;
      return std::nullopt;
    }
    bool lone_dot = ending == Ending::body && lf >= head_ + 1 && buffer_[lf - 1] == '.' &&
                    (lf == head_ + 1 || buffer_[lf - 2] == '\n');
    if (ending == Ending::status || lone_dot) {
      error_ = Error::bare_lf;
      return std::nullopt;
    }
    from = scanned_ = lf + 1;
  }
}

void LineFramer::discard_line() {
  error_ = Error::none;
  discarding_ = true;
  scanned_ = head_;
}

std::string LineFramer::take_pending() {
  std::string out = buffer_.substr(head_);
  buffer_.clear();
  head_ = scanned_ = 0;
  discarding_ = false;
  return out;
}

}  // namespace pop3
