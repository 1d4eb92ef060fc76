#pragma once
#include <cstdio>
#include <string>

#include "report/run_report.hpp"

namespace pop3 {

// The human side of a run: a line per scenario as it finishes, failures with
// the transcript around the mismatch, and a summary table.
class Console {
 public:
  Console(std::FILE* out, std::size_t total, bool color);
  void scenario_done(const ScenarioResult& r, std::size_t done);
  // The preflight before any scenario: one line, or its failure in full.
  void preflight(const ScenarioResult& r);
  // A --known requirement id whose every check passed in the run.
  void known_passed(const ScenarioResult& r);
  void summary(const RunReport& report);

 private:
  std::string paint(Outcome o, const std::string& text) const;
  void details(const ScenarioResult& r);
  void print_transcript(const std::string& t);
  std::FILE* out_;
  std::size_t total_;
  bool color_;
  std::string last_reason_;  // a reason shared by many skipped scenarios is said once
};

}  // namespace pop3
