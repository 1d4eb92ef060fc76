#include "report/redact.hpp"

#include <gtest/gtest.h>

#include "net/transcript.hpp"
#include "util/base64.hpp"

using namespace pop3;

TEST(Redactor, HidesTheArgumentsOfCredentialCommands) {
  Redactor r = Redactor::for_login("alice", "s3cret");
  EXPECT_EQ(r.command("PASS anything at all\r\n"), "PASS ***\r\n");
  EXPECT_EQ(r.command("pass x"), "pass ***");
  EXPECT_EQ(r.command("APOP alice c4c9334bac560ecc979e58001b3e22fb\r\n"), "APOP alice ***\r\n");
  EXPECT_EQ(r.command("AUTH PLAIN AGFsaWNlAHMzY3JldA==\r\n"), "AUTH PLAIN ***\r\n");
  EXPECT_EQ(r.command("RETR 1\r\n"), "RETR 1\r\n");
}

TEST(Redactor, HidesThePasswordAndItsSaslFormAnywhere) {
  Redactor r = Redactor::for_login("alice", "s3cret");
  std::string plain = base64_encode(std::string("\0alice\0s3cret", 13));
  EXPECT_EQ(r.apply("S: -ERR bad password s3cret"), "S: -ERR bad password ***");
  EXPECT_EQ(r.apply(plain + "\r\n"), "***\r\n");
  EXPECT_EQ(r.command("USER s3cret\r\n"), "USER ***\r\n");
}

TEST(Redactor, AddedSecretsAreHiddenLongestFirst) {
  Redactor r;
  r.add_secret("abc");
  r.add_secret("abcdef");
  EXPECT_EQ(r.apply("xabcdefx abc"), "x***x ***");
}

TEST(Redactor, FindsEverySecretInAMegabyteOfTheOctetItStartsWith) {
  Redactor r = Redactor::for_login("alice", "s3cret");
  std::string text(1 << 20, 's');
  text.replace(5, 6, "s3cret");
  text.replace(text.size() - 12, 12, "s3crets3cret");
  std::string out = r.apply(text);
  EXPECT_EQ(out.find("s3cret"), std::string::npos);
  EXPECT_EQ(out.substr(0, 8), "sssss***");
  EXPECT_TRUE(out.ends_with("******"));
  EXPECT_EQ(out.size(), text.size() - 3 * 3);
}

TEST(Redactor, HidesASecretShownEscapedOrCutShort) {
  Redactor r = Redactor::for_login("alice", "pa\\ss\x01word");
  EXPECT_EQ(r.apply(escape_bytes("-ERR pa\\ss\x01word is wrong")), "-ERR *** is wrong");
  // A display limit that cuts the password keeps none of it.
  std::string cut = escape_bytes("-ERR pa\\ss\x01word", 10);
  EXPECT_EQ(r.apply(cut).find("pa\\\\s"), std::string::npos) << r.apply(cut);
  EXPECT_NE(r.apply(cut).find("***... ("), std::string::npos) << r.apply(cut);
}

TEST(Redactor, HidesThePlainResponseWithAnAuthorizationIdentity) {
  Redactor r = Redactor::for_login("alice", "s3cret");
  EXPECT_EQ(r.apply(base64_encode(std::string("alice\0alice\0s3cret", 18))), "***");
}

// Redaction at the source: the transcript never stores a secret, even one
// the server echoes split across two reads, or one with a backslash.
TEST(Transcript, ASecretSplitAcrossReadsIsRemovedFromBoth) {
  Redactor r = Redactor::for_login("alice", "hunter2\\x");
  Transcript t;
  t.set_secrets(r.secrets());
  t.received("-ERR you said hun");
  t.received("ter2\\x, wrong\r\n");
  std::string shown = t.render(0, t.size());
  EXPECT_EQ(shown.find("hun"), std::string::npos) << shown;
  EXPECT_EQ(shown.find("ter2"), std::string::npos) << shown;
  EXPECT_NE(shown.find("***, wrong"), std::string::npos) << shown;
}

TEST(Transcript, ASecretWholeInOneReadOrSentRawIsRemoved) {
  Redactor r = Redactor::for_login("alice", "s3cret");
  Transcript t;
  t.set_secrets(r.secrets());
  t.received("+OK s3cret s3cret\r\n");
  t.sent("PASS s3cret\r\n");
  t.sent("PASS s3cret\r\n", "PASS ***\r\n");
  std::string shown = t.render(0, t.size());
  EXPECT_EQ(shown.find("s3cret"), std::string::npos) << shown;
  // Nor its length, as a count of octets not shown.
  EXPECT_EQ(shown.find("more octets"), std::string::npos) << shown;
}

// Peer bytes never reach a terminal raw: ESC sequences (a window title, a
// screen clear), BEL and NUL are shown, UTF-8 text is kept.
TEST(TerminalText, ShowsControlBytesAndKeepsText) {
  EXPECT_EQ(terminal_text(std::string("TOP \x1b]0;pwned\x07 \x1b[2J\0", 20)), "TOP \\x1B]0;pwned\\x07 \\x1B[2J\\x00");
  EXPECT_EQ(terminal_text("caf\xc3\xa9 a\\b"), "caf\xc3\xa9 a\\b");
  EXPECT_EQ(terminal_text("\xc2\x9b" "31m"), "\\xC2\\x9B31m");  // a C1 CSI
  EXPECT_EQ(terminal_text("a\nb", true), "a\nb");
  EXPECT_EQ(terminal_text("a\nb"), "a\\x0Ab");
}
