#pragma once
#include <cstddef>

// Hard size limits. The protocol limits come from RFC 2449 section 4; the
// harness limits bound what a hostile peer can make us buffer.
namespace pop3::limits {

// RFC 2449 #4: a command line is at most 255 octets including CRLF.
inline constexpr std::size_t kCommandLine = 255;
// RFC 2449 #4: the first line of a response is at most 512 octets including CRLF.
inline constexpr std::size_t kStatusLine = 512;
// RFC 1939 #3: each argument may be up to 40 characters long.
inline constexpr std::size_t kArgument = 40;
// RFC 1939 #7: a unique-id is 1 to 70 characters.
inline constexpr std::size_t kUniqueId = 70;

// Harness bounds (not protocol limits): one line of a multi-line body, and a
// whole multi-line body. A 1 MiB fixture message must fit with room to spare.
inline constexpr std::size_t kBodyLine = 1 << 20;
inline constexpr std::size_t kBody = 64u << 20;

}  // namespace pop3::limits
