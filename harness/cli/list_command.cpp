#include "cli/list_command.hpp"

#include <iostream>
#include <sstream>
#include <stdexcept>

#include "cli/data_path.hpp"
#include "cli/requirement_citations.hpp"
#include "cli/run_options.hpp"
#include "report/results_json.hpp"
#include "scenario/parser.hpp"
#include "util/escape.hpp"

namespace pop3 {
namespace {

// Both roles, each file once (clients/ included), parsed; nullopt after
// saying why on stderr when a path does not exist.
std::optional<std::vector<Job>> collect(const ListOptions& o) {
  std::vector<std::string> paths = o.paths;
  if (paths.empty()) paths.push_back(find_data_path("scenarios").string());
  try {
    auto jobs = discover(paths, o.selection, true);
    parse_all(jobs);
    return jobs;
  } catch (const std::exception& e) {
    std::cerr << "pop3-harness: " << e.what() << "\n";
    return std::nullopt;
  }
}

std::string joined(const std::vector<std::string>& items, const char* separator) {
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "" : separator) + item;
  return out;
}

std::string json_list(const std::vector<std::string>& items) {
  std::string out = "[";
  for (const auto& item : items) out += (out.size() > 1 ? ", \"" : "\"") + json_text(item) + "\"";
  return out + "]";
}

std::string json_entry(const Job& j) {
  if (!j.scenario)
    return "{\"id\": \"" + json_text(j.id) + "\", \"file\": \"" + json_text(j.file.generic_string()) +
           "\", \"parse_error\": \"" + json_text(j.parse_error) + "\"}";
  const Scenario& s = *j.scenario;
  std::ostringstream out;
  out << "{\"id\": \"" << json_text(j.id) << "\", \"file\": \"" << json_text(j.file.generic_string())
      << "\", \"title\": \"" << json_text(s.name) << "\", \"role\": \"" << (s.server_role ? "server" : "client")
      << "\", \"severity\": \"" << to_string(s.severity) << "\", \"rfc\": \"" << json_text(s.rfc)
      << "\", \"group\": \"" << json_text(s.group) << "\", \"requirements\": " << json_list(s.requirements)
      << ", \"advisories\": " << json_list(s.advisories) << ", \"slow\": " << (s.slow.empty() ? "false" : "true")
      << "}";
  return out.str();
}

// One line a person reads: the id first (what --filter matches), then what
// it checks and where the RFC says so.
std::string text_entry(const Job& j) {
  const Scenario& s = *j.scenario;
  std::string line = j.id + "  " + to_string(s.severity) + "  " + s.rfc;
  if (s.server_role) line += "  [tests a client]";
  if (!s.slow.empty()) line += "  [slow: " + s.slow + "]";
  line += "  " + s.name;
  if (!s.requirements.empty()) line += "  {" + joined(s.requirements, ", ") + "}";
  return terminal_text(line);
}

}  // namespace

int list_command(const ListOptions& o) {
  auto jobs = collect(o);
  if (!jobs) return kUsage;
  bool broken = false;
  std::size_t listed = 0;
  if (o.format == "json") std::cout << "[";
  for (const auto& j : *jobs) {
    // A file that does not parse is listed too (it is part of the selection,
    // and of its shard), marked as such; its diagnostic is on stderr.
    broken |= !j.scenario;
    if (o.format == "json") std::cout << (listed ? ",\n " : "\n ") << json_entry(j);
    else if (o.format == "ids") std::cout << terminal_text(j.id) << "\n";
    else std::cout << (j.scenario ? text_entry(j) : terminal_text(j.id + "  [does not parse]")) << "\n";
    ++listed;
  }
  if (o.format == "json") std::cout << "\n]\n";
  std::cerr << listed << " scenario" << (listed == 1 ? "" : "s") << (broken ? "; some files do not parse (above)" : "")
            << "\n";
  return broken ? kUsage : kPassed;
}

int lint_command(const ListOptions& o) {
  auto jobs = collect(o);
  if (!jobs) return kUsage;
  std::size_t errors = 0;
  for (const auto& j : *jobs) errors += j.scenario ? 0 : std::max<std::size_t>(1, j.parse_errors);
  try {
    if (auto catalog = load_catalog()) {
      auto unknown = unknown_citations(*catalog, *jobs);
      for (const auto& u : unknown) std::cerr << u << "\n";
      errors += unknown.size();
    } else {
      std::cerr << "pop3-harness: no requirement catalog found: citations not checked\n";
    }
  } catch (const std::invalid_argument& e) {
    std::cerr << "pop3-harness: " << e.what() << "\n";
    ++errors;
  }
  std::cout << jobs->size() << " scenario file" << (jobs->size() == 1 ? "" : "s") << " checked: ";
  if (errors == 0) std::cout << "no errors\n";
  else std::cout << errors << " error" << (errors == 1 ? "" : "s") << "\n";
  return errors ? kUsage : kPassed;
}

}  // namespace pop3
