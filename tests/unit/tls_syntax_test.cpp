#include "scenario/tls_syntax.hpp"

#include <gtest/gtest.h>

#include "scenario/parser.hpp"

using namespace pop3;

namespace {

TlsAction parse(std::vector<std::string> words) {
  TlsAction a;
  std::string error;
  std::size_t bad = 0;
  EXPECT_TRUE(parse_tls_action(words, a, error, bad)) << error;
  return a;
}

std::string error_of(std::vector<std::string> words, std::size_t* bad_word = nullptr) {
  TlsAction a;
  std::string error;
  std::size_t bad = 0;
  EXPECT_FALSE(parse_tls_action(words, a, error, bad));
  if (bad_word) *bad_word = bad;
  return error;
}

}  // namespace

TEST(TlsSyntax, AHandshakeExpectsSuccessWithTheDefaultOffer) {
  TlsAction a = parse({"handshake"});
  EXPECT_EQ(a.kind, TlsAction::Kind::handshake);
  EXPECT_EQ(a.expect, TlsAction::Expect::success);
  EXPECT_EQ(a.version, 0);
  EXPECT_FALSE(a.sni.has_value());
}

TEST(TlsSyntax, OptionsSetVersionAlpnSniAndExpectation) {
  TlsAction a = parse({"handshake", "fails", "version=1.0", "alpn=http/1.1,pop3", "sni=none"});
  EXPECT_EQ(a.expect, TlsAction::Expect::failure);
  EXPECT_EQ(a.version, 10);
  EXPECT_EQ(a.alpn, "http/1.1,pop3");
  ASSERT_TRUE(a.sni.has_value());
  EXPECT_EQ(*a.sni, "");
  EXPECT_EQ(parse({"handshake", "or-refused"}).expect, TlsAction::Expect::success_or_refusal);
  EXPECT_EQ(*parse({"try", "sni=mail.example"}).sni, "mail.example");
  EXPECT_EQ(parse({"certificate", "hostname"}).aspect, "hostname");
}

TEST(TlsSyntax, MistakesNameTheWord) {
  std::size_t bad = 0;
  EXPECT_NE(error_of({"handshake", "version=2.0"}, &bad).find("1.0, 1.1, 1.2 or 1.3"), std::string::npos);
  EXPECT_EQ(bad, 1u);
  EXPECT_NE(error_of({"try", "fails"}, &bad).find("after 'tls: try'"), std::string::npos);
  EXPECT_NE(error_of({"handshake", "alpn=a,,b"}).find("alpn="), std::string::npos);
  EXPECT_NE(error_of({"certificate", "colour"}).find("chain|hostname|expiry|key"), std::string::npos);
  EXPECT_NE(error_of({"handshake", "hello=malformed"}).find("needs 'fails'"), std::string::npos);
  EXPECT_NE(error_of({"upgrade"}).find("tls: handshake"), std::string::npos);
}

TEST(TlsSyntax, ProbesAreAClosedList) {
  std::string error;
  EXPECT_TRUE(valid_probe({"plaintext-login"}, error));
  EXPECT_TRUE(valid_probe({"invalid-commands", "50"}, error));
  EXPECT_TRUE(valid_probe({"http-request"}, error));
  EXPECT_FALSE(valid_probe({"invalid-commands", "0"}, error));
  EXPECT_FALSE(valid_probe({"invalid-commands"}, error));
  EXPECT_FALSE(valid_probe({"port-scan"}, error));
}

TEST(TlsSyntax, InAClientRoleScenarioTlsIsAStepAndConnectAHeader) {
  Scenario sc = parse_scenario_text("scenario: t\nconnect: implicit\ntls: handshake\nS: +OK {*}\ninfo: {tls.version}\n",
                                    "t.pop3", "t");
  EXPECT_EQ(sc.connect, "implicit");
  ASSERT_EQ(sc.steps.size(), 3u);
  EXPECT_EQ(sc.steps[0].kind, Step::Kind::tls);
  EXPECT_EQ(sc.steps[2].kind, Step::Kind::info);
  EXPECT_EQ(sc.steps[2].severity, Severity::info);
  try {
    parse_scenario_text("scenario: t\ntls: handshake version=9\n", "t.pop3", "t");
    ADD_FAILURE() << "no parse error";
  } catch (const ParseError& e) {
    EXPECT_EQ(e.diagnostic.column, 16) << "the caret points at the bad option";
  }
}
