#pragma once
// Known deviations (--known FILE): the scenarios a target is known to fail,
// each with the reason (and a link), so a CI gate passes on them and fails
// on anything new. The file reads like ci/known/*.txt: one scenario id or
// glob per line, its reason the text after it on the line or else the
// comment paragraph just above it (lines starting with '#', up to a blank
// line or a bare '#'); the first http(s) URL of the reason is its link.
#include <string>
#include <string_view>
#include <vector>

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
};

// Pure: the text of the file. Never fails; an entry without any reason
// gets "listed in FILE:LINE".
KnownList parse_known(std::string_view text, const std::string& file);

}  // namespace pop3
