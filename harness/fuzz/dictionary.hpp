#pragma once
#include <string>
#include <string_view>
#include <vector>

namespace pop3::fuzz {

// A libFuzzer dictionary (fuzz/pop3.dict): one quoted value per line, an
// optional name= before it, escapes \xHH \\ \". Comments and blank lines are
// skipped; a malformed line throws, naming its number. Pure.
std::vector<std::string> parse_dictionary(std::string_view text);
std::vector<std::string> load_dictionary(const std::string& path);

}  // namespace pop3::fuzz
