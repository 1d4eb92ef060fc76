#include "util/base64.hpp"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

using namespace pop3;

TEST(Base64, EncodesRfc4648Vectors) {
  EXPECT_EQ(base64_encode(""), "");
  EXPECT_EQ(base64_encode("f"), "Zg==");
  EXPECT_EQ(base64_encode("foob"), "Zm9vYg==");
  EXPECT_EQ(base64_encode("foobar"), "Zm9vYmFy");
}

TEST(Base64, RejectsMalformedInput) {
  EXPECT_FALSE(base64_decode("Zg="));
  EXPECT_FALSE(base64_decode("Z=g="));
  EXPECT_FALSE(base64_decode("Zm9v YmFy"));
  EXPECT_FALSE(base64_decode("Zg==Zg=="));
}

RC_GTEST_PROP(Base64Property, DecodeInvertsEncode, (const std::string& bytes)) {
  RC_ASSERT(base64_decode(base64_encode(bytes)) == bytes);
}
