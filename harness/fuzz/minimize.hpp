#pragma once
#include <vector>

#include "fuzz/case.hpp"

namespace pop3::fuzz {

struct Candidate {
  Case kase;
  std::vector<unsigned long> marks;
};

// Cases one step smaller than c, most promising first: without the session's
// marks, delivered whole, with a unit fewer, with the longest run of one
// repeated octet halved. Pure; the campaign keeps the first that still shows
// the same finding and asks again.
std::vector<Candidate> smaller_cases(const Case& c, const std::vector<unsigned long>& marks);

}  // namespace pop3::fuzz
