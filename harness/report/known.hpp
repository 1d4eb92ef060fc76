#pragma once
// Known deviations (--known FILE): the scenarios a target is known to fail,
// or the checks (by the requirement id they verify: a deviation that shows in
// every scenario, such as over-long status lines, is one line), each with the
// reason (and a link), so a CI gate passes on them and fails on anything new.
// The file reads like ci/known/*.txt: one scenario id, requirement id or glob
// per line, its reason the text after it on the line or else the
// comment paragraph just above it (lines starting with '#', up to a blank
// line or a bare '#'); the first http(s) URL of the reason is its link.
#include <string>
#include <string_view>
#include <vector>

#include "report/result.hpp"

namespace pop3 {

struct KnownDeviation {
  std::string pattern;  // a scenario id, or a glob over ids ('*' matches '/' too)
  std::string reason;
  std::string link;
  int line = 0;
};

struct KnownList {
  std::string file;  // as given, for messages
  std::vector<KnownDeviation> entries;
  // The first entry that matches the id, or nullptr.
  const KnownDeviation* match(const std::string& id) const;
  // The first entry that matches one of the ids (a check's requirements).
  const KnownDeviation* match_any(const std::vector<std::string>& ids) const;
};

// Which entry excuses a finished scenario: one naming the scenario; else,
// when it failed or warned and every such check verifies a requirement an
// entry names, the first of those entries; else nullptr. A scenario with one
// failure listed and one new is not excused: the new one fails the run.
const KnownDeviation* excusing_entry(const KnownList& list, const ScenarioResult& r);

// The group (JUnit classname) of a requirement entry's XPASS result.
inline constexpr const char* kKnownEntryGroup = "known";

// Whether a check that verifies a requirement the pattern names failed or
// warned anywhere in the results (a shard's XPASS is none of the whole then).
bool found_anywhere(const std::vector<ScenarioResult>& results, const std::string& pattern);

// Per entry naming requirements, across a run: did a check verifying it fail
// (the deviation still shows), or only pass? One that only passed is an
// XPASS of the run as a whole, reported as a result of its own.
class KnownChecks {
 public:
  explicit KnownChecks(const KnownList& list) : list_(&list), found_(list.entries.size()), passed_(list.entries.size()) {}
  // `always`: the ids the checks on every response verify; they are reported
  // only when they fail, so a scenario played without such a failure passed them.
  void record(const ScenarioResult& r, const std::vector<std::string>& always = {});
  // One passed result per entry whose checks all passed, with `known` set (XPASS).
  std::vector<ScenarioResult> passed_entries() const;

 private:
  void mark(const std::vector<std::string>& ids, bool failed);
  const KnownList* list_;
  std::vector<bool> found_, passed_;
};

// Pure: the text of the file. Never fails; an entry without any reason
// gets "listed in FILE:LINE".
KnownList parse_known(std::string_view text, const std::string& file);

}  // namespace pop3
