// The load statistics of shards: written as JSON, read back and merged,
// they give what one run over all the accounts would have counted.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <stdexcept>

#include "load/load_report.hpp"
#include "load/content.hpp"
#include "load/stats_read.hpp"

using namespace pop3::load;

namespace {

Stats shard(std::uint64_t sessions, std::uint64_t base_us) {
  Stats s;
  s.sessions = sessions, s.commands = sessions * 6, s.listed = sessions, s.open_peak = 3;
  for (std::uint64_t i = 0; i < sessions; ++i) s.record("RETR", base_us + i * 37);
  ++s.errors["timeout"];
  ++s.policy["in-use"];
  return s;
}

}  // namespace

RC_GTEST_PROP(LoadStatsJson, AHistogramReadBackHasTheSameCountMaxAndPercentiles, (std::vector<std::uint32_t> samples)) {
  Stats s;
  for (auto v : samples) s.record("login", v);
  LoadedStats back = stats_from_json(stats_json(s, 1.5));
  RC_ASSERT(back.seconds == 1.5);
  const Histogram& h = back.stats.latency["login"];
  const Histogram& want = s.latency["login"];
  RC_ASSERT(h.count() == want.count());
  RC_ASSERT(h.max() == want.max());
  for (double q : {0.5, 0.95, 0.99}) RC_ASSERT(h.percentile(q) == want.percentile(q));
}

TEST(LoadStatsJson, TwoShardsMergedCountEverySessionOnceAndJoinTheirHistograms) {
  Stats a = shard(100, 50), b = shard(40, 5000);
  a.violate("maildrop-locked", "1939-8-LOCK-1", {"u", "removed while held", "S: +OK"});
  Stats all = stats_from_json(stats_json(a, 2)).stats;
  all.merge(stats_from_json(stats_json(b, 3)).stats);
  EXPECT_EQ(all.sessions, 140u);
  EXPECT_EQ(all.listed, 140u);
  EXPECT_EQ(all.latency["RETR"].count(), 140u);
  EXPECT_EQ(all.latency["RETR"].max(), 5000u + 39 * 37);
  EXPECT_EQ(all.errors["timeout"], 2u);
  EXPECT_EQ(all.policy["in-use"], 2u);
  EXPECT_EQ(all.open_peak, 6u);  // shards elsewhere: at most the sum of their peaks
  ASSERT_EQ(all.broken.count("maildrop-locked"), 1u);
  EXPECT_EQ(all.broken["maildrop-locked"].count, 1u);
  EXPECT_TRUE(all.broken["maildrop-locked"].examples.empty());  // those are in the results JSON
}

TEST(LoadStatsJson, OnlyItsOwnFormatIsTakenAndABadBucketIsNamed) {
  EXPECT_TRUE(is_stats_json(stats_json(Stats{}, 1)));
  EXPECT_FALSE(is_stats_json(R"({"format": "pop3-harness-results", "version": 1})"));
  EXPECT_FALSE(is_stats_json("not json"));
  EXPECT_THROW(stats_from_json(R"({"format": "pop3-harness-load-stats", "version": 2})"), std::invalid_argument);
  try {
    stats_from_json(R"({"format": "pop3-harness-load-stats", "version": 1,
                        "latency": {"RETR": {"count": 1, "max_us": 33, "buckets": {"33": 1}}}})");
    FAIL() << "33 is inside the bucket 32..33, not its lower bound";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("RETR"), std::string::npos) << e.what();
  }
  EXPECT_THROW(stats_from_json(R"({"format": "pop3-harness-load-stats", "version": 1,
                        "latency": {"RETR": {"count": 5, "max_us": 3, "buckets": {"3": 1}}}})"),
               std::invalid_argument);
}

TEST(LoadContent, TheBodyDigestIgnoresHeadersLineEndingsAndTrailingLineEnds) {
  std::uint64_t stored = body_digest("Subject: a\n\nline one\nline two");
  EXPECT_EQ(body_digest("Subject: a\r\n\r\nline one\r\nline two\r\n"), stored);
  EXPECT_EQ(body_digest("X-Pop3-Harness-Load: 7\r\nSubject: a\r\nReceived: by server\r\n\r\nline one\r\nline two\r\n"),
            stored);
  EXPECT_NE(body_digest("Subject: a\r\n\r\nline one\r\nline 2\r\n"), stored);
  EXPECT_NE(body_digest("Subject: a\r\n\r\nline one\r\n\r\nline two\r\n"), stored);
  EXPECT_NE(body_digest("Subject: a\r\n\r\nline oneline two\r\n"), stored);
  EXPECT_EQ(body_digest("Subject: only headers\r\n"), body_digest("Other: header\n"));
}
