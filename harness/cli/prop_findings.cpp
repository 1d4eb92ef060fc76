#include "cli/prop_findings.hpp"

#include <cstdio>
#include <filesystem>
#include <utility>

#include "cli/campaign_report.hpp"
#include "prop/trace.hpp"
#include "util/escape.hpp"

namespace fs = std::filesystem;

namespace pop3 {
namespace {

std::size_t steps_in(const std::vector<prop::TraceItem>& trace) {
  std::size_t steps = 0;
  for (const auto& t : trace) steps += t.kind == prop::TraceItem::Kind::op;
  return steps;
}

}  // namespace

PropFindings::PropFindings(const PropOptions& o, const Fixture& fixture, const Target& target, std::string user,
                           const Redactor& redactor, std::uint64_t seed, Replay replay)
    : o_(o), fixture_(fixture), target_(target), user_(std::move(user)), redactor_(redactor), seed_(seed),
      replay_(std::move(replay)) {}

std::string PropFindings::found_by(const std::vector<std::string>& ignoring) const {
  std::string command = "pop3-harness prop --seed " + std::to_string(seed_) + " --runs " + std::to_string(o_.runs) +
                        " --max-commands " + std::to_string(o_.max_commands);
  for (const auto& k : ignoring) command += " --ignore-difference " + k;
  return command;
}

std::string PropFindings::replay_hint() const {
  return "Replay: pop3-harness run THIS_FILE --target " + target_.host + ":" + target_.port + " --user " + user_ +
         " --maildir DIR (or --reset-cmd CMD)";
}

std::string PropFindings::write(const std::string& name, const std::vector<prop::TraceItem>& trace,
                                const oracle::Finding& f, const std::vector<std::string>& comments,
                                bool strict_last) const {
  fs::create_directories(fs::path(o_.out) / "fixtures");
  fs::path fixture_copy = fs::path(o_.out) / "fixtures" / fixture_.name;
  if (!fs::exists(fixture_copy)) fs::copy(fixture_.dir, fixture_copy, fs::copy_options::recursive);
  prop::ScenarioHeader h{name, f.rfc, f.severity, fixture_.name, comments, f.requirements};
  fs::path file = fs::path(o_.out) / (slug(name, 40) + ".pop3");
  write_atomically(file.string(), prop::write_scenario(trace, h, strict_last));
  return file.string();
}

void PropFindings::add_failure(ScenarioResult& sr, CheckResult model, const prop::Counterexample& c, bool& failed,
                               bool& warned, const std::vector<std::string>& ignoring) {
  const oracle::Finding& f = c.finding;
  bool difference = f.difference;
  std::string name = std::string(difference ? "difference" : "must") + " " +
                     (c.trace.empty() ? "greeting" : oracle::keyword(c.trace.back().op.kind)) + " seed " +
                     std::to_string(seed_);
  std::size_t steps = steps_in(c.trace);
  std::vector<std::string> comments = {
      "Found by: " + found_by(ignoring) + " (case " + std::to_string(c.failing_case) + "; shrunk from " +
          std::to_string(c.first_length) + " to " + std::to_string(steps) + " steps in " + std::to_string(c.shrinks) +
          " shrinks) against " + target_.describe(),
      "Finding: " + redactor_.apply(f.message), replay_hint()};
  std::string file = write(name, c.trace, f, comments, difference);
  if (difference && !c.trace.empty())
    model.label = "the target answers " + oracle::difference_key(c.trace.back().op.kind) + " as the reference does";
  model.outcome = difference ? Outcome::warning : Outcome::failed;
  model.rfc = f.rfc;
  model.requirements = f.requirements;
  model.severity = difference ? Severity::should : Severity::must;
  model.message = redactor_.apply(f.message) + " — smallest case: " + std::to_string(steps) + " steps, written to " +
                  file + " (seed " + std::to_string(seed_) + ")";
  model.expected = f.expected;
  model.actual = redactor_.apply(f.actual);
  model.transcript = redactor_.apply(f.transcript);
  (difference ? warned : failed) = true;
  std::string cited = citation(f.rfc, f.requirements);
  std::printf("%s %s\n  %s\n  expected: %s\n  actual:   %s\n  shrunk from %zu to %zu steps (%d shrinks); scenario: %s\n",
              difference ? "DIFFERENCE" : "FAIL", cited.c_str(), terminal_text(model.message).c_str(),
              terminal_text(f.expected).c_str(), terminal_text(model.actual).c_str(), c.first_length, steps,
              c.shrinks, terminal_text(file).c_str());
  if (!model.transcript.empty()) std::printf("  transcript:\n%s\n", terminal_text(model.transcript, true).c_str());
  sr.checks.push_back(model);
  // A difference is between two behaviours; the scenario states the
  // model's, which one of the servers may well satisfy.
  if (!c.trace.empty() && !difference) sr.checks.push_back(replay_check(file, f.rfc));
}

// The counterexample must replay: the written scenario fails the same way.
CheckResult PropFindings::replay_check(const std::string& file, const std::string& rfc) {
  auto played = replay_(file);
  std::optional<bool> again;
  if (played) again = played->outcome != Outcome::passed;
  return pop3::replay_check("replay: the smallest case fails again under run", rfc, file, again,
                            "the failure depends on more than the steps");
}

void PropFindings::add_observations(ScenarioResult& sr, const std::vector<prop::Observation>& observations,
                                    bool& warned) {
  for (const auto& o : observations) {
    const oracle::Finding& f = o.finding;
    bool should = f.severity == Severity::should;
    CheckResult c = campaign_check(redactor_.apply(f.message), f.rfc, should ? Outcome::warning : Outcome::passed, {},
                                   f.severity);
    c.expected = f.expected;
    c.actual = redactor_.apply(f.actual);
    c.transcript = redactor_.apply(f.transcript);
    c.requirements = f.requirements;
    c.message = c.label;
    if (should) {
      std::string name = "should " + f.message.substr(0, f.message.find(':')) + " seed " + std::to_string(seed_);
      std::string file = write(name, o.trace, f,
                               {"Found by: " + found_by() + " against " + target_.describe(),
                                "Finding: " + redactor_.apply(f.message), replay_hint()},
                               true);
      c.message = "shortest case seen: " + file;
      warned = true;
    }
    std::printf("%s %s %s\n", should ? "WARN" : "INFO", f.rfc.c_str(), terminal_text(c.label).c_str());
    sr.checks.push_back(c);
  }
}

}  // namespace pop3
