#include "blindspot/core/line_reader.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace blindspot::core {
namespace {

std::vector<std::pair<std::int64_t, std::string>> all_lines(std::string_view text) {
  std::vector<std::pair<std::int64_t, std::string>> out;
  LineReader lines(text);
  while (const auto line = lines.next()) out.emplace_back(lines.number(), std::string(*line));
  return out;
}

TEST(LineReader, NumbersLinesFromOneAndKeepsBlankOnes) {
  using Lines = std::vector<std::pair<std::int64_t, std::string>>;
  EXPECT_EQ(all_lines("a\n\nb\n"), (Lines{{1, "a"}, {2, ""}, {3, "b"}}));
  EXPECT_EQ(all_lines("a\nb"), (Lines{{1, "a"}, {2, "b"}}));            // a last line without '\n' counts
  EXPECT_EQ(all_lines("a\r\nb\r\n"), (Lines{{1, "a\r"}, {2, "b\r"}}));  // '\r' is the caller's
  EXPECT_EQ(all_lines("\n"), (Lines{{1, ""}}));
  EXPECT_TRUE(all_lines("").empty());
  LineReader lines("x");
  EXPECT_EQ(lines.number(), 0);
  lines.next();
  EXPECT_FALSE(lines.next().has_value());
  EXPECT_EQ(lines.number(), 1);
}

}  // namespace
}  // namespace blindspot::core
