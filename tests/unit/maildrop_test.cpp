#include "model/maildrop.hpp"

#include <gtest/gtest.h>

using namespace pop3;

namespace {
Maildrop three() { return Maildrop({{"a\r\n", "u1"}, {"bb\r\n", "u2"}, {"ccc\r\n", "u3"}}); }
}  // namespace

TEST(Maildrop, CountsAndSizesExcludeDeletedMessages) {
  auto m = three();
  EXPECT_EQ(m.count(), 3u);
  EXPECT_EQ(m.octets(), 3u + 4u + 5u);
  EXPECT_EQ(m.mark_deleted(2), Maildrop::Lookup::ok);
  EXPECT_EQ(m.count(), 2u);
  EXPECT_EQ(m.octets(), 8u);
}

TEST(Maildrop, NumbersNeverShiftAfterADeletion) {
  auto m = three();
  m.mark_deleted(1);
  EXPECT_EQ(m.lookup(1), Maildrop::Lookup::deleted);
  EXPECT_EQ(m.message(3).uid, "u3");
}

TEST(Maildrop, RejectsZeroAndNumbersPastTheEnd) {
  auto m = three();
  EXPECT_EQ(m.lookup(0), Maildrop::Lookup::no_such_message);
  EXPECT_EQ(m.lookup(4), Maildrop::Lookup::no_such_message);
  EXPECT_EQ(m.mark_deleted(4), Maildrop::Lookup::no_such_message);
}

TEST(Maildrop, DeletingTwiceIsRefused) {
  auto m = three();
  m.mark_deleted(1);
  EXPECT_EQ(m.mark_deleted(1), Maildrop::Lookup::deleted);
}

TEST(Maildrop, ResetUnmarksEverything) {
  auto m = three();
  m.mark_deleted(1);
  m.mark_deleted(3);
  EXPECT_EQ(m.deleted_uids(), (std::vector<std::string>{"u1", "u3"}));
  m.reset();
  EXPECT_EQ(m.count(), 3u);
  EXPECT_TRUE(m.deleted_uids().empty());
}

TEST(Maildrop, SizesCountCrlf) {
  EXPECT_EQ(to_crlf("a\nb\r\nc\n"), "a\r\nb\r\nc\r\n");
  EXPECT_EQ(to_crlf("\n"), "\r\n");
}

TEST(UniqueId, Rfc1939Form) {
  EXPECT_TRUE(valid_unique_id("QhdPYR:00WBw1Ph7x7"));
  EXPECT_FALSE(valid_unique_id(""));
  EXPECT_FALSE(valid_unique_id("has space"));
  EXPECT_FALSE(valid_unique_id(std::string(71, 'a')));
  EXPECT_TRUE(valid_unique_id(std::string(70, 'a')));
}
