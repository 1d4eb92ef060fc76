#pragma once
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "cli/scenario_discovery.hpp"
#include "requirements/catalog.hpp"

namespace pop3 {

// The requirement catalog of the checkout (requirements/catalog.tsv, found
// like the other data files), or the one given; nothing when there is none.
// Throws std::invalid_argument for a catalog that does not parse.
std::optional<Catalog> load_catalog(const std::filesystem::path& given = {});

// One compiler-style diagnostic per id a parsed scenario cites that is not
// in the catalog ("file:line: error: ... did you mean ...").
std::vector<std::string> unknown_citations(const Catalog& catalog, const std::vector<Job>& jobs);

// The ids verified on every response a server sends (the built-in status
// line, line-end, length, answer and greeting checks), for the HTML report.
std::vector<std::string> every_response_requirements();

}  // namespace pop3
