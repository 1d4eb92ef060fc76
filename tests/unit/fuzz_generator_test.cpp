#include <gtest/gtest.h>

#include <map>

#include "client/session_io.hpp"
#include "fuzz/dictionary.hpp"
#include "fuzz/generator.hpp"
#include "fuzz/minimize.hpp"

using namespace pop3::fuzz;

namespace {

GenContext context() {
  GenContext ctx;
  ctx.user = "alice";
  ctx.messages = 3;
  ctx.pipelining = true;
  ctx.dictionary = {"USER", "\xff", "-1", "{repeat:"};
  return ctx;
}

std::string bytes_of(const Case& c) {
  std::string all;
  for (const auto& u : c.units) all += u.bytes;
  return all;
}

}  // namespace

TEST(FuzzGenerator, TheSameSeedAndIndexGiveTheSameCase) {
  GenContext ctx = context();
  for (std::uint64_t i = 0; i < 500; ++i) {
    Case a = make_case(7, i, ctx), b = make_case(7, i, ctx);
    EXPECT_EQ(bytes_of(a), bytes_of(b));
    EXPECT_EQ(a.mutation, b.mutation);
    EXPECT_EQ(a.delivery, b.delivery);
    EXPECT_EQ(a.phase, phase_of(7, i, ctx));
  }
}

TEST(FuzzGenerator, AnotherSeedGivesOtherCases) {
  GenContext ctx = context();
  int same = 0;
  for (std::uint64_t i = 0; i < 200; ++i) same += bytes_of(make_case(1, i, ctx)) == bytes_of(make_case(2, i, ctx));
  EXPECT_LT(same, 60);
}

TEST(FuzzGenerator, CoversEveryMutationTheIssueNames) {
  GenContext ctx = context();
  std::map<std::string, int> seen;
  std::map<Delivery, int> deliveries;
  for (std::uint64_t i = 0; i < 20000; ++i) {
    Case c = make_case(3, i, ctx);
    std::string family = c.mutation.substr(0, c.mutation.find(':'));
    ++seen[family];
    ++deliveries[c.delivery];
    if (c.mutation.starts_with("long-arg:") || c.mutation.starts_with("number:")) ++seen[c.mutation];
  }
  for (const char* m : {"none", "burst", "bytewise", "half-close", "keyword-case", "number", "missing-arg", "extra-arg",
                        "long-arg", "8bit", "nul", "bare-lf", "bare-cr", "dictionary", "unknown-keyword",
                        "auth-exchange", "auth-initial", "long-arg:255", "long-arg:256", "long-arg:65536",
                        "long-arg:1048576", "number:0", "number:-1", "number:2147483648", "number:4294967296",
                        "number:18446744073709551616", "number:00001", "number:+1"})
    EXPECT_GT(seen[m], 0) << m;
  // Most cases share a session: closing ones, which cost a connection each, stay a minority.
  EXPECT_LT(deliveries[Delivery::closing] * 100 / 20000, 20);
}

TEST(FuzzGenerator, NeverSendsQuitInsideHostileBytesNorTheRealPassword) {
  GenContext ctx = context();
  for (std::uint64_t i = 0; i < 5000; ++i) {
    Case c = make_case(11, i, ctx);
    for (const auto& u : c.units) {
      std::string line = u.bytes;
      for (auto& ch : line) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
      if (!u.op) {
        EXPECT_EQ(line.find("QUIT"), std::string::npos) << line;
      }
      if (u.op && u.op->kind == pop3::oracle::OpKind::quit) ADD_FAILURE() << "QUIT as a modelled command";
    }
  }
}

TEST(FuzzGenerator, DictionaryTokensSpellingQuitInAnyCaseStayOffTheWire) {
  GenContext ctx = context();
  ctx.dictionary = {"QUIT", "qUiT", "xquitx", "QUI"};
  std::size_t dictionary_cases = 0;
  for (std::uint64_t i = 0; i < 5000; ++i) {
    Case c = make_case(17, i, ctx);
    dictionary_cases += c.mutation == "dictionary";
    for (const auto& u : c.units) {
      if (u.op) continue;
      std::string line = u.bytes;
      for (auto& ch : line) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
      EXPECT_EQ(line.find("QUIT"), std::string::npos) << c.index << ": " << u.bytes.substr(0, 80);
    }
  }
  EXPECT_GT(dictionary_cases, 50u);
}

TEST(FuzzGenerator, FramedUnitsEndWithOneCrlf) {
  GenContext ctx = context();
  for (std::uint64_t i = 0; i < 5000; ++i) {
    Case c = make_case(5, i, ctx);
    if (c.delivery == Delivery::closing) continue;
    for (const auto& u : c.units) {
      ASSERT_TRUE(u.bytes.ends_with("\r\n")) << c.mutation;
      std::string_view inner(u.bytes.data(), u.bytes.size() - 2);
      EXPECT_EQ(inner.find_first_of(std::string("\r\n\0", 3)), std::string_view::npos) << c.mutation;
      EXPECT_EQ(u.multiline_if_ok, pop3::expects_multiline(inner)) << inner.substr(0, 40);
    }
  }
}

TEST(FuzzDictionary, ParsesLibFuzzerSyntax) {
  auto words = parse_dictionary("# comment\n\nkw=\"USER\"\n\"\\x00\\xff\"\n  crlf=\"\\x0d\\x0a\" \nq=\"a\\\"b\\\\\"\n");
  ASSERT_EQ(words.size(), 4u);
  EXPECT_EQ(words[0], "USER");
  EXPECT_EQ(words[1], std::string("\0\xff", 2));
  EXPECT_EQ(words[2], "\r\n");
  EXPECT_EQ(words[3], "a\"b\\");
}

TEST(FuzzDictionary, NamesTheLineOfAMistake) {
  try {
    parse_dictionary("ok=\"A\"\nbad=\"\\q\"\n");
    FAIL();
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("line 2"), std::string::npos) << e.what();
  }
  EXPECT_THROW(parse_dictionary("unquoted\n"), std::runtime_error);
  EXPECT_THROW(parse_dictionary("x=\"open\n"), std::runtime_error);
}

TEST(FuzzMinimize, OffersSmallerCasesFirstWithoutMarksThenWholeThenShorter) {
  Case c;
  c.delivery = Delivery::bytewise;
  Unit u;
  u.bytes = "USER " + std::string(1000, 'A') + "\r\n";
  c.units = {u};
  auto smaller = smaller_cases(c, {2});
  ASSERT_GE(smaller.size(), 3u);
  EXPECT_TRUE(smaller[0].marks.empty());
  EXPECT_EQ(smaller[1].kase.delivery, Delivery::whole);
  EXPECT_EQ(smaller.back().kase.units[0].bytes.size(), u.bytes.size() - 500);
}

TEST(FuzzMinimize, ABurstKeepsTwoCommands) {
  Case c;
  c.delivery = Delivery::burst;
  Unit a, b;
  a.bytes = "NOOP\r\n";
  b.bytes = "STAT\r\n";
  c.units = {a, b};
  for (const auto& s : smaller_cases(c, {})) EXPECT_EQ(s.kase.units.size(), 2u);
}
