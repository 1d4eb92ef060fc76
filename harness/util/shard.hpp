#pragma once
// A campaign spread over machines (prop and fuzz --shard K/N): shard K runs
// its share of the budget from a seed of its own, derived from the campaign's
// seed, so the shards explore different cases, together as many as one run,
// and each shard replays alone with its printed seed. (RapidCheck draws its
// cases one after another from one generator, so a shard cannot start at case
// i of a seed; a derived seed per shard is what stays reproducible.)
#include <cstdint>
#include <cstdio>
#include <map>
#include <string>

namespace pop3 {

struct Shard {
  unsigned k = 1, n = 1;  // shard K of N, from 1
  bool whole() const { return n == 1; }
  std::string text() const { return std::to_string(k) + "/" + std::to_string(n); }
};

// "K/N" with 1 <= K <= N <= 1000.
inline bool parse_shard(const std::string& text, Shard& shard) {
  unsigned k = 0, n = 0;
  char slash = 0, rest = 0;
  if (std::sscanf(text.c_str(), "%u%c%u%c", &k, &slash, &n, &rest) != 3 || slash != '/') return false;
  if (k < 1 || n < 1 || k > n || n > 1000) return false;
  shard = {k, n};
  return true;
}

// Shard 1/1 is the campaign itself; otherwise splitmix64 of seed, K and N.
inline std::uint64_t shard_seed(std::uint64_t seed, Shard s) {
  if (s.whole()) return seed;
  std::uint64_t z = seed + 0x9e3779b97f4a7c15ull * s.k + (static_cast<std::uint64_t>(s.n) << 32);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

// Shard K's part of total: the parts differ by one at most and add up to total.
inline std::uint64_t shard_share(std::uint64_t total, Shard s) {
  return total / s.n + (s.k <= total % s.n ? 1 : 0);
}

// What the console says before the replay hint: which part of which campaign.
inline std::string shard_note(Shard s, std::uint64_t campaign_seed) {
  if (s.whole()) return {};
  return "shard " + s.text() + " of the campaign with --seed " + std::to_string(campaign_seed) + "; ";
}

// The report's properties: the seed that replays this shard, and which
// part of which campaign it is.
inline void record_seed(std::map<std::string, std::string>& properties, Shard s, std::uint64_t campaign_seed,
                        std::uint64_t seed) {
  properties["seed"] = std::to_string(seed);
  if (s.whole()) return;
  properties["shard"] = s.text();
  properties["campaign-seed"] = std::to_string(campaign_seed);
}

}  // namespace pop3
