#include "blindspot/core/error.hpp"

#include <gtest/gtest.h>

using namespace blindspot::core;

TEST(Error, MessageReadsLikeACompilerDiagnostic) {
  const Error error(ErrorKind::bad_input, "unknown label \"postive\"", InputLocation{"data/train.csv", 4, "label"});
  EXPECT_STREQ(error.what(), "data/train.csv:4: column \"label\": unknown label \"postive\"");
  EXPECT_EQ(error.message(), "unknown label \"postive\"");
  EXPECT_EQ(error.where()->line, 4);
}

TEST(Error, WholeFileLocationHasNoLineNumber) {
  const Error error(ErrorKind::bad_input, "file is empty", InputLocation{"x.csv", 0, ""});
  EXPECT_STREQ(error.what(), "x.csv: file is empty");
}

TEST(Error, ExitCodesSeparateUserMistakesFromFailures) {
  EXPECT_EQ(exit_code(ErrorKind::usage), 2);
  EXPECT_EQ(exit_code(ErrorKind::bad_input), 2);
  EXPECT_EQ(exit_code(ErrorKind::io), 1);
  EXPECT_EQ(exit_code(ErrorKind::remote), 1);
  EXPECT_EQ(exit_code(ErrorKind::internal), 1);
}
