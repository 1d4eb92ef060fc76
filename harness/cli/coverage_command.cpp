#include "cli/coverage_command.hpp"

#include <iostream>
#include <set>
#include <stdexcept>

#include "cli/data_path.hpp"
#include "cli/requirement_citations.hpp"
#include "cli/scenario_discovery.hpp"
#include "cli/run_options.hpp"
#include "requirements/builtin_checks.hpp"
#include "requirements/coverage.hpp"

namespace pop3 {

int coverage_command(const CoverageOptions& o) {
  std::optional<Catalog> catalog;
  std::vector<Job> jobs;
  try {
    catalog = load_catalog(o.catalog);
    if (!catalog) throw std::invalid_argument("no requirement catalog (requirements/catalog.tsv): give --catalog FILE");
    std::vector<std::string> paths =
        o.paths.empty() ? std::vector<std::string>{find_data_path("scenarios").string()} : o.paths;
    // Both roles, each file once: the server suites and the client suites
    // (clients/) cite requirements.
    jobs = discover(paths, Selection{}, true);
    parse_all(jobs);
  } catch (const std::exception& e) {
    std::cerr << "pop3-harness: " << e.what() << "\n";
    return kUsage;
  }
  bool broken = false;
  std::set<std::string> cited;
  for (const auto& j : jobs) {
    broken |= !j.scenario;
    if (j.scenario) cited.insert(j.scenario->requirements.begin(), j.scenario->requirements.end());
  }
  // The checks outside the scenarios declare theirs (tests/unit refuses an
  // id the catalog lacks).
  for (const auto& b : builtin_checks())
    for (auto id : b.ids) cited.emplace(id);
  auto unknown = unknown_citations(*catalog, jobs);
  for (const auto& u : unknown) std::cerr << u << "\n";
  std::cout << render_coverage(compute_coverage(*catalog, cited));
  return broken || !unknown.empty() ? kUsage : kPassed;
}

}  // namespace pop3
