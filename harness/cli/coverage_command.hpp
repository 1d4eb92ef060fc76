#pragma once
#include <string>
#include <vector>

namespace pop3 {

struct CoverageOptions {
  std::vector<std::string> paths;  // scenario folders (default: scenarios)
  std::string catalog;             // default: requirements/catalog.tsv of the checkout
};

// Prints which catalog requirements the checks cite (the scenarios' headers
// and the built-in checks' declarations), per RFC, binds and level, what is
// not covered, and the summary line. Exit 0, or 2 when a
// scenario does not parse or cites an id the catalog does not have.
int coverage_command(const CoverageOptions& o);

}  // namespace pop3
