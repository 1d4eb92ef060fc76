#pragma once
#include <map>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "requirements/catalog.hpp"

namespace pop3 {

// Which of the catalog's requirements the checks verify, computed from the
// ids the checks cite (never typed into the catalog).
struct Coverage {
  struct Cell {
    int rows = 0, testable = 0, covered = 0;
  };
  // (rfc, binds, level) -> counts; testable counts "yes" and "partly" rows.
  std::map<std::tuple<std::string, std::string, std::string>, Cell> cells;
  // Testable MUST/SHOULD (and NOT) rows no check cites: copies, so the
  // coverage outlives the catalog it was computed from.
  std::vector<Requirement> uncovered;
  Cell servers, clients;                      // testable MUST/SHOULD (and NOT) rows, by whom they bind
};

Coverage compute_coverage(const Catalog& catalog, const std::set<std::string>& cited);

// The matrix per RFC, binds and level, the uncovered rows, and the summary
// line: "servers: C/T testable MUST+SHOULD covered (P%); clients: C/T covered (P%)".
std::string render_coverage(const Coverage& c);

}  // namespace pop3
