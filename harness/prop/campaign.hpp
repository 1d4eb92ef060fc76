#pragma once
#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "prop/case_runner.hpp"

namespace pop3::prop {

struct CampaignOptions {
  int runs = 100;            // test cases that must pass
  std::uint64_t seed = 0;
  int max_commands = 30;     // steps in the longest case
};

// The smallest failing case RapidCheck's shrinking reached.
struct Counterexample {
  Finding finding;
  std::vector<TraceItem> trace;
  std::size_t first_length = 0;  // steps in the case that first failed
  int shrinks = 0;               // accepted shrinking steps
  int failing_case = 0;          // which case (1-based) failed first
};

struct CampaignResult {
  int cases = 0;        // cases run, shrinking included
  int passed = 0;       // cases passed before the first failure
  std::size_t commands = 0;
  std::optional<Counterexample> failure;
  std::vector<Observation> observations;  // SHOULD and INFO findings, shortest trace each
  std::optional<std::string> environment_error;
  bool interrupted = false;
  double provisioning_seconds = 0, protocol_seconds = 0;
};

using Progress = std::function<void(const CampaignResult&, bool shrinking)>;

// Runs the stateful property: random cases from the seed, each on a freshly
// reset maildrop, every response checked against the model; on a failure,
// shrinks it to the smallest case that still fails.
CampaignResult run_campaign(CaseRunner& runner, std::shared_ptr<const std::vector<std::string>> fixture,
                            const CampaignOptions& options, const Progress& progress,
                            const std::atomic<bool>& stop);

// A difference from the reference (differential mode), found and set aside.
struct Difference {
  Counterexample found;
  std::vector<std::string> ignoring;  // the commands set aside when it was found
};

// Differential mode reports every difference within the budget: each one
// found (and shrunk) is set aside by its command and the campaign runs again
// from the same seed, so it goes on past it to the next, until it passes,
// fails a MUST, is stopped, or has found max_differences. The result is the
// last round's (its failure a MUST one, or the difference past the limit),
// with the cases and observations of every round. Without a reference it is
// run_campaign. ignoring: commands whose differences the user set aside.
CampaignResult run_campaign_rounds(CaseRunner& runner, std::shared_ptr<const std::vector<std::string>> fixture,
                                   const CampaignOptions& options, const Progress& progress,
                                   const std::atomic<bool>& stop, std::vector<std::string> ignoring,
                                   std::vector<Difference>& differences, std::size_t max_differences = 20);

}  // namespace pop3::prop
