#pragma once
#include <memory>
#include <string>
#include <vector>

#include "fuzz/finding.hpp"

namespace pop3::fuzz {

struct ReproducerHeader {
  std::string name;
  std::string fixture;
  std::vector<std::string> comments;  // how it was found, the oracle's evidence, how to replay
};

// The finding's (minimized) case as a scenario `pop3-harness run` replays: the
// prefix that reaches its state, its bytes (C: for plain lines, SEND: with
// escapes and {repeat:N:X} otherwise), and the answers a conformant server
// gives; a crash adds a fresh connection that must still be greeted. Pure.
std::string write_reproducer(const Finding& f, const ReproducerHeader& h,
                             std::shared_ptr<const std::vector<std::string>> messages, bool apop);

// Bytes as SEND: text: escapes for control and 8-bit octets, braces doubled,
// runs of 32 or more of one octet as {repeat:N:X}.
std::string send_text(std::string_view bytes);

}  // namespace pop3::fuzz
