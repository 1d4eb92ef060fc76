#include "cli/data_path.hpp"

namespace fs = std::filesystem;

namespace pop3 {

fs::path find_data_path(const fs::path& path) {
  std::error_code ec;
  if (path.is_absolute() || fs::exists(path, ec)) return path;
  fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (ec) return path;
  // Installed: <prefix>/bin/pop3-harness beside <prefix>/share/pop3-harness.
  if (fs::path installed = exe.parent_path().parent_path() / "share" / "pop3-harness" / path; fs::exists(installed, ec))
    return installed;
  // A checkout: build/pop3-harness (or deeper) below the data.
  for (fs::path dir = exe.parent_path(); dir != dir.parent_path(); dir = dir.parent_path())
    if (fs::exists(dir / path, ec)) return dir / path;
  return path;
}

}  // namespace pop3
