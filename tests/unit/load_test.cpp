// The load mode's pure core, and the oracle's part for concurrency: the
// latency histogram, the join of STAT, UIDL and LIST, and the account model
// that judges every session's view.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include "load/histogram.hpp"
#include "oracle/account_model.hpp"
#include "oracle/view.hpp"

using namespace pop3::load;
using namespace pop3::oracle;

TEST(LoadHistogram, EveryValueFallsInABucketWhoseBoundIsWithinOneSixteenthBelowIt) {
  for (std::uint64_t v : {0ull, 1ull, 15ull, 16ull, 17ull, 31ull, 32ull, 1000ull, 123456789ull, 1ull << 39}) {
    std::uint64_t low = Histogram::lower_bound(Histogram::bucket_of(v));
    EXPECT_LE(low, v);
    EXPECT_LE(v - low, v / 16) << v;
  }
}

RC_GTEST_PROP(LoadHistogram, PercentilesAreWithinOneSixteenthOfTheSortedSamples, (std::vector<std::uint32_t> samples)) {
  RC_PRE(!samples.empty());
  Histogram h;
  for (auto s : samples) h.record(s);
  std::sort(samples.begin(), samples.end());
  for (double q : {0.5, 0.95, 0.99}) {
    std::uint64_t exact = samples[std::min(samples.size() - 1, static_cast<std::size_t>(q * samples.size()))];
    std::uint64_t got = h.percentile(q);
    RC_ASSERT(got >= exact);
    RC_ASSERT(got - exact <= exact / 16 + 1);
  }
  RC_ASSERT(h.max() == samples.back());
}

TEST(LoadHistogram, TwoShardsMergeIntoTheHistogramOfTheWhole) {
  Histogram a, b, whole;
  for (std::uint64_t v = 1; v < 5000; v += 7) (v % 2 ? a : b).record(v), whole.record(v);
  a.merge(b);
  EXPECT_EQ(a.to_json(), whole.to_json());
  EXPECT_EQ(a.percentile(0.99), whole.percentile(0.99));
}

TEST(LoadView, StatUidlAndListJoinIntoOneViewOrSayWhyNot) {
  auto v = join_listings({2, 300}, {"1 a", "2 b"}, {"1 100", "2 200"});
  ASSERT_TRUE(v.view);
  EXPECT_EQ(v.view->messages[1].uid, "b");
  EXPECT_EQ(v.view->messages[1].octets, 200u);
  EXPECT_EQ(join_listings({2, 301}, {"1 a", "2 b"}, {"1 100", "2 200"}).violation->invariant, "listings-agree");
  EXPECT_TRUE(join_listings({3, 300}, {"1 a", "2 b"}, {"1 100", "2 200"}).violation);
  EXPECT_TRUE(join_listings({2, 300}, {"1 a", "3 b"}, {"1 100", "2 200"}).violation);
  EXPECT_TRUE(join_listings({1, 100}, {"1 a extra"}, {"1 100"}).violation);  // a unique-id has no spaces
  EXPECT_FALSE(join_listings({1, 100}, {"1 a"}, {"1 100 octets"}).violation);  // text may follow a size
}

namespace {

std::vector<Listed> view(std::initializer_list<const char*> uids) {
  std::vector<Listed> out;
  for (const char* u : uids) out.push_back({u, 100});
  return out;
}

std::vector<std::string> invariants(const std::vector<Violation>& vs) {
  std::vector<std::string> out;
  for (const auto& v : vs) out.push_back(v.invariant);
  return out;
}

// One whole session: login, listing, DELE of marks, then how it ended.
std::vector<Violation> session(AccountModel& m, SessionId id, Seq& seq, std::vector<Listed> seen,
                               std::vector<std::string> marks = {},
                               AccountModel::End end = AccountModel::End::committed) {
  m.login_sent(id, ++seq);
  auto out = m.listed(id, seen);
  for (const auto& uid : marks) m.marked(id, uid);
  m.ended(id, end, ++seq);
  return out;
}

using Names = std::vector<std::string>;

}  // namespace

TEST(LoadAccountModel, AMessageNoSessionDeletedMustStayAndOneDeletedByACommittedQuitMustGo) {
  AccountModel m;
  Seq seq = 0;
  EXPECT_TRUE(session(m, 1, seq, view({"a", "b", "c"}), {"b"}).empty());
  EXPECT_TRUE(session(m, 2, seq, view({"a", "c"})).empty());
  EXPECT_EQ(invariants(session(m, 3, seq, view({"a"}))), Names{"nothing-lost"});
  EXPECT_EQ(invariants(session(m, 4, seq, view({"a", "b", "c"}))), Names{"deletion-committed"});
}

TEST(LoadAccountModel, ADroppedSessionCommitsNothingAndAnUnansweredQuitLeavesItsMarksOpen) {
  AccountModel m;
  Seq seq = 0;
  session(m, 1, seq, view({"a", "b", "c"}), {"a"}, AccountModel::End::dropped);
  EXPECT_EQ(invariants(session(m, 2, seq, view({"b", "c"}))), Names{"dropped-session-commits-nothing"});
  session(m, 3, seq, view({"a", "b", "c"}), {"b"}, AccountModel::End::maybe);
  EXPECT_TRUE(session(m, 4, seq, view({"a", "c"})).empty()) << "RFC 1939 #6: some or none removed";
  EXPECT_EQ(invariants(session(m, 5, seq, view({"a", "b", "c"}))), Names{"deletion-committed"})
      << "settled by the view after it: gone";
}

TEST(LoadAccountModel, WhatAnotherLiveSessionMayCommitIsNotJudged) {
  AccountModel m;
  Seq seq = 0;
  session(m, 1, seq, view({"a", "b"}));
  m.login_sent(2, ++seq);
  m.listed(2, view({"a", "b"}));
  m.marked(2, "a");
  // Session 3 logs in while 2 holds its mark: "a" may be there or not.
  m.login_sent(3, ++seq);
  m.ended(2, AccountModel::End::committed, ++seq);
  EXPECT_TRUE(m.listed(3, view({"a", "b"})).empty());
  m.ended(3, AccountModel::End::committed, ++seq);
  EXPECT_TRUE(session(m, 4, seq, view({"b"})).empty());
}

TEST(LoadAccountModel, NewUniqueIdsAreTakenAsDeliveriesAndOtherwiseAsRenamedMessages) {
  AccountModel m;
  Seq seq = 0;
  session(m, 1, seq, view({"a"}));
  m.delivered(1);
  EXPECT_TRUE(session(m, 2, seq, view({"a", "n1"})).empty());
  EXPECT_EQ(invariants(session(m, 3, seq, view({"a", "n1", "x"}))), Names{"unique-ids-stable"});
  EXPECT_EQ(invariants(session(m, 4, seq, view({"a"}))), Names{"nothing-lost"}) << "n1, once seen, must stay";
}

TEST(LoadAccountModel, AUniqueIdListedTwiceOrWithAnotherSizeIsReported) {
  AccountModel m;
  Seq seq = 0;
  session(m, 1, seq, view({"a", "b"}));
  EXPECT_EQ(invariants(session(m, 2, seq, view({"a", "a"}))), (Names{"nothing-duplicated", "nothing-lost"}));
  auto resized = view({"a", "b"});
  resized[1].octets = 101;
  EXPECT_EQ(invariants(session(m, 3, seq, resized)), Names{"sizes-stable"});
}

TEST(LoadAccountModel, ACommitThatRemovesAMessageAnotherSessionHoldsAndListedBreaksTheLock) {
  AccountModel m;
  Seq seq = 0;
  m.login_sent(1, ++seq);
  m.listed(1, view({"a", "b"}));
  m.login_sent(2, ++seq);  // let in beside session 1: no lock
  m.listed(2, view({"a", "b"}));
  m.marked(2, "a");
  m.releasing(2);
  EXPECT_EQ(invariants(m.ended(2, AccountModel::End::committed, ++seq)), Names{"maildrop-locked"});
  // Once session 1 has sent QUIT, another's commit is no concern of its lock.
  m.releasing(1);
  m.login_sent(3, ++seq);
  m.listed(3, view({"b"}));
  m.marked(3, "b");
  m.releasing(3);
  EXPECT_TRUE(m.ended(3, AccountModel::End::committed, ++seq).empty());
}
