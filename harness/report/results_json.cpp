#include "report/results_json.hpp"

#include <cstdio>

#include "report/utf8.hpp"

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
std::string outcome(Outcome o) {
  switch (o) {
    case Outcome::passed: return "\"passed\"";
    case Outcome::failed: return "\"failed\"";
    case Outcome::warning: return "\"warning\"";
    case Outcome::skipped: return "\"skipped\"";
    case Outcome::error: return "\"error\"";
  }
  return "\"error\"";
}

std::string check_json(const CheckResult& c) {
  return "{\"label\": " + str(c.label) + ", \"file\": " + str(c.file) + ", \"line\": " + std::to_string(c.line) +
         ", \"severity\": " + str(lower(to_string(c.severity))) + ", \"rfc\": " + str(c.rfc) +
         ", \"outcome\": " + outcome(c.outcome) + ", \"message\": " + str(c.message) + ", \"expected\": " +
         str(c.expected) + ", \"actual\": " + str(c.actual) + ", \"transcript\": " + str(c.transcript) +
         ", \"seconds\": " + number(c.seconds) + "}";
}

}  // namespace

std::string results_json(const RunReport& report, std::string_view command) {
  std::size_t counts[5] = {};
  std::string scenarios;
  for (const auto& s : report.scenarios) {
    ++counts[static_cast<int>(s.outcome)];
    std::string checks;
    for (const auto& c : s.checks) checks += std::string(checks.empty() ? "" : ",\n      ") + check_json(c);
    scenarios += std::string(scenarios.empty() ? "" : ",\n") + "    {\"id\": " + str(s.id) + ", \"file\": " + str(s.file) +
                 ", \"name\": " + str(s.name) + ", \"rfc\": " + str(s.rfc) + ", \"severity\": " +
                 str(lower(to_string(s.severity))) + ", \"group\": " + str(s.classname) + ", \"fixture\": " +
                 str(s.fixture) + ", \"outcome\": " + outcome(s.outcome) + ", \"reason\": " + str(s.reason) +
                 ", \"parse_error\": " + boolean(s.parse_error) + ", \"environment_error\": " +
                 boolean(s.environment_error) + ", \"seconds\": " + number(s.seconds) +
                 ", \"exchanges\": " + std::to_string(s.exchanges) + ",\n     \"checks\": [" +
                 (checks.empty() ? "" : "\n      " + checks) + "]}";
  }
  std::string properties;
  for (const auto& [k, v] : report.properties)
    properties += std::string(properties.empty() ? "" : ", ") + str(k) + ": " + str(v);
  return "{\"format\": \"pop3-harness-results\", \"version\": " + std::to_string(kResultsVersion) +
         ", \"command\": " + str(command) + ",\n \"properties\": {" + properties + "},\n \"interrupted\": " +
         boolean(report.interrupted) + ", \"seconds\": " + number(report.seconds) + ",\n \"summary\": {\"passed\": " +
         std::to_string(counts[0]) + ", \"failed\": " + std::to_string(counts[1]) + ", \"warning\": " +
         std::to_string(counts[2]) + ", \"skipped\": " + std::to_string(counts[3]) + ", \"error\": " +
         std::to_string(counts[4]) + "},\n \"scenarios\": [\n" + scenarios + "\n ]}\n";
}

}  // namespace pop3
