#pragma once
#include <optional>
#include <string>
#include <string_view>

namespace pop3 {

std::string base64_encode(std::string_view bytes);
// Strict RFC 4648 decoding: padding required, no whitespace.
std::optional<std::string> base64_decode(std::string_view text);

}  // namespace pop3
