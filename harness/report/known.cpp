#include "report/known.hpp"

#include <algorithm>

#include <fnmatch.h>

namespace pop3 {
namespace {

std::string_view trimmed(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

std::string first_link(const std::string& reason) {
  for (const char* scheme : {"https://", "http://"}) {
    auto at = reason.find(scheme);
    if (at == std::string::npos) continue;
    auto end = reason.find_first_of(" \t)>,", at);
    std::string link = reason.substr(at, end == std::string::npos ? std::string::npos : end - at);
    while (!link.empty() && (link.back() == '.' || link.back() == ';')) link.pop_back();
    return link;
  }
  return {};
}

}  // namespace

namespace {

// An id, or a glob over ids ('*' matches '/' too).
bool names(const KnownDeviation& e, const std::string& id) {
  return e.pattern == id || fnmatch(e.pattern.c_str(), id.c_str(), 0) == 0;
}

}  // namespace

const KnownDeviation* KnownList::match(const std::string& id) const {
  for (const auto& e : entries)
    if (names(e, id)) return &e;
  return nullptr;
}

const KnownDeviation* KnownList::match_any(const std::vector<std::string>& ids) const {
  for (const auto& e : entries)
    for (const auto& id : ids)
      if (names(e, id)) return &e;
  return nullptr;
}

namespace {

bool found(const CheckResult& c) { return c.outcome == Outcome::failed || c.outcome == Outcome::warning; }

}  // namespace

const KnownDeviation* excusing_entry(const KnownList& list, const ScenarioResult& r) {
  if (const KnownDeviation* k = list.match(r.id)) return k;
  const KnownDeviation* first = nullptr;
  for (const auto& c : r.checks) {
    if (!found(c)) continue;
    const KnownDeviation* k = list.match_any(cited_requirements(r, c));
    if (!k) return nullptr;
    if (!first) first = k;
  }
  return first;
}

bool found_anywhere(const std::vector<ScenarioResult>& results, const std::string& pattern) {
  KnownList one{"", {KnownDeviation{pattern, "", "", 0}}};
  for (const auto& r : results)
    for (const auto& c : r.checks)
      if (found(c) && one.match_any(cited_requirements(r, c))) return true;
  return false;
}

void KnownChecks::mark(const std::vector<std::string>& ids, bool failed) {
  for (std::size_t i = 0; i < list_->entries.size(); ++i) {
    const auto& e = list_->entries[i];
    if (std::none_of(ids.begin(), ids.end(), [&](const std::string& id) { return names(e, id); })) continue;
    if (failed) found_[i] = true;
    else passed_[i] = true;
  }
}

void KnownChecks::record(const ScenarioResult& r, const std::vector<std::string>& always) {
  for (const auto& c : r.checks) {
    if (c.outcome != Outcome::passed && !found(c)) continue;  // not run, or the harness could not test
    mark(cited_requirements(r, c), found(c));
  }
  // Played to a verdict: every response was checked (a failure of those
  // checks is among r.checks, and marked found above).
  bool played = r.outcome == Outcome::passed || r.outcome == Outcome::failed || r.outcome == Outcome::warning;
  if (played) mark(always, false);
}

std::vector<ScenarioResult> KnownChecks::passed_entries() const {
  std::vector<ScenarioResult> out;
  for (std::size_t i = 0; i < list_->entries.size(); ++i) {
    if (found_[i] || !passed_[i]) continue;
    const auto& e = list_->entries[i];
    ScenarioResult r;
    r.id = e.pattern;
    r.file = list_->file;
    r.name = "known deviation " + e.pattern;
    r.classname = kKnownEntryGroup;
    CheckResult c;
    c.label = "every check verifying " + e.pattern;
    c.file = list_->file;
    c.line = e.line;
    c.requirements = std::vector<std::string>{e.pattern};
    r.checks.push_back(std::move(c));
    r.outcome = Outcome::passed;
    r.known = ScenarioResult::Known{e.reason, e.link, list_->file + ":" + std::to_string(e.line)};
    out.push_back(std::move(r));
  }
  return out;
}

KnownList parse_known(std::string_view text, const std::string& file) {
  KnownList list{file, {}};
  std::string paragraph;  // the comment lines since the last blank line or bare '#'
  int number = 0;
  while (!text.empty()) {
    auto nl = text.find('\n');
    std::string_view line = trimmed(text.substr(0, nl));
    text.remove_prefix(nl == std::string_view::npos ? text.size() : nl + 1);
    ++number;
    if (line.starts_with('#')) {
      std::string_view comment = trimmed(line.substr(1));
      if (comment.empty()) paragraph.clear();
      else paragraph += (paragraph.empty() ? "" : " ") + std::string(comment);
      continue;
    }
    if (line.empty()) {
      paragraph.clear();
      continue;
    }
    auto space = line.find_first_of(" \t");
    KnownDeviation e;
    e.pattern = std::string(line.substr(0, space));
    e.line = number;
    std::string_view inline_reason = space == std::string_view::npos ? "" : trimmed(line.substr(space));
    if (inline_reason.starts_with('#')) inline_reason = trimmed(inline_reason.substr(1));
    e.reason = !inline_reason.empty() ? std::string(inline_reason)
               : !paragraph.empty()   ? paragraph
                                      : "listed in " + file + ":" + std::to_string(number);
    e.link = first_link(e.reason);
    list.entries.push_back(std::move(e));
  }
  return list;
}

}  // namespace pop3
