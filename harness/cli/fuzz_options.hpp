#pragma once
#include <cstdint>
#include <optional>
#include <string>

#include "cli/run_options.hpp"
#include "util/shard.hpp"

namespace pop3 {

struct FuzzOptions {
  RunOptions common;  // the target, TLS, account and provisioning options, as for run
  std::string target_cmd;  // the harness starts (and restarts) the server itself
  std::optional<std::uint64_t> cases;
  std::optional<double> seconds;
  std::optional<std::uint64_t> seed;
  Shard shard;  // --shard K/N: this machine's part of the campaign
  unsigned sessions = 16;
  unsigned jobs = 2;  // with --client-cmd: clients running at once
  int minimize_attempts = 24;
  std::string fixture = "scenarios/fixtures/basic";
  std::string dictionary = "fuzz/pop3.dict";
  std::string out = "reports/out/fuzz";
};

int fuzz_command(FuzzOptions& options);
// --seed (or a random one) and --shard: the campaign's seed, this shard's, and
// this shard's share of --cases; false, said on stderr, when --cases is fewer
// than the shards.
bool plan_seed(FuzzOptions& options, std::uint64_t& campaign_seed, std::uint64_t& seed);
// With --client-cmd: the harness is the hostile server.
int fuzz_client_command(FuzzOptions& options);

}  // namespace pop3
