#pragma once
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "scenario/ast.hpp"

namespace pop3 {

// One scenario file of a run, parsed or not.
struct Job {
  std::filesystem::path file;
  std::string id;  // path relative to the suite root, without .pop3
  std::optional<Scenario> scenario;
  std::string parse_error;  // the compiler-style diagnostic, when it did not parse
};

// Scenario files under the paths (recursive, sorted), skipping include/ and
// fixtures/ folders, and the server-role suites (clients/) unless a client
// is under test; filter is a glob over the ids. Throws std::invalid_argument
// for a path that does not exist.
std::vector<Job> discover(const std::vector<std::string>& paths, const std::string& filter, bool clients);

// Parses every job (a file that does not parse keeps its compiler-style
// diagnostic in the job, also printed to stderr), then keeps the jobs of the
// role under test: server-role scenarios for a client, the others for a
// server (and every job that did not parse).
void parse_jobs(std::vector<Job>& jobs, bool clients);
// Parses every job, whatever its role.
void parse_all(std::vector<Job>& jobs);

// The corpus version: the first line of VERSION in the nearest folder above
// the paths that holds VERSION and fixtures/.
std::string corpus_version(const std::vector<std::string>& paths);

}  // namespace pop3
