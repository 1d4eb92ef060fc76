#pragma once
#include <cstddef>
#include <string_view>

namespace pop3 {

// Length of a valid UTF-8 sequence at s[i] (2 to 4 octets), or 0 for an
// ASCII octet or one that starts no valid sequence.
inline std::size_t utf8_length(std::string_view s, std::size_t i) {
  auto c = static_cast<unsigned char>(s[i]);
  std::size_t n = c >= 0xF0 && c <= 0xF4 ? 4 : c >= 0xE0 ? 3 : c >= 0xC2 && c <= 0xDF ? 2 : 0;
  if (n == 0 || i + n > s.size()) return 0;
  for (std::size_t k = 1; k < n; ++k)
    if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return 0;
  return n;
}

}  // namespace pop3
