#pragma once
#include <string>

namespace pop3 {

// The verdict of a step the runner hands to a helper (tls:, probe:). A passed
// step may still carry a message: a finding reported at info level.
struct StepOutcome {
  enum class Kind { passed, failed, skipped };
  Kind kind = Kind::passed;
  std::string message, expected, actual;
  bool ends_scenario = false;  // the scenario stops here; its remaining checks are skipped with message

  static StepOutcome pass(std::string message = {}) { return {Kind::passed, std::move(message), {}, {}, false}; }
  static StepOutcome fail(std::string message, std::string expected = {}, std::string actual = {}) {
    return {Kind::failed, std::move(message), std::move(expected), std::move(actual), false};
  }
  static StepOutcome skip(std::string message) { return {Kind::skipped, std::move(message), {}, {}, false}; }
};

}  // namespace pop3
