#include "blindspot/data/label_set.hpp"

#include "support/test_support.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

using namespace blindspot;
using data::LabelSet;
using ::testing::ElementsAre;

TEST(LabelSet, KeepsGivenOrderAndFindsIndices) {
  const LabelSet labels({"positive", "negative"});
  EXPECT_EQ(labels.size(), 2u);
  EXPECT_EQ(labels.name(0), "positive");
  EXPECT_EQ(labels.index_of("negative"), 1);
  EXPECT_EQ(labels.index_of("neutral"), std::nullopt);
  EXPECT_EQ(labels.joined(), "positive, negative");
  EXPECT_EQ(labels.joined("|"), "positive|negative");
}

TEST(LabelSet, SortedFromDropsDuplicatesAndSortsByBytes) {
  const auto labels = LabelSet::sorted_from({"positive", "negative", "positive", "Zulu", "\xC3\xA9t\xC3\xA9", "alpha"});
  // Byte order: upper case before lower case, UTF-8 multibyte after ASCII.
  EXPECT_THAT(labels.names(), ElementsAre("Zulu", "alpha", "negative", "positive", "\xC3\xA9t\xC3\xA9"));
}

TEST(LabelSet, OrderDoesNotDependOnInputOrder) {
  EXPECT_EQ(LabelSet::sorted_from({"b", "a", "c"}), LabelSet::sorted_from({"c", "b", "a", "a"}));
}

TEST(LabelSet, RejectsDuplicateAndEmptyNames) {
  const auto duplicate = test::expect_error([] { LabelSet({"a", "b", "a"}); });
  EXPECT_EQ(duplicate.kind(), core::ErrorKind::bad_input);
  EXPECT_STREQ(duplicate.what(), "label \"a\" appears twice in the label set");
  const auto empty = test::expect_error([] { LabelSet({"a", ""}); });
  EXPECT_EQ(empty.kind(), core::ErrorKind::bad_input);
  EXPECT_STREQ(empty.what(), "label 2 of the label set is empty");
}

TEST(LabelSet, DefaultIsEmpty) {
  const LabelSet labels;
  EXPECT_TRUE(labels.empty());
  EXPECT_EQ(labels.joined(), "");
  EXPECT_EQ(labels.index_of("x"), std::nullopt);
}
