#pragma once
// Reading back the results JSON (reports/results-json.md) that run, prop and
// fuzz write, for 'report merge'. Pure: the text in, the report out.
#include <string>
#include <string_view>

#include "report/run_report.hpp"

namespace pop3 {

struct LoadedResults {
  std::string command;  // run, prop, fuzz (or merge)
  RunReport report;
};

// Throws std::invalid_argument saying what is wrong: not JSON, not the
// pop3-harness-results format, a version newer than this harness reads, a
// field of the wrong type.
LoadedResults read_results_json(std::string_view text);

}  // namespace pop3
