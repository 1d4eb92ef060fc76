#pragma once
#include <string>
#include <vector>

#include "cli/scenario_discovery.hpp"

namespace pop3 {

struct ListOptions {
  std::vector<std::string> paths;  // default: the suites of the checkout or install (scenarios/)
  Selection selection;
  std::string format = "text";  // text, ids or json
};

// 'list': what each scenario is (id, role, severity, RFC section, group,
// requirements, title), without running anything. Exit 0, or 2 when a path
// does not exist or a file does not parse (its diagnostic on stderr; it is
// still listed, marked, with "parse_error" in JSON).
int list_command(const ListOptions& o);

// 'lint': parses every scenario and checks its citations against the
// requirement catalog, without running anything; reports every mistake of
// every file (one diagnostic per file: its first error) and exits 2 when
// there is any, 0 when all are sound.
int lint_command(const ListOptions& o);

}  // namespace pop3
