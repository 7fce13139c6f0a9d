#include "blindspot/data/dataset_reader.hpp"
#include "support/test_support.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

using namespace blindspot;
using ::testing::HasSubstr;

TEST(TsvReader, ReadsLiteralQuotesCommasAndCrlf) {
  const auto records = data::read_records(test::fixture("valid/records.tsv"));
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[0].text, "\"quotes\" stay literal");
  EXPECT_EQ(records[0].label, "positive");
  EXPECT_EQ(records[0].line, 2);
  EXPECT_EQ(records[1].text, "commas, too");
  EXPECT_EQ(records[1].label, "negative");
  EXPECT_EQ(records[1].line, 4);  // the blank line 3 is skipped but counted
}

TEST(TsvReader, TabExtensionAndExplicitFormat) {
  test::TempDir dir;
  test::write_text(dir / "a.tab", "label\ttext\npositive\tfine\n");
  EXPECT_EQ(data::read_records(dir / "a.tab").at(0).text, "fine");

  test::write_text(dir / "a.txt", "label\ttext\nnegative\tdull\n");
  data::ReadOptions options;
  options.format = data::FileFormat::tsv;
  EXPECT_EQ(data::read_records(dir / "a.txt", options).at(0).label, "negative");
}

TEST(TsvReader, HeaderOnlyAndEmptyFile) {
  test::TempDir dir;
  test::write_text(dir / "h.tsv", "text\tlabel\n");
  EXPECT_THAT(test::expect_error([&] { data::read_records(dir / "h.tsv"); }).what(),
              HasSubstr("h.tsv:1: no records after the header"));
  test::write_text(dir / "e.tsv", "");
  EXPECT_THAT(test::expect_error([&] { data::read_records(dir / "e.tsv"); }).what(), HasSubstr("e.tsv: file is empty"));
}
