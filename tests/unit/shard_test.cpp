// --shard K/N for prop and fuzz: the shards' parts add up to the campaign,
// each shard has a seed of its own, and shard 1/1 is the campaign itself.
#include <gtest/gtest.h>

#include <set>

#include "util/shard.hpp"

using pop3::Shard;

TEST(Shard, PartsDifferByOneAtMostAndAddUpToTheWhole) {
  for (std::uint64_t total : {1ull, 7ull, 100ull, 1001ull}) {
    for (unsigned n = 1; n <= 8 && n <= total; ++n) {
      std::uint64_t sum = 0, least = total, most = 0;
      for (unsigned k = 1; k <= n; ++k) {
        std::uint64_t part = pop3::shard_share(total, {k, n});
        sum += part;
        least = std::min(least, part);
        most = std::max(most, part);
      }
      EXPECT_EQ(sum, total) << total << " in " << n;
      EXPECT_LE(most - least, 1u);
    }
  }
}

TEST(Shard, EachShardHasASeedOfItsOwnAndTheWholeKeepsTheCampaignSeed) {
  EXPECT_EQ(pop3::shard_seed(42, {1, 1}), 42u);
  std::set<std::uint64_t> seeds;
  for (unsigned n = 2; n <= 16; ++n)
    for (unsigned k = 1; k <= n; ++k) seeds.insert(pop3::shard_seed(42, {k, n}));
  EXPECT_EQ(seeds.size(), 135u);  // 2 + 3 + ... + 16, all different
  EXPECT_EQ(pop3::shard_seed(42, {2, 4}), pop3::shard_seed(42, {2, 4}));
  EXPECT_NE(pop3::shard_seed(42, {2, 4}), pop3::shard_seed(43, {2, 4}));
}

TEST(Shard, ParsesKOfNAndRefusesTheRest) {
  Shard s;
  EXPECT_TRUE(pop3::parse_shard("2/4", s));
  EXPECT_EQ(s.k, 2u);
  EXPECT_EQ(s.n, 4u);
  EXPECT_EQ(s.text(), "2/4");
  for (const char* bad : {"0/4", "5/4", "2/0", "2", "2/4x", "a/b", "2-4", "1/1001"}) EXPECT_FALSE(pop3::parse_shard(bad, s)) << bad;
}
