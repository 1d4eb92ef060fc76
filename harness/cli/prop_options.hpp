#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "cli/run_options.hpp"
#include "util/shard.hpp"

namespace pop3 {

struct PropOptions {
  RunOptions common;  // the target, TLS, account and provisioning options, as for run
  int runs = 100;
  std::optional<std::uint64_t> seed;
  Shard shard;  // --shard K/N: this machine's part of the campaign
  int max_commands = 30;
  std::string fixture = "scenarios/fixtures/basic";
  std::string out = "reports/out/prop";
  // Differential mode: a second server that must behave the same.
  std::string reference, reference_user, reference_pass, reference_maildir, reference_reset_cmd;
  std::vector<std::string> ignore_differences;  // commands (keywords) whose differing answers are no finding
};

int prop_command(PropOptions& options);

}  // namespace pop3
