#include "model/faults.hpp"

#include <gtest/gtest.h>

#include "memory_store.hpp"
#include "model/session.hpp"

using namespace pop3;

namespace {

SessionConfig with(std::initializer_list<Fault> faults) {
  SessionConfig c;
  for (Fault f : faults) c.faults.add(f);
  return c;
}

std::string send(Session& s, std::string_view line) { return s.handle(line).bytes; }

void login(Session& s) {
  send(s, "USER alice");
  send(s, "PASS secret");
}

}  // namespace

TEST(FaultCatalog, EveryFaultHasOneEntryFoundByItsName) {
  for (std::size_t i = 0; i < static_cast<std::size_t>(Fault::count_); ++i) {
    const auto& entry = info(static_cast<Fault>(i));
    EXPECT_EQ(static_cast<std::size_t>(entry.fault), i);
    EXPECT_EQ(parse_fault(entry.name), entry.fault);
  }
  EXPECT_FALSE(parse_fault("no-such-fault"));
}

TEST(FaultCatalog, CrashOnTakesAKeyword) {
  auto spec = parse_fault_spec("crash-on=dele");
  ASSERT_TRUE(spec);
  EXPECT_EQ(spec->fault, Fault::crash_on);
  EXPECT_EQ(spec->argument, "DELE");
  EXPECT_FALSE(parse_fault_spec("crash-on="));
  EXPECT_FALSE(parse_fault_spec("crash-on=A B"));
}

TEST(SessionFaults, NoFaultMeansTheCorrectAnswers) {
  MemoryStore store;
  Session s(with({}), store);
  login(s);
  send(s, "DELE 1");
  EXPECT_EQ(send(s, "STAT"), "+OK 1 " + std::to_string(store.messages[1].size()) + "\r\n");
}

TEST(SessionFaults, StatCountsDeleted) {
  MemoryStore store;
  Session s(with({Fault::stat_counts_deleted}), store);
  login(s);
  send(s, "DELE 1");
  EXPECT_EQ(send(s, "STAT").substr(0, 6), "+OK 2 ");
}

TEST(SessionFaults, RenumberAfterDele) {
  MemoryStore store;
  Session s(with({Fault::renumber_after_dele}), store);
  login(s);
  send(s, "DELE 1");
  EXPECT_EQ(send(s, "UIDL 1"), "+OK 1 uid-2\r\n");
}

TEST(SessionFaults, CommitOnDrop) {
  MemoryStore store;
  Session s(with({Fault::commit_on_drop}), store);
  login(s);
  send(s, "DELE 2");
  s.connection_lost();
  EXPECT_EQ(store.committed, std::vector<std::string>{"uid-2"});
}

TEST(SessionFaults, NoDotStuffingSendsTheBodyRaw) {
  MemoryStore store;
  Session s(with({Fault::no_dot_stuffing}), store);
  login(s);
  EXPECT_NE(send(s, "RETR 1").find("\r\n.dot\r\n.\r\n"), std::string::npos);
}

TEST(SessionFaults, ListSizeCountsLfAndUidsGrowTooLong) {
  MemoryStore store;
  Session s(with({Fault::list_size_lf, Fault::uid_too_long}), store);
  login(s);
  std::size_t crlf = 5;  // in message 2
  EXPECT_EQ(send(s, "LIST 2"), "+OK 2 " + std::to_string(store.messages[1].size() - crlf) + "\r\n");
  EXPECT_EQ(send(s, "UIDL 1").size(), std::string("+OK 1 \r\n").size() + 71);
}

TEST(SessionFaults, LoginRefusedWithResponseCodes) {
  MemoryStore store;
  Session s(with({Fault::login_in_use}), store);
  send(s, "USER alice");
  EXPECT_EQ(send(s, "PASS secret").substr(0, 14), "-ERR [IN-USE] ");
  EXPECT_EQ(s.state(), SessionState::authorization);
}

TEST(SessionFaults, UidLimitsAreLegalSeventyCharacterIds) {
  MemoryStore store;
  Session s(with({Fault::uid_limits}), store);
  login(s);
  std::string one = send(s, "UIDL 1"), two = send(s, "UIDL 2");
  std::string id1 = one.substr(6, one.size() - 8), id2 = two.substr(6, two.size() - 8);  // "+OK 1 " ... CRLF
  EXPECT_EQ(id1.size(), 70u);
  EXPECT_NE(id1, id2);
  EXPECT_TRUE(valid_unique_id(id1)) << id1;
  EXPECT_NE(id1.find('/'), std::string::npos);
  EXPECT_EQ(send(s, "UIDL 1"), one);  // stable
}

TEST(SessionFaults, PhantomMessageAppearsInListingsOnly) {
  MemoryStore store;
  Session s(with({Fault::phantom_message}), store);
  login(s);
  EXPECT_NE(send(s, "LIST").find("\r\n18446744073709551617 "), std::string::npos);
  EXPECT_NE(send(s, "UIDL").find("\r\n18446744073709551617 phantom\r\n"), std::string::npos);
  EXPECT_EQ(send(s, "RETR 18446744073709551617").substr(0, 4), "-ERR");
}

TEST(SessionFaults, StlsFaultsBreakRfc2595) {
  MemoryStore store;
  SessionConfig base = with({Fault::stls_in_transaction, Fault::stls_keeps_user, Fault::stls_after_tls});
  base.stls_offered = true;
  Session s(base, store);
  send(s, "USER alice");
  ASSERT_TRUE(s.handle("STLS").start_tls);
  s.tls_started();
  EXPECT_NE(send(s, "CAPA").find("STLS\r\n"), std::string::npos) << "stls-after-tls";
  EXPECT_EQ(send(s, "PASS secret").substr(0, 3), "+OK") << "stls-keeps-user";

  SessionConfig plain = with({Fault::stls_in_transaction});
  plain.stls_offered = true;
  Session t(plain, store);
  login(t);
  EXPECT_TRUE(t.handle("STLS").start_tls) << "stls-in-transaction";
}

TEST(SessionFaults, TrailingTextFollowsSizes) {
  MemoryStore store;
  Session s(with({Fault::trailing_text}), store);
  login(s);
  EXPECT_NE(send(s, "STAT").find(" octets"), std::string::npos);
  EXPECT_TRUE(send(s, "LIST 1").ends_with(" octets\r\n"));
  EXPECT_NE(send(s, "LIST").find("\r\n1 " + std::to_string(store.messages[0].size()) + " octets\r\n"), std::string::npos);
}

TEST(SessionFaults, BracketTextWithoutRespCodes) {
  MemoryStore store;
  Session s(with({Fault::bracket_text}), store);
  EXPECT_EQ(send(s, "CAPA").find("RESP-CODES"), std::string::npos);
  EXPECT_TRUE(send(s, "XYZZ").starts_with("-ERR ["));
}

TEST(SessionFaults, NoCapaNoUidlTop) {
  MemoryStore store;
  Session s(with({Fault::no_capa, Fault::no_uidl_top}), store);
  EXPECT_TRUE(send(s, "CAPA").starts_with("-ERR"));
  login(s);
  EXPECT_TRUE(send(s, "UIDL").starts_with("-ERR"));
  EXPECT_TRUE(send(s, "TOP 1 0").starts_with("-ERR"));
}

TEST(SessionFaults, AFailedLoginIsSlowOrClosesAsAsked) {
  MemoryStore store;
  Session slow(with({Fault::slow_auth_failure}), store);
  slow.handle("USER alice");
  Reply r = slow.handle("PASS wrong");
  EXPECT_TRUE(r.bytes.starts_with("-ERR"));
  EXPECT_EQ(r.delay_ms, 6000u);
  Session closing(with({Fault::close_after_auth_failure}), store);
  closing.handle("USER alice");
  EXPECT_TRUE(closing.handle("PASS wrong").close);
}

TEST(SessionFaults, CloseOnErrorSendsNothing) {
  MemoryStore store;
  Session s(with({Fault::close_on_error}), store);
  Reply r = s.handle("XYZZ");
  EXPECT_TRUE(r.bytes.empty());
  EXPECT_TRUE(r.close);
}

TEST(SessionFaults, AnUnterminatedCapaStalls) {
  MemoryStore store;
  Session s(with({Fault::capa_unterminated}), store);
  Reply r = s.handle("CAPA");
  EXPECT_TRUE(r.stall);
  EXPECT_EQ(r.bytes.find("\r\n.\r\n"), std::string::npos);
}

TEST(SessionFaults, ALongResponseToNoop) {
  MemoryStore store;
  Session s(with({Fault::long_response}), store);
  login(s);
  EXPECT_GT(send(s, "NOOP").size(), 512u);
}
