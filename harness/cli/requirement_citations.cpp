#include "cli/requirement_citations.hpp"

#include <fstream>
#include <sstream>
#include <stdexcept>

#include "cli/data_path.hpp"
#include "requirements/builtin_checks.hpp"

namespace fs = std::filesystem;

namespace pop3 {

std::optional<Catalog> load_catalog(const fs::path& given) {
  fs::path path = given.empty() ? find_data_path("requirements/catalog.tsv") : given;
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    if (!given.empty()) throw std::invalid_argument("cannot read the requirement catalog " + path.string());
    return std::nullopt;
  }
  std::ostringstream text;
  text << in.rdbuf();
  return Catalog::parse(text.str());
}

std::vector<std::string> unknown_citations(const Catalog& catalog, const std::vector<Job>& jobs) {
  std::vector<std::string> out;
  for (const auto& job : jobs) {
    if (!job.scenario) continue;
    for (const auto& id : job.scenario->requirements) {
      if (catalog.find(id)) continue;
      auto guess = catalog.closest(id);
      out.push_back(job.file.string() + ":" + std::to_string(job.scenario->requirements_line) +
                    ": error: requirement '" + id + "' is not in the catalog" +
                    (guess ? " (did you mean '" + *guess + "'?)" : std::string()));
    }
  }
  return out;
}

std::vector<std::string> every_response_requirements() {
  std::vector<std::string> ids;
  for (Builtin b : {Builtin::status_line, Builtin::line_ends, Builtin::status_line_length,
                    Builtin::answers_each_command, Builtin::greeting})
    for (const auto& id : requirement_ids(b)) ids.push_back(id);
  return ids;
}

}  // namespace pop3
