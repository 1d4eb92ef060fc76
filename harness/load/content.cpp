#include "load/content.hpp"

namespace pop3::load {

std::uint64_t body_digest(std::string_view m) {
  // The body starts after the first empty line, CRLF or LF.
  std::size_t start = m.size();
  for (std::size_t i = 0; i < m.size(); ++i) {
    if (m[i] != '\n') continue;
    std::size_t next = i + 1;
    if (next < m.size() && m[next] == '\r') ++next;
    if (next < m.size() && m[next] == '\n') {
      start = next + 1;
      break;
    }
  }
  std::size_t end = m.size();
  while (end > start && (m[end - 1] == '\n' || m[end - 1] == '\r')) --end;
  std::uint64_t h = 0xcbf29ce484222325ull;
  for (std::size_t i = start; i < end; ++i) {
    if (m[i] == '\r' && i + 1 < end && m[i + 1] == '\n') continue;  // CRLF counts as LF
    h = (h ^ static_cast<unsigned char>(m[i])) * 0x100000001b3ull;
  }
  return h;
}

}  // namespace pop3::load
