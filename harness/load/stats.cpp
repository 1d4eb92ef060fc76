#include "load/stats.hpp"

namespace pop3::load {

void Stats::violate(const std::string& invariant, const std::string& requirements, Example e) {
  Broken& b = broken[invariant];
  b.requirements = requirements;
  ++b.count;
  if (b.examples.size() < Broken::kExamples) b.examples.push_back(std::move(e));
}

}  // namespace pop3::load
