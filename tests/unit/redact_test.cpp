#include "report/redact.hpp"

#include <gtest/gtest.h>

#include "util/base64.hpp"

using namespace pop3;

TEST(Redactor, HidesTheArgumentsOfCredentialCommands) {
  Redactor r(Account{"alice", "s3cret", "", ""});
  EXPECT_EQ(r.command("PASS anything at all\r\n"), "PASS ***\r\n");
  EXPECT_EQ(r.command("pass x"), "pass ***");
  EXPECT_EQ(r.command("APOP alice c4c9334bac560ecc979e58001b3e22fb\r\n"), "APOP alice ***\r\n");
  EXPECT_EQ(r.command("AUTH PLAIN AGFsaWNlAHMzY3JldA==\r\n"), "AUTH PLAIN ***\r\n");
  EXPECT_EQ(r.command("RETR 1\r\n"), "RETR 1\r\n");
}

TEST(Redactor, HidesThePasswordAndItsSaslFormAnywhere) {
  Redactor r(Account{"alice", "s3cret", "", ""});
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
  Redactor r(Account{"alice", "s3cret", "", ""});
  std::string text(1 << 20, 's');
  text.replace(5, 6, "s3cret");
  text.replace(text.size() - 12, 12, "s3crets3cret");
  std::string out = r.apply(text);
  EXPECT_EQ(out.find("s3cret"), std::string::npos);
  EXPECT_EQ(out.substr(0, 8), "sssss***");
  EXPECT_TRUE(out.ends_with("******"));
  EXPECT_EQ(out.size(), text.size() - 3 * 3);
}
