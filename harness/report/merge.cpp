#include "report/merge.hpp"

#include <algorithm>
#include <map>
#include <set>
#include <stdexcept>
#include <tuple>

#include "report/known.hpp"

namespace pop3 {
namespace {

using CheckKey = std::tuple<std::string, Outcome, std::string, std::string, std::string>;

// A passed check is the same check whatever its note says ("no crash" in
// two campaigns); a finding is the same finding when it reads the same.
CheckKey key_of(const CheckResult& c) {
  if (c.outcome == Outcome::passed) return {c.label, c.outcome, "", "", ""};
  return {c.label, c.outcome, c.message, c.expected, c.actual};
}

// The one value a property has in every input that has it, or else each
// input's value listed ("a | b").
void merge_property(std::map<std::string, std::string>& into, const std::string& key, const std::string& value) {
  auto [it, inserted] = into.try_emplace(key, value);
  if (inserted || it->second == value) return;
  if (it->second.find(" | " + value) == std::string::npos && !it->second.starts_with(value + " | "))
    it->second += " | " + value;
}

void check_compatible(const std::vector<NamedResults>& inputs) {
  const NamedResults& first = inputs.front();
  for (const auto& in : inputs) {
    if (in.results.command != first.results.command)
      throw std::invalid_argument(in.name + " is a '" + in.results.command + "' report and " + first.name +
                                  " a '" + first.results.command + "' one: merge reports of one kind");
    auto version = [](const NamedResults& r) {
      auto it = r.results.report.properties.find("corpus.version");
      return it == r.results.report.properties.end() ? std::string() : it->second;
    };
    if (version(in) != version(first))
      throw std::invalid_argument(in.name + " was run with scenario corpus '" + version(in) + "' and " + first.name +
                                  " with '" + version(first) + "': shards must come from the same checkout");
  }
}

}  // namespace

Merged merge_results(const std::vector<NamedResults>& inputs) {
  if (inputs.empty()) throw std::invalid_argument("no reports to merge");
  check_compatible(inputs);
  Merged out;
  out.results.command = inputs.front().results.command;
  RunReport& r = out.results.report;
  std::map<std::string, std::size_t> index;             // scenario id -> position in r.scenarios
  std::map<std::string, std::set<CheckKey>> seen_checks;  // per scenario id
  std::size_t joined = 0, dropped = 0;
  for (const auto& in : inputs) {
    const RunReport& part = in.results.report;
    for (const auto& [k, v] : part.properties) merge_property(r.properties, k, v);
    // The preflight that found a problem speaks for the merged run.
    if (part.preflight && (!r.preflight || (r.preflight->outcome == Outcome::passed &&
                                            part.preflight->outcome != Outcome::passed)))
      r.preflight = part.preflight;
    r.interrupted |= part.interrupted;
    r.strict |= part.strict;
    r.strict_known |= part.strict_known;
    r.seconds = std::max(r.seconds, part.seconds);  // shards run side by side
    for (const auto& s : part.scenarios) {
      auto [it, fresh] = index.try_emplace(s.id, r.scenarios.size());
      if (fresh) {
        r.scenarios.push_back(s);
        for (const auto& c : s.checks) seen_checks[s.id].insert(key_of(c));
        continue;
      }
      ++joined;
      ScenarioResult& into = r.scenarios[it->second];
      for (const auto& c : s.checks) {
        if (!seen_checks[s.id].insert(key_of(c)).second) {
          ++dropped;
          continue;
        }
        into.checks.push_back(c);
      }
      into.seconds += s.seconds;
      into.exchanges += s.exchanges;
      if (into.reason.empty()) into.reason = s.reason;
      into.outcome = summarize(into);
    }
  }
  // A known requirement id one shard only saw pass while another found it
  // again is no XPASS of the whole run.
  std::erase_if(r.scenarios, [&](const ScenarioResult& s) {
    return s.classname == kKnownEntryGroup && known_state(s) == KnownState::xpass && found_anywhere(r.scenarios, s.id);
  });
  if (joined)
    out.notes.push_back(std::to_string(joined) + " scenario result(s) joined another input's with the same id; " +
                        std::to_string(dropped) + " duplicate check(s) kept once");
  return out;
}

}  // namespace pop3
