#pragma once
// The valid commands the fuzzer starts from, before a mutation changes them,
// and the units (bytes plus what to expect) made of them. Internal to the
// generator (fuzz/generator.cpp); pure.
#include <optional>
#include <string>
#include <vector>

#include "fuzz/case.hpp"
#include "fuzz/generator.hpp"

namespace pop3::fuzz {

inline constexpr const char* kCrlf = "\r\n";

// A command before mutation: keyword and arguments, and the model's view of it.
struct Command {
  std::string keyword;
  std::vector<std::string> args;
  std::optional<oracle::Op> op;
  bool secret = false;
  std::size_t number_arg = 99;  // which argument is a message number, if any
};

// "KEYWORD arg arg", without the CRLF.
std::string join(const Command& c);
// The unit for a command the model judges (its op).
Unit modelled(const Command& c);
// The unit for a command judged by a rule instead (expect any, +OK or -ERR).
Unit judged(const Command& c, Unit::Expect expect, std::string rule, std::string rfc);

// Draws valid commands of either state from the case's generator.
class CommandPicker {
 public:
  CommandPicker(Rng& rng, const GenContext& ctx) : rng_(rng), ctx_(ctx) {}
  Command transaction();
  Command authorization();
  Command unknown();
  Command op(oracle::OpKind kind, std::optional<std::string> num = std::nullopt, std::string lines = {});

 private:
  std::string number();  // a message number: mostly one that exists

  Rng& rng_;
  const GenContext& ctx_;
};

}  // namespace pop3::fuzz
