#include <gtest/gtest.h>

#include <stdexcept>

#include "report/known.hpp"
#include "report/merge.hpp"
#include "report/results_json.hpp"

using namespace pop3;

namespace {

ScenarioResult scenario(const std::string& id, Outcome outcome, const std::string& label = "S: +OK {*}") {
  ScenarioResult s;
  s.id = id;
  s.file = "scenarios/" + id + ".pop3";
  s.requirements = {"1939-5-STAT-2"};
  CheckResult c;
  c.label = label;
  c.outcome = outcome;
  c.message = outcome == Outcome::passed ? "" : "the answer does not match";
  c.transcript = "C: STAT\\r\\n\nS: +OK 2 320\\r\\n";
  s.checks.push_back(c);
  s.outcome = summarize(s);
  return s;
}

NamedResults shard(const std::string& name, std::vector<ScenarioResult> scenarios, const std::string& version = "1") {
  RunReport r;
  r.properties["corpus.version"] = version;
  r.properties["target"] = "127.0.0.1:110";
  r.scenarios = std::move(scenarios);
  // Through the JSON and back, as 'report merge' reads them.
  return {name, read_results_json(results_json(r, "run"))};
}

}  // namespace

TEST(ResultsRead, TheJsonReadsBackToTheSameReport) {
  RunReport r;
  r.properties["seed"] = "7";
  r.strict = true;
  ScenarioResult s = scenario("rfc1939/stat", Outcome::failed);
  s.known = ScenarioResult::Known{"STAT off by one", "https://bugs.example/1", "known.txt:3"};
  r.scenarios = {s};
  LoadedResults back = read_results_json(results_json(r, "run"));
  EXPECT_EQ(back.command, "run");
  EXPECT_TRUE(back.report.strict);
  EXPECT_EQ(back.report.properties.at("seed"), "7");
  ASSERT_EQ(back.report.scenarios.size(), 1u);
  const ScenarioResult& b = back.report.scenarios[0];
  EXPECT_EQ(b.id, "rfc1939/stat");
  EXPECT_EQ(b.outcome, Outcome::failed);
  EXPECT_EQ(b.requirements, s.requirements);
  ASSERT_TRUE(b.known);
  EXPECT_EQ(b.known->link, "https://bugs.example/1");
  ASSERT_EQ(b.checks.size(), 1u);
  EXPECT_EQ(b.checks[0].transcript, s.checks[0].transcript);
  EXPECT_FALSE(b.checks[0].requirements);  // the scenario's, as written
  EXPECT_EQ(results_json(back.report, "run"), results_json(r, "run"));
}

TEST(ResultsRead, RefusesWhatIsNotAResultsReport) {
  EXPECT_THROW(read_results_json("not json"), std::invalid_argument);
  EXPECT_THROW(read_results_json("{\"format\": \"other\"}"), std::invalid_argument);
  EXPECT_THROW(read_results_json("{\"format\": \"pop3-harness-results\", \"version\": 2}"), std::invalid_argument);
  EXPECT_THROW(read_results_json("{\"format\": \"pop3-harness-results\", \"version\": 1, \"scenarios\": [{\"id\": 5}]}"),
               std::invalid_argument);
}

TEST(Merge, ShardsAreConcatenatedInOrder) {
  Merged m = merge_results({shard("a.json", {scenario("rfc1939/a", Outcome::passed)}),
                            shard("b.json", {scenario("rfc1939/b", Outcome::failed)})});
  ASSERT_EQ(m.results.report.scenarios.size(), 2u);
  EXPECT_EQ(m.results.report.scenarios[1].id, "rfc1939/b");
  EXPECT_EQ(m.results.report.scenarios[1].outcome, Outcome::failed);
  EXPECT_TRUE(m.notes.empty());
  EXPECT_EQ(m.results.report.properties.at("target"), "127.0.0.1:110");
}

TEST(Merge, OneScenarioInSeveralInputsKeepsEachCheckOnce) {
  Merged m = merge_results({shard("a.json", {scenario("fuzz/server", Outcome::passed, "no crash")}),
                            shard("b.json", {scenario("fuzz/server", Outcome::passed, "no crash")}),
                            shard("c.json", {scenario("fuzz/server", Outcome::failed, "crash: USER x")})});
  ASSERT_EQ(m.results.report.scenarios.size(), 1u);
  const ScenarioResult& s = m.results.report.scenarios[0];
  ASSERT_EQ(s.checks.size(), 2u);
  EXPECT_EQ(s.outcome, Outcome::failed);
  ASSERT_EQ(m.notes.size(), 1u);
}

TEST(Merge, RefusesShardsOfDifferentCorporaOrCommands) {
  EXPECT_THROW(merge_results({shard("a.json", {}, "1"), shard("b.json", {}, "2")}), std::invalid_argument);
  NamedResults prop = shard("p.json", {});
  prop.results.command = "prop";
  EXPECT_THROW(merge_results({shard("a.json", {}), prop}), std::invalid_argument);
  EXPECT_THROW(merge_results({}), std::invalid_argument);
}

TEST(Merge, AKnownRequirementOneShardSawOnlyPassIsNoXpassWhenAnotherShardFoundIt) {
  KnownList list = parse_known("1939-5-STAT-*  STAT counts deleted\n", "known.txt");
  KnownChecks only_passed(list);
  only_passed.record(scenario("rfc1939/stat", Outcome::passed));
  auto xpass = only_passed.passed_entries();
  ASSERT_EQ(xpass.size(), 1u);
  ScenarioResult found = scenario("rfc1939/dele-marks", Outcome::failed);
  found.known = ScenarioResult::Known{"STAT counts deleted", "", "known.txt:1"};
  Merged both = merge_results({shard("a", {scenario("rfc1939/stat", Outcome::passed), xpass[0]}), shard("b", {found})});
  for (const auto& s : both.results.report.scenarios) EXPECT_NE(s.id, "1939-5-STAT-*");
  Merged alone = merge_results({shard("a", {scenario("rfc1939/stat", Outcome::passed), xpass[0]}),
                                shard("b", {scenario("rfc1939/retr", Outcome::passed)})});
  ASSERT_EQ(alone.results.report.scenarios.size(), 3u);
  EXPECT_EQ(known_state(alone.results.report.scenarios[1]), KnownState::xpass);
}
