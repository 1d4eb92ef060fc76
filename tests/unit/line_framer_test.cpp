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

TEST(LineFramer, InStatusModeABareLfIsAnError) {
  LineFramer f;
  f.feed("+OK hello\n");
  EXPECT_FALSE(f.next_line(512, LineFramer::Ending::status));
  EXPECT_EQ(f.error(), LineFramer::Error::bare_lf);
}

TEST(LineFramer, InStatusModeALoneCrInsideTheLineIsAnError) {
  LineFramer f;
  f.feed("+OK a\rb\r\n");
  EXPECT_FALSE(f.next_line(512, LineFramer::Ending::status));
  EXPECT_EQ(f.error(), LineFramer::Error::bare_cr);
}

TEST(LineFramer, InBodyModeOnlyALoneDotEndedByLfIsAnError) {
  LineFramer f;
  f.feed("a\nb\r\n");
  EXPECT_EQ(f.next_line(512, LineFramer::Ending::body), "a\nb");
  f.feed("x\n.\n");
  EXPECT_FALSE(f.next_line(512, LineFramer::Ending::body));
  EXPECT_EQ(f.error(), LineFramer::Error::bare_lf);
}

// A million empty lines: linear time, not a million erasures of the buffer's front.
TEST(LineFramer, ConsumesManyLinesInLinearTime) {
  LineFramer f;
  std::string many;
  for (int i = 0; i < 1000000; ++i) many += "\r\n";
  f.feed(many);
  std::size_t n = 0;
  while (f.next_view(100)) ++n;
  EXPECT_EQ(n, 1000000u);
  EXPECT_TRUE(f.pending().empty());
}
