#include "server/client_protocol_checks.hpp"

#include <gtest/gtest.h>

#include "scenario/parser.hpp"
#include "server/client_checks.hpp"

using namespace pop3;

namespace {

Scenario scenario(std::string_view tls = "none", std::string_view extra = "") {
  std::string text = "scenario: t\nrfc: rfc1939#5\nrole: server\ntls: " + std::string(tls) + "\n" + std::string(extra);
  return parse_scenario_text(text, "t.pop3", "clients/t");
}

ServerEvent command(std::string line, std::string reply = "+OK\r\n", unsigned long connection = 1) {
  return {ServerEvent::Kind::command, connection, std::move(line), std::move(reply), false, false};
}

const ServerEvent kConnected{ServerEvent::Kind::connected, 1, "", "", false, false};

Outcome outcome(const Scenario& sc, std::vector<ServerEvent> events, std::string_view label) {
  ClientRun run;
  run.events = std::move(events);
  run.events.insert(run.events.begin(), kConnected);
  Fixture f;
  f.name = "one";
  f.messages = {"Subject: a\r\n\r\na\r\n"};
  for (const auto& c : judge_client_run(sc, f, run, Redactor{}))
    if (c.label.find(label) != std::string::npos) return c.outcome;
  ADD_FAILURE() << "no check " << label;
  return Outcome::error;
}

const char* kLogin = "PASS only right after";
const char* kSasl = "initial response is base64";
const char* kDele = "marked messages with DELE ends with QUIT";

}  // namespace

TEST(CapaLists, TagsAreCaseInsensitiveAndWhole) {
  EXPECT_TRUE(capa_lists("+OK\r\nTOP\r\nsasl PLAIN\r\n.\r\n", "SASL"));
  EXPECT_FALSE(capa_lists("+OK\r\nSASLX\r\n.\r\n", "SASL"));
  EXPECT_FALSE(capa_lists("-ERR\r\n", "SASL"));
}

// RFC 1939 #7: PASS right after +OK to USER; after -ERR to USER, a new
// login or QUIT (#4: also after a refused PASS).
TEST(LoginSequence, PassNeedsAnAcceptedUserJustBefore) {
  auto sc = scenario();
  EXPECT_EQ(outcome(sc, {command("USER u"), command("PASS p"), command("STAT")}, kLogin), Outcome::passed);
  EXPECT_EQ(outcome(sc, {command("USER u", "-ERR no\r\n"), command("PASS p")}, kLogin), Outcome::failed);
  EXPECT_EQ(outcome(sc, {command("PASS p", "-ERR\r\n")}, kLogin), Outcome::failed);
  EXPECT_EQ(outcome(sc, {command("USER u"), command("NOOP", "-ERR\r\n"), command("PASS p")}, kLogin), Outcome::failed);
}

TEST(LoginSequence, AfterARefusalOnlyANewLoginOrQuit) {
  auto sc = scenario();
  EXPECT_EQ(outcome(sc, {command("USER u"), command("PASS p", "-ERR\r\n"), command("STAT", "-ERR\r\n")}, kLogin),
            Outcome::failed);
  EXPECT_EQ(outcome(sc, {command("USER u"), command("PASS p", "-ERR\r\n"), command("CAPA", "+OK\r\n.\r\n"),
                         command("APOP u 0123"), command("STAT")},
                    kLogin),
            Outcome::passed);
  EXPECT_EQ(outcome(sc, {command("AUTH PLAIN", "+ \r\n"), command("AGFAYg==", "-ERR\r\n"), command("QUIT")}, kLogin),
            Outcome::passed);
  EXPECT_EQ(outcome(sc, {command("AUTH PLAIN", "+ \r\n"), command("AGFAYg==", "-ERR\r\n"), command("LIST", "-ERR\r\n")},
                    kLogin),
            Outcome::failed);
}

// A server that answered USER twice has the client read everything after it
// one answer late: what it does next is not judged.
TEST(LoginSequence, AServerThatAnsweredTwiceIsNotHeldAgainstTheClient) {
  auto sc = scenario();
  EXPECT_EQ(outcome(sc, {command("USER u", "+OK\r\n+OK\r\n"), command("PASS p", "-ERR USER first\r\n"), command("STAT")},
                    kLogin),
            Outcome::passed);
}

// RFC 5034 #3 and #4.
TEST(Sasl, InitialResponsesNeedBase64AndSaslInCapa) {
  auto sc = scenario();
  ServerEvent capa = command("CAPA", "+OK\r\nSASL PLAIN\r\n.\r\n");
  EXPECT_EQ(outcome(sc, {capa, command("AUTH PLAIN AGFAYg==")}, kSasl), Outcome::passed);
  EXPECT_EQ(outcome(sc, {capa, command("AUTH PLAIN =")}, kSasl), Outcome::passed);
  EXPECT_EQ(outcome(sc, {capa, command("AUTH PLAIN not*base64")}, kSasl), Outcome::failed);
  EXPECT_EQ(outcome(sc, {command("AUTH PLAIN AGFAYg==")}, kSasl), Outcome::failed);
  EXPECT_EQ(outcome(sc, {command("CAPA", "+OK\r\nUSER\r\n.\r\n"), command("AUTH PLAIN AGFAYg==")}, kSasl), Outcome::failed);
}

TEST(Sasl, AChallengeThatIsNotBase64IsCancelled) {
  auto sc = scenario();
  EXPECT_EQ(outcome(sc, {command("AUTH PLAIN", "+ %%%\r\n"), command("*", "-ERR\r\n")}, kSasl), Outcome::passed);
  EXPECT_EQ(outcome(sc, {command("AUTH PLAIN", "+ %%%\r\n"), command("AGFAYg==", "-ERR\r\n")}, kSasl), Outcome::failed);
  EXPECT_EQ(outcome(sc, {command("AUTH CRAM-MD5", "+ PDE+\r\n"), command("dSBhYmM=")}, kSasl), Outcome::passed);
}

TEST(AuthNeedsSasl, AuthWithoutSaslInCapaIsAShouldFinding) {
  auto sc = scenario();
  EXPECT_EQ(outcome(sc, {command("AUTH PLAIN", "+ \r\n"), command("AGFAYg==")}, "no AUTH unless"), Outcome::warning);
  EXPECT_EQ(outcome(sc, {command("CAPA", "+OK\r\nSASL PLAIN\r\n.\r\n"), command("AUTH PLAIN", "+ \r\n"),
                         command("AGFAYg==")},
                    "no AUTH unless"),
            Outcome::passed);
}

// RFC 1939 #6: DELE takes effect at QUIT.
TEST(Deletions, ASessionThatMarkedMessagesEndsWithQuit) {
  auto sc = scenario();
  EXPECT_EQ(outcome(sc, {command("USER u"), command("PASS p"), command("DELE 1"), command("QUIT")}, kDele),
            Outcome::passed);
  EXPECT_EQ(outcome(sc, {command("USER u"), command("PASS p"), command("DELE 1")}, kDele), Outcome::failed);
  EXPECT_EQ(outcome(sc, {command("USER u"), command("PASS p"), command("DELE 1"), command("RSET")}, kDele),
            Outcome::passed);
  EXPECT_EQ(outcome(scenario("none", "fault: drop-mid-retr\n"), {command("DELE 1")}, kDele), Outcome::skipped);
}

// RFC 2595 #4, RFC 6856 #2.1: judged where STLS is offered.
TEST(StlsRules, NothingAfterStlsAndNoStlsAfterUtf8) {
  auto sc = scenario("stls");
  const char* label = "nothing after STLS";
  EXPECT_EQ(outcome(sc, {command("STLS")}, label), Outcome::passed);
  EXPECT_EQ(outcome(sc, {command("STLS"), {ServerEvent::Kind::after_stls, 1, "CAPA\r\n", "", false, false}}, label),
            Outcome::failed);
  EXPECT_EQ(outcome(sc, {command("UTF8"), command("STLS")}, label), Outcome::failed);
}

TEST(WellFormed, ACommandEndedByLfAloneIsCaught) {
  auto sc = scenario();
  EXPECT_EQ(outcome(sc, {{ServerEvent::Kind::unterminated, 1, "CAPA\n", "", false, false}}, "well-formed"),
            Outcome::failed);
}

// RFC 1939 #3's 40-character arguments bind until CAPA is answered (RFC 2449 #4).
TEST(ArgumentLength, FortyCharactersUnlessCapaWasAnswered) {
  auto sc = scenario();
  const char* label = "at most 40 characters";
  std::string long_name = "USER " + std::string(41, 'u');
  EXPECT_EQ(outcome(sc, {command("USER " + std::string(40, 'u'))}, label), Outcome::passed);
  EXPECT_EQ(outcome(sc, {command(long_name)}, label), Outcome::failed);
  EXPECT_EQ(outcome(sc, {command("CAPA", "+OK\r\nUSER\r\n.\r\n"), command(long_name)}, label), Outcome::passed);
  EXPECT_EQ(outcome(sc, {command("CAPA", "-ERR\r\n"), command(long_name)}, label), Outcome::failed);
}

// RFC 5034 #4: a zero-length initial response is "="; one that would make
// AUTH longer than 255 octets is sent after the challenge instead.
TEST(Sasl, AnEmptyInitialResponseIsAnEqualsSignAndALongOneWaitsForTheChallenge) {
  auto sc = scenario();
  auto capa = command("CAPA", "+OK\r\nSASL PLAIN EXTERNAL\r\n.\r\n");
  EXPECT_EQ(outcome(sc, {capa, command("AUTH EXTERNAL =")}, kSasl), Outcome::passed);
  EXPECT_EQ(outcome(sc, {capa, command("AUTH EXTERNAL ")}, kSasl), Outcome::failed);
  std::string long_response(244, 'A');  // "AUTH PLAIN " + 244 + CRLF = 257 octets
  EXPECT_EQ(outcome(sc, {capa, command("AUTH PLAIN " + long_response)}, kSasl), Outcome::failed);
  EXPECT_EQ(outcome(sc, {capa, command("AUTH PLAIN " + long_response.substr(4))}, kSasl), Outcome::passed);
  EXPECT_EQ(outcome(sc, {capa, command("AUTH PLAIN", "+ \r\n"), command(long_response)}, kSasl), Outcome::passed);
}

// RFC 8314 #3.4: judged on TLS runs only, from the server's shutdown.
TEST(CloseNotify, AClientThatClosesTlsWithoutTheAlertIsWarned) {
  const char* label = "ends TLS with close_notify";
  ServerEvent truncated{ServerEvent::Kind::no_close_notify, 1, "", "", false, true};
  EXPECT_EQ(outcome(scenario("implicit"), {command("QUIT"), truncated}, label), Outcome::warning);  // a SHOULD
  EXPECT_EQ(outcome(scenario("implicit"), {command("QUIT")}, label), Outcome::passed);
}

// RFC 6856 #2.2: UTF-8 in credentials only after CAPA lists "UTF8 USER".
TEST(Utf8Credentials, NeedUtf8UserInCapa) {
  const char* label = "no UTF-8 in credentials";
  auto sc = scenario();
  EXPECT_EQ(outcome(sc, {command("USER u\xc3\xa9")}, label), Outcome::failed);
  EXPECT_EQ(outcome(sc, {command("CAPA", "+OK\r\nUTF8\r\n.\r\n"), command("USER u\xc3\xa9")}, label), Outcome::failed);
  EXPECT_EQ(outcome(sc, {command("CAPA", "+OK\r\nUTF8 USER\r\n.\r\n"), command("USER u\xc3\xa9")}, label), Outcome::passed);
  EXPECT_EQ(outcome(sc, {command("RETR 1"), command("USER u")}, label), Outcome::passed);
}
