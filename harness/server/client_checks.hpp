#pragma once
#include <string>
#include <vector>

#include "report/redact.hpp"
#include "report/result.hpp"
#include "scenario/ast.hpp"
#include "scenario/fixture.hpp"
#include "server/script.hpp"

namespace pop3 {

// What one client run left behind, for the server role's verdicts.
struct ClientRun {
  std::vector<ServerEvent> events;  // in arrival order, every connection
  bool timed_out = false;
  int exit_code = -1;
  int signal = 0;
  std::string output;  // the client's stdout and stderr, bounded
  double limit_seconds = 0;
  std::vector<std::string> saved;  // the files in {outdir}, in name order
  bool saves_lf = false;           // --client-saves lf
};

// Judges a run, without I/O: the scenario's "expect:" steps, then the checks
// every client must pass (no hang, no crash, nothing after QUIT, no
// unadvertised pipelining, no credentials before a required STLS).
std::vector<CheckResult> judge_client_run(const Scenario& scenario, const Fixture& fixture, const ClientRun& run,
                                          const Redactor& redactor);

}  // namespace pop3
