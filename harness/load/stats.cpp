#include "load/stats.hpp"

namespace pop3::load {

void Stats::violate(const std::string& invariant, const std::string& requirements, Example e) {
  Broken& b = broken[invariant];
  b.requirements = requirements;
  ++b.count;
  if (b.examples.size() < Broken::kExamples) b.examples.push_back(std::move(e));
}

void Stats::merge(const Stats& o) {
  for (const auto& [k, h] : o.latency) latency[k].merge(h);
  sessions += o.sessions, sessions_failed += o.sessions_failed, commands += o.commands;
  // Shards on other machines: at once, at most the sum of their peaks.
  open += o.open, open_peak += o.open_peak;
  delivered += o.delivered, dropped += o.dropped, listed += o.listed, arrivals_missed += o.arrivals_missed;
  for (const auto& [k, n] : o.errors) errors[k] += n;
  for (const auto& [k, n] : o.policy) policy[k] += n;
  for (const auto& [k, n] : o.judged) judged[k] += n;
  for (const auto& [k, b] : o.broken) {
    Broken& mine = broken[k];
    if (mine.requirements.empty()) mine.requirements = b.requirements;
    mine.count += b.count;
    for (const auto& e : b.examples)
      if (mine.examples.size() < Broken::kExamples) mine.examples.push_back(e);
  }
}

}  // namespace pop3::load
