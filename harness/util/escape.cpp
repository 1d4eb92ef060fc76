#include "util/escape.hpp"

#include <algorithm>

#include "util/utf8.hpp"

namespace pop3 {

std::string escape_bytes(std::string_view bytes, std::size_t max) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  std::size_t n = std::min(bytes.size(), max);
  out.reserve(n + 16);
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

std::string terminal_text(std::string_view text, bool keep_lines) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size());
  auto hex = [&](unsigned char c) {
    out += "\\x";
    out.push_back(kHex[c >> 4]);
    out.push_back(kHex[c & 15]);
  };
  for (std::size_t i = 0; i < text.size();) {
    auto c = static_cast<unsigned char>(text[i]);
    if (c >= 0x80) {
      std::size_t n = utf8_length(text, i);
      bool c1 = n == 2 && c == 0xC2 && static_cast<unsigned char>(text[i + 1]) < 0xA0;
      if (n && !c1) {
        out.append(text.substr(i, n));
        i += n;
        continue;
      }
      hex(c);
    } else if ((c < 0x20 && !(keep_lines && c == '\n') && c != '\t') || c == 0x7f) {
      hex(c);
    } else {
      out.push_back(static_cast<char>(c));
    }
    ++i;
  }
  return out;
}

}  // namespace pop3
