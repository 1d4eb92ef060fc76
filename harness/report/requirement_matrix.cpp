#include "report/requirement_matrix.hpp"

#include <set>

namespace pop3 {

const char* to_string(RequirementState s) {
  switch (s) {
    case RequirementState::failed: return "failed";
    case RequirementState::error: return "error";
    case RequirementState::warning: return "warning";
    case RequirementState::known: return "known deviation";
    case RequirementState::passed: return "passed";
    case RequirementState::skipped: return "skipped";
    case RequirementState::untested: return "not tested";
  }
  return "?";
}

const char* css_name(RequirementState s) {
  return s == RequirementState::untested ? "untested" : s == RequirementState::known ? "known" : to_string(s);
}

namespace {

RequirementState state_of(const ScenarioResult& s, const CheckResult& c, bool strict) {
  bool finding = c.outcome == Outcome::failed || c.outcome == Outcome::warning;
  if (finding && known_state(s) == KnownState::xfail) return RequirementState::known;
  switch (c.outcome) {
    case Outcome::failed: return RequirementState::failed;
    case Outcome::warning: return strict ? RequirementState::failed : RequirementState::warning;
    case Outcome::error: return RequirementState::error;
    case Outcome::skipped: return RequirementState::skipped;
    case Outcome::passed: return RequirementState::passed;
  }
  return RequirementState::untested;
}

}  // namespace

std::map<std::string, RequirementCell> requirement_cells(const RunReport& report,
                                                         const std::vector<std::string>& every_response) {
  std::map<std::string, RequirementCell> cells;
  bool answered = false;  // a check passed: the run read answers
  for (std::size_t i = 0; i < report.scenarios.size(); ++i) {
    const ScenarioResult& s = report.scenarios[i];
    for (std::size_t j = 0; j < s.checks.size(); ++j) {
      const CheckResult& c = s.checks[j];
      RequirementState state = state_of(s, c, report.strict);
      answered |= c.outcome == Outcome::passed;
      for (const auto& id : cited_requirements(s, c)) {
        RequirementCell& cell = cells[id];
        cell.checks.push_back({i, j});
        if (state < cell.state) cell.state = state;
      }
    }
  }
  if (answered)
    for (const auto& id : every_response)
      if (!cells.contains(id)) cells[id] = {RequirementState::passed, {}, true};
  return cells;
}

std::vector<const Requirement*> rows_to_show(const Catalog& catalog,
                                             const std::vector<std::map<std::string, RequirementCell>>& columns) {
  std::set<std::string> parties;
  for (const auto& cells : columns)
    for (const auto& [id, cell] : cells)
      if (const Requirement* r = catalog.find(id)) parties.insert(r->binds);
  std::vector<const Requirement*> rows;
  for (const auto& r : catalog.rows())
    if (parties.contains(r.binds)) rows.push_back(&r);
  return rows;
}

}  // namespace pop3
