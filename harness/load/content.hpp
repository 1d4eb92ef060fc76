#pragma once
// What identifies a message's content for the load's checks: a digest of
// its body (after the first empty line), line endings aside (a maildir
// stores LF, POP3 sends CRLF) and trailing line ends aside (a message
// stored without a final newline is sent with one). The headers are left
// out: a server may add trace headers, and the body is what must not change.
#include <cstdint>
#include <string_view>

namespace pop3::load {

// FNV-1a over the normalised body: stable across runs and machines.
std::uint64_t body_digest(std::string_view message);

}  // namespace pop3::load
