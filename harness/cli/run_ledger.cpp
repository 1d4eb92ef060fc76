#include "cli/run_ledger.hpp"

#include <iostream>
#include <set>

#include "cli/requirement_citations.hpp"
#include "cli/run_setup.hpp"
#include "report/html.hpp"
#include "report/results_json.hpp"

namespace pop3 {

ScenarioResult RunLedger::blank(const Job& j) const {
  ScenarioResult r;
  if (j.scenario) r = result_for(*j.scenario);
  r.id = j.id;
  r.file = j.file.string();
  if (!j.scenario) {
    r.name = j.id;
    r.parse_error = true;
    r.reason = j.parse_error;
  }
  r.outcome = summarize(r);
  return r;
}

void RunLedger::stop_run(const Preflight& p, const std::string& against) {
  report_.preflight = preflight_result(p, against);
  run_exit_ = preflight_exit_code(p);
  console_->preflight(*report_.preflight);
  for (const auto& j : jobs_) {
    ScenarioResult r = blank(j);
    if (j.scenario) {
      r.reason = "not run: " + p.message;
      r.outcome = Outcome::skipped;
    }
    r.reason = redactor_.apply(r.reason);
    report_.scenarios.push_back(std::move(r));
  }
  std::cout << jobs_.size() << " scenario" << (jobs_.size() == 1 ? "" : "s") << " not run\n";
  write();
}

void RunLedger::finish(ScenarioResult r) {
  // A scenario cut short by an interrupt is no verdict: the report lists it as interrupted.
  if (report_.interrupted) return;
  r.reason = redactor_.apply(r.reason);
  if (const KnownDeviation* k = excusing_entry(known_, r))
    r.known = ScenarioResult::Known{k->reason, k->link, known_.file + ":" + std::to_string(k->line)};
  // Testing a client, the checks on every response are the client's, reported as checks of their own.
  known_checks_.record(r, o_.client_cmd.empty() ? every_response_requirements() : std::vector<std::string>{});
  report_.scenarios.push_back(std::move(r));
  console_->scenario_done(report_.scenarios.back(), report_.scenarios.size());
  write();  // after every scenario: a killed run keeps what it did
}

void RunLedger::close_known() {
  if (report_.interrupted) return;  // a check not run yet may still fail
  for (auto& r : known_checks_.passed_entries()) {
    report_.scenarios.push_back(std::move(r));
    console_->known_passed(report_.scenarios.back());
  }
}

void RunLedger::write() {
  report_.strict = o_.strict;
  report_.strict_known = o_.strict_known;
  if (report_.interrupted) {
    // The scenarios that did not finish are in the report too, as interrupted.
    std::set<std::string> done;
    for (const auto& s : report_.scenarios) done.insert(s.id);
    for (const auto& j : jobs_) {
      if (done.contains(j.id)) continue;
      ScenarioResult r = blank(j);
      if (j.scenario) {
        r.reason = "interrupted (SIGINT or SIGTERM) before it finished";
        r.outcome = Outcome::skipped;
      }
      report_.scenarios.push_back(std::move(r));
    }
  }
  try {
    write_atomically(o_.junit, junit_.render(report_));
    if (!o_.report_json.empty()) write_atomically(o_.report_json, results_json(report_, "run"));
    if (!o_.html.empty()) {
      std::string title = report_.properties.count("target") ? report_.properties.at("target") : "run";
      // Testing a client, the checks on every response are the client's, cited when they fail.
      HtmlColumn column{title, &report_, o_.client_cmd.empty() ? every_response_requirements() : std::vector<std::string>{}};
      write_atomically(o_.html, html_report({column}, catalog_ ? &*catalog_ : nullptr, "run"));
    }
  } catch (const std::exception& e) {
    std::cerr << "pop3-harness: cannot write the report: " << e.what() << "\n";
    harness_error_ = true;
  }
}

int report_exit_code(const RunReport& report) {
  if (report.interrupted) return kEnvironment;
  bool env = false, parse = false, fail = false;
  if (report.preflight) {
    env |= report.preflight->outcome == Outcome::error;
    fail |= report.preflight->outcome == Outcome::failed;
  }
  for (const auto& s : report.scenarios) {
    env |= s.environment_error;
    parse |= s.parse_error;
    KnownState known = known_state(s);
    fail |= known == KnownState::xpass && report.strict_known;
    for (const auto& c : s.checks) {
      // A known deviation found again does not fail the run; an error still
      // means the harness could not test it.
      if (known == KnownState::xfail && c.outcome != Outcome::error) continue;
      env |= c.outcome == Outcome::error;
      fail |= c.outcome == Outcome::failed || (report.strict && c.outcome == Outcome::warning);
    }
  }
  if (env) return kEnvironment;
  if (parse) return kUsage;
  return fail ? kConformance : kPassed;
}

int RunLedger::exit_code() const {
  if (harness_error_ || run_exit_ == kEnvironment) return kEnvironment;
  int code = report_exit_code(report_);
  return code == kPassed && run_exit_ == kConformance ? kConformance : code;
}

}  // namespace pop3
