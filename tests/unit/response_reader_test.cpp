#include "codec/response_reader.hpp"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

using namespace pop3;

namespace {

std::vector<Response> parse_all(const std::string& wire, const std::vector<std::size_t>& cuts,
                                const std::vector<bool>& multiline) {
  ResponseReader r;
  std::vector<Response> out;
  std::size_t next = 0, pos = 0;
  r.expect(multiline[0]);
  auto drain = [&] {
    while (next < multiline.size()) {
      auto resp = r.next();
      if (!resp) return;
      out.push_back(std::move(*resp));
      if (++next < multiline.size()) r.expect(multiline[next]);
    }
  };
  for (std::size_t cut : cuts) {
    cut = std::min(cut, wire.size());
    if (cut <= pos) continue;
    r.feed(std::string_view(wire).substr(pos, cut - pos));
    pos = cut;
    drain();
  }
  r.feed(std::string_view(wire).substr(pos));
  drain();
  return out;
}

const std::string kWire =
    "+OK 2 messages (320 octets)\r\n1 120\r\n2 200\r\n.\r\n"
    "-ERR no such message\r\n"
    "+OK 7 octets\r\n..dot\r\n\r\n.\r\n"
    "+OK [SYS/TEMP] fine\r\n";
const std::vector<bool> kMulti = {true, true, true, false};

}  // namespace

TEST(ResponseReader, ReadsMultiLineSingleLineAndErrors) {
  auto rs = parse_all(kWire, {}, kMulti);
  ASSERT_EQ(rs.size(), 4u);
  EXPECT_TRUE(rs[0].multiline);
  EXPECT_EQ(rs[0].body.text(), "1 120\r\n2 200\r\n");
  EXPECT_EQ(rs[0].body.lines(), 2u);
  EXPECT_FALSE(rs[1].multiline);  // -ERR has no body even for a multi-line command
  EXPECT_EQ(rs[2].body.text(), ".dot\r\n\r\n");
  EXPECT_EQ(rs[3].parsed->code, "SYS/TEMP");
}

TEST(ResponseReader, ReportsAMalformedStatusLine) {
  auto rs = parse_all("+ok lower\r\n", {}, {false});
  ASSERT_EQ(rs.size(), 1u);
  EXPECT_FALSE(rs[0].parsed);
  EXPECT_FALSE(rs[0].parse_error.empty());
}

TEST(ResponseReader, BoundsAnEndlessStatusLine) {
  ResponseReader r;
  r.expect(false);
  r.feed(std::string(600, 'A'));
  EXPECT_FALSE(r.next());
  EXPECT_EQ(r.error(), ResponseReader::Error::status_line_too_long);
}

TEST(ResponseReader, BoundsAnUnterminatedBody) {
  ResponseReader r({.status_line = 512, .body_line = 100, .body = 1000, .hold = 1000, .stream = 2000});
  r.expect(true);
  r.feed("+OK\r\n");
  for (int i = 0; i < 50 && r.error() == ResponseReader::Error::none; ++i) {
    r.feed("0123456789012345678901234567890123456789\r\n");
    EXPECT_FALSE(r.next());
  }
  EXPECT_EQ(r.error(), ResponseReader::Error::body_too_large);
}

// RFC 5034 #4: challenges "may be of arbitrary length ... independent of any
// line-length limitations"; a status line after AUTH still has 512 octets.
TEST(ResponseReader, ASaslChallengeMayPassTheStatusLineLimit) {
  std::string challenge = "+ " + std::string(100000, 'Q') + "\r\n";
  ResponseReader r;
  r.expect(false, true);
  r.feed(challenge);
  auto got = r.next();
  ASSERT_TRUE(got);
  EXPECT_EQ(got->status_line.size(), challenge.size() - 2);

  ResponseReader not_after_auth;
  not_after_auth.expect(false);
  not_after_auth.feed(challenge);
  EXPECT_FALSE(not_after_auth.next());
  EXPECT_EQ(not_after_auth.error(), ResponseReader::Error::status_line_too_long);

  ResponseReader long_err;
  long_err.expect(false, true);
  long_err.feed("-ERR " + std::string(1000, 'e') + "\r\n");
  EXPECT_FALSE(long_err.next());
  EXPECT_EQ(long_err.error(), ResponseReader::Error::status_line_too_long);

  ResponseReader endless({.challenge = 4096});
  endless.expect(false, true);
  endless.feed("+ " + std::string(5000, 'Q'));
  EXPECT_FALSE(endless.next());
  EXPECT_EQ(endless.error(), ResponseReader::Error::challenge_too_long);
}

// Empty lines cost more in bookkeeping than in text: past the bound on what
// is held, they are streamed, not refused.
TEST(ResponseReader, StreamsABodyWhoseLineBookkeepingPassesTheBound) {
  ResponseReader r({.status_line = 512, .body_line = 100, .body = 1000});
  r.expect(true);
  r.feed("+OK\r\n");
  for (int i = 0; i < 1000; ++i) r.feed("\r\n");
  r.feed(".\r\n");
  auto got = r.next();
  ASSERT_TRUE(got);
  EXPECT_FALSE(got->body.held());
  EXPECT_EQ(got->body.lines(), 1000u);
  EXPECT_EQ(got->body.size(), 2000u);
}

// RFC 1939 #3: "All responses are terminated by a CRLF pair". A server that
// ends lines with LF alone is caught on its first line, not by a deadline.
TEST(ResponseReader, AStatusLineEndedByABareLfBreaksTheFraming) {
  ResponseReader r;
  r.expect(false);
  r.feed("+OK ready\n");
  EXPECT_FALSE(r.next());
  EXPECT_EQ(r.error(), ResponseReader::Error::status_bare_lf);
  EXPECT_TRUE(ResponseReader::is_violation(r.error()));
}

TEST(ResponseReader, AStatusLineEndedByCrCrLfBreaksTheFraming) {
  ResponseReader r;
  r.expect(false);
  r.feed("+OK ready\r\r\n");
  EXPECT_FALSE(r.next());
  EXPECT_EQ(r.error(), ResponseReader::Error::status_bare_cr);
}

TEST(ResponseReader, ABareLfInsideABodyLineIsData) {
  auto rs = parse_all("+OK\r\na\nb\r\n.\r\n", {}, {true});
  ASSERT_EQ(rs.size(), 1u);
  EXPECT_EQ(rs[0].body.text(), "a\nb\r\n");
}

TEST(ResponseReader, ATerminatorEndedByABareLfBreaksTheFraming) {
  ResponseReader r;
  r.expect(true);
  r.feed("+OK\r\nline one\nline two\n.\n");
  EXPECT_FALSE(r.next());
  EXPECT_EQ(r.error(), ResponseReader::Error::body_bare_lf_terminator);
}

TEST(ResponseReader, ALimitOfTheHarnessIsNotAViolation) {
  EXPECT_FALSE(ResponseReader::is_violation(ResponseReader::Error::body_too_large));
  EXPECT_EQ(std::string(ResponseReader::rfc_of(ResponseReader::Error::status_line_too_long)), "rfc2449#4");
}

TEST(ResponseReader, CountsTheOctetsOfTheResponseSoFar) {
  ResponseReader r;
  r.expect(true);
  r.feed("+OK\r\n12345\r\n");
  EXPECT_FALSE(r.next());
  EXPECT_EQ(r.received(), 12u);
}

RC_GTEST_PROP(ResponseReaderProperty, AnySegmentationParsesTheSame, ()) {
  auto cuts = *rc::gen::container<std::vector<std::size_t>>(rc::gen::inRange<std::size_t>(0, kWire.size() + 1));
  std::sort(cuts.begin(), cuts.end());
  auto whole = parse_all(kWire, {}, kMulti);
  auto split = parse_all(kWire, cuts, kMulti);
  RC_ASSERT(split.size() == whole.size());
  for (std::size_t i = 0; i < whole.size(); ++i) {
    RC_ASSERT(split[i].status_line == whole[i].status_line);
    RC_ASSERT(split[i].body.text() == whole[i].body.text());
  }
}
