#pragma once
#include <map>
#include <string>
#include <vector>

#include "report/result.hpp"

namespace pop3 {

struct RunReport {
  std::vector<ScenarioResult> scenarios;
  std::map<std::string, std::string> properties;  // target, seed, corpus version...
  bool interrupted = false;
  double seconds = 0;
};

// JUnit XML for Jenkins, GitLab and GitHub: a testsuite per scenario file, a
// testcase per check. Validates against the Jenkins/Ant junit-4 schema.
std::string junit_xml(const RunReport& report);

// Writes through a temporary file and rename(), so a reader never sees half a report.
void write_atomically(const std::string& path, const std::string& content);

// XML 1.0 text: markup escaped, and bytes XML cannot hold (most control
// characters, invalid UTF-8) shown visibly as \xHH.
std::string xml_text(std::string_view s);

}  // namespace pop3
