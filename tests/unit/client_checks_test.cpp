#include "server/client_checks.hpp"

#include <gtest/gtest.h>

#include "scenario/parser.hpp"

using namespace pop3;

namespace {

Scenario server_scenario(std::string_view steps, std::string_view tls = "none") {
  std::string text = "scenario: t\nrfc: rfc1939#5\nrole: server\ntls: " + std::string(tls) + "\n" + std::string(steps);
  return parse_scenario_text(text, "t.pop3", "clients/t");
}

ServerEvent command(std::string line, std::string reply = "+OK\r\n", bool pipelined = false, bool tls = false) {
  return {ServerEvent::Kind::command, 1, std::move(line), std::move(reply), pipelined, tls};
}

const ServerEvent kConnected{ServerEvent::Kind::connected, 1, "", "", false, false};

Fixture fixture() {
  Fixture f;
  f.name = "two";
  f.messages = {"Subject: a\r\n\r\n..dot\r\n", "Subject: b\r\n\r\nb\r\n"};
  return f;
}

const CheckResult* find(const std::vector<CheckResult>& checks, std::string_view label) {
  for (const auto& c : checks)
    if (c.label.find(label) != std::string::npos) return &c;
  return nullptr;
}

Outcome outcome(const std::vector<CheckResult>& checks, std::string_view label) {
  auto* c = find(checks, label);
  EXPECT_NE(c, nullptr) << label;
  return c ? c->outcome : Outcome::error;
}

}  // namespace

TEST(ServerRoleParser, ReadsOverridesFaultsAndExpectations) {
  auto sc = server_scenario("greeting: +OK hi\nfault: split-bytes\non: CAPA\nS: -ERR no\nSEND: x\\r\\n\n"
                            "expect: sent USER {*}\nexpect: exit 0\nexpect: saved all\n");
  EXPECT_TRUE(sc.server_role);
  EXPECT_EQ(sc.greeting, "+OK hi");
  EXPECT_EQ(sc.faults, std::vector<std::string>{"split-bytes"});
  ASSERT_EQ(sc.overrides.size(), 1u);
  EXPECT_EQ(sc.overrides[0].response, "-ERR no\r\nx\r\n");
  EXPECT_EQ(sc.steps.size(), 3u);
}

TEST(ServerRoleParser, RejectsWhatItCannotRun) {
  EXPECT_THROW(server_scenario("fault: no-such\n"), ParseError);
  EXPECT_THROW(server_scenario("S: +OK\n"), ParseError);  // S: needs an on:
  EXPECT_THROW(server_scenario("expect: saved some\n"), ParseError);
  EXPECT_THROW(server_scenario("expect: exit maybe\n"), ParseError);
  EXPECT_THROW(server_scenario("C: STAT\n"), ParseError);
}

TEST(ClientChecks, AWellBehavedRunPassesEverything) {
  auto sc = server_scenario("expect: sent USER {*}\nexpect: sent RETR {*}\nexpect: last QUIT\nexpect: exit 0\n"
                            "expect: saved all\n");
  ClientRun run;
  run.exit_code = 0;
  run.events = {kConnected, command("USER u"), command("PASS p"), command("RETR 1"), command("RETR 2"), command("QUIT")};
  run.saved = {fixture().messages[1], fixture().messages[0]};  // any order
  for (const auto& c : judge_client_run(sc, fixture(), run, Redactor{})) EXPECT_EQ(c.outcome, Outcome::passed) << c.label;
}

TEST(ClientChecks, SentIsInOrderAndNotSentAnywhere) {
  auto sc = server_scenario("expect: sent RETR {*}\nexpect: sent USER {*}\nexpect: not-sent DELE {*}\n");
  ClientRun run;
  run.events = {kConnected, command("user u"), command("RETR 1"), command("DELE 1")};
  auto checks = judge_client_run(sc, fixture(), run, Redactor{});
  EXPECT_EQ(outcome(checks, "sent RETR"), Outcome::passed);
  EXPECT_EQ(outcome(checks, "sent USER"), Outcome::failed);  // USER came before RETR
  EXPECT_EQ(outcome(checks, "not-sent DELE"), Outcome::failed);
}

TEST(ClientChecks, SavedFilesMustBeWholeUnstuffedMessages) {
  auto sc = server_scenario("expect: saved complete\n");
  ClientRun run;
  run.events = {kConnected};
  run.saved = {"Subject: a\r\n\r\n...dot\r\n"};  // still stuffed
  EXPECT_EQ(outcome(judge_client_run(sc, fixture(), run, Redactor{}), "saved complete"), Outcome::failed);
  run.saved = {"Subject: a\n\n..dot\n"};
  EXPECT_EQ(outcome(judge_client_run(sc, fixture(), run, Redactor{}), "saved complete"), Outcome::failed);
  run.saves_lf = true;
  EXPECT_EQ(outcome(judge_client_run(sc, fixture(), run, Redactor{}), "saved complete"), Outcome::passed);
}

TEST(ClientChecks, AnOversizedSavedFileIsShownAtItsSizeOnDisk) {
  // The runner reads a saved file only one octet past the longest message.
  auto sc = server_scenario("expect: saved none\n");
  ClientRun run;
  run.events = {kConnected};
  run.saved = {"Subject: b\r\n\r\nb\r\nX", "Subject: b\r\n\r\nb\r\n"};
  run.saved_sizes = {std::uintmax_t{5} << 30, 17};
  auto checks = judge_client_run(sc, fixture(), run, Redactor{});
  const CheckResult* c = find(checks, "saved none");
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->outcome, Outcome::failed);
  EXPECT_EQ(c->actual, "2 file(s): 5368709120 17 octets");
}

TEST(ClientChecks, HangsCrashesAndTrailingCommandsAreCaught) {
  auto sc = server_scenario("");
  ClientRun run;
  run.signal = 11;
  run.events = {kConnected, command("QUIT"), {ServerEvent::Kind::after_quit, 1, "STAT\r\n", "", false, false}};
  auto checks = judge_client_run(sc, fixture(), run, Redactor{});
  EXPECT_EQ(outcome(checks, "does not crash"), Outcome::failed);
  EXPECT_EQ(outcome(checks, "nothing after QUIT"), Outcome::failed);
  run.signal = 0;
  run.timed_out = true;
  // No RFC sets a client's time limit: a robustness SHOULD.
  EXPECT_EQ(outcome(judge_client_run(sc, fixture(), run, Redactor{}), "finishes within"), Outcome::warning);
}

// One behaviour, one finding: the harness's own SIGKILL at the time limit is
// no crash, and a client still running has no exit status to judge.
TEST(ClientChecks, AClientKilledAtTheTimeLimitIsOneFinding) {
  auto sc = server_scenario("expect: exit nonzero\n");
  ClientRun run;
  run.timed_out = true;
  run.signal = 9;
  run.events = {kConnected, command("USER u")};
  auto checks = judge_client_run(sc, fixture(), run, Redactor{});
  EXPECT_EQ(outcome(checks, "finishes within"), Outcome::warning);
  EXPECT_EQ(outcome(checks, "does not crash"), Outcome::skipped);
  EXPECT_EQ(outcome(checks, "exit nonzero"), Outcome::skipped);
}

TEST(ClientChecks, AClientThatNeverConnectedIsOneFinding) {
  auto sc = server_scenario("expect: sent USER {*}\nexpect: saved all\n");
  ClientRun run;
  run.exit_code = 127;
  auto checks = judge_client_run(sc, fixture(), run, Redactor{});
  EXPECT_EQ(outcome(checks, "the client connects"), Outcome::failed);
  EXPECT_EQ(outcome(checks, "sent USER"), Outcome::skipped);
  EXPECT_EQ(outcome(checks, "saved all"), Outcome::skipped);
  EXPECT_EQ(find(checks, "does not crash"), nullptr);
}

TEST(ClientChecks, PipeliningOnlyAfterCapaListsIt) {
  auto sc = server_scenario("");
  ClientRun run;
  run.events = {kConnected, command("STAT"), command("LIST", "+OK\r\n.\r\n", true)};
  EXPECT_EQ(outcome(judge_client_run(sc, fixture(), run, Redactor{}), "no pipelining"), Outcome::failed);
  run.events.insert(run.events.begin(), command("CAPA", "+OK\r\nUIDL\r\nPIPELINING\r\n.\r\n"));
  EXPECT_EQ(outcome(judge_client_run(sc, fixture(), run, Redactor{}), "no pipelining"), Outcome::passed);
}

TEST(ClientChecks, CredentialsBeforeStlsAreCaughtAndRedacted) {
  auto sc = server_scenario("", "stls");
  ClientRun run;
  run.events = {kConnected, command("USER u"), command("PASS hunter2"), command("STLS")};
  Redactor redactor = Redactor::for_login("u", "hunter2");
  auto checks = judge_client_run(sc, fixture(), run, redactor);
  const auto* c = find(checks, "no credentials before STLS");
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->outcome, Outcome::failed);
  EXPECT_EQ(c->transcript.find("hunter2"), std::string::npos);
  run.events = {kConnected, command("STLS"), command("USER u", "+OK\r\n", false, true)};
  EXPECT_EQ(outcome(judge_client_run(sc, fixture(), run, Redactor{}), "no credentials before STLS"), Outcome::passed);
}

TEST(ServerRoleParser, RunsAreNumberedAndDeliveriesFollowThem) {
  auto sc = server_scenario("keep: yes\nexpect: saved all\nrun: 2\ndeliver: single\nexpect: not-sent RETR 1\n");
  EXPECT_TRUE(sc.keep);
  EXPECT_EQ(sc.runs, 2);
  ASSERT_EQ(sc.deliveries.size(), 1u);
  EXPECT_EQ(sc.deliveries[0].run, 2);
  EXPECT_EQ(sc.steps[0].run, 1);
  EXPECT_EQ(sc.steps[1].run, 2);
  EXPECT_THROW(server_scenario("run: 3\n"), ParseError);          // run 2 comes first
  EXPECT_THROW(server_scenario("deliver: single\n"), ParseError);  // only between runs
  EXPECT_THROW(server_scenario("run: 2\ndeliver: ../etc\n"), ParseError);
}

TEST(ServerRoleParser, OneMessageFixturesAreForTheServerRole) {
  EXPECT_EQ(server_scenario("").fixture, "basic");
  auto sc = parse_scenario_text("scenario: t\nfixture: edge/04-headers-only.eml\nrole: server\n", "t.pop3", "clients/t");
  EXPECT_EQ(sc.fixture, "edge/04-headers-only.eml");
  EXPECT_THROW(parse_scenario_text("scenario: t\nfixture: edge/04.eml\nC: STAT\n", "t.pop3", "rfc1939/t"), ParseError);
  EXPECT_THROW(parse_scenario_text("scenario: t\nfixture: a/b/c\nrole: server\n", "t.pop3", "clients/t"), ParseError);
}

TEST(ClientChecks, EachRunIsJudgedOnItsOwnAndRefetchingIsCaught) {
  auto sc = server_scenario("expect: sent RETR {*}\nexpect: saved all\nrun: 2\nexpect: not-sent RETR 1\nexpect: saved all\n");
  auto messages = fixture().messages;
  ClientRun first, second;
  first.exit_code = second.exit_code = 0;
  first.delivered = {messages[0]};
  first.events = {kConnected, command("RETR 1"), command("QUIT")};
  first.saved = {messages[0]};
  second.delivered = messages;
  second.events = {kConnected, command("RETR 2"), command("QUIT")};
  second.saved = {messages[0], messages[1]};
  auto checks = judge_client_runs(sc, {first, second}, Redactor{});
  for (const auto& c : checks) EXPECT_EQ(c.outcome, Outcome::passed) << c.label;

  // Fetching message 1 again in run 2 fails "not-sent" there, and saves it twice.
  second.events = {kConnected, command("RETR 1"), command("RETR 2"), command("QUIT")};
  second.saved = {messages[0], messages[0], messages[1]};
  checks = judge_client_runs(sc, {first, second}, Redactor{});
  ASSERT_EQ(checks[2].label, "expect: not-sent RETR 1");
  EXPECT_EQ(checks[2].outcome, Outcome::failed);
  EXPECT_NE(checks[2].message.find("run 2"), std::string::npos);
  EXPECT_EQ(checks[1].outcome, Outcome::passed);  // run 1's saved all
  EXPECT_EQ(checks[3].outcome, Outcome::failed);
  EXPECT_NE(checks[3].message.find("twice"), std::string::npos);
}

TEST(ClientChecks, AutomaticChecksCoverEveryRun) {
  auto sc = server_scenario("run: 2\n");
  ClientRun ok, hung;
  ok.events = hung.events = {kConnected};
  hung.timed_out = true;
  auto checks = judge_client_runs(sc, {ok, hung}, Redactor{});
  const auto* c = find(checks, "finishes within");
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->outcome, Outcome::warning);
  EXPECT_NE(c->message.find("run 2"), std::string::npos);
  EXPECT_EQ(std::count_if(checks.begin(), checks.end(), [](const CheckResult& k) { return k.label.starts_with("auto: the client finishes"); }), 1);
}

TEST(ClientChecks, ATruncatedFileIsNamedSo) {
  auto sc = server_scenario("expect: saved complete\n");
  ClientRun run;
  run.events = {kConnected};
  run.saved = {fixture().messages[1].substr(0, 10)};
  auto checks = judge_client_run(sc, fixture(), run, Redactor{});
  const auto* c = find(checks, "saved complete");
  ASSERT_NE(c, nullptr);
  EXPECT_NE(c->message.find("truncated message (10 of"), std::string::npos) << c->message;
}

TEST(ServerRoleParser, ScriptedLinesExpandRepeatsAndKeepDoubledBraces) {
  auto sc = server_scenario("greeting: +OK {repeat:3:ab} {{x}}\non: CAPA\nS: SASL{repeat:2: X}\n");
  EXPECT_EQ(sc.greeting, "+OK ababab {x}");
  EXPECT_EQ(sc.overrides[0].response, "SASL X X\r\n");
  EXPECT_THROW(server_scenario("greeting: +OK {repeat:99999999:x}\n"), ParseError);
  EXPECT_THROW(server_scenario("on: CAPA\nS: +OK {unknown}\n"), ParseError);
}

TEST(ClientChecks, CommandsMustBeWellFormedButSaslResponsesAreNotCommands) {
  auto sc = server_scenario("");
  ClientRun run;
  run.events = {kConnected, command("AUTH PLAIN", "+ \r\n"), command("AHVzZXIAcGFzcw=="), command("STAT"), command("QUIT")};
  EXPECT_EQ(outcome(judge_client_run(sc, fixture(), run, Redactor{}), "well-formed"), Outcome::passed);
  run.events = {kConnected, command("LIST  1")};
  EXPECT_EQ(outcome(judge_client_run(sc, fixture(), run, Redactor{}), "well-formed"), Outcome::failed);
  run.events = {kConnected, command("RETR\t1")};
  EXPECT_EQ(outcome(judge_client_run(sc, fixture(), run, Redactor{}), "well-formed"), Outcome::failed);
  run.events = {kConnected, {ServerEvent::Kind::overlong, 1, std::string(80, 'A'), "", false, false}};
  EXPECT_EQ(outcome(judge_client_run(sc, fixture(), run, Redactor{}), "well-formed"), Outcome::failed);
}

TEST(ClientChecks, AClientThatActsWhileItsFirstTlsAnswerIsHeldTookTheInjection) {
  auto sc = server_scenario("inject: same-segment +OK forged\\r\\n\n", "stls");
  ASSERT_TRUE(sc.inject.has_value());
  EXPECT_EQ(sc.inject->bytes, "+OK forged\r\n");
  ClientRun run;
  run.exit_code = 0;
  run.events = {kConnected, command("STLS"), command("CAPA", "+OK\r\n.\r\n", false, true)};
  EXPECT_EQ(outcome(judge_client_run(sc, fixture(), run, Redactor{}), "plaintext injected"), Outcome::passed);
  run.events.push_back({ServerEvent::Kind::early, 1, "CAPA", "USER u\r\n", false, true});
  EXPECT_EQ(outcome(judge_client_run(sc, fixture(), run, Redactor{}), "plaintext injected"), Outcome::failed);
}

TEST(ClientChecks, AtMostCountsCommandsAndConnections) {
  auto sc = server_scenario("expect: at-most 2 STLS\nexpect: connections at-most 1\n", "stls");
  ClientRun run;
  run.exit_code = 1;
  ServerEvent connected{ServerEvent::Kind::connected, 1, "", "", false, false};
  run.events = {connected, command("STLS", "-ERR no\r\n"), command("STLS", "-ERR no\r\n")};
  auto checks = judge_client_run(sc, fixture(), run, Redactor{});
  EXPECT_EQ(outcome(checks, "at-most 2 STLS"), Outcome::passed);
  EXPECT_EQ(outcome(checks, "connections at-most 1"), Outcome::passed);
  run.events.push_back(command("STLS", "-ERR no\r\n"));
  run.events.push_back(connected);
  checks = judge_client_run(sc, fixture(), run, Redactor{});
  EXPECT_EQ(outcome(checks, "at-most 2 STLS"), Outcome::failed);
  EXPECT_EQ(outcome(checks, "connections at-most 1"), Outcome::failed);
}
