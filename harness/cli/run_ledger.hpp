#pragma once
// The report of a `run` as it grows: one result per scenario (played,
// skipped, not run after a preflight failure, interrupted), rewritten
// atomically after each, shown on the console, and the exit code it adds up
// to. The scheduling of scenarios (RunSession) stays apart from it.
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cli/run_options.hpp"
#include "cli/scenario_discovery.hpp"
#include "client/preflight.hpp"
#include "report/console.hpp"
#include "report/known.hpp"
#include "requirements/catalog.hpp"
#include "report/redact.hpp"
#include "report/run_report.hpp"

namespace pop3 {

// The exit code a finished report adds up to (the preflight's verdict, every
// scenario's checks, --strict and --known as recorded in it), for a run and
// for 'report merge'.
int report_exit_code(const RunReport& report);

class RunLedger {
 public:
  RunLedger(const RunOptions& options, const std::vector<Job>& jobs, const Redactor& redactor)
      : o_(options), jobs_(jobs), redactor_(redactor) {}

  RunReport& report() { return report_; }
  void set_known(KnownList known) {
    known_ = std::move(known);
    known_checks_ = KnownChecks(known_);
  }
  void set_catalog(Catalog catalog) { catalog_ = std::move(catalog); }
  Console& console() { return *console_; }
  void open_console() { console_ = std::make_unique<Console>(stdout, jobs_.size(), o_.color); }

  // The result of a job before it is played: its header, or its parse error.
  ScenarioResult blank(const Job& j) const;
  // A failure shared by every scenario (the preflight's): reported once, as
  // the run's verdict, every scenario listed as not run.
  void stop_run(const Preflight& p, const std::string& against);
  // A scenario played to its end (dropped if an interrupt cut it short).
  void finish(ScenarioResult r);
  // At the end of the run: each --known requirement id whose checks all
  // passed is reported as an XPASS of its own.
  void close_known();
  void interrupted() { report_.interrupted = true; }
  void harness_error() { harness_error_ = true; }
  void write();
  int exit_code() const;

 private:
  const RunOptions& o_;
  const std::vector<Job>& jobs_;
  const Redactor& redactor_;
  RunReport report_;
  KnownList known_;
  KnownChecks known_checks_{known_};
  std::optional<Catalog> catalog_;
  JunitWriter junit_;
  std::unique_ptr<Console> console_;
  int run_exit_ = kPassed;  // the preflight's verdict on the run
  bool harness_error_ = false;
};

}  // namespace pop3
