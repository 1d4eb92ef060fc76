#include "report/results_read.hpp"

#include <nlohmann/json.hpp>
#include <stdexcept>

namespace pop3 {
namespace {

using nlohmann::json;

constexpr int kNewestVersion = 1;

std::string text(const json& j, const char* key) { return j.contains(key) ? j.at(key).get<std::string>() : ""; }

std::vector<std::string> texts(const json& j, const char* key) {
  return j.contains(key) ? j.at(key).get<std::vector<std::string>>() : std::vector<std::string>{};
}

Severity severity_of(const std::string& s) {
  if (s == "should") return Severity::should;
  if (s == "may") return Severity::may;
  if (s == "info") return Severity::info;
  return Severity::must;
}

Outcome outcome_of(const std::string& s) {
  if (s == "passed") return Outcome::passed;
  if (s == "failed") return Outcome::failed;
  if (s == "warning") return Outcome::warning;
  if (s == "skipped") return Outcome::skipped;
  if (s == "error") return Outcome::error;
  throw std::invalid_argument("unknown outcome '" + s + "'");
}

CheckResult check_of(const json& j, const std::vector<std::string>& scenario_requirements) {
  CheckResult c;
  c.label = text(j, "label");
  c.file = text(j, "file");
  c.line = j.value("line", 0);
  c.severity = severity_of(text(j, "severity"));
  c.rfc = text(j, "rfc");
  auto requirements = texts(j, "requirements");
  if (requirements != scenario_requirements) c.requirements = requirements;
  c.outcome = outcome_of(text(j, "outcome"));
  c.message = text(j, "message");
  c.expected = text(j, "expected");
  c.actual = text(j, "actual");
  c.transcript = text(j, "transcript");
  c.seconds = j.value("seconds", 0.0);
  return c;
}

ScenarioResult scenario_of(const json& j) {
  ScenarioResult s;
  s.id = text(j, "id");
  s.file = text(j, "file");
  s.name = text(j, "name");
  s.rfc = text(j, "rfc");
  s.requirements = texts(j, "requirements");
  s.advisories = texts(j, "advisories");
  s.severity = severity_of(text(j, "severity"));
  s.classname = text(j, "group");
  s.fixture = text(j, "fixture");
  s.outcome = outcome_of(text(j, "outcome"));
  s.reason = text(j, "reason");
  s.parse_error = j.value("parse_error", false);
  s.environment_error = j.value("environment_error", false);
  s.seconds = j.value("seconds", 0.0);
  s.exchanges = j.value("exchanges", std::size_t{0});
  if (j.contains("known") && j.at("known").is_object()) {
    const json& k = j.at("known");
    s.known = ScenarioResult::Known{text(k, "reason"), text(k, "link"), text(k, "listed_at")};
  }
  if (j.contains("checks"))
    for (const auto& c : j.at("checks")) s.checks.push_back(check_of(c, s.requirements));
  return s;
}

}  // namespace

LoadedResults read_results_json(std::string_view input) {
  json j = json::parse(input.begin(), input.end(), nullptr, false);
  if (j.is_discarded()) throw std::invalid_argument("not JSON");
  if (!j.is_object() || j.value("format", std::string()) != "pop3-harness-results")
    throw std::invalid_argument("not a pop3-harness results file (format \"pop3-harness-results\"; see --report-json)");
  if (int v = j.value("version", 0); v < 1 || v > kNewestVersion)
    throw std::invalid_argument("results version " + std::to_string(v) + ": this harness reads version 1");
  try {
    LoadedResults out;
    out.command = text(j, "command");
    RunReport& r = out.report;
    if (j.contains("properties"))
      for (const auto& [k, v] : j.at("properties").items()) r.properties[k] = v.get<std::string>();
    if (j.contains("preflight") && j.at("preflight").is_object()) r.preflight = scenario_of(j.at("preflight"));
    for (const auto& s : j.value("scenarios", json::array())) r.scenarios.push_back(scenario_of(s));
    r.interrupted = j.value("interrupted", false);
    r.strict = j.value("strict", false);
    r.strict_known = j.value("strict_known", false);
    r.seconds = j.value("seconds", 0.0);
    return out;
  } catch (const json::exception& e) {
    throw std::invalid_argument(std::string("a field of the wrong type: ") + e.what());
  }
}

}  // namespace pop3
