#pragma once
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "cli/run_options.hpp"
#include "report/run_report.hpp"

namespace pop3 {

// A file name from a finding's words: lower case, dashes, at most max octets.
std::string slug(const std::string& text, std::size_t max = 48);

CheckResult campaign_check(std::string label, std::string rfc, Outcome outcome, std::string message = {},
                           Severity severity = Severity::must);

// The SHOULD check that a finding's reproducer fails again under `run`
// (again: whether it did; none when it could not be replayed), also said on
// the console. differs: why a reproducer may pass, for the message.
CheckResult replay_check(const std::string& label, const std::string& rfc, const std::string& file,
                         std::optional<bool> again, const std::string& differs);

// The one scenario a campaign reports (fuzz/server, fuzz/client), added to
// the report, which is then written as JUnit and, when asked, results JSON.
struct CampaignScenario {
  std::string id, name, classname, file, rfc;
};
void write_campaign_reports(RunReport& report, const RunOptions& common, const char* command,
                            const CampaignScenario& what, std::vector<CheckResult> checks, bool environment,
                            const std::string& reason);

// The JUnit report, and the JSON and HTML ones when asked for, each written
// atomically; false (said on stderr) when one cannot be.
bool write_report_files(const RunReport& report, const RunOptions& common, const char* command);

// The report of a campaign that stopped at its preflight: report.preflight
// says why, and no scenario is added.
void write_preflight_reports(RunReport& report, const RunOptions& common, const char* command);

// The passed check of an oracle that found nothing ("N cases, seed S: no hang
// ..."), skipped when the campaign did not finish.
CheckResult clean_oracle_check(const std::string& what, unsigned long long cases, std::uint64_t seed, bool unfinished);

// Writes the reports and says how the campaign ended: the exit code (1 with a
// finding, 3 when interrupted or the environment failed, else 0).
struct CampaignEnd {
  bool failed = false, interrupted = false;
  std::optional<std::string> environment_error;  // already redacted
  unsigned long long cases = 0;
};
int conclude_campaign(RunReport& report, const RunOptions& common, const CampaignScenario& what,
                      std::vector<CheckResult> checks, const CampaignEnd& end);

// The live status line: every 200 ms on a terminal, every 5 s in a log.
class ProgressLine {
 public:
  ProgressLine();
  void show(const char* activity, unsigned long long cases, std::size_t findings);
  void clear() const;

 private:
  bool tty_;
  std::chrono::steady_clock::time_point started_, last_;
};

// Runs a campaign command: an exception that escapes it is the harness's or
// the environment's failure (exit 3), said on stderr.
int run_campaign_command(const std::function<int()>& command);

}  // namespace pop3
