#include "codec/line_framer.hpp"

#include <gtest/gtest.h>

using pop3::LineFramer;

TEST(LineFramer, SplitsOnCrlfOnly) {
  LineFramer f;
  f.feed("one\r\ntwo\nstill two\r\n");
  EXPECT_EQ(f.next_line(100), "one");
  EXPECT_EQ(f.next_line(100), "two\nstill two");
  EXPECT_FALSE(f.next_line(100));
}

TEST(LineFramer, JoinsACrlfSplitAcrossFeeds) {
  LineFramer f;
  f.feed("abc\r");
  EXPECT_FALSE(f.next_line(100));
  f.feed("\nrest");
  EXPECT_EQ(f.next_line(100), "abc");
  EXPECT_EQ(f.pending(), "rest");
}

TEST(LineFramer, RefusesALineOverTheLimitEvenWithoutCrlf) {
  LineFramer f;
  f.feed(std::string(10, 'x'));
  EXPECT_FALSE(f.next_line(10));
  EXPECT_EQ(f.error(), LineFramer::Error::line_too_long);
}

TEST(LineFramer, LimitCountsTheCrlf) {
  LineFramer f;
  f.feed("12345678\r\n");
  EXPECT_EQ(f.next_line(10), "12345678");
  f.feed("123456789\r\n");
  EXPECT_FALSE(f.next_line(10));
}

TEST(LineFramer, DiscardsAnOverlongLineAndRecovers) {
  LineFramer f;
  f.feed(std::string(300, 'x'));
  EXPECT_FALSE(f.next_line(255));
  f.discard_line();
  f.feed(std::string(100, 'y') + "\r");
  EXPECT_FALSE(f.next_line(255));
  f.feed("\nNOOP\r\n");
  EXPECT_EQ(f.next_line(255), "NOOP");
}

TEST(LineFramer, TakePendingHandsOverUnframedBytes) {
  LineFramer f;
  f.feed("STLS\r\nUSER evil\r\npartial");
  EXPECT_EQ(f.next_line(255), "STLS");
  EXPECT_EQ(f.take_pending(), "USER evil\r\npartial");
  EXPECT_FALSE(f.next_line(255));
}
