#include "blindspot/discover/uu.hpp"

#include <gtest/gtest.h>

using blindspot::discover::parse_uu_id;

TEST(UuId, SplitRowAndKindOfNaturalAndAdversarialIds) {
  const auto natural = parse_uu_id("dev:17:natural");
  ASSERT_TRUE(natural.has_value());
  EXPECT_EQ(natural->split, "dev");
  EXPECT_EQ(natural->row, 17);
  EXPECT_EQ(natural->kind, "natural");
  const auto adversarial = parse_uu_id("test:0:deepwordbug");
  ASSERT_TRUE(adversarial.has_value());
  EXPECT_EQ(adversarial->split, "test");
  EXPECT_EQ(adversarial->row, 0);
  EXPECT_EQ(adversarial->kind, "deepwordbug");
}

TEST(UuId, IdsOfAnotherShapeHaveNoParts) {
  for (const char* id : {"", "dev", "dev:17", "dev::natural", "dev:x7:natural", "dev:7x:natural", "dev: 7:natural"}) {
    EXPECT_FALSE(parse_uu_id(id).has_value()) << id;
  }
}
