#include <gtest/gtest.h>

#include "report/known.hpp"
#include "report/results_json.hpp"
#include "report/run_report.hpp"

using namespace pop3;

namespace {

const char* kList =
    "# Known deviations of Example POP3 1.0.\n"
    "#\n"
    "# RFC 1939 #5: STAT counts deleted messages.\n"
    "# Filed as https://bugs.example/42.\n"
    "rfc1939/dele-marks\n"
    "rfc1939/stat-*   extra arguments ignored  # trailing words are the reason\n"
    "\n"
    "security/nul-in-command\n";

ScenarioResult failed_scenario(const std::string& id, Outcome outcome) {
  ScenarioResult s;
  s.id = id;
  s.file = "scenarios/" + id + ".pop3";
  CheckResult c;
  c.label = "S: +OK 2 {*}";
  c.outcome = outcome;
  c.message = "the response does not match";
  s.checks.push_back(c);
  s.outcome = summarize(s);
  return s;
}

}  // namespace

TEST(KnownList, AnIdTakesTheCommentParagraphAboveAsItsReasonAndItsFirstUrlAsTheLink) {
  KnownList list = parse_known(kList, "known.txt");
  ASSERT_EQ(list.entries.size(), 3u);
  EXPECT_EQ(list.entries[0].pattern, "rfc1939/dele-marks");
  EXPECT_EQ(list.entries[0].reason, "RFC 1939 #5: STAT counts deleted messages. Filed as https://bugs.example/42.");
  EXPECT_EQ(list.entries[0].link, "https://bugs.example/42");
  EXPECT_EQ(list.entries[0].line, 5);
}

TEST(KnownList, TextAfterTheIdIsItsReasonAndABlankLineEndsAParagraph) {
  KnownList list = parse_known(kList, "known.txt");
  EXPECT_EQ(list.entries[1].reason, "extra arguments ignored  # trailing words are the reason");
  EXPECT_EQ(list.entries[2].reason, "listed in known.txt:8");
  EXPECT_TRUE(list.entries[2].link.empty());
}

TEST(KnownList, MatchesExactIdsAndGlobs) {
  KnownList list = parse_known(kList, "known.txt");
  EXPECT_EQ(list.match("rfc1939/dele-marks"), &list.entries[0]);
  EXPECT_EQ(list.match("rfc1939/stat-extra-argument"), &list.entries[1]);
  EXPECT_EQ(list.match("rfc1939/dele-marks-twice"), nullptr);
  EXPECT_EQ(list.match("tls/stat-basic"), nullptr);
}

TEST(KnownState, AFailureOrFindingIsXfailAPassIsXpassAnErrorOrSkipIsNeither) {
  auto with_known = [](ScenarioResult s) {
    s.known = ScenarioResult::Known{"why", "", "known.txt:5"};
    return s;
  };
  EXPECT_EQ(known_state(with_known(failed_scenario("a", Outcome::failed))), KnownState::xfail);
  EXPECT_EQ(known_state(with_known(failed_scenario("a", Outcome::warning))), KnownState::xfail);
  EXPECT_EQ(known_state(with_known(failed_scenario("a", Outcome::passed))), KnownState::xpass);
  EXPECT_EQ(known_state(with_known(failed_scenario("a", Outcome::error))), KnownState::none);
  EXPECT_EQ(known_state(failed_scenario("a", Outcome::failed)), KnownState::none);
  EXPECT_STREQ(shown_outcome(with_known(failed_scenario("a", Outcome::failed))), "XFAIL");
}

TEST(KnownJunit, AKnownFailureIsSkippedWithTheReasonAndAnXpassFailsOnlyWhenStrict) {
  RunReport report;
  ScenarioResult xfail = failed_scenario("rfc1939/dele-marks", Outcome::failed);
  xfail.known = ScenarioResult::Known{"STAT counts deleted", "", "known.txt:5"};
  ScenarioResult xpass = failed_scenario("rfc1939/stat-basic", Outcome::passed);
  xpass.known = ScenarioResult::Known{"ignored", "", "known.txt:6"};
  report.scenarios = {xfail, xpass};
  std::string xml = junit_xml(report);
  EXPECT_EQ(xml.find("<failure"), std::string::npos) << xml;
  EXPECT_NE(xml.find("<skipped>known deviation (known.txt:5): STAT counts deleted"), std::string::npos) << xml;
  EXPECT_NE(xml.find("XPASS: listed as a known deviation (known.txt:6) but passed"), std::string::npos) << xml;
  report.strict_known = true;
  xml = junit_xml(report);
  EXPECT_NE(xml.find("<failure type=\"XPASS\""), std::string::npos) << xml;
  std::string json = results_json(report, "run");
  EXPECT_NE(json.find("\"known\": {\"state\": \"xfail\", \"reason\": \"STAT counts deleted\""), std::string::npos);
  EXPECT_NE(json.find("\"known_failed\": 1, \"known_passed\": 1"), std::string::npos);
}

namespace {

// A scenario whose checks verify the given ids, each with the given outcome.
ScenarioResult checked(const std::string& id, std::vector<std::pair<std::string, Outcome>> checks) {
  ScenarioResult s;
  s.id = id;
  for (auto& [req, outcome] : checks) {
    CheckResult c;
    c.label = "S: +OK {*}";
    c.outcome = outcome;
    c.requirements = std::vector<std::string>{req};
    s.checks.push_back(c);
  }
  s.outcome = summarize(s);
  return s;
}

const char* kByRequirement =
    "# RFC 2449 #4: NOOP answers with a 600-octet line\n"
    "2449-4-LEN-*\n"
    "1939-5-STAT-2  STAT counts deleted messages\n"
    "rfc1939/dele-marks\n";

}  // namespace

TEST(KnownChecks, ARequirementIdExcusesAScenarioOnlyWhenEveryFindingVerifiesAListedId) {
  KnownList list = parse_known(kByRequirement, "known.txt");
  auto one = checked("rfc1939/noop", {{"1939-5-NOOP-1", Outcome::passed}, {"2449-4-LEN-3", Outcome::failed}});
  ASSERT_EQ(excusing_entry(list, one), &list.entries[0]);
  auto two = checked("rfc1939/noop", {{"2449-4-LEN-3", Outcome::failed}, {"1939-5-STAT-2", Outcome::warning}});
  EXPECT_EQ(excusing_entry(list, two), &list.entries[0]);
  auto new_one = checked("rfc1939/noop", {{"2449-4-LEN-3", Outcome::failed}, {"1939-5-NOOP-1", Outcome::failed}});
  EXPECT_EQ(excusing_entry(list, new_one), nullptr) << "a new failure beside a known one fails the run";
  EXPECT_EQ(excusing_entry(list, checked("rfc1939/noop", {{"2449-4-LEN-3", Outcome::passed}})), nullptr);
  EXPECT_EQ(excusing_entry(list, checked("rfc1939/dele-marks", {{"1939-5-DELE-2", Outcome::failed}})),
            &list.entries[2]);
}

TEST(KnownChecks, AnIdWhoseChecksOnlyPassedIsOneXpassOfTheRunAndOneThatFailedAnywhereIsNot) {
  KnownList list = parse_known(kByRequirement, "known.txt");
  KnownChecks checks(list);
  checks.record(checked("a", {{"2449-4-LEN-3", Outcome::passed}, {"1939-5-STAT-2", Outcome::passed}}));
  checks.record(checked("b", {{"2449-4-LEN-3", Outcome::failed}}));
  checks.record(checked("c", {{"1939-5-STAT-2", Outcome::passed}}));
  auto passed = checks.passed_entries();
  ASSERT_EQ(passed.size(), 1u);
  EXPECT_EQ(passed[0].id, "1939-5-STAT-2");
  EXPECT_EQ(known_state(passed[0]), KnownState::xpass);
  EXPECT_EQ(passed[0].known->listed_at, "known.txt:3");
}

TEST(KnownChecks, TheChecksOnEveryResponseCountAsPassedInEveryScenarioPlayedAndNotInOneSkipped) {
  KnownList list = parse_known("1939-3-RESP-2\n", "known.txt");
  KnownChecks skipped_only(list);
  skipped_only.record(checked("a", {{"1939-5-STAT-2", Outcome::skipped}}), {"1939-3-RESP-2"});
  EXPECT_TRUE(skipped_only.passed_entries().empty()) << "nothing was played";
  KnownChecks played(list);
  played.record(checked("a", {{"1939-5-STAT-2", Outcome::passed}}), {"1939-3-RESP-2"});
  EXPECT_EQ(played.passed_entries().size(), 1u);
  played.record(checked("b", {{"1939-3-RESP-2", Outcome::failed}}), {"1939-3-RESP-2"});
  EXPECT_TRUE(played.passed_entries().empty()) << "found again in b";
}
