#pragma once
// Requirement by requirement: what the checks of a report found for each
// catalog requirement they cite. The HTML report's matrix; pure.
#include <map>
#include <string>
#include <vector>

#include "report/run_report.hpp"
#include "requirements/catalog.hpp"

namespace pop3 {

// Worst first: a requirement takes the worst state of the checks citing it.
enum class RequirementState { failed, error, warning, known, passed, skipped, untested };
const char* to_string(RequirementState s);  // "failed", ..., "not tested"
const char* css_name(RequirementState s);   // "failed", ..., "untested"

struct CheckRef {
  std::size_t scenario = 0, check = 0;  // indexes into the report
};

struct RequirementCell {
  RequirementState state = RequirementState::untested;
  std::vector<CheckRef> checks;  // every check citing the requirement
  // Passed without a check of its own: verified on every response read, and
  // no finding cites it.
  bool every_response = false;
};

// The cell of every requirement cited by a check of the report (a
// requirement no check cites is untested, and absent). A known deviation's
// failed check counts as known, a SHOULD finding as warning (failed under
// --strict).
// every_response: the ids the harness verifies on every response it reads
// (status line, line ends, length, an answer to each command, the
// greeting); passed when the run read answers and no finding cites them.
std::map<std::string, RequirementCell> requirement_cells(const RunReport& report,
                                                         const std::vector<std::string>& every_response = {});

// The catalog rows to show for these reports: every row binding the same
// party (server or client) as a row some check cites, so what was not tested
// shows too; in catalog order.
std::vector<const Requirement*> rows_to_show(const Catalog& catalog,
                                             const std::vector<std::map<std::string, RequirementCell>>& columns);

}  // namespace pop3
