#pragma once
#include <string>
#include <vector>

#include "report/redact.hpp"
#include "report/result.hpp"
#include "scenario/ast.hpp"
#include "scenario/fixture.hpp"
#include "server/script.hpp"

namespace pop3 {

// What one run of the client left behind, for the server role's verdicts.
struct ClientRun {
  std::vector<std::string> delivered;  // every message put in the maildrop up to this run
  std::vector<ServerEvent> events;  // in arrival order, every connection
  bool timed_out = false;
  int exit_code = -1;
  int signal = 0;
  std::string output;  // the client's stdout and stderr, bounded
  double limit_seconds = 0;
  std::vector<std::string> saved;  // the files in {outdir} after this run, in name order, each cut
                                   // one octet past the longest message delivered
  std::vector<std::uintmax_t> saved_sizes;  // their sizes on disk (empty: the sizes of saved)
  bool saves_lf = false;           // --client-saves lf
};

// The one check of a client that never connected (then nothing else is judged).
extern const char kConnectsLabel[];

// Judges the runs of a scenario (one per "run: N"), without I/O: each
// "expect:" step against its run, then the checks every run of every client
// must pass (no hang, no crash, nothing after QUIT, no unadvertised
// pipelining, no credentials before a required STLS).
std::vector<CheckResult> judge_client_runs(const Scenario& scenario, const std::vector<ClientRun>& runs,
                                           const Redactor& redactor);

// One run, with the fixture as the maildrop when run.delivered is empty.
std::vector<CheckResult> judge_client_run(const Scenario& scenario, const Fixture& fixture, ClientRun run,
                                          const Redactor& redactor);

}  // namespace pop3
