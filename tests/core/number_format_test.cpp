#include "blindspot/core/number_format.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <limits>

using blindspot::core::format_shortest;

TEST(NumberFormat, ShortestFormReadsBackExactly) {
  EXPECT_EQ(format_shortest(0.9731), "0.9731");
  EXPECT_EQ(format_shortest(0.5), "0.5");
  EXPECT_EQ(format_shortest(1.0), "1");
  EXPECT_EQ(format_shortest(0.0), "0");
  EXPECT_EQ(format_shortest(1e-05), "1e-05");
  // 0.1 + 0.2 needs all 17 digits to read back as itself.
  EXPECT_EQ(format_shortest(0.1 + 0.2), "0.30000000000000004");
  for (const double value : {1.0 / 3, 2.0 / 3, 0.123456789012345, std::numeric_limits<double>::min()}) {
    EXPECT_EQ(std::strtod(format_shortest(value).c_str(), nullptr), value) << format_shortest(value);
  }
}
