#pragma once
#include <string>
#include <string_view>

namespace pop3 {
// Lower-case hex MD5, as APOP digests are written (RFC 1939 #7).
std::string md5_hex(std::string_view bytes);
}
