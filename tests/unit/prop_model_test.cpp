#include "oracle/model.hpp"

#include <gtest/gtest.h>

#include "prop/trace.hpp"
#include "scenario/parser.hpp"

using namespace pop3;
using namespace pop3::prop;
using Answer = Expectation::Answer;
using Data = Expectation::Data;

namespace {

Model model() {
  auto messages = std::make_shared<const std::vector<std::string>>(
      std::vector<std::string>{"Subject: a\r\n\r\nx\r\n", "Subject: bb\r\n\r\ny\r\nz\r\n", "Subject: c\r\n\r\n"});
  return Model(messages, false);
}

Op op(OpKind k, std::optional<std::string> n = std::nullopt) { return Op{k, std::move(n), {}, true}; }

void login(Model& m) {
  m.apply(op(OpKind::user));
  m.apply(op(OpKind::pass));
}

}  // namespace

TEST(PropModel, TransactionCommandsBeforeLoginAreRefused) {
  Model m = model();
  for (auto k : {OpKind::stat, OpKind::list, OpKind::retr, OpKind::dele, OpKind::noop, OpKind::rset})
    EXPECT_EQ(m.expect(op(k, "1")).answer, Answer::err) << keyword(k);
  EXPECT_EQ(m.expect(op(OpKind::pass)).answer, Answer::err);  // no USER yet
  EXPECT_EQ(m.expect(op(OpKind::apop)).answer, Answer::err);  // no timestamp offered
}

TEST(PropModel, AnUnknownUserMayBeRefusedEarlyOrLate) {
  Model m = model();
  EXPECT_EQ(m.expect(Op{OpKind::user, {}, {}, false}).answer, Answer::either);
  m.apply(Op{OpKind::user, {}, {}, false});
  EXPECT_EQ(m.expect(op(OpKind::pass)).answer, Answer::err);
}

// Found by prop --seed 1 (case 2722): USER, APOP, APOP, PASS. RFC 1939 #7
// says PASS comes "immediately after a successful USER" but not what a server
// answers when another login command came between: any number of them.
TEST(PropModel, PassAfterUserAndRefusedApopsMayGoEitherWay) {
  auto messages = std::make_shared<const std::vector<std::string>>(std::vector<std::string>{"Subject: a\r\n\r\nx\r\n"});
  Model m(messages, true);
  Op bad_apop{OpKind::apop, {}, {}, false};
  m.apply(op(OpKind::user));
  m.apply(bad_apop);
  EXPECT_EQ(m.expect(op(OpKind::pass)).answer, Answer::either);
  m.apply(bad_apop);
  EXPECT_EQ(m.expect(op(OpKind::pass)).answer, Answer::either);
  m.apply(op(OpKind::user));
  m.apply(op(OpKind::pass));
  EXPECT_TRUE(m.in_transaction());
}

// RFC 1939 #8: "following a POP3 login by a client which was ended by a
// QUIT, delete all messages downloaded during the session with the RETR
// command" is a legal site policy; a dropped session deletes nothing.
TEST(PropModel, ADownloadAndDeleteServerRemovesWhatWasRetrievedAtQuitOnly) {
  auto fixture = std::make_shared<const std::vector<std::string>>(
      std::vector<std::string>{"Subject: a\r\n\r\nx\r\n", "Subject: bb\r\n\r\ny\r\n"});
  Model m(fixture, false, true, {}, true);
  login(m);
  m.apply(op(OpKind::retr, "2"));
  m.apply(op(OpKind::drop));
  EXPECT_EQ(m.committed_count(), 2u);
  login(m);
  m.apply(op(OpKind::retr, "2"));
  m.apply(op(OpKind::rset));  // RSET unmarks; it does not undo a download
  EXPECT_EQ(m.retrieved_numbers(), std::vector<unsigned long>{2});
  m.apply(op(OpKind::quit));
  EXPECT_EQ(m.committed_count(), 1u);
  login(m);
  EXPECT_EQ(m.expect(op(OpKind::stat)).count, 1u);
  EXPECT_EQ(m.expect(op(OpKind::retr, "2")).answer, Answer::err);

  Model keeps(fixture, false);  // the default: only DELE removes
  login(keeps);
  keeps.apply(op(OpKind::retr, "1"));
  keeps.apply(op(OpKind::quit));
  EXPECT_EQ(keeps.committed_count(), 2u);
}

TEST(PropModel, DeleHidesAMessageUntilRset) {
  Model m = model();
  login(m);
  m.apply(op(OpKind::dele, "2"));
  Expectation stat = m.expect(op(OpKind::stat));
  EXPECT_EQ(stat.data, Data::stat);
  EXPECT_EQ(stat.count, 2u);
  EXPECT_EQ(stat.octets, 17u + 0u + 14u);
  EXPECT_EQ(m.expect(op(OpKind::retr, "2")).answer, Answer::err);
  EXPECT_EQ(m.expect(op(OpKind::dele, "2")).answer, Answer::err);
  Expectation list = m.expect(op(OpKind::list));
  ASSERT_EQ(list.entries.size(), 2u);
  EXPECT_EQ(list.entries[1].number, 3u);  // numbers do not shift within a session
  m.apply(op(OpKind::rset));
  EXPECT_EQ(m.expect(op(OpKind::stat)).count, 3u);
}

TEST(PropModel, OnlyQuitInTransactionCommits) {
  Model m = model();
  login(m);
  m.apply(op(OpKind::dele, "1"));
  m.apply(op(OpKind::drop));
  EXPECT_EQ(m.committed_count(), 3u);
  login(m);
  m.apply(op(OpKind::dele, "1"));
  m.apply(op(OpKind::quit));
  EXPECT_EQ(m.committed_count(), 2u);
  login(m);
  Expectation retr = m.expect(op(OpKind::retr, "1"));
  EXPECT_EQ(retr.entries[0].message, 1u);  // renumbered in the next session
}

TEST(PropModel, InvalidNumbersNameNoMessage) {
  Model m = model();
  login(m);
  for (auto n : {"0", "4", "4294967296", "18446744073709551616", "99999999999999999999", "-1", "+1"})
    EXPECT_EQ(m.expect(op(OpKind::retr, n)).answer, Answer::err) << n;
  EXPECT_EQ(m.expect(Op{OpKind::top, "1", "-1", true}).answer, Answer::err);
  EXPECT_EQ(m.expect(Op{OpKind::top, "1", "0", true}).data, Data::top);
}

TEST(PropModel, ASecondSessionShouldBeRefusedAndSeesTheCommittedMaildrop) {
  Model m = model();
  login(m);
  m.apply(op(OpKind::dele, "1"));
  Expectation e = m.expect(op(OpKind::second_session));
  EXPECT_EQ(e.answer, Answer::err);
  EXPECT_EQ(e.count, 3u);
}

TEST(PropTrace, AWrittenCounterexampleParsesAsAScenario) {
  Model m = model();
  std::vector<TraceItem> trace;
  for (Op o : {op(OpKind::user), op(OpKind::pass), op(OpKind::dele, "1"), op(OpKind::uidl), op(OpKind::quit),
               op(OpKind::user), op(OpKind::pass), Op{OpKind::top, "1", "1", true}, op(OpKind::list),
               op(OpKind::second_session), op(OpKind::drop)}) {
    trace.push_back({TraceItem::Kind::op, o, m.expect(o), false, Model::Pending::none, {}});
    m.apply(o);
  }
  trace.push_back({TraceItem::Kind::resync, {}, {}, true, Model::Pending::none, {2}});
  std::string text =
      write_scenario(trace, {"found", "rfc1939#5", Severity::must, "basic", {"seed 1"}, {"1939-7-UIDL-8"}}, false);
  EXPECT_NE(text.find("\nrequirements: 1939-7-UIDL-8\n"), std::string::npos) << text;
  EXPECT_NE(text.find("body: entries 2 {uid2} 3 {uid3}"), std::string::npos) << text;
  EXPECT_NE(text.find("body: top 1 message 2"), std::string::npos) << text;
  EXPECT_NE(text.find("expect: closed\nconn: session2"), std::string::npos) << text;
  Scenario sc = parse_scenario_text(text, "found.pop3", "found");
  EXPECT_EQ(sc.fixture, "basic");
  EXPECT_EQ(sc.group, "prop");
}
