#include "fuzz/minimize.hpp"

namespace pop3::fuzz {

namespace {

// The longest run of one repeated octet in s: where it starts, how long it is.
std::pair<std::size_t, std::size_t> longest_run(const std::string& s) {
  std::size_t best_at = 0, best_len = 0;
  for (std::size_t i = 0; i < s.size();) {
    std::size_t j = i;
    while (j < s.size() && s[j] == s[i]) ++j;
    if (j - i > best_len) {
      best_at = i;
      best_len = j - i;
    }
    i = j;
  }
  return {best_at, best_len};
}

}  // namespace

std::vector<Candidate> smaller_cases(const Case& c, const std::vector<unsigned long>& marks) {
  std::vector<Candidate> out;
  if (!marks.empty()) out.push_back({c, {}});
  if (c.delivery == Delivery::bytewise || c.delivery == Delivery::half_close) {
    Case whole = c;
    whole.delivery = Delivery::whole;
    out.push_back({whole, marks});
  }
  if (c.units.size() > 1) {
    // A burst keeps two commands at least: pipelining is what it tests.
    std::size_t keep = c.delivery == Delivery::burst ? 2 : 1;
    if (c.units.size() > keep)
      for (std::size_t i = 0; i < c.units.size(); ++i) {
        Case fewer = c;
        fewer.units.erase(fewer.units.begin() + static_cast<std::ptrdiff_t>(i));
        out.push_back({fewer, marks});
      }
  }
  for (std::size_t i = 0; i < c.units.size(); ++i) {
    auto [at, len] = longest_run(c.units[i].bytes);
    if (len < 8) continue;
    Case shorter = c;
    shorter.units[i].bytes.erase(at, len / 2);
    out.push_back({shorter, marks});
  }
  return out;
}

}  // namespace pop3::fuzz
