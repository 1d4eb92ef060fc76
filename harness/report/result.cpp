#include "report/result.hpp"

namespace pop3 {

const char* to_string(Outcome o) {
  switch (o) {
    case Outcome::passed: return "PASS";
    case Outcome::failed: return "FAIL";
    case Outcome::warning: return "WARN";
    case Outcome::skipped: return "SKIP";
    case Outcome::error: return "ERROR";
  }
  return "?";
}

Outcome summarize(const ScenarioResult& r) {
  if (r.parse_error || r.environment_error) return Outcome::error;
  bool failed = false, warned = false, errored = false, any_run = false;
  for (const auto& c : r.checks) {
    failed |= c.outcome == Outcome::failed;
    warned |= c.outcome == Outcome::warning;
    errored |= c.outcome == Outcome::error;
    any_run |= c.outcome != Outcome::skipped;
  }
  if (errored) return Outcome::error;
  if (failed) return Outcome::failed;
  if (warned) return Outcome::warning;
  if (!any_run && (!r.reason.empty() || !r.checks.empty())) return Outcome::skipped;
  return Outcome::passed;
}

const std::vector<std::string>& cited_requirements(const ScenarioResult& s, const CheckResult& c) {
  return c.requirements ? *c.requirements : s.requirements;
}

std::string requirements_text(const std::vector<std::string>& ids) {
  std::string out;
  for (const auto& id : ids) out += (out.empty() ? "" : " ") + id;
  return out;
}

std::string citation(const std::string& rfc, const std::vector<std::string>& ids) {
  std::string text = requirements_text(ids);
  return rfc.empty() || text.empty() ? rfc + text : rfc + " " + text;
}

ScenarioResult result_for(const Scenario& sc) {
  ScenarioResult r;
  r.id = sc.id;
  r.file = sc.file;
  r.name = sc.name;
  r.rfc = sc.rfc;
  r.severity = sc.severity;
  r.requirements = sc.requirements;
  r.advisories = sc.advisories;
  r.classname = sc.group;
  r.fixture = sc.fixture;
  return r;
}

KnownState known_state(const ScenarioResult& r) {
  if (!r.known) return KnownState::none;
  if (r.outcome == Outcome::failed || r.outcome == Outcome::warning) return KnownState::xfail;
  return r.outcome == Outcome::passed ? KnownState::xpass : KnownState::none;
}

const char* shown_outcome(const ScenarioResult& r) {
  switch (known_state(r)) {
    case KnownState::xfail: return "XFAIL";
    case KnownState::xpass: return "XPASS";
    case KnownState::none: break;
  }
  return to_string(r.outcome);
}

}  // namespace pop3
