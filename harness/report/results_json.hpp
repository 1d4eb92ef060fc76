#pragma once
#include <string>
#include <string_view>

#include "report/run_report.hpp"

namespace pop3 {

// The results as JSON: the contract with the pytest driver and other tools
// (format "pop3-harness-results", version 1; documented in
// reports/results-json.md). Fields are only ever added within a version.
std::string results_json(const RunReport& report, std::string_view command);

// JSON string contents: quotes, backslashes and control characters escaped;
// octets that are not UTF-8 shown visibly as \xHH (as in the JUnit report).
std::string json_text(std::string_view s);

}  // namespace pop3
