#pragma once
#include <string>
#include <string_view>

namespace pop3 {
// Lower-case hex MD5, as APOP digests are written (RFC 1939 #7).
std::string md5_hex(std::string_view bytes);
// Lower-case hex HMAC-MD5, as CRAM-MD5 responses are written (RFC 2195 #2).
std::string hmac_md5_hex(std::string_view key, std::string_view bytes);
}
