#pragma once
// What a load run reports: one result per invariant (a FAIL with the
// accounts, messages and transcripts of the first violations, or a pass
// with how many sessions held it), the console summary (throughput,
// latency percentiles per command, errors by kind, the server's policies),
// and the statistics as JSON with mergeable histograms.
#include <cstdio>
#include <string>

#include "load/stats.hpp"
#include "report/run_report.hpp"

namespace pop3::load {

// The invariants, in report order: id, what holds, RFC section, catalog ids.
struct Invariant {
  const char* id;
  const char* holds;
  const char* rfc;
  const char* requirements;
};
const std::vector<Invariant>& invariants();

// Why an invariant was not judged (no session listed the maildrop; the
// content ones: no message retrieved twice, or none from a maildrop the
// harness wrote), or empty when it was.
std::string not_judged(const Invariant& inv, const Stats& stats);

// One ScenarioResult per invariant ("load/ID"): a FAIL per kept example, a
// pass, or a skip saying why it was not judged.
void add_invariant_results(RunReport& report, const Stats& stats);

void print_summary(std::FILE* out, const Stats& stats, double seconds);

// {"format": "pop3-harness-load-stats", "version": 1, "seconds": S, "sessions": N, ..., "latency": {NAME: HISTOGRAM}}
std::string stats_json(const Stats& stats, double seconds);

}  // namespace pop3::load
