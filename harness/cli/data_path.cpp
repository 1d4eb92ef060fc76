#include "cli/data_path.hpp"

namespace fs = std::filesystem;

namespace pop3 {

fs::path find_data_path(const fs::path& path) {
  std::error_code ec;
  if (path.is_absolute() || fs::exists(path, ec)) return path;
  for (fs::path dir = fs::read_symlink("/proc/self/exe", ec).parent_path(); !ec && dir != dir.parent_path();
       dir = dir.parent_path())
    if (fs::exists(dir / path, ec)) return dir / path;
  return path;
}

}  // namespace pop3
