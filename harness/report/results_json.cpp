#include "report/results_json.hpp"

#include <cstdio>
#include <map>

#include "util/utf8.hpp"
#include "version.hpp"

namespace pop3 {

constexpr int kResultsVersion = 1;

std::string json_text(std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (std::size_t i = 0; i < s.size();) {
    auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x80) {
      if (std::size_t n = utf8_length(s, i)) {
        out.append(s.substr(i, n));
        i += n;
        continue;
      }
      out += "\\\\x";
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    } else if (c == '"') out += "\\\"";
    else if (c == '\\') out += "\\\\";
    else if (c == '\n') out += "\\n";
    else if (c == '\t') out += "\\t";
    else if (c < 0x20 || c == 0x7f) {
      out += "\\u00";
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    } else out.push_back(static_cast<char>(c));
    ++i;
  }
  return out;
}

namespace {

std::string str(std::string_view s) { return "\"" + json_text(s) + "\""; }
std::string boolean(bool b) { return b ? "true" : "false"; }
std::string number(double d) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3f", d);
  return buf;
}
std::string lower(const char* s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}
// "passed", "failed", "warning", "skipped", "error"
std::string outcome_name(Outcome o) {
  switch (o) {
    case Outcome::passed: return "\"passed\"";
    case Outcome::failed: return "\"failed\"";
    case Outcome::warning: return "\"warning\"";
    case Outcome::skipped: return "\"skipped\"";
    case Outcome::error: return "\"error\"";
  }
  return "\"error\"";
}

// Under --strict a SHOULD finding fails the run: it is "failed" here too.
Outcome effective(Outcome o, bool strict) { return strict && o == Outcome::warning ? Outcome::failed : o; }

std::string ids_json(const std::vector<std::string>& ids) {
  std::string out;
  for (const auto& id : ids) out += (out.empty() ? "" : ", ") + str(id);
  return "[" + out + "]";
}

std::string check_json(const CheckResult& c, const std::vector<std::string>& requirements, bool strict) {
  return "{\"label\": " + str(c.label) + ", \"file\": " + str(c.file) + ", \"line\": " + std::to_string(c.line) +
         ", \"severity\": " + str(lower(to_string(c.severity))) + ", \"rfc\": " + str(c.rfc) +
         ", \"requirements\": " + ids_json(requirements) + ", \"outcome\": " + outcome_name(effective(c.outcome, strict)) + ", \"message\": " + str(c.message) + ", \"expected\": " +
         str(c.expected) + ", \"actual\": " + str(c.actual) + ", \"transcript\": " + str(c.transcript) +
         ", \"seconds\": " + number(c.seconds) + "}";
}

// null, or why the scenario is listed in --known and whether it showed again.
std::string known_json(const ScenarioResult& s) {
  if (!s.known) return "null";
  KnownState k = known_state(s);
  const char* state = k == KnownState::xfail ? "xfail" : k == KnownState::xpass ? "xpass" : "none";
  return "{\"state\": \"" + std::string(state) + "\", \"reason\": " + str(s.known->reason) +
         ", \"link\": " + str(s.known->link) + ", \"listed_at\": " + str(s.known->listed_at) + "}";
}

std::string scenario_json(const ScenarioResult& s, bool strict) {
  std::string checks;
  for (const auto& c : s.checks) checks += std::string(checks.empty() ? "" : ",\n      ") + check_json(c, cited_requirements(s, c), strict);
  return "    {\"id\": " + str(s.id) + ", \"file\": " + str(s.file) +
                 ", \"name\": " + str(s.name) + ", \"rfc\": " + str(s.rfc) + ", \"requirements\": " + ids_json(s.requirements) + ", \"advisories\": " + ids_json(s.advisories) + ", \"severity\": " +
                 str(lower(to_string(s.severity))) + ", \"group\": " + str(s.classname) + ", \"fixture\": " +
                 str(s.fixture) + ", \"outcome\": " + outcome_name(effective(s.outcome, strict)) + ", \"reason\": " + str(s.reason) +
                 ", \"parse_error\": " + boolean(s.parse_error) + ", \"environment_error\": " +
                 boolean(s.environment_error) + ", \"seconds\": " + number(s.seconds) +
                 ", \"exchanges\": " + std::to_string(s.exchanges) + ", \"known\": " + known_json(s) +
                 ",\n     \"checks\": [" +
                 (checks.empty() ? "" : "\n      " + checks) + "]}";
}

}  // namespace

std::string results_json(const RunReport& report, std::string_view command) {
  std::size_t counts[5] = {}, xfail = 0, xpass = 0;
  std::string scenarios;
  for (const auto& s : report.scenarios) {
    ++counts[static_cast<int>(effective(s.outcome, report.strict))];
    xfail += known_state(s) == KnownState::xfail;
    xpass += known_state(s) == KnownState::xpass;
    scenarios += std::string(scenarios.empty() ? "" : ",\n") + scenario_json(s, report.strict);
  }
  std::map<std::string, std::string> props = report.properties;
  props["harness.version"] = kVersion;
  std::string properties;
  for (const auto& [k, v] : props) properties += std::string(properties.empty() ? "" : ", ") + str(k) + ": " + str(v);
  std::string preflight = report.preflight ? scenario_json(*report.preflight, report.strict) : "    null";
  return "{\"format\": \"pop3-harness-results\", \"version\": " + std::to_string(kResultsVersion) +
         ", \"command\": " + str(command) + ", \"harness\": " + str(kVersion) + ", \"strict\": " +
         boolean(report.strict) + ", \"strict_known\": " + boolean(report.strict_known) + ",\n \"properties\": {" + properties + "},\n \"preflight\":\n" + preflight +
         ",\n \"interrupted\": " + boolean(report.interrupted) + ", \"seconds\": " + number(report.seconds) + ",\n \"summary\": {\"passed\": " +
         std::to_string(counts[0]) + ", \"failed\": " + std::to_string(counts[1]) + ", \"warning\": " +
         std::to_string(counts[2]) + ", \"skipped\": " + std::to_string(counts[3]) + ", \"error\": " +
         std::to_string(counts[4]) + ", \"known_failed\": " + std::to_string(xfail) +
         ", \"known_passed\": " + std::to_string(xpass) + "},\n \"scenarios\": [\n" + scenarios + "\n ]}\n";
}

}  // namespace pop3
