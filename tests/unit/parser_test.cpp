#include "scenario/parser.hpp"

#include <gtest/gtest.h>

using namespace pop3;

namespace {

Scenario parse(std::string_view text) { return parse_scenario_text(text, "t.pop3", "t"); }

Diagnostic error_of(std::string_view text) {
  try {
    parse(text);
  } catch (const ParseError& e) {
    return e.diagnostic;
  }
  ADD_FAILURE() << "no parse error";
  return {};
}

constexpr std::string_view kHeader = "scenario: test\nrfc: rfc1939#5\nseverity: MUST\n";

}  // namespace

TEST(Parser, ReadsTheHeader) {
  auto sc = parse("scenario: STAT counts\nrfc: rfc1939#5\nseverity: SHOULD\ngroup: transaction\n"
                  "fixture: edge\nrequires: UIDL TOP\n\nC: STAT\n");
  EXPECT_EQ(sc.name, "STAT counts");
  EXPECT_EQ(sc.rfc, "rfc1939#5");
  EXPECT_EQ(sc.severity, Severity::should);
  EXPECT_EQ(sc.group, "transaction");
  EXPECT_EQ(sc.fixture, "edge");
  EXPECT_EQ(sc.requires_caps, (std::vector<std::string>{"UIDL", "TOP"}));
}

TEST(Parser, StepsKeepTheirLineAndInheritTheHeaderSeverity) {
  auto sc = parse(std::string(kHeader) + "\n# a comment\nC: STAT\nS: +OK {n} {*}\n");
  ASSERT_EQ(sc.steps.size(), 2u);
  EXPECT_EQ(sc.steps[0].kind, Step::Kind::send);
  EXPECT_EQ(sc.steps[0].text, "STAT");
  EXPECT_EQ(sc.steps[0].line, 6);
  EXPECT_EQ(sc.steps[1].kind, Step::Kind::expect_line);
  EXPECT_EQ(sc.steps[1].severity, Severity::must);
  EXPECT_EQ(sc.steps[1].rfc, "rfc1939#5");
}

TEST(Parser, SeverityAndRfcCanChangeMidScenario) {
  auto sc = parse(std::string(kHeader) + "C: NOOP\nseverity: SHOULD\nrfc: rfc2449#4\nS: +OK {*}\n");
  ASSERT_EQ(sc.steps.size(), 2u);
  EXPECT_EQ(sc.steps[1].severity, Severity::should);
  EXPECT_EQ(sc.steps[1].rfc, "rfc2449#4");
}

TEST(Parser, ReadsEveryStepKind) {
  auto sc = parse(std::string(kHeader) +
                  "C: RETR 1\nSEND: NOOP\\n\nS: +OK {*}\nS~: \\+OK (?P<n>\\d+) .*\nbody: message 1\n"
                  "check: n + 1 >= fixture.count - 2\nexpect: silence 200ms\nexpect: closed\nconn: second\ndrop:\n");
  std::vector<Step::Kind> kinds;
  for (const auto& s : sc.steps) kinds.push_back(s.kind);
  EXPECT_EQ(kinds, (std::vector<Step::Kind>{Step::Kind::send, Step::Kind::send_raw, Step::Kind::expect_line,
                                            Step::Kind::expect_regex, Step::Kind::body, Step::Kind::check,
                                            Step::Kind::silence, Step::Kind::closed, Step::Kind::connection,
                                            Step::Kind::drop}));
  EXPECT_EQ(sc.steps[6].millis, 200);
  const auto& e = sc.steps[5].expression;
  EXPECT_EQ(e.op, ">=");
  ASSERT_EQ(e.left.size(), 2u);
  ASSERT_EQ(e.right.size(), 2u);
  EXPECT_TRUE(e.right[1].negative);
}

TEST(Parser, SlowScenariosWaitInSecondsAndExpectAnAutologout) {
  auto sc = parse("scenario: idle\nrfc: rfc1939#3\nseverity: MUST\nslow: 10 minutes\n\n"
                  "expect: silence 590s\nexpect: autologout 3600s\n");
  EXPECT_EQ(sc.slow, "10 minutes");
  ASSERT_EQ(sc.steps.size(), 2u);
  EXPECT_EQ(sc.steps[0].kind, Step::Kind::silence);
  EXPECT_EQ(sc.steps[0].millis, 590000);
  EXPECT_EQ(sc.steps[1].kind, Step::Kind::autologout);
  EXPECT_EQ(sc.steps[1].millis, 3600000);
  EXPECT_EQ(error_of(std::string(kHeader) + "expect: autologout soon\n").line, 4);
}

TEST(Parser, ErrorsPointAtTheLineAndColumn) {
  auto d = error_of(std::string(kHeader) + "C: STAT\nS: +OK {count\n");
  EXPECT_EQ(d.line, 5);
  EXPECT_EQ(d.column, 8);
  EXPECT_EQ(d.source_line, "S: +OK {count");
  EXPECT_EQ(d.render(),
            "t.pop3:5:8: error: unterminated '{'\n"
            "  S: +OK {count\n"
            "         ^\n");
}

TEST(Parser, RejectsWhatItDoesNotKnow) {
  EXPECT_EQ(error_of(std::string(kHeader) + "X: STAT\n").message.rfind("unknown step 'X:'", 0), 0u);
  EXPECT_EQ(error_of("C: STAT\n").message, "the header needs 'scenario: <name>' before the first step");
  EXPECT_EQ(error_of("scenario: x\nseverity: OFTEN\n").column, 11);
  EXPECT_EQ(error_of(std::string(kHeader) + "STAT\n").line, 4);
  EXPECT_NE(error_of(std::string(kHeader) + "body: message x\n").message.find("expected 'body:"), std::string::npos);
  EXPECT_NE(error_of(std::string(kHeader) + "check: a + == 1\n").message.find("incomplete expression"), std::string::npos);
  EXPECT_NE(error_of(std::string(kHeader) + "check: a b\n").message.find("comparison"), std::string::npos);
  EXPECT_NE(error_of(std::string(kHeader) + "S~: (unclosed\n").message.find("RE2"), std::string::npos);
  EXPECT_NE(error_of(std::string(kHeader) + "expect: soon\n").message.find("expect: closed"), std::string::npos);
  EXPECT_NE(error_of(std::string(kHeader) + "conn: two words\n").message.find("one name"), std::string::npos);
}

TEST(Parser, IncludesNeedAFolderThatHasThem) {
  auto d = error_of(std::string(kHeader) + "use: login\n");
  EXPECT_NE(d.message.find("no include/login.pop3"), std::string::npos);
  EXPECT_NE(error_of(std::string(kHeader) + "use: ../etc\n").message.find("invalid include name"), std::string::npos);
}

TEST(Parser, ToleratesCrlfAndTrailingSpace) {
  auto sc = parse("scenario: x\r\nseverity: MAY  \r\nC: NOOP\r\n");
  EXPECT_EQ(sc.severity, Severity::may);
  ASSERT_EQ(sc.steps.size(), 1u);
  EXPECT_EQ(sc.steps[0].text, "NOOP");
}

// 'refusable:' allows -ERR for the S: or S~: right after it, and nowhere else.
TEST(Parser, RefusableGoesRightBeforeAnExpectedLine) {
  auto sc = parse(std::string(kHeader) + "C: LANG\nrefusable: RFC 6856 #3.3\nS: +OK {*}\nbody: every-line [a-z]+( .*)?\n");
  ASSERT_EQ(sc.steps.size(), 4u);
  EXPECT_EQ(sc.steps[1].kind, Step::Kind::refusable);
  EXPECT_EQ(sc.steps[3].words[0], "every-line");
  EXPECT_EQ(error_of(std::string(kHeader) + "C: LANG\nrefusable: why\nC: NOOP\n").line, 6);
  EXPECT_EQ(error_of(std::string(kHeader) + "C: LANG\nrefusable: why\n").line, 5);
  EXPECT_EQ(error_of(std::string(kHeader) + "C: LANG\nrefusable:\nS: +OK\n").line, 5);
}

TEST(Parser, BodyLineRulesTakeAnRe2ExpressionAndHasTakesVariables) {
  EXPECT_EQ(error_of(std::string(kHeader) + "C: CAPA\nS: +OK\nbody: any-line (\n").line, 6);
  EXPECT_EQ(error_of(std::string(kHeader) + "C: CAPA\nS: +OK\nbody: has {nope}\n").line, 6);
  auto sc = parse(std::string(kHeader) + "C: LANG *\nS: +OK {tag} {*}\nC: LANG\nS: +OK\nbody: has {tag}\nbody: ascii\n");
  EXPECT_EQ(sc.steps.back().words[0], "ascii");
}

TEST(Parser, ACheckMayListAlternativesAndCompareQuotedText) {
  auto sc = parse(std::string(kHeader) + "C: CAPA\nS: +OK {*}\nbody: any-line LOGIN-DELAY (?P<d>[0-9]+)(?: (?P<u>USER))?\n"
                                         "check: d == 0 or u == \"USER\"\n");
  const Step& check = sc.steps.back();
  ASSERT_EQ(check.kind, Step::Kind::check);
  ASSERT_EQ(check.or_else.size(), 1u);
  EXPECT_EQ(check.expression.left[0].text, "d");
  ASSERT_EQ(check.or_else[0].right.size(), 1u);
  EXPECT_TRUE(check.or_else[0].right[0].is_number);  // a literal
  EXPECT_EQ(check.or_else[0].right[0].text, "USER");
}

TEST(Parser, AnyLineBindsItsNamedGroupsAndQuotedTextIsNeverSummed) {
  auto d = error_of(std::string(kHeader) + "C: CAPA\nS: +OK {*}\ncheck: missing == 1\n");
  EXPECT_NE(d.message.find("unknown variable"), std::string::npos) << d.message;
  d = error_of(std::string(kHeader) + "C: CAPA\nS: +OK {n} {*}\ncheck: n + \"x\" == 1\n");
  EXPECT_NE(d.message.find("never summed"), std::string::npos) << d.message;
}

TEST(Parser, ReportsEveryBrokenLineOfAFileInOrderAndGoesOnAfterEach) {
  try {
    parse("scenario: three mistakes\nseverity: MUSTT\n\nS: +OK {*}\nC: STAT\nS: +OK {count\nC: NOOP\n"
          "check: cuont == 1\nS: +OK {*}\n");
    ADD_FAILURE() << "no parse error";
  } catch (const ParseError& e) {
    ASSERT_EQ(e.diagnostics.size(), 3u) << e.what();
    EXPECT_EQ(e.diagnostics[0].line, 2);
    EXPECT_EQ(e.diagnostics[1].line, 6);
    EXPECT_EQ(e.diagnostics[2].line, 8);
    EXPECT_EQ(e.diagnostic.line, 2);  // the first stands for the file
    std::string all = e.what();
    EXPECT_NE(all.find("t.pop3:6:"), std::string::npos) << all;
    EXPECT_NE(all.find("unknown variable 'cuont'"), std::string::npos) << all;
  }
}

TEST(Parser, StopsAtTwentyErrorsInAFileThatIsNoScenario) {
  std::string junk = "scenario: junk\n";
  for (int i = 0; i < 100; ++i) junk += "not a step\n";
  try {
    parse(junk);
    ADD_FAILURE() << "no parse error";
  } catch (const ParseError& e) {
    EXPECT_EQ(e.diagnostics.size(), 20u);
  }
}
