#pragma once
#include <string>
#include <string_view>

namespace pop3 {

// Shows bytes with CR, LF, NUL, other control and 8-bit bytes (and the
// backslash) as escapes, at most max of them: safe for a terminal and a
// report whatever a peer sent.
std::string escape_bytes(std::string_view bytes, std::size_t max = std::string::npos);

// Text for a terminal: what escape_bytes shows of control characters (ESC,
// BEL, NUL, C1 controls U+0080-U+009F) and of octets that are not UTF-8, the
// rest (already escaped text, UTF-8 names) as it is. Line feeds are kept when
// keep_lines is set.
std::string terminal_text(std::string_view text, bool keep_lines = false);

}  // namespace pop3
