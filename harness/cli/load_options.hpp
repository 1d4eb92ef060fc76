#pragma once
#include <cstdint>
#include <optional>
#include <string>

#include "cli/run_options.hpp"
#include "util/shard.hpp"

namespace pop3 {

struct LoadOptions {
  RunOptions common;  // the target, TLS, account, timeouts and report paths, as for run
  std::string users_file;     // --users FILE: many accounts
  std::string user_pattern;   // --user-pattern 'load{n}' with --users-count N and --pass
  unsigned users_count = 0;
  std::string login;  // --login: for accounts without login=; empty: as the preflight found
  Shard shard;        // --shard K/N: every N-th account from the K-th
  std::size_t clients = 10;
  double duration = 10;
  std::optional<std::uint64_t> sessions;
  std::optional<double> rate;
  std::string profile = "leave-on-server";
  std::optional<std::uint64_t> seed;
  std::string fixture = "scenarios/fixtures/basic";  // put in each account's maildrop first, where it can be
  std::string deliver;     // --deliver CMD: delivers one message (env POP3_USER, POP3_MESSAGE_FILE)
  std::string stats_json;  // latency histograms and counters, mergeable
};

int load_command(LoadOptions& options);

}  // namespace pop3
