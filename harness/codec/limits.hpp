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

// RFC 5034 #4: a SASL challenge may "be of arbitrary length ... independent of
// any line-length limitations": the harness reads one up to this bound.
inline constexpr std::size_t kChallengeLine = 1 << 20;
// RFC 5034 #4: a client's SASL response is no command, so the 255-octet limit
// does not bind it; "servers MUST be able to handle the largest encoded ...
// responses" of their mechanisms (PLAIN with 255-octet fields: 1024 octets).
// The reference server reads one up to this bound.
inline constexpr std::size_t kSaslResponseLine = 4096;

// Harness bounds (not protocol limits): one line of a multi-line body, and a
// whole multi-line body. A 1 MiB fixture message must fit with room to spare.
inline constexpr std::size_t kBodyLine = 1 << 20;
inline constexpr std::size_t kBody = 64u << 20;
// Bodies over this many octets are checked while they stream through (size,
// line count, SHA-256) instead of being held: a 1 GiB RETR costs no more
// memory than a small one.
inline constexpr std::size_t kBodyHold = 16u << 20;
// A streamed body longer than this is beyond what the harness checks (an
// endless body on a fast link must still end).
inline constexpr std::size_t kBodyStream = std::size_t{4} << 30;

}  // namespace pop3::limits
