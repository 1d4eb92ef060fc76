#include "scenario/pattern.hpp"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

using namespace pop3;

namespace {

bool matches(std::string_view pattern, std::string_view line, Variables& vars) {
  return Pattern::compile(pattern).match(line, vars);
}

bool matches(std::string_view pattern, std::string_view line) {
  Variables vars;
  return matches(pattern, line, vars);
}

std::size_t error_column(std::string_view pattern) {
  try {
    Pattern::compile(pattern);
  } catch (const PatternError& e) {
    return e.column;
  }
  return std::string_view::npos;
}

}  // namespace

TEST(Pattern, LiteralTextMatchesOnlyItself) {
  EXPECT_TRUE(matches("+OK", "+OK"));
  EXPECT_FALSE(matches("+OK", "+OK "));
  EXPECT_FALSE(matches("+OK", "+ok"));
  EXPECT_FALSE(matches("+OK done", "+OK"));
}

TEST(Pattern, TokensCaptureUpToTheNextLiteral) {
  Variables vars;
  ASSERT_TRUE(matches("+OK {count} {octets}", "+OK 3 1419", vars));
  EXPECT_EQ(vars["count"], "3");
  EXPECT_EQ(vars["octets"], "1419");
}

TEST(Pattern, ATokenIsNeverEmptyAndNeverHoldsASpace) {
  EXPECT_FALSE(matches("+OK {n}", "+OK "));
  EXPECT_FALSE(matches("+OK {n}", "+OK 1 2"));
}

TEST(Pattern, ABoundVariableMustMatchItsValue) {
  Variables vars{{"uid", "abc"}};
  EXPECT_TRUE(matches("+OK 1 {uid}", "+OK 1 abc", vars));
  EXPECT_FALSE(matches("+OK 1 {uid}", "+OK 1 abd", vars));
  EXPECT_EQ(vars["uid"], "abc");
}

TEST(Pattern, TheSameNameTwiceInOneLineMustAgree) {
  EXPECT_TRUE(matches("{a} {a}", "x x"));
  EXPECT_FALSE(matches("{a} {a}", "x y"));
}

TEST(Pattern, AFailedMatchBindsNothing) {
  Variables vars;
  EXPECT_FALSE(matches("+OK {count} {octets} end", "+OK 3 1419 other", vars));
  EXPECT_TRUE(vars.empty());
}

TEST(Pattern, RestCapturesSpacesToo) {
  Variables vars;
  ASSERT_TRUE(matches("-ERR {why*}", "-ERR no such message, only 3", vars));
  EXPECT_EQ(vars["why"], "no such message, only 3");
}

TEST(Pattern, AnyTextAtTheEndIsOptionalWithItsSpace) {
  // "+OK" alone is a valid status line (rfc1939#3), so "+OK {*}" accepts it.
  EXPECT_TRUE(matches("+OK {*}", "+OK"));
  EXPECT_TRUE(matches("+OK {*}", "+OK whatever follows"));
  EXPECT_FALSE(matches("+OK {*}", "-ERR"));
  EXPECT_FALSE(matches("+OK {*}", "+OKAY"));
}

TEST(Pattern, DoubledBracesAreLiteral) {
  EXPECT_TRUE(matches("{{x}}", "{x}"));
  EXPECT_FALSE(matches("{{x}}", "x"));
}

TEST(Pattern, CompileErrorsGiveTheColumn) {
  EXPECT_EQ(error_column("+OK {count"), 4u);
  EXPECT_EQ(error_column("+OK }"), 4u);
  EXPECT_EQ(error_column("+OK {bad name}"), 5u);
  EXPECT_EQ(error_column("{*} +OK"), 3u);
  EXPECT_EQ(error_column("{a}{b}"), 3u);
  EXPECT_EQ(error_column("+OK {a} {b}"), std::string_view::npos);
}

TEST(Substitute, ReplacesVariablesAndRepeats) {
  Variables vars{{"user", "tester"}};
  EXPECT_EQ(substitute("USER {user}", vars), "USER tester");
  EXPECT_EQ(substitute("USER {repeat:3:ab}", vars), "USER ababab");
  EXPECT_EQ(substitute("{{literal}}", vars), "{literal}");
  EXPECT_THROW(substitute("USER {nobody}", vars), PatternError);
  EXPECT_THROW(substitute("{repeat:x:a}", vars), PatternError);
  EXPECT_THROW(substitute("{repeat:99999999:a}", vars), PatternError);
}

// The matcher runs on peer data: it must terminate quickly and never throw,
// whatever the line holds.
RC_GTEST_PROP(PatternProperty, MatchingAnyLineIsTotal, (const std::string& line)) {
  static const Pattern patterns[] = {Pattern::compile("+OK {a} {b}"), Pattern::compile("{x*}"),
                                     Pattern::compile("-ERR {*}"), Pattern::compile("{a}.{b}:{c}")};
  for (const auto& p : patterns) {
    Variables vars;
    p.match(line, vars);
  }
}

RC_GTEST_PROP(PatternProperty, ACapturedTokenRoundTrips, ()) {
  auto token = *rc::gen::nonEmpty(rc::gen::container<std::string>(rc::gen::inRange<char>('!', '~' + 1)));
  RC_PRE(token.find('{') == std::string::npos && token.find('}') == std::string::npos);
  Variables vars;
  RC_ASSERT(Pattern::compile("+OK {t} end").match("+OK " + token + " end", vars));
  RC_ASSERT(vars["t"] == token);
}
