#pragma once
#include <optional>
#include <string>
#include <vector>

#include "scenario/ast.hpp"

namespace pop3 {

enum class Outcome { passed, failed, warning, skipped, error };
const char* to_string(Outcome o);

struct CheckResult {
  std::string label;  // the step as written
  int line = 0;
  std::string file;
  Severity severity = Severity::must;
  std::string rfc;
  // The catalog ids this check verifies when it names its own (the automatic
  // checks, possibly none); otherwise it verifies its scenario's.
  std::optional<std::vector<std::string>> requirements;
  Outcome outcome = Outcome::passed;
  std::string message;   // why it failed, was skipped or errored
  std::string expected;
  std::string actual;
  std::string transcript;  // around the mismatch, escaped and redacted
  double seconds = 0;
};

struct ScenarioResult {
  std::string id, file, name, rfc, classname, fixture;
  Severity severity = Severity::must;
  std::vector<std::string> requirements;  // the catalog ids the scenario cites
  std::vector<std::string> advisories;    // the public bug reports it guards against
  Outcome outcome = Outcome::passed;
  // For a scenario-level skip or error (missing capability, parse error,
  // provisioning failure, unreachable target).
  std::string reason;
  bool parse_error = false;
  bool environment_error = false;
  // The server dropped a connection it should have kept (closed instead of
  // answering, mid-answer, or refused a new one): the run checks that it
  // still accepts connections. The last command it was sent, as shown.
  bool server_dropped = false;
  std::string dropped_after;
  std::vector<CheckResult> checks;
  double seconds = 0;
  std::size_t exchanges = 0;
  // Listed in --known: why the target deviates, a link, and where it is
  // listed ("FILE:LINE"). The outcome stays what the checks found.
  struct Known {
    std::string reason, link, listed_at;
  };
  std::optional<Known> known;
};

// A known deviation found again (xfail), one that no longer shows (xpass),
// or a scenario that is not listed, or neither failed nor passed (none).
enum class KnownState { none, xfail, xpass };
KnownState known_state(const ScenarioResult& r);
// What the console and the summary call the scenario: XFAIL, XPASS, or its outcome.
const char* shown_outcome(const ScenarioResult& r);

// A result for this scenario, nothing run yet: its id, file, name, RFC
// section, severity, group and fixture filled in.
ScenarioResult result_for(const Scenario& scenario);

// The catalog ids a check verifies: its own, or else its scenario's.
const std::vector<std::string>& cited_requirements(const ScenarioResult& s, const CheckResult& c);
// "1939-5-DELE-2 1939-5-DELE-8", or "" for none.
std::string requirements_text(const std::vector<std::string>& ids);
// What a failure line cites: the RFC section, then the ids ("rfc1939#5
// 1939-5-LIST-2"); either may be empty.
std::string citation(const std::string& rfc, const std::vector<std::string>& ids);

// The worst of a scenario's checks decides its outcome.
Outcome summarize(const ScenarioResult& r);

}  // namespace pop3
