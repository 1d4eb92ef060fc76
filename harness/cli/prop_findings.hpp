#pragma once
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "cli/prop_options.hpp"
#include "client/target.hpp"
#include "prop/campaign.hpp"
#include "report/redact.hpp"
#include "report/run_report.hpp"
#include "scenario/fixture.hpp"

namespace pop3 {

// Turns what a property campaign found into report checks, and each finding
// into a scenario file in --out that `run` replays.
class PropFindings {
 public:
  using Replay = std::function<std::optional<ScenarioResult>(const std::string& file)>;
  PropFindings(const PropOptions& o, const Fixture& fixture, const Target& target, std::string user,
               const Redactor& redactor, std::uint64_t seed, Replay replay);

  // The model check failed or differed: the smallest case, written and
  // (a MUST failure) replayed; sets failed or warned.
  // ignoring: the differences set aside before this one was found (their
  // commands), which its replay command must set aside too.
  void add_failure(ScenarioResult& sr, CheckResult model, const prop::Counterexample& c, bool& failed, bool& warned,
                   const std::vector<std::string>& ignoring = {});
  // INFO and SHOULD observations, each SHOULD one written as a scenario.
  void add_observations(ScenarioResult& sr, const std::vector<prop::Observation>& observations, bool& warned);

  // Writes a trace as a scenario in --out, with the fixture beside it so
  // `run` finds it; returns the file's path.
  std::string write(const std::string& name, const std::vector<prop::TraceItem>& trace, const oracle::Finding& f,
                    const std::vector<std::string>& comments, bool strict_last) const;

 private:
  std::string found_by(const std::vector<std::string>& ignoring = {}) const;
  std::string replay_hint() const;
  CheckResult replay_check(const std::string& file, const std::string& rfc);

  const PropOptions& o_;
  const Fixture& fixture_;
  const Target& target_;
  std::string user_;
  const Redactor& redactor_;
  std::uint64_t seed_;
  Replay replay_;
};

}  // namespace pop3
