#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <stdexcept>
#include <unistd.h>

#include "report/run_report.hpp"
#include "util/utf8.hpp"
#include "version.hpp"

namespace pop3 {
namespace {

std::string attr(std::string_view s) {
  std::string out = xml_text(s);
  std::string r;
  for (char c : out) {
    if (c == '"') r += "&quot;";
    else if (c == '\n') r += "&#10;";
    else r.push_back(c);
  }
  return r;
}

std::string seconds(double s) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3f", s);
  return buf;
}

std::string classname_of(const ScenarioResult& s) {
  // "rfc1939/stat-basic" with group "transaction" -> pop3.rfc1939.transaction;
  // a dotted group is a full path under pop3: "tls.client.stripping".
  if (s.classname.find('.') != std::string::npos) return "pop3." + s.classname;
  std::string dir = s.id.find('/') == std::string::npos ? "scenarios" : s.id.substr(0, s.id.rfind('/'));
  for (auto& c : dir)
    if (c == '/') c = '.';
  return "pop3." + dir + "." + (s.classname.empty() ? "scenario" : s.classname);
}

std::string check_text(const CheckResult& c, const std::vector<std::string>& requirements) {
  std::string out = c.message + "\n";
  out += "check: " + c.label + "\n";
  if (!c.file.empty()) out += "at: " + c.file + (c.line ? ":" + std::to_string(c.line) : "") + "\n";
  out += "severity: " + std::string(to_string(c.severity)) + (c.rfc.empty() ? "" : "  rfc: " + c.rfc) + "\n";
  if (!requirements.empty()) out += "requirements: " + requirements_text(requirements) + "\n";
  if (!c.expected.empty() || !c.actual.empty()) out += "expected: " + c.expected + "\nactual:   " + c.actual + "\n";
  if (!c.transcript.empty()) out += "transcript:\n" + c.transcript;
  return out;
}

struct Suite {
  std::string xml;
  std::size_t tests = 0, failures = 0, errors = 0;
};

// The element inside a testcase for one check's outcome.
// A known deviation found again is <skipped> with the reason, as JUnit
// consumers show an expected failure; the finding stays in the text.
std::string outcome_element(const CheckResult& c, const std::vector<std::string>& requirements, bool strict,
                            const ScenarioResult::Known* known, Suite& counts, std::size_t& skipped) {
  std::string text = check_text(c, requirements);
  std::string first = c.message.substr(0, c.message.find('\n'));
  bool fails = c.outcome == Outcome::failed || (strict && c.outcome == Outcome::warning);
  if (known && (c.outcome == Outcome::failed || c.outcome == Outcome::warning)) {
    ++skipped;
    // The Jenkins schema gives <skipped> no message attribute: the reason is its text.
    return "      <skipped>" + xml_text("known deviation (" + known->listed_at + "): " + known->reason + "\n" + text) + "</skipped>\n";
  }
  switch (c.outcome) {
    case Outcome::passed:
      // A finding reported, not judged (INFO), or a note on how a check passed.
      return c.message.empty() ? "" : "      <system-out>INFO: " + xml_text(c.message) + "</system-out>\n";
    case Outcome::skipped: ++skipped; return "      <skipped>" + xml_text(c.message) + "</skipped>\n";
    case Outcome::error:
      ++counts.errors;
      return "      <error type=\"protocol\" message=\"" + attr(first) + "\">" + xml_text(text) + "</error>\n";
    case Outcome::failed:
    case Outcome::warning:
      if (fails) {
        ++counts.failures;
        return "      <failure type=\"" + std::string(to_string(c.severity)) + "\" message=\"" + attr(first) + "\">" +
               xml_text(text) + "</failure>\n";
      }
      // A SHOULD/MAY finding does not fail the run; it is reported, not hidden.
      return "      <system-err>WARNING (" + std::string(to_string(c.severity)) + " not met): " + xml_text(text) +
             "</system-err>\n";
  }
  return "";
}

Suite render_suite(const ScenarioResult& s, bool strict, bool strict_known,
                   const std::map<std::string, std::string>* run_properties) {
  Suite suite;
  const ScenarioResult::Known* xfail = known_state(s) == KnownState::xfail ? &*s.known : nullptr;
  std::size_t skipped = 0;
  std::string cases;
  std::string cls = run_properties ? std::string("pop3.run") : classname_of(s);
  std::string stem = s.id.substr(s.id.rfind('/') + 1);
  auto testcase = [&](const std::string& name, double secs, const std::string& inner) {
    ++suite.tests;
    cases += "    <testcase name=\"" + attr(name) + "\" classname=\"" + attr(cls) + "\" time=\"" + seconds(secs) + "\"";
    cases += inner.empty() ? "/>\n" : ">\n" + inner + "    </testcase>\n";
  };
  if (s.parse_error || (s.environment_error && s.checks.empty()) || (s.checks.empty() && !s.reason.empty())) {
    // Nothing ran: one testcase for the scenario as a whole.
    std::string inner;
    if (s.outcome == Outcome::skipped) {
      inner = "      <skipped>" + xml_text(s.reason) + "</skipped>\n";
      ++skipped;
    } else {
      inner = "      <error type=\"" + std::string(s.parse_error ? "parse" : "environment") + "\" message=\"" +
              attr(s.reason.substr(0, s.reason.find('\n'))) + "\">" + xml_text(s.reason) + "</error>\n";
      ++suite.errors;
    }
    testcase(stem, s.seconds, inner);
  }
  std::map<std::string, int> seen;  // a step written twice is named "(2)" the second time
  for (const auto& c : s.checks) {
    std::string name = stem + ": " + c.label;
    if (int n = ++seen[name]; n > 1) name += " (" + std::to_string(n) + ")";
    testcase(name, c.seconds, outcome_element(c, cited_requirements(s, c), strict, xfail, suite, skipped));
  }
  if (known_state(s) == KnownState::xpass) {
    // Listed as a known deviation, yet it passed: the list is out of date.
    std::string why = "listed as a known deviation (" + s.known->listed_at + ") but passed: remove it from the list";
    if (strict_known) ++suite.failures;
    testcase(stem + ": known deviation", 0,
             strict_known ? "      <failure type=\"XPASS\" message=\"" + attr(why) + "\">" + xml_text(why) + "</failure>\n"
                          : "      <system-out>XPASS: " + xml_text(why) + "</system-out>\n");
  }
  std::string props = "    <properties>\n";
  auto prop = [&](const std::string& k, const std::string& v) {
    props += "      <property name=\"" + attr(k) + "\" value=\"" + attr(v) + "\"/>\n";
  };
  if (run_properties) {
    for (const auto& [k, v] : *run_properties) prop(k, v);
  } else {
    prop("scenario", s.name);
    prop("file", s.file);
    prop("rfc", s.rfc);
    prop("severity", to_string(s.severity));
    if (!s.requirements.empty()) prop("requirements", requirements_text(s.requirements));
    if (!s.advisories.empty()) prop("advisories", requirements_text(s.advisories));
    prop("fixture", s.fixture);
    prop("outcome", to_string(s.outcome));
    if (s.known) prop("known", s.known->listed_at + ": " + s.known->reason);
  }
  props += "    </properties>\n";
  suite.xml = "  <testsuite name=\"" + attr(run_properties ? "pop3-harness" : s.id) + "\" tests=\"" +
              std::to_string(suite.tests) + "\" failures=\"" + std::to_string(suite.failures) + "\" errors=\"" +
              std::to_string(suite.errors) + "\" skipped=\"" + std::to_string(skipped) + "\" time=\"" +
              seconds(s.seconds) + "\">\n" + props + cases + "  </testsuite>\n";
  return suite;
}

}  // namespace

std::string xml_text(std::string_view s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (std::size_t i = 0; i < s.size();) {
    auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x80) {
      std::size_t n = utf8_length(s, i);
      // U+FFFE and U+FFFF are UTF-8 but not XML characters.
      bool non_character = n == 3 && c == 0xEF && static_cast<unsigned char>(s[i + 1]) == 0xBF &&
                           static_cast<unsigned char>(s[i + 2]) >= 0xBE;
      if (n && !non_character) {
        out.append(s.substr(i, n));
        i += n;
        continue;
      }
    }
    if (c == '&') out += "&amp;";
    else if (c == '<') out += "&lt;";
    else if (c == '>') out += "&gt;";
    else if (c == '\n' || c == '\t' || (c >= 0x20 && c < 0x7f)) out.push_back(static_cast<char>(c));
    else {
      out += "\\x";
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
    ++i;
  }
  return out;
}

std::string JunitWriter::render(const RunReport& report) {
  // Scenarios only ever get appended during a run; one that changed is re-rendered.
  if (suites_.size() > report.scenarios.size()) suites_.clear(), counts_.clear();
  while (suites_.size() < report.scenarios.size()) {
    Suite s = render_suite(report.scenarios[suites_.size()], report.strict, report.strict_known, nullptr);
    suites_.push_back(std::move(s.xml));
    counts_.push_back({s.tests, s.failures, s.errors});
  }
  std::map<std::string, std::string> props = report.properties;
  props["harness.version"] = kVersion;
  ScenarioResult run = report.preflight.value_or(ScenarioResult{});
  run.id = "pop3-harness";
  run.seconds = report.seconds;
  Suite head = render_suite(run, report.strict, report.strict_known, &props);
  std::size_t tests = head.tests, failures = head.failures, errors = head.errors;
  std::size_t size = head.xml.size();
  for (std::size_t i = 0; i < suites_.size(); ++i) {
    tests += counts_[i].tests;
    failures += counts_[i].failures;
    errors += counts_[i].errors;
    size += suites_[i].size();
  }
  std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"pop3-harness\" tests=\"" +
                    std::to_string(tests) + "\" failures=\"" + std::to_string(failures) + "\" errors=\"" +
                    std::to_string(errors) + "\" time=\"" + seconds(report.seconds) + "\">\n";
  out.reserve(out.size() + size + 16);
  out += head.xml;
  for (const auto& s : suites_) out += s;
  out += "</testsuites>\n";
  return out;
}

std::string junit_xml(const RunReport& report) { return JunitWriter().render(report); }

void write_atomically(const std::string& path, const std::string& content) {
  namespace fs = std::filesystem;
  fs::path target(path);
  if (target.has_parent_path()) fs::create_directories(target.parent_path());
  fs::path tmp = target;
  tmp += ".tmp." + std::to_string(::getpid());
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out.write(content.data(), static_cast<std::streamsize>(content.size()));
    out.flush();
    if (!out) {
      std::error_code ignored;
      out.close();
      fs::remove(tmp, ignored);
      throw std::runtime_error("cannot write " + tmp.string());
    }
  }
  fs::rename(tmp, target);
}

}  // namespace pop3
