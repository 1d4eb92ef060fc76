#pragma once
#include <string>
#include <vector>

namespace pop3 {

struct ReportMergeOptions {
  std::vector<std::string> inputs;  // results JSON files (--report-json of run, prop, fuzz, load), and
                                    // load statistics (--stats-json of load shards)
  std::string stats_json;           // the load statistics merged, written here
  std::string junit = "reports/out/merged.xml";
  std::string report_json;
  std::string html;
  bool compare = false;  // each input a column of the HTML page, nothing merged
};

// 'report merge': reads the JSON reports, merges them (report/merge.hpp),
// writes the JUnit (and JSON) report, prints the summary and exits as the
// merged run would have: 0, 1 for a failure, 3 for an error or an
// interrupted shard; 2 when an input cannot be read or the inputs do not
// belong together. With compare, only the HTML page is written, the inputs
// side by side (several servers, or several runs of one), and the exit code
// is the worst of theirs. Load statistics among the inputs are merged apart
// (counters summed, histograms bucket by bucket) and their summary printed;
// alone, they exit 1 when a shard saw an invariant broken.
int report_merge_command(const ReportMergeOptions& o);

}  // namespace pop3
