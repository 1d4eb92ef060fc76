#include "cli/scenario_discovery.hpp"

#include <fnmatch.h>

#include <algorithm>
#include <fstream>
#include <iostream>
#include <stdexcept>

#include "scenario/parser.hpp"

namespace fs = std::filesystem;

namespace pop3 {

std::vector<Job> discover(const std::vector<std::string>& paths, const std::string& filter, bool clients) {
  std::vector<Job> jobs;
  for (const auto& p : paths) {
    fs::path root(p);
    if (!fs::exists(root)) throw std::invalid_argument("no such file or folder: " + p);
    fs::path base = root.parent_path();
    if (fs::is_directory(root) && root.filename().empty()) base = root.parent_path().parent_path();
    if (base.empty()) base = ".";  // a file or folder named relative to the current one
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
      std::string id = fs::relative(f, base).replace_extension().generic_string();
      if (!filter.empty() && fnmatch(filter.c_str(), id.c_str(), 0) != 0) continue;
      jobs.push_back({f, id, std::nullopt, {}});
    }
  }
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
      std::cerr << e.what();
    }
  }
}

}  // namespace pop3
