#include <gtest/gtest.h>

#include <map>
#include <set>

#include "fuzz/client_cases.hpp"
#include "scenario/parser.hpp"

using pop3::fuzz::ClientCase;
using pop3::fuzz::client_case_text;
using pop3::fuzz::make_client_case;

TEST(ClientCases, EveryCaseIsAServerRoleScenarioThatParses) {
  for (std::uint64_t seed : {1u, 2u, 99u})
    for (std::uint64_t i = 0; i < 600; ++i) {
      ClientCase c = make_client_case(seed, i);
      std::string text = client_case_text(c, "case", "basic", {"a comment"});
      pop3::Scenario sc;
      ASSERT_NO_THROW(sc = pop3::parse_scenario_text(text, "case.pop3", "case")) << c.family << "\n" << text;
      EXPECT_TRUE(sc.server_role);
      EXPECT_NE(text.find("expect: saved complete"), std::string::npos) << c.family;
    }
}

TEST(ClientCases, AreAPureFunctionOfSeedAndIndex) {
  for (std::uint64_t i = 0; i < 50; ++i) {
    ClientCase a = make_client_case(7, i), b = make_client_case(7, i);
    EXPECT_EQ(a.family, b.family);
    EXPECT_EQ(a.body, b.body);
    EXPECT_EQ(a.messages, b.messages);
  }
  int differ = 0;
  for (std::uint64_t i = 0; i < 50; ++i) differ += make_client_case(7, i).body != make_client_case(8, i).body;
  EXPECT_GT(differ, 10);
}

TEST(ClientCases, CoverEveryPartOfTheServersAnswers) {
  std::set<std::string> areas;
  for (std::uint64_t i = 0; i < 1000; ++i) {
    std::string family = make_client_case(3, i).family;
    areas.insert(family.substr(0, family.find(':')));
  }
  for (const char* area : {"greeting", "capa", "status", "stat", "list", "uidl", "sasl", "retr", "fixture"})
    EXPECT_TRUE(areas.contains(area)) << area;
}

TEST(ClientCases, HostileMessagesEndInCrlfAndComeWithSavedAll) {
  for (std::uint64_t i = 0; i < 1000; ++i) {
    ClientCase c = make_client_case(5, i);
    if (c.messages.empty()) continue;
    EXPECT_NE(c.body.find("expect: saved all"), std::string::npos);
    for (const auto& m : c.messages) EXPECT_TRUE(m.ends_with("\r\n")) << c.family;
  }
}
