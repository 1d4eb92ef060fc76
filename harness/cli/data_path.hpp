#pragma once
#include <filesystem>

namespace pop3 {

// A default like "scenarios/fixtures/basic" or "fuzz/pop3.dict" is relative
// to the checkout: found from the current folder, or else from the folders
// above the binary. Returns the path as given when neither has it.
std::filesystem::path find_data_path(const std::filesystem::path& path);

}  // namespace pop3
