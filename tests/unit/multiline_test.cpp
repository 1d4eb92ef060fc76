#include "codec/multiline.hpp"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include "codec/line_framer.hpp"

using namespace pop3;

namespace {
std::string decode(const std::string& wire) {
  LineFramer f;
  f.feed(wire);
  MultilineDecoder d(1 << 24);
  while (auto line = f.next_line(1 << 24))
    if (d.add_line(*line) == MultilineDecoder::Step::done) return std::string(d.body().text());
  ADD_FAILURE() << "no terminator in " << wire;
  return {};
}
}  // namespace

TEST(DotStuff, StuffsEveryLineStartingWithADot) {
  EXPECT_EQ(dot_stuff(".\r\n..\r\n.a\r\nb.\r\n"), "..\r\n...\r\n..a\r\nb.\r\n.\r\n");
}

TEST(DotStuff, TerminatesAnEmptyBody) { EXPECT_EQ(dot_stuff(""), ".\r\n"); }

TEST(DotStuff, AddsAMissingFinalCrlf) { EXPECT_EQ(dot_stuff("abc"), "abc\r\n.\r\n"); }

TEST(DotStuff, ABareLfDoesNotStartALine) { EXPECT_EQ(dot_stuff("a\n.b\r\n"), "a\n.b\r\n.\r\n"); }

TEST(MultilineDecoder, UnstuffsAndStopsAtTheTerminator) {
  EXPECT_EQ(decode("..\r\n..x\r\ny\r\n.\r\n"), ".\r\n.x\r\ny\r\n");
}

TEST(MultilineDecoder, RefusesABodyOverItsLimit) {
  // Each line costs its octets, its CRLF and a 4-octet offset.
  MultilineDecoder d(20);
  EXPECT_EQ(d.add_line("12345"), MultilineDecoder::Step::more);  // 11
  EXPECT_EQ(d.add_line("1234567"), MultilineDecoder::Step::too_large);  // 11 + 13
}

// POP3 cannot carry a body without a final CRLF, so one is added; otherwise
// stuffing then unstuffing gives back any byte string.
RC_GTEST_PROP(DotStuffProperty, UnstuffingInvertsStuffing, (const std::string& body)) {
  std::string expected = body;
  if (!body.empty() && !body.ends_with("\r\n")) expected += "\r\n";
  RC_ASSERT(decode(dot_stuff(body)) == expected);
}

RC_GTEST_PROP(DotStuffProperty, LinesMadeOfDotsAndCrlfsRoundTrip, ()) {
  auto pieces = *rc::gen::container<std::vector<std::string>>(
      rc::gen::element<std::string>(".", "..", "\r\n", ".\r\n", "x", "\r", "\n"));
  std::string body;
  for (const auto& p : pieces) body += p;
  body += "\r\n";
  RC_ASSERT(decode(dot_stuff(body)) == body);
}

TEST(MultilineDecoder, HoldsTheBodyOnceWithLineOffsets) {
  MultilineDecoder d(1 << 20);
  for (const char* l : {"first", "..dot", "", "last"}) ASSERT_EQ(d.add_line(l), MultilineDecoder::Step::more);
  ASSERT_EQ(d.add_line("."), MultilineDecoder::Step::done);
  Body b = d.take();
  EXPECT_EQ(b.text(), "first\r\n.dot\r\n\r\nlast\r\n");
  ASSERT_EQ(b.lines(), 4u);
  EXPECT_EQ(b.line(1), ".dot");
  EXPECT_EQ(b.wire_line(1), "..dot");
  EXPECT_EQ(b.wire_line(2), "");
  EXPECT_TRUE(b.was_stuffed(1));
  EXPECT_FALSE(b.was_stuffed(0));
  EXPECT_EQ(b.unstuffed_dot_lines(), 0u);
}

TEST(MultilineDecoder, CountsLinesAServerForgotToStuff) {
  MultilineDecoder d(1 << 20);
  d.add_line("ok");
  d.add_line(".oops");
  d.add_line(".again");
  d.add_line(".");
  EXPECT_EQ(d.body().unstuffed_dot_lines(), 2u);
  EXPECT_EQ(d.body().first_unstuffed_dot_line(), 1u);
}

TEST(MultilineDecoder, CountsPerLineBookkeepingAgainstTheLimit) {
  // 1000 empty lines are 2000 octets of text and 4000 of offsets.
  MultilineDecoder d(5000);
  MultilineDecoder::Step last = MultilineDecoder::Step::more;
  for (int i = 0; i < 1000 && last == MultilineDecoder::Step::more; ++i) last = d.add_line("");
  EXPECT_EQ(last, MultilineDecoder::Step::too_large);
}

TEST(MultilineDecoder, StreamsABodyBeyondItsHoldLimitAndKeepsItsDigest) {
  std::string line(1000, 'x');
  std::string whole;
  MultilineDecoder streamed(1 << 20, 10000), held(1 << 24);
  for (int i = 0; i < 100; ++i) {
    ASSERT_EQ(streamed.add_line(line), MultilineDecoder::Step::more);
    held.add_line(line);
  }
  streamed.add_line(".");
  held.add_line(".");
  Body s = streamed.take(), h = held.take();
  EXPECT_FALSE(s.held());
  EXPECT_TRUE(s.text().empty());
  EXPECT_EQ(s.size(), 100u * 1002u);
  EXPECT_EQ(s.lines(), 100u);
  EXPECT_EQ(s.sha256(), h.sha256());
}
