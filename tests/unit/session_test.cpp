#include "model/session.hpp"

#include <gtest/gtest.h>

#include "memory_store.hpp"
#include "util/base64.hpp"
#include "util/md5_hex.hpp"

using namespace pop3;

namespace {

class SessionTest : public ::testing::Test {
 protected:
  MemoryStore store;
  std::string send(Session& s, std::string_view line) { return s.handle(line).bytes; }
  void login(Session& s) {
    ASSERT_EQ(send(s, "USER alice").substr(0, 3), "+OK");
    ASSERT_EQ(send(s, "PASS secret").substr(0, 3), "+OK");
  }
};

bool ok(const std::string& reply) { return reply.starts_with("+OK"); }
bool err(const std::string& reply) { return reply.starts_with("-ERR"); }

}  // namespace

TEST_F(SessionTest, TransactionCommandsAreRefusedBeforeLogin) {
  Session s({}, store);
  for (auto cmd : {"STAT", "LIST", "RETR 1", "DELE 1", "NOOP", "RSET", "TOP 1 1", "UIDL"})
    EXPECT_TRUE(err(send(s, cmd))) << cmd;
}

TEST_F(SessionTest, AuthorizationCommandsAreRefusedAfterLogin) {
  Session s({}, store);
  login(s);
  EXPECT_TRUE(err(send(s, "USER alice")));
  EXPECT_TRUE(err(send(s, "PASS secret")));
}

TEST_F(SessionTest, WrongPasswordKeepsAuthorizationAndNeedsUserAgain) {
  Session s({}, store);
  send(s, "USER alice");
  EXPECT_EQ(send(s, "PASS wrong"), "-ERR [AUTH] invalid user name or password\r\n");
  EXPECT_TRUE(err(send(s, "PASS secret")));
  EXPECT_EQ(s.state(), SessionState::authorization);
}

TEST_F(SessionTest, StatListAndRetrAgreeOnSizes) {
  Session s({}, store);
  login(s);
  EXPECT_EQ(send(s, "STAT"), "+OK 2 52\r\n");
  EXPECT_EQ(send(s, "LIST"), "+OK 2 messages (52 octets)\r\n1 26\r\n2 26\r\n.\r\n");
  EXPECT_EQ(send(s, "LIST 2"), "+OK 2 26\r\n");
  EXPECT_EQ(send(s, "RETR 1"), "+OK 26 octets\r\nSubject: a\r\n\r\nbody\r\n..dot\r\n.\r\n");
}

TEST_F(SessionTest, DeleteMarksUntilQuitAndRsetUnmarks) {
  Session s({}, store);
  login(s);
  EXPECT_TRUE(ok(send(s, "DELE 1")));
  EXPECT_TRUE(err(send(s, "DELE 1")));
  EXPECT_TRUE(err(send(s, "RETR 1")));
  EXPECT_EQ(send(s, "STAT"), "+OK 1 26\r\n");
  EXPECT_EQ(send(s, "LIST"), "+OK 1 messages (26 octets)\r\n2 26\r\n.\r\n");
  EXPECT_TRUE(ok(send(s, "RSET")));
  EXPECT_EQ(send(s, "STAT"), "+OK 2 52\r\n");
  send(s, "DELE 2");
  auto quit = s.handle("QUIT");
  EXPECT_TRUE(quit.close);
  EXPECT_EQ(store.committed, (std::vector<std::string>{"uid-2"}));
}

TEST_F(SessionTest, ADroppedConnectionCommitsNothing) {
  {
    Session s({}, store);
    login(s);
    send(s, "DELE 1");
    s.connection_lost();
  }
  EXPECT_TRUE(store.committed.empty());
  EXPECT_TRUE(store.locked.empty());
}

TEST_F(SessionTest, QuitInAuthorizationCommitsNothing) {
  Session s({}, store);
  auto r = s.handle("QUIT");
  EXPECT_TRUE(r.close);
  EXPECT_TRUE(ok(r.bytes));
}

TEST_F(SessionTest, FailedCommitAnswersErr) {
  store.fail_commit = true;
  Session s({}, store);
  login(s);
  send(s, "DELE 1");
  EXPECT_TRUE(err(s.handle("QUIT").bytes));
}

TEST_F(SessionTest, ASecondSessionFindsTheMaildropLocked) {
  Session a({}, store), b({}, store);
  login(a);
  send(b, "USER alice");
  EXPECT_EQ(send(b, "PASS secret"), "-ERR [IN-USE] maildrop already locked\r\n");
}

TEST_F(SessionTest, TopSendsHeadersBlankLineAndNLines) {
  Session s({}, store);
  login(s);
  EXPECT_EQ(send(s, "TOP 2 0"), "+OK top of message follows\r\nSubject: b\r\n\r\n.\r\n");
  EXPECT_EQ(send(s, "TOP 2 2"), "+OK top of message follows\r\nSubject: b\r\n\r\nl1\r\nl2\r\n.\r\n");
  EXPECT_EQ(send(s, "TOP 2 99"), "+OK top of message follows\r\nSubject: b\r\n\r\nl1\r\nl2\r\nl3\r\n.\r\n");
  EXPECT_TRUE(err(send(s, "TOP 2 -1")));
}

TEST_F(SessionTest, UidlListsStableIds) {
  Session s({}, store);
  login(s);
  EXPECT_EQ(send(s, "UIDL"), "+OK unique-id listing follows\r\n1 uid-1\r\n2 uid-2\r\n.\r\n");
  EXPECT_EQ(send(s, "UIDL 2"), "+OK 2 uid-2\r\n");
}

TEST_F(SessionTest, InvalidArgumentsAreAnsweredWithErr) {
  Session s({}, store);
  login(s);
  for (auto cmd : {"RETR 0", "RETR 3", "RETR -1", "RETR x", "RETR", "RETR 1 2", "LIST 99999999999", "DELE",
                   "XYZZY", "NOOP extra", "LIST  1"})
    EXPECT_TRUE(err(send(s, cmd))) << cmd;
}

TEST_F(SessionTest, KeywordsAreCaseInsensitive) {
  Session s({}, store);
  send(s, "user alice");
  EXPECT_TRUE(ok(send(s, "pAsS secret")));
  EXPECT_TRUE(ok(send(s, "stat")));
}

TEST_F(SessionTest, ApopChecksTheDigestOfTimestampAndSecret) {
  SessionConfig cfg;
  cfg.apop_timestamp = "<1896.697170952@dbc.mtview.ca.us>";
  Session s(cfg, store);
  EXPECT_NE(s.greeting().find(cfg.apop_timestamp), std::string::npos);
  EXPECT_TRUE(err(send(s, "APOP alice 00000000000000000000000000000000")));
  EXPECT_TRUE(ok(send(s, "APOP alice " + md5_hex(cfg.apop_timestamp + "secret"))));
}

TEST_F(SessionTest, SaslPlainWithAndWithoutInitialResponse) {
  std::string token = base64_encode(std::string("\0alice\0secret", 13));
  {
    Session s({}, store);
    EXPECT_TRUE(ok(send(s, "AUTH PLAIN " + token)));
  }
  Session s({}, store);
  EXPECT_EQ(send(s, "AUTH PLAIN"), "+ \r\n");
  EXPECT_TRUE(ok(send(s, token)));
}

TEST_F(SessionTest, SaslCancelAndGarbageAreRefused) {
  Session s({}, store);
  send(s, "AUTH PLAIN");
  EXPECT_TRUE(err(send(s, "*")));
  send(s, "AUTH PLAIN");
  EXPECT_TRUE(err(send(s, "!!!")));
  EXPECT_TRUE(err(send(s, "AUTH X-UNKNOWN")));
}

// RFC 4616 #2: the account's own password does not make these acceptable.
TEST_F(SessionTest, SaslPlainRefusesAnotherAuthzidAnEmptyAuthcidAndTrailingNul) {
  for (std::string message : {std::string("bob\0alice\0secret", 17), std::string("alice\0\0secret", 14),
                              std::string("\0alice\0secret\0x", 15)}) {
    Session s({}, store);
    EXPECT_TRUE(err(send(s, "AUTH PLAIN " + base64_encode(message)))) << message.size();
    EXPECT_TRUE(err(send(s, "STAT")));
  }
}

// RFC 2195 #2 (the example's key and challenge); RFC 5034 #4: CRAM-MD5 has
// the server speak first, so an initial response is refused.
TEST_F(SessionTest, CramMd5ChecksTheHmacOfItsOwnChallenge) {
  EXPECT_EQ(hmac_md5_hex("tanstaaftanstaaf", "<1896.697170952@postoffice.reston.mci.net>"),
            "b913a602c7eda7a495b4e6e7334d3890");
  Session s({}, store);
  EXPECT_TRUE(err(send(s, "AUTH CRAM-MD5 dGVzdA==")));
  std::string challenge = send(s, "AUTH CRAM-MD5");
  ASSERT_TRUE(challenge.starts_with("+ ") && challenge.ends_with("\r\n"));
  auto stamp = base64_decode(std::string_view(challenge).substr(2, challenge.size() - 4));
  ASSERT_TRUE(stamp && stamp->starts_with("<") && stamp->ends_with(">"));
  EXPECT_TRUE(err(send(s, base64_encode("alice " + hmac_md5_hex("wrong", *stamp)))));
  send(s, "AUTH CRAM-MD5");
  EXPECT_TRUE(err(send(s, base64_encode("alice " + hmac_md5_hex("secret", *stamp))))) << "a challenge is used once";
  stamp = base64_decode(std::string_view(challenge = send(s, "AUTH CRAM-MD5")).substr(2, challenge.size() - 4));
  EXPECT_TRUE(ok(send(s, base64_encode("alice " + hmac_md5_hex("secret", *stamp)))));
}

TEST_F(SessionTest, StlsOnlyWhenOfferedAndNotTwice) {
  Session plain({}, store);
  EXPECT_TRUE(err(send(plain, "STLS")));
  SessionConfig cfg;
  cfg.stls_offered = true;
  Session s(cfg, store);
  EXPECT_NE(send(s, "CAPA").find("STLS\r\n"), std::string::npos);
  send(s, "USER alice");
  auto r = s.handle("STLS");
  EXPECT_TRUE(r.start_tls);
  s.tls_started();
  EXPECT_EQ(send(s, "CAPA").find("STLS"), std::string::npos);
  EXPECT_TRUE(err(send(s, "STLS")));
  EXPECT_TRUE(err(send(s, "PASS secret"))) << "USER from before TLS must be forgotten";
}

TEST_F(SessionTest, CapaListsTheRfc2449Capabilities) {
  Session s({}, store);
  std::string capa = send(s, "CAPA");
  for (auto tag : {"TOP\r\n", "UIDL\r\n", "USER\r\n", "RESP-CODES\r\n", "PIPELINING\r\n",
                   "SASL PLAIN CRAM-MD5\r\n", "IMPLEMENTATION "})
    EXPECT_NE(capa.find(tag), std::string::npos) << tag;
  EXPECT_TRUE(capa.ends_with("\r\n.\r\n"));
}

// RFC 2595 #6, RFC 4616 #1: no PLAIN in the clear while TLS is to be had.
TEST_F(SessionTest, PlainIsListedOnlyOnceTlsIsActiveWhenStlsIsOffered) {
  SessionConfig cfg;
  cfg.stls_offered = true;
  Session s(cfg, store);
  std::string capa = send(s, "CAPA");
  EXPECT_NE(capa.find("SASL CRAM-MD5\r\n"), std::string::npos) << capa;
  s.handle("STLS");
  s.tls_started();
  EXPECT_NE(send(s, "CAPA").find("SASL PLAIN CRAM-MD5\r\n"), std::string::npos);
}

// RFC 2449 #5: what AUTHORIZATION announces, TRANSACTION announces too (USER
// and SASL are "announced states: both"); STLS is only permitted, and listed,
// before login (RFC 2595 #4).
TEST_F(SessionTest, CapaAfterLoginKeepsUserAndSasl) {
  Session s({}, store);
  login(s);
  std::string capa = send(s, "CAPA");
  for (auto tag : {"USER\r\n", "SASL PLAIN CRAM-MD5\r\n", "TOP\r\n", "UIDL\r\n"}) EXPECT_NE(capa.find(tag), std::string::npos) << tag;
  EXPECT_EQ(capa.find("STLS"), std::string::npos);
}

// RFC 5034 #4: AUTH only before login; mechanism names in any case (#5).
TEST_F(SessionTest, AuthIsRefusedAfterLoginAndTakesTheMechanismInAnyCase) {
  Session s({}, store);
  EXPECT_EQ(send(s, "AUTH plain AGFsaWNlAHNlY3JldA==").substr(0, 3), "+OK");
  EXPECT_TRUE(err(send(s, "AUTH PLAIN AGFsaWNlAHNlY3JldA==")));
  EXPECT_EQ(send(s, "NOOP").substr(0, 3), "+OK");
}

// RFC 6856 #2: UTF8 before login and without arguments; a message with UTF-8
// in its header is refused with [UTF8] until then. #3.2: LANG.
TEST_F(SessionTest, Utf8ModeAndLang) {
  store.messages = {{"Subject: a\r\n\r\nb\r\n", "u1"}, {"Subject: Gr\xc3\xbc\xc3\x9f\r\n\r\nb\r\n", "u2"}};
  {
    Session s({}, store);
    EXPECT_NE(send(s, "CAPA").find("UTF8 USER\r\nLANG\r\n"), std::string::npos);
    EXPECT_TRUE(err(send(s, "UTF8 ON")));
    EXPECT_EQ(send(s, "LANG en"), "+OK en language changed to English\r\n");
    EXPECT_TRUE(err(send(s, "LANG qaa")));
    EXPECT_EQ(send(s, "LANG"), "+OK language listing follows\r\nen English\r\n.\r\n");
    login(s);
    EXPECT_TRUE(ok(send(s, "RETR 1")));
    EXPECT_EQ(send(s, "RETR 2").substr(0, 11), "-ERR [UTF8]");
    EXPECT_EQ(send(s, "TOP 2 0").substr(0, 11), "-ERR [UTF8]");
    EXPECT_TRUE(err(send(s, "UTF8")));
  }
  Session s({}, store);
  EXPECT_TRUE(ok(send(s, "UTF8")));
  login(s);
  EXPECT_TRUE(ok(send(s, "RETR 2")));
}
