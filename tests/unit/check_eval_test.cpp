#include "client/check_eval.hpp"

#include <gtest/gtest.h>

using namespace pop3;

TEST(CheckEval, NeverOrdersAboveEveryNumberOfDays) {
  EXPECT_TRUE(compare("5", "<=", "NEVER"));
  EXPECT_FALSE(compare("NEVER", "<=", "30"));
  EXPECT_TRUE(compare("NEVER", "==", "NEVER"));
  EXPECT_TRUE(compare("", "==", ""));
  EXPECT_FALSE(compare("USER", "<", "x"));  // text only compares for equality
}
