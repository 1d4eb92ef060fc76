#pragma once
// The statistics JSON of a load run (--stats-json) read back, for 'report
// merge' of the shards of one load: counters and histogram buckets; the
// violations' counts without their examples (those are in the results JSON).
#include <string>

#include "load/stats.hpp"

namespace pop3::load {

struct LoadedStats {
  Stats stats;
  double seconds = 0;
};

// Whether text is a load statistics JSON (its "format"), without judging the rest.
bool is_stats_json(const std::string& text);

// Throws std::invalid_argument naming what is wrong.
LoadedStats stats_from_json(const std::string& text);

}  // namespace pop3::load
