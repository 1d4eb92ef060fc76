#pragma once
#include <string>
#include <string_view>

namespace pop3 {

// The escapes of SEND: lines: \r \n \t \0 \xHH; any other escaped character
// stands for itself (so \\ is a backslash).
std::string unescape(std::string_view text);

}  // namespace pop3
