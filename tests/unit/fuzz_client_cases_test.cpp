#include <gtest/gtest.h>

#include <map>
#include <set>

#include "fuzz/client_campaign.hpp"
#include "fuzz/client_cases.hpp"
#include "scenario/parser.hpp"

using pop3::fuzz::ClientCase;
using pop3::fuzz::client_case_text;
using pop3::fuzz::make_client_case;
using pop3::fuzz::smaller_client_cases;

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

TEST(ClientCases, ShrinkByHalvingRepeatsThenDroppingOneMessageAtATime) {
  ClientCase c;
  c.family = "fixture:dot-lines";
  c.body = "greeting: +OK {repeat:4000:x}\nexpect: saved all\n";
  c.messages = {"Subject: plain\r\n\r\nfirst\r\n", "Subject: dots\r\n\r\n..\r\n", "Subject: copy\r\n\r\n..\r\n"};
  auto smaller = smaller_client_cases(c);
  ASSERT_EQ(smaller.size(), 4u);
  EXPECT_EQ(smaller[0].body, "greeting: +OK {repeat:2000:x}\nexpect: saved all\n");
  EXPECT_EQ(smaller[0].messages, c.messages);
  for (std::size_t i = 1; i < 4; ++i) {
    EXPECT_EQ(smaller[i].body, c.body);
    EXPECT_EQ(smaller[i].messages.size(), 2u);
    EXPECT_LT(smaller[i].octets(), c.octets());
  }
  EXPECT_EQ(smaller[1].messages.front(), c.messages[1]);
  ClientCase one = c;
  one.body = "expect: saved all\n";
  one.messages.resize(1);
  EXPECT_TRUE(smaller_client_cases(one).empty()) << "a single message is never dropped";
}
