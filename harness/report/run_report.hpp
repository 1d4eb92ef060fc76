#pragma once
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "report/result.hpp"

namespace pop3 {

struct RunReport {
  // Before any scenario: can the target be tested (run, prop, fuzz)?
  std::optional<ScenarioResult> preflight;
  std::vector<ScenarioResult> scenarios;
  // Run-level facts: target, capabilities, seed, corpus version. Written
  // once per report (the harness version is added by the writers).
  std::map<std::string, std::string> properties;
  bool interrupted = false;
  bool strict = false;  // --strict: a SHOULD finding fails the run, and is a <failure>
  // --strict-known: a known deviation that no longer shows fails the run.
  bool strict_known = false;
  double seconds = 0;
};

// JUnit XML for Jenkins, GitLab and GitHub: a first testsuite "pop3-harness"
// for the run (its properties, the preflight), then a testsuite per scenario
// file and a testcase per check. Testcase names are the scenario's file name
// and the step as written ("stat-basic: S: +OK {*}", a repeated step numbered
// "(2)"): no line numbers, counts or seeds, so they stay the same from run to
// run. Validates against the Jenkins/Ant junit-4 schema.
std::string junit_xml(const RunReport& report);

// The same document, each scenario's testsuite rendered once: a run rewrites
// its report after every scenario without re-rendering the ones before.
class JunitWriter {
 public:
  std::string render(const RunReport& report);

 private:
  std::vector<std::string> suites_;  // report.scenarios[i], rendered
  struct Counts {
    std::size_t tests = 0, failures = 0, errors = 0;
  };
  std::vector<Counts> counts_;
};

// Writes through a temporary file and rename(), so a reader never sees half a report.
void write_atomically(const std::string& path, const std::string& content);

// XML 1.0 text: markup escaped, and bytes XML cannot hold (most control
// characters, invalid UTF-8) shown visibly as \xHH.
std::string xml_text(std::string_view s);

}  // namespace pop3
