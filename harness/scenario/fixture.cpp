#include "scenario/fixture.hpp"

#include <algorithm>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "scenario/ast.hpp"

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

const Fixture& FixtureCache::load(const std::string& name, const std::filesystem::path& file) {
  auto path = find_fixture(file.parent_path(), name);
  if (!path) throw std::runtime_error(file.string() + ": no fixtures/" + name + " for 'fixture: " + name + "'");
  auto key = path->string();
  auto it = fixtures_.find(key);
  if (it == fixtures_.end()) it = fixtures_.emplace(key, load_fixture(*path, name)).first;
  return it->second;
}

std::vector<std::vector<std::string>> FixtureCache::deliveries(const Scenario& sc, const std::filesystem::path& file) {
  std::vector<std::vector<std::string>> out(static_cast<std::size_t>(sc.runs));
  for (const auto& d : sc.deliveries) {
    const auto& more = load(d.fixture, file).messages;
    auto& into = out[static_cast<std::size_t>(d.run - 1)];
    into.insert(into.end(), more.begin(), more.end());
  }
  return out;
}

}  // namespace pop3
