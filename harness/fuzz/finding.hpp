#pragma once
#include <string>
#include <vector>

#include "fuzz/case.hpp"
#include "scenario/ast.hpp"

namespace pop3::fuzz {

// The oracles, in the order a report lists them.
enum class Oracle { crash, hang, violation };
const char* to_string(Oracle o);

struct Finding {
  Oracle oracle = Oracle::violation;
  // What makes two findings the same bug: the oracle, and for a crash the
  // sanitizer's or the exit's first line with numbers and addresses blanked,
  // for a hang the mutation, for a violation the rule and the command.
  std::string signature;
  Severity severity = Severity::must;
  std::string rfc;
  std::string message;
  std::string expected, actual;
  std::string transcript;  // escaped and redacted
  std::string process;     // --target-cmd: how the process ended, and its stderr
  Case kase;               // the case that showed it (minimized once reported)
  std::vector<unsigned long> marked;  // messages the session had marked when the case ran
  std::size_t original_bytes = 0;     // the case's size before minimization
  int attempts = 0;                   // minimization replays
  std::string file;                   // the reproducer scenario
  std::vector<std::string> requirements;  // the catalog ids of the broken rule
};

}  // namespace pop3::fuzz
