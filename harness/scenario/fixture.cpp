#include "scenario/fixture.hpp"

#include <algorithm>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace fs = std::filesystem;

namespace pop3 {

std::size_t Fixture::octets() const {
  std::size_t n = 0;
  for (const auto& m : messages) n += m.size();
  return n;
}

std::optional<fs::path> find_fixture(const fs::path& from, const std::string& name) {
  for (fs::path dir = fs::absolute(from.empty() ? fs::path(".") : from); ; dir = dir.parent_path()) {
    fs::path candidate = dir / "fixtures" / name;
    if (fs::is_directory(candidate) || (name.find('/') != std::string::npos && fs::is_regular_file(candidate)))
      return candidate;
    if (dir == dir.parent_path()) return std::nullopt;
  }
}

Fixture load_fixture(const fs::path& path, const std::string& name) {
  Fixture f{name, path, {}};
  std::vector<fs::path> files;
  if (fs::is_regular_file(path)) files.push_back(path);
  else
    for (const auto& e : fs::directory_iterator(path))
      if (e.is_regular_file() && !e.path().filename().string().starts_with(".")) files.push_back(e.path());
  std::sort(files.begin(), files.end());
  for (const auto& p : files) {
    std::ifstream in(p, std::ios::binary);
    std::ostringstream ss;
    ss << in.rdbuf();
    std::string text = ss.str();
    for (std::size_t i = 0; i < text.size(); ++i)
      if (text[i] == '\n' && (i == 0 || text[i - 1] != '\r'))
        throw std::runtime_error(p.string() + ": bare LF at octet " + std::to_string(i) + " (fixtures use CRLF)");
    f.messages.push_back(std::move(text));
  }
  return f;
}

}  // namespace pop3
