#include "prop/campaign.hpp"

#include <gtest/gtest.h>

#include "memory_server.hpp"
#include "model/faults.hpp"
#include "prop/policy_probe.hpp"

using namespace pop3;
using namespace pop3::prop;

namespace {

std::vector<std::string> fixture() {
  return {"Subject: one\r\n\r\nfirst\r\n",
          "Subject: two\r\nX-Lines: 3\r\n\r\nline 1\r\n.dotted\r\nline 3\r\n",
          "Subject: three\r\n\r\na\r\nb\r\nc\r\nd\r\n"};
}

CampaignResult campaign(MemoryServer& server, std::uint64_t seed, int runs = 100) {
  CaseRunner runner(server, {server.user, server.pass});
  std::atomic<bool> stop{false};
  auto messages = std::make_shared<const std::vector<std::string>>(server.fixture);
  return run_campaign(runner, messages, {runs, seed, 30}, [](const CampaignResult&, bool) {}, stop);
}

MemoryServer server_with(std::optional<Fault> fault) {
  MemoryServer s;
  s.fixture = fixture();
  s.config.apop_timestamp = "<1.2@test>";
  if (fault) s.config.faults.add(*fault);
  return s;
}

std::size_t steps(const std::vector<TraceItem>& trace) {
  return static_cast<std::size_t>(std::count_if(trace.begin(), trace.end(),
                                                [](const TraceItem& t) { return t.kind == TraceItem::Kind::op; }));
}

}  // namespace

TEST(PropCampaign, TheCorrectReferenceSessionPassesWithOnlyInfoOrNothing) {
  auto server = server_with(std::nullopt);
  auto r = campaign(server, 42, 150);
  EXPECT_FALSE(r.environment_error) << *r.environment_error;
  ASSERT_FALSE(r.failure) << r.failure->finding.message << "\n" << r.failure->finding.transcript;
  EXPECT_EQ(r.passed, 150);
  EXPECT_GT(r.commands, 1000u);
  for (const auto& o : r.observations) EXPECT_NE(o.finding.severity, Severity::must) << o.finding.message;
}

TEST(PropCampaign, TheSameSeedGivesTheSameCounterexample) {
  auto a = server_with(Fault::rset_keeps_deletions), b = server_with(Fault::rset_keeps_deletions);
  auto ra = campaign(a, 7), rb = campaign(b, 7);
  ASSERT_TRUE(ra.failure && rb.failure);
  ScenarioHeader h{"x", "rfc1939#5", Severity::must, "basic", {}, {}};
  EXPECT_EQ(write_scenario(ra.failure->trace, h, false), write_scenario(rb.failure->trace, h, false));
  EXPECT_EQ(ra.cases, rb.cases);
}

struct FaultCase {
  Fault fault;
  std::size_t max_steps;  // the shrunk case: login, the breaking steps, the check
};

class PropFinds : public ::testing::TestWithParam<FaultCase> {};

TEST_P(PropFinds, EachModelFaultShrunkToAFewSteps) {
  auto server = server_with(GetParam().fault);
  for (std::uint64_t seed : {1u, 2u, 3u, 4u, 5u, 6u}) {
    auto r = campaign(server, seed);
    ASSERT_TRUE(r.failure) << info(GetParam().fault).name << " not found with seed " << seed;
    EXPECT_EQ(r.failure->finding.severity, Severity::must);
    EXPECT_LE(steps(r.failure->trace), GetParam().max_steps)
        << info(GetParam().fault).name << ":\n"
        << write_scenario(r.failure->trace, {"x", "r", Severity::must, "f", {}, {}}, false);
  }
}

INSTANTIATE_TEST_SUITE_P(Faults, PropFinds,
                         ::testing::Values(FaultCase{Fault::stat_counts_deleted, 4},
                                           FaultCase{Fault::rset_keeps_deletions, 5},
                                           FaultCase{Fault::unstable_uids, 7},
                                           FaultCase{Fault::renumber_after_dele, 5},
                                           FaultCase{Fault::commit_on_drop, 7},
                                           FaultCase{Fault::list_size_lf, 3},
                                           FaultCase{Fault::retr_deleted_ok, 4}),
                         [](const auto& info) {
                           std::string name(pop3::info(info.param.fault).name);
                           std::replace(name.begin(), name.end(), '-', '_');
                           return name;
                         });

namespace {

struct Rounds {
  CampaignResult result;
  std::vector<Difference> differences;
  std::size_t ignored = 0;
};

// Differential mode: target against reference, the differences set aside in turn.
Rounds differential(MemoryServer& target, MemoryServer& reference, std::vector<std::string> ignoring,
                    std::size_t max_differences = 20) {
  CaseRunner runner(target, {target.user, target.pass}, &reference, Credentials{reference.user, reference.pass});
  std::atomic<bool> stop{false};
  auto messages = std::make_shared<const std::vector<std::string>>(target.fixture);
  Rounds r;
  r.result = run_campaign_rounds(runner, messages, {100, 3, 30}, [](const CampaignResult&, bool) {}, stop,
                                 std::move(ignoring), r.differences, max_differences);
  r.ignored = runner.differences_ignored();
  return r;
}

}  // namespace

TEST(PropDifferential, ADifferenceIsSetAsideAndTheCampaignGoesOnToTheEndOfItsBudget) {
  auto target = server_with(Fault::no_lock), reference = server_with(std::nullopt);
  auto r = differential(target, reference, {});
  ASSERT_FALSE(r.result.environment_error) << *r.result.environment_error;
  ASSERT_EQ(r.differences.size(), 1u) << (r.result.failure ? r.result.failure->finding.message : std::string("no failure"))
                                      << r.result.cases;
  const auto& d = r.differences.front();
  EXPECT_TRUE(d.found.finding.difference);
  EXPECT_EQ(d.found.trace.back().op.kind, OpKind::second_session);
  EXPECT_TRUE(d.ignoring.empty());
  EXPECT_FALSE(r.result.failure) << r.result.failure->finding.message;  // the last round passed
  EXPECT_GE(r.result.passed, 100);
  EXPECT_GT(r.ignored, 0u);  // the last round met the difference again and went on
}

TEST(PropDifferential, ADifferenceTheUserSetAsideIsNoFinding) {
  auto target = server_with(Fault::no_lock), reference = server_with(std::nullopt);
  auto r = differential(target, reference, {"SECOND-SESSION"});
  EXPECT_TRUE(r.differences.empty());
  EXPECT_FALSE(r.result.failure);
  EXPECT_GT(r.ignored, 0u);
}

TEST(PropDifferential, PastTheLimitTheDifferenceIsTheCampaignsFailure) {
  auto target = server_with(Fault::no_lock), reference = server_with(std::nullopt);
  auto r = differential(target, reference, {}, 1);
  EXPECT_TRUE(r.differences.empty());
  ASSERT_TRUE(r.result.failure);
  EXPECT_TRUE(r.result.failure->finding.difference);
}

TEST(PropDifferential, AMustFailureEndsTheRoundsAtOnce) {
  auto target = server_with(Fault::rset_keeps_deletions), reference = server_with(std::nullopt);
  auto r = differential(target, reference, {});
  ASSERT_TRUE(r.result.failure);
  EXPECT_FALSE(r.result.failure->finding.difference);
}

TEST(PropDifferential, TwoCorrectServersNeverDiffer) {
  auto target = server_with(std::nullopt), reference = server_with(std::nullopt);
  auto r = differential(target, reference, {});
  EXPECT_TRUE(r.differences.empty());
  EXPECT_FALSE(r.result.failure);
  EXPECT_EQ(r.ignored, 0u);
  EXPECT_EQ(r.result.passed, 100);
}

TEST(PropOptionalCommands, UidlAndTopAreFoundOutAndLeftOutOfTheCasesWhenTheServerLacksThem) {
  auto correct = server_with(std::nullopt), lacking = server_with(Fault::no_uidl_top);
  auto both = implemented_commands(correct, {correct.user, correct.pass}, {});
  ASSERT_TRUE(both);
  EXPECT_TRUE(both->uidl && both->top);
  auto none = implemented_commands(lacking, {lacking.user, lacking.pass}, {});
  ASSERT_TRUE(none);
  EXPECT_FALSE(none->uidl || none->top);
  // RFC 1939 #7 makes both optional: a server without them passes.
  CaseRunner runner(lacking, {lacking.user, lacking.pass});
  runner.set_optional_commands(*none);
  std::atomic<bool> stop{false};
  auto messages = std::make_shared<const std::vector<std::string>>(lacking.fixture);
  auto r = run_campaign(runner, messages, {100, 5, 30}, [](const CampaignResult&, bool) {}, stop);
  EXPECT_FALSE(r.failure) << r.failure->finding.message;
  EXPECT_EQ(r.passed, 100);
}
