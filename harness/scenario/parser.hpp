#pragma once
#include <filesystem>
#include <string>
#include <string_view>

#include "scenario/ast.hpp"
#include "scenario/diagnostic.hpp"

namespace pop3 {

// Parses a .pop3 scenario file. "use: NAME" includes include/NAME.pop3 from
// the scenario's folder or the nearest parent that has one. Throws ParseError.
Scenario parse_scenario(const std::filesystem::path& file, std::string_view id);
Scenario parse_scenario_text(std::string_view text, const std::string& file, std::string_view id,
                             const std::filesystem::path& include_from = {});

}  // namespace pop3
