#pragma once
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "scenario/ast.hpp"

namespace pop3 {

// Which scenario ids a command takes: those matching the filter glob (every
// one when empty) and none of the exclude globs ('*' also matches '/').
// With --shard K/N, only the ids of shard K: the ids selected by the globs,
// ordered by a fixed hash of the id and dealt out in turn, so every machine
// computes the same partition, the shards differ in size by one at most, and
// scenarios of one folder (often alike in length) spread over all of them.
struct Selection {
  std::string filter;
  std::vector<std::string> excludes;
  unsigned shard = 1, shards = 1;  // K of N, from 1
  bool selects(const std::string& id) const;  // the globs only
};

// "K/N" with 1 <= K <= N <= 1000 into the selection; false when malformed.
bool parse_shard(const std::string& text, Selection& selection);

// One scenario file of a run, parsed or not.
struct Job {
  std::filesystem::path file;
  std::string id;  // path relative to the suite root, without .pop3
  std::optional<Scenario> scenario;
  std::string parse_error;  // the compiler-style diagnostics, when it did not parse
  std::size_t parse_errors = 0;  // how many
};

// Scenario files under the paths (recursive, sorted), skipping include/ and
// fixtures/ folders, and the server-role suites (clients/) unless a client
// is under test. Throws std::invalid_argument for a path that does not exist.
std::vector<Job> discover(const std::vector<std::string>& paths, const Selection& selection, bool clients);

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
