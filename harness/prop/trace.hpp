#pragma once
#include <string>
#include <vector>

#include "prop/vocabulary.hpp"
#include "scenario/ast.hpp"

namespace pop3::prop {

// What one test case did, step by step: enough to write it as a scenario.
struct TraceItem {
  enum class Kind {
    op,      // a step of the case, with what the model expected
    resync,  // the harness reconnected and restored the model's state
  };
  Kind kind = Kind::op;
  Op op;
  Expectation expected;
  // resync: the state to restore on the new connection.
  bool transaction = false;
  Model::Pending pending = Model::Pending::none;
  std::vector<unsigned long> marked;
};

// A scenario's "requirements: ID ..." header line, or nothing for no ids.
std::string requirements_header(const std::vector<std::string>& ids);

struct ScenarioHeader {
  std::string name;
  std::string rfc;
  Severity severity = Severity::must;
  std::string fixture;
  std::vector<std::string> comments;  // "# ..." lines: seed, how it was found, how to replay
  std::vector<std::string> requirements;  // the catalog ids the finding broke
};

// The trace as a scenario file `pop3-harness run` replays: each step's
// command and the answer a conformant server gives. The last step is the one
// that failed; with strict_last its lenient form (a second session's login)
// becomes the strict check at the header's severity.
std::string write_scenario(const std::vector<TraceItem>& trace, const ScenarioHeader& header, bool strict_last);

// The scenario lines (S:, S~:, body:) that check one answer as expected.
std::string expectation_lines(const Expectation& e);

}  // namespace pop3::prop
