#pragma once
#include <filesystem>

namespace pop3 {

// A default like "scenarios/fixtures/basic" or "fuzz/pop3.dict" is relative
// to the checkout: found from the current folder, else in the install's
// <prefix>/share/pop3-harness beside <prefix>/bin, else from the folders
// above the binary. Returns the path as given when none has it.
std::filesystem::path find_data_path(const std::filesystem::path& path);

}  // namespace pop3
