#include "requirements/coverage.hpp"

#include <cstdio>

namespace pop3 {
namespace {

bool binding(const std::string& level) { return level.starts_with("MUST") || level.starts_with("SHOULD"); }

std::string percent(const Coverage::Cell& c) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.0f%%", c.testable ? 100.0 * c.covered / c.testable : 0.0);
  return buf;
}

}  // namespace

Coverage compute_coverage(const Catalog& catalog, const std::set<std::string>& cited) {
  Coverage c;
  for (const auto& r : catalog.rows()) {
    auto& cell = c.cells[{r.rfc, r.binds, r.level}];
    ++cell.rows;
    bool testable = r.testable != "no";
    bool covered = cited.contains(r.id);
    cell.testable += testable;
    cell.covered += testable && covered;
    if (!testable || !binding(r.level)) continue;
    auto& side = r.binds == "client" ? c.clients : c.servers;
    ++side.testable;
    side.covered += covered;
    if (!covered) c.uncovered.push_back(r);
  }
  return c;
}

std::string render_coverage(const Coverage& c) {
  std::string out = "rfc       binds   level        rows  testable  covered\n";
  char line[160];
  for (const auto& [key, cell] : c.cells) {
    const auto& [rfc, binds, level] = key;
    std::snprintf(line, sizeof line, "%-9s %-7s %-11s %5d %9d %8d\n", rfc.c_str(), binds.c_str(), level.c_str(),
                  cell.rows, cell.testable, cell.covered);
    out += line;
  }
  if (!c.uncovered.empty()) {
    out += "\nnot covered (testable MUST and SHOULD):\n";
    for (const auto& r : c.uncovered) out += "  " + r.id + " " + r.level + " (" + r.binds + "): " + r.quote + "\n";
  }
  out += "\nservers: " + std::to_string(c.servers.covered) + "/" + std::to_string(c.servers.testable) +
         " testable MUST+SHOULD covered (" + percent(c.servers) + "); clients: " + std::to_string(c.clients.covered) +
         "/" + std::to_string(c.clients.testable) + " covered (" + percent(c.clients) + ")\n";
  return out;
}

}  // namespace pop3
