#include "codec/command_line.hpp"

#include <gtest/gtest.h>

using namespace pop3;

TEST(CommandLine, UpperCasesTheKeywordAndSplitsArguments) {
  auto c = parse_command_line("top 1 10");
  ASSERT_TRUE(c);
  EXPECT_EQ(c->keyword, "TOP");
  EXPECT_EQ(c->args, (std::vector<std::string>{"1", "10"}));
}

TEST(CommandLine, RejectsMalformedLines) {
  EXPECT_FALSE(parse_command_line(""));
  EXPECT_FALSE(parse_command_line("LISTING"));
  EXPECT_FALSE(parse_command_line("LIST  1"));
  EXPECT_FALSE(parse_command_line("LIST 1 "));
  EXPECT_FALSE(parse_command_line(std::string("NO\0OP", 5)));
  EXPECT_FALSE(parse_command_line("LIST\t1"));
  EXPECT_FALSE(parse_command_line(std::string("LI\x80T", 5)));
}

// RFC 2449 #3: keyword = 3*4VCHAR - a digit is fine (RFC 6856's UTF8).
TEST(CommandLine, KeywordsArePrintableAsciiNotOnlyLetters) {
  auto c = parse_command_line("utf8");
  ASSERT_TRUE(c);
  EXPECT_EQ(c->keyword, "UTF8");
  EXPECT_TRUE(parse_command_line("R3TR 1"));
}

TEST(MessageNumber, AcceptsDigitsOnly) {
  EXPECT_EQ(parse_message_number("1"), 1u);
  EXPECT_EQ(parse_message_number("007"), 7u);
  EXPECT_FALSE(parse_message_number("-1"));
  EXPECT_FALSE(parse_message_number("+1"));
  EXPECT_FALSE(parse_message_number("1x"));
  EXPECT_FALSE(parse_message_number(""));
  EXPECT_FALSE(parse_message_number("18446744073709551616"));
}
