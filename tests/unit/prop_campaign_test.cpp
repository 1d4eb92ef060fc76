#include "prop/campaign.hpp"

#include <gtest/gtest.h>

#include "memory_server.hpp"
#include "model/faults.hpp"

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
