#include "codec/status_line.hpp"

#include <gtest/gtest.h>

using namespace pop3;

TEST(StatusLine, ParsesOkWithText) {
  auto s = parse_status_line("+OK 2 320");
  ASSERT_TRUE(s);
  EXPECT_EQ(s->status, Status::ok);
  EXPECT_EQ(s->text, "2 320");
  EXPECT_EQ(s->code, "");
}

TEST(StatusLine, ParsesBareIndicators) {
  EXPECT_EQ(parse_status_line("+OK")->status, Status::ok);
  EXPECT_EQ(parse_status_line("-ERR")->status, Status::err);
}

TEST(StatusLine, ParsesExtendedResponseCodes) {
  auto s = parse_status_line("-ERR [IN-USE] locked");
  ASSERT_TRUE(s);
  EXPECT_EQ(s->code, "IN-USE");
  EXPECT_EQ(s->text, "locked");
  EXPECT_EQ(parse_status_line("-ERR [SYS/TEMP] try later")->code, "SYS/TEMP");
  EXPECT_EQ(parse_status_line("-ERR [LOGIN-DELAY]")->code, "LOGIN-DELAY");
}

// RFC 2449 #8 defines response codes only for servers that list RESP-CODES;
// bracketed text that is not a code is free text, never a malformed line.
TEST(StatusLine, BracketedFreeTextIsText) {
  for (const char* line : {"-ERR [IN USE] x", "-ERR [] x", "-ERR [SYS/] x", "-ERR [unterminated",
                           "-ERR [no such message] see RFC 2449 #8"}) {
    auto s = parse_status_line(line);
    ASSERT_TRUE(s) << line;
    EXPECT_EQ(s->code, "") << line;
    EXPECT_EQ(s->text, std::string(line).substr(5)) << line;
  }
}

TEST(StatusLine, RejectsLowerCaseAndGluedIndicators) {
  StatusLineError why;
  EXPECT_FALSE(parse_status_line("+ok fine", &why));
  EXPECT_FALSE(why.reason.empty());
  EXPECT_FALSE(parse_status_line("+OKfine"));
  EXPECT_FALSE(parse_status_line("-ERRx"));
  EXPECT_FALSE(parse_status_line(""));
}

TEST(StatusLine, ParsesSaslContinuation) {
  auto s = parse_status_line("+ ");
  ASSERT_TRUE(s);
  EXPECT_EQ(s->status, Status::continuation);
  EXPECT_EQ(parse_status_line("+ Zm9v")->text, "Zm9v");
}
