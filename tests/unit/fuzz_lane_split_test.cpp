#include <gtest/gtest.h>

#include <map>
#include <vector>

#include "fuzz/generator.hpp"
#include "fuzz/lane_split.hpp"
#include "fuzz/target_profile.hpp"

using namespace pop3::fuzz;

namespace {

std::vector<Phase> phases(std::uint64_t seed, std::size_t n) {
  GenContext ctx;
  std::vector<Phase> out;
  for (std::size_t i = 0; i < n; ++i) out.push_back(phase_of(seed, i, ctx));
  return out;
}

// The lane each case goes to, as every lane's own copy of the split sees it.
std::vector<unsigned> owners(unsigned lanes, unsigned logged_in, const std::vector<Phase>& ph) {
  std::vector<unsigned> out;
  LaneSplit split(lanes, logged_in);
  for (Phase p : ph) out.push_back(split.next(p));
  return out;
}

}  // namespace

TEST(LaneSplit, LoggedInCasesGoToTheLoggedInLanesAndTheRestToTheOthersInTurn) {
  auto ph = phases(7, 2000);
  auto owner = owners(8, 3, ph);
  std::map<unsigned, int> load;
  for (std::size_t i = 0; i < ph.size(); ++i) {
    if (ph[i] == Phase::transaction) EXPECT_LT(owner[i], 3u) << "case " << i;
    else EXPECT_GE(owner[i], 3u) << "case " << i;
    EXPECT_LT(owner[i], 8u);
    ++load[owner[i]];
  }
  // In turn: the lanes of one phase differ by at most one case.
  for (unsigned k = 1; k < 3; ++k) EXPECT_LE(std::abs(load[k] - load[0]), 1);
  for (unsigned k = 4; k < 8; ++k) EXPECT_LE(std::abs(load[k] - load[3]), 1);
}

TEST(LaneSplit, EveryLaneComputesTheSameOwnerForEveryCase) {
  auto ph = phases(11, 500);
  EXPECT_EQ(owners(16, 4, ph), owners(16, 4, ph));
}

TEST(LaneSplit, OneLaneTakesEverythingAndSomeLaneIsAlwaysLeftBeforeLogin) {
  auto ph = phases(3, 200);
  for (unsigned o : owners(1, 4, ph)) EXPECT_EQ(o, 0u);
  LaneSplit two(2, 4);
  EXPECT_EQ(two.logged_in(), 1u);
  EXPECT_EQ(two.next(Phase::transaction), 0u);
  EXPECT_EQ(two.next(Phase::authorization), 1u);
  EXPECT_EQ(LaneSplit(8, 0).logged_in(), 1u);
}

TEST(LoggedInLanes, SeveralOnlyWhenTheServerTakesConcurrentLoginsAndAtMostFour) {
  TargetProfile locked;
  TargetProfile shared;
  shared.concurrent_logins = true;
  EXPECT_EQ(logged_in_lanes(16, locked), 1u);
  EXPECT_EQ(logged_in_lanes(16, shared), 4u);
  EXPECT_EQ(logged_in_lanes(6, shared), 3u);
  EXPECT_EQ(logged_in_lanes(2, shared), 1u);
  EXPECT_EQ(logged_in_lanes(1, shared), 1u);
}
