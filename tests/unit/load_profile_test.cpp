// The load profiles: the built-in three, and a file that says what each
// session does, with compiler-style errors.
#include <gtest/gtest.h>

#include "load/profile.hpp"

using namespace pop3::load;

TEST(LoadProfile, TheBuiltInProfilesSayWhatTheREADMESays) {
  auto leave = builtin_profile("leave-on-server");
  ASSERT_TRUE(leave);
  EXPECT_EQ(leave->retrieve, Profile::Retrieve::fresh);
  EXPECT_EQ(leave->delete_share, 0);
  auto download = builtin_profile("download");
  ASSERT_TRUE(download);
  EXPECT_EQ(download->retrieve, Profile::Retrieve::all);
  EXPECT_EQ(download->delete_share, 1);
  EXPECT_EQ(download->delete_what, Profile::Delete::all);
  auto mixed = builtin_profile("mixed");
  ASSERT_TRUE(mixed);
  EXPECT_DOUBLE_EQ(mixed->retrieve_again, 0.2);
  EXPECT_DOUBLE_EQ(mixed->delete_share, 0.3);
  EXPECT_DOUBLE_EQ(mixed->drop, 0.05);
  EXPECT_FALSE(builtin_profile("profile.txt"));
}

TEST(LoadProfile, AFileSetsEachKeyAndLeavesTheOthersAsLeaveOnServer) {
  auto p = parse_profile("# a client that keeps nothing\n"
                         "retrieve = all\n"
                         "delete = 0.5   # half the sessions\n"
                         "delete-what = retrieved\r\n"
                         "\n"
                         "think = 10-250\n",
                         "p.txt");
  ASSERT_TRUE(p.profile) << p.error;
  EXPECT_EQ(p.profile->retrieve, Profile::Retrieve::all);
  EXPECT_DOUBLE_EQ(p.profile->delete_share, 0.5);
  EXPECT_EQ(p.profile->delete_what, Profile::Delete::retrieved);
  EXPECT_EQ(p.profile->think_min_ms, 10u);
  EXPECT_EQ(p.profile->think_max_ms, 250u);
  EXPECT_EQ(p.profile->drop, 0);
  auto one = parse_profile("think = 40", "q");
  ASSERT_TRUE(one.profile);
  EXPECT_EQ(one.profile->think_min_ms, 40u);
  EXPECT_EQ(one.profile->think_max_ms, 40u);
}

TEST(LoadProfile, AMistakeIsNamedByFileAndLine) {
  EXPECT_EQ(parse_profile("retrieve = new\ndelet = 0.3\n", "p.txt").error,
            "p.txt:2: unknown key 'delet' (retrieve, retrieve-again, delete, delete-what, drop, think)");
  EXPECT_EQ(parse_profile("drop = 1.5", "p").error, "p:1: drop is a share from 0 to 1, e.g. 0.25");
  EXPECT_EQ(parse_profile("\n\nretrieve", "p").error, "p:3: expected 'key = value'");
  EXPECT_FALSE(parse_profile("think = 50-10", "p").profile);
  EXPECT_FALSE(parse_profile("retrieve = some", "p").profile);
  EXPECT_FALSE(parse_profile("drop = -0.1", "p").profile);
}

TEST(LoadProfile, AShareOfNothingDrawsNothingAndAWholeShareAlwaysHolds) {
  std::mt19937_64 a(7), b(7);
  EXPECT_FALSE(chance(a, 0));
  EXPECT_TRUE(chance(a, 1));
  EXPECT_EQ(a(), b());  // neither drew
  int hits = 0;
  for (int i = 0; i < 10000; ++i) hits += chance(a, 0.3);
  EXPECT_GT(hits, 2700);
  EXPECT_LT(hits, 3300);
}
