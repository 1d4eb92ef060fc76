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
    if (d.add_line(*line) == MultilineDecoder::Step::done) return d.body();
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
  MultilineDecoder d(10);
  EXPECT_EQ(d.add_line("12345"), MultilineDecoder::Step::more);
  EXPECT_EQ(d.add_line("123"), MultilineDecoder::Step::too_large);
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
