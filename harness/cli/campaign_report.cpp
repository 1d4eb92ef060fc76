#include "cli/campaign_report.hpp"

#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <filesystem>
#include <iostream>

#include "cli/requirement_citations.hpp"
#include "report/html.hpp"
#include "report/results_json.hpp"

namespace fs = std::filesystem;

namespace pop3 {
bool write_report_files(const RunReport& report, const RunOptions& common, const char* command) {
  try {
    fs::path junit(common.junit);
    if (junit.has_parent_path()) fs::create_directories(junit.parent_path());
    write_atomically(common.junit, junit_xml(report));
    if (!common.report_json.empty()) write_atomically(common.report_json, results_json(report, command));
    if (!common.html.empty()) {
      auto catalog = load_catalog();
      auto target = report.properties.find("target");
      std::string title = target == report.properties.end() ? command : target->second;
      HtmlColumn column{title, &report, common.client_cmd.empty() ? every_response_requirements() : std::vector<std::string>{}};
      write_atomically(common.html, html_report({column}, catalog ? &*catalog : nullptr, command));
    }
    return true;
  } catch (const std::exception& e) {
    std::cerr << "pop3-harness: cannot write the report: " << e.what() << "\n";
    return false;
  }
}

std::string slug(const std::string& text, std::size_t max) {
  std::string out;
  for (char c : text) {
    if (std::isalnum(static_cast<unsigned char>(c))) out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    else if (!out.empty() && out.back() != '-') out += '-';
    if (out.size() >= max) break;
  }
  while (!out.empty() && out.back() == '-') out.pop_back();
  return out.empty() ? "finding" : out;
}

CheckResult campaign_check(std::string label, std::string rfc, Outcome outcome, std::string message,
                           Severity severity) {
  CheckResult c;
  c.severity = severity;
  c.label = std::move(label);
  c.rfc = std::move(rfc);
  c.outcome = outcome;
  c.message = std::move(message);
  return c;
}

CheckResult replay_check(const std::string& label, const std::string& rfc, const std::string& file,
                         std::optional<bool> again, const std::string& differs) {
  bool failed_again = again && *again;
  CheckResult rc = campaign_check(label, rfc, failed_again ? Outcome::passed : Outcome::warning, file, Severity::should);
  if (!failed_again)
    rc.message = again ? "the reproducer passes under run: " + differs + " (" + file + ")"
                       : "the reproducer could not be replayed (" + file + ")";
  std::printf("  replay: %s\n", failed_again ? "fails again under run" : rc.message.c_str());
  return rc;
}

void write_campaign_reports(RunReport& report, const RunOptions& common, const char* command,
                            const CampaignScenario& what, std::vector<CheckResult> checks, bool environment,
                            const std::string& reason) {
  ScenarioResult sr;
  sr.id = what.id;
  sr.name = what.name;
  sr.file = what.file;
  sr.classname = what.classname;
  sr.rfc = what.rfc;
  sr.checks = std::move(checks);
  sr.environment_error = environment;
  sr.reason = reason;
  sr.outcome = environment ? Outcome::error : summarize(sr);
  report.scenarios.push_back(sr);
  report.strict = common.strict;  // a SHOULD finding that fails the run is a <failure>
  write_report_files(report, common, command);
}

void write_preflight_reports(RunReport& report, const RunOptions& common, const char* command) {
  report.strict = common.strict;
  write_report_files(report, common, command);
  std::cout << "JUnit report: " << common.junit << "\n";
}

CheckResult clean_oracle_check(const std::string& what, unsigned long long cases, std::uint64_t seed, bool unfinished) {
  Outcome outcome = unfinished ? Outcome::skipped : Outcome::passed;
  // A stable name; the counts and the seed are in the message (and the report's properties).
  return campaign_check(what, "rfc1939", outcome,
                        (unfinished ? "the campaign did not finish: " : "") + std::to_string(cases) + " cases, seed " +
                            std::to_string(seed));
}

int conclude_campaign(RunReport& report, const RunOptions& common, const CampaignScenario& what,
                      std::vector<CheckResult> checks, const CampaignEnd& end) {
  bool env = end.interrupted || end.environment_error;
  std::string reason = end.environment_error ? *end.environment_error
                       : end.interrupted    ? "interrupted (SIGINT or SIGTERM) after " + std::to_string(end.cases) + " cases"
                                            : "";
  if (env) std::cerr << "pop3-harness: " << reason << "\n";
  // Under --strict a SHOULD finding fails the run, as it is a <failure> in the report.
  bool warned = std::any_of(checks.begin(), checks.end(), [](const CheckResult& c) { return c.outcome == Outcome::warning; });
  write_campaign_reports(report, common, "fuzz", what, std::move(checks), env && !end.failed, reason);
  std::cout << "JUnit report: " << common.junit << "\n";
  // As the README says, and as run does: an interrupted campaign exits 3, findings or not.
  if (end.interrupted) return kEnvironment;
  if (end.failed || (common.strict && warned && !env)) return kConformance;
  if (env) return kEnvironment;
  std::cout << "no finding\n";
  return kPassed;
}

ProgressLine::ProgressLine() : tty_(::isatty(1)), started_(std::chrono::steady_clock::now()), last_(started_) {}

void ProgressLine::show(const char* activity, unsigned long long cases, std::size_t findings) {
  auto now = std::chrono::steady_clock::now();
  if (now - last_ < (tty_ ? std::chrono::milliseconds(200) : std::chrono::milliseconds(5000))) return;
  last_ = now;
  double secs = std::chrono::duration<double>(now - started_).count();
  std::printf("%s  %s: %llu cases, %.0f cases/s, %zu findings, %.1f s%s", tty_ ? "\r" : "", activity, cases,
              cases / std::max(secs, 1e-3), findings, secs, tty_ ? "   " : "\n");
  std::fflush(stdout);
}

void ProgressLine::clear() const {
  if (tty_) std::printf("\r%90s\r", "");
}

int run_campaign_command(const std::function<int()>& command) {
  try {
    return command();
  } catch (const std::exception& e) {
    std::cerr << "pop3-harness: " << e.what() << "\n";
    return kEnvironment;
  }
}

}  // namespace pop3
