#pragma once
#include <string_view>

namespace pop3 {

// Compares secrets in time that depends on their length only, so a wrong
// password's answer does not tell how much of it was right.
inline bool constant_time_equal(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  unsigned char diff = 0;
  for (std::size_t i = 0; i < a.size(); ++i) diff |= static_cast<unsigned char>(a[i] ^ b[i]);
  return diff == 0;
}

}  // namespace pop3
