#include "cli/scenario_discovery.hpp"

#include <fnmatch.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <set>
#include <stdexcept>

#include "scenario/parser.hpp"
#include "util/shard.hpp"

namespace fs = std::filesystem;

namespace pop3 {
namespace {

// Ids are relative to the suite root (the nearest folder above holding
// VERSION and fixtures/), so a scenario has the same id however it is named
// on the command line ('run scenarios', 'run scenarios/rfc1939/x.pop3', from
// any folder): --filter, --exclude, known deviations and shards depend on it.
// Outside a suite, relative to the folder given (or the file's folder).
fs::path suite_root(const fs::path& root) {
  std::error_code ec;
  for (fs::path dir = fs::absolute(root, ec).lexically_normal();; dir = dir.parent_path()) {
    if (fs::exists(dir / "VERSION", ec) && fs::is_directory(dir / "fixtures", ec)) return dir;
    if (dir == dir.parent_path()) break;
  }
  fs::path base = root.parent_path();
  if (fs::is_directory(root) && root.filename().empty()) base = root.parent_path().parent_path();
  return base.empty() ? fs::path(".") : base;  // a file or folder named relative to the current one
}

}  // namespace

namespace {

// FNV-1a: fixed by its definition, the same on every platform and release
// (std::hash is not), so shards agree across machines.
std::uint64_t stable_hash(const std::string& text) {
  std::uint64_t h = 14695981039346656037ull;
  for (unsigned char c : text) h = (h ^ c) * 1099511628211ull;
  return h;
}

// Keeps the jobs of shard K of N (see Selection), in their order.
void keep_shard(std::vector<Job>& jobs, const Selection& selection) {
  if (selection.shards <= 1) return;
  std::vector<std::pair<std::uint64_t, std::string>> ranked;
  for (const auto& j : jobs) ranked.emplace_back(stable_hash(j.id), j.id);
  std::sort(ranked.begin(), ranked.end());
  std::set<std::string> mine;
  for (std::size_t i = selection.shard - 1; i < ranked.size(); i += selection.shards) mine.insert(ranked[i].second);
  std::erase_if(jobs, [&](const Job& j) { return !mine.contains(j.id); });
}

}  // namespace

bool parse_shard(const std::string& text, Selection& selection) {
  Shard s;
  if (!parse_shard(text, s)) return false;
  selection.shard = s.k;
  selection.shards = s.n;
  return true;
}

bool Selection::selects(const std::string& id) const {
  if (!filter.empty() && fnmatch(filter.c_str(), id.c_str(), 0) != 0) return false;
  return std::none_of(excludes.begin(), excludes.end(),
                      [&](const std::string& glob) { return fnmatch(glob.c_str(), id.c_str(), 0) == 0; });
}

std::vector<Job> discover(const std::vector<std::string>& paths, const Selection& selection, bool clients) {
  std::vector<Job> jobs;
  for (const auto& p : paths) {
    fs::path root(p);
    if (!fs::exists(root)) throw std::invalid_argument("no such file or folder: " + p);
    fs::path base = suite_root(root);
    std::vector<fs::path> files;
    if (fs::is_regular_file(root)) files.push_back(root);
    else {
      for (auto it = fs::recursive_directory_iterator(root); it != fs::recursive_directory_iterator(); ++it) {
        std::string name = it->path().filename().string();
        if (it->is_directory() && (name == "include" || name == "fixtures" || (name == "clients" && !clients))) {
          it.disable_recursion_pending();
          continue;
        }
        if (it->is_regular_file() && it->path().extension() == ".pop3") files.push_back(it->path());
      }
    }
    std::sort(files.begin(), files.end());
    for (const auto& f : files) {
      std::string id = fs::relative(fs::absolute(f), fs::absolute(base)).replace_extension().generic_string();
      if (!selection.selects(id)) continue;
      jobs.push_back({f, id, std::nullopt, {}});
    }
  }
  keep_shard(jobs, selection);
  return jobs;
}

std::string corpus_version(const std::vector<std::string>& paths) {
  for (const auto& p : paths)
    for (fs::path dir = fs::absolute(p);; dir = dir.parent_path()) {
      if (fs::exists(dir / "VERSION") && fs::exists(dir / "fixtures")) {
        std::ifstream in(dir / "VERSION");
        std::string v;
        std::getline(in, v);
        return v;
      }
      if (dir == dir.parent_path()) break;
    }
  return "unversioned";
}

void parse_jobs(std::vector<Job>& jobs, bool clients) {
  parse_all(jobs);
  std::erase_if(jobs, [clients](const Job& j) { return j.scenario && j.scenario->server_role != clients; });
}

void parse_all(std::vector<Job>& jobs) {
  for (auto& j : jobs) {
    try {
      j.scenario = parse_scenario(j.file, j.id);
    } catch (const ParseError& e) {
      j.parse_error = e.what();
      j.parse_errors = e.diagnostics.size();
      std::cerr << e.what();
    }
  }
}

}  // namespace pop3
