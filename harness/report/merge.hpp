#pragma once
// 'report merge': the reports of one run spread over machines (--shard K/N),
// or of several campaigns, combined into one. Pure.
#include <string>
#include <vector>

#include "report/results_read.hpp"

namespace pop3 {

struct NamedResults {
  std::string name;  // the file it came from, for messages
  LoadedResults results;
};

struct Merged {
  LoadedResults results;
  std::vector<std::string> notes;  // what the merge did that a reader should know
};

// Scenarios are concatenated in input order; a scenario id found in several
// inputs (the fuzz campaign's fuzz/server, a scenario run by two shards) is
// one scenario whose checks are the union, a check seen twice (same label,
// outcome, message and expected/actual) kept once. Throws
// std::invalid_argument when the inputs cannot be one report: different
// commands, or different corpus versions (shards of different checkouts).
Merged merge_results(const std::vector<NamedResults>& inputs);

}  // namespace pop3
