#include "net/transcript.hpp"

namespace pop3 {

std::string escape_bytes(std::string_view bytes, std::size_t max) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  std::size_t n = std::min(bytes.size(), max);
  for (std::size_t i = 0; i < n; ++i) {
    auto c = static_cast<unsigned char>(bytes[i]);
    if (c == '\r') out += "\\r";
    else if (c == '\n') out += "\\n";
    else if (c == '\t') out += "\\t";
    else if (c == '\\') out += "\\\\";
    else if (c < 0x20 || c >= 0x7f) {
      out += "\\x";
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    } else out.push_back(static_cast<char>(c));
  }
  if (n < bytes.size()) out += "... (" + std::to_string(bytes.size() - n) + " more octets)";
  return out;
}

void Transcript::add(Kind kind, std::string_view bytes) {
  std::size_t& total = kind == Kind::sent ? sent_total_ : received_total_;
  std::size_t offset = total;
  if (kind != Kind::note) total += bytes.size();
  if (stored_ + bytes.size() > max_bytes_) {
    // Bounded: keep the event but not all of its bytes.
    std::size_t room = max_bytes_ > stored_ ? max_bytes_ - stored_ : 0;
    dropped_ += bytes.size() - room;
    bytes = bytes.substr(0, room);
  }
  stored_ += bytes.size();
  events_.push_back({kind, std::string(bytes), offset});
}

void Transcript::sent(std::string_view bytes, std::string_view shown) { add(Kind::sent, shown.empty() ? bytes : shown); }
void Transcript::received(std::string_view bytes) { add(Kind::received, bytes); }
void Transcript::note(std::string_view text) { add(Kind::note, text); }

std::string Transcript::render(std::size_t from, std::size_t to, std::size_t max_event_bytes) const {
  std::string out;
  to = std::min(to, events_.size());
  for (std::size_t i = from; i < to; ++i) {
    const auto& e = events_[i];
    if (e.kind == Kind::note) {
      out += "   -- " + e.bytes + "\n";
      continue;
    }
    // One "C:"/"S:" line per write or TCP read; lines inside it are indented.
    std::string text = escape_bytes(e.bytes, max_event_bytes);
    std::string prefix = e.kind == Kind::sent ? "C: " : "S: ";
    std::size_t start = 0;
    while (start < text.size()) {
      std::size_t nl = text.find("\\n", start);
      std::size_t end = nl == std::string::npos ? text.size() : nl + 2;
      out += prefix + text.substr(start, end - start) + "\n";
      prefix = "   ";
      start = end;
    }
    if (text.empty()) out += prefix + "(empty)\n";
  }
  return out;
}

}  // namespace pop3
