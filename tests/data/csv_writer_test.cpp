#include "blindspot/data/csv_writer.hpp"

#include "blindspot/data/dataset_reader.hpp"
#include "support/test_support.hpp"

#include <gtest/gtest.h>

#include <sstream>

using namespace blindspot;

TEST(CsvWriter, QuotesOnlyWhenNeeded) {
  EXPECT_EQ(data::csv_field("plain text"), "plain text");
  EXPECT_EQ(data::csv_field("a,b"), "\"a,b\"");
  EXPECT_EQ(data::csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
  EXPECT_EQ(data::csv_field("two\nlines"), "\"two\nlines\"");
  EXPECT_EQ(data::csv_field("cr\r"), "\"cr\r\"");
  EXPECT_EQ(data::csv_field(""), "");
}

TEST(CsvWriter, WritesRowsEndingInLf) {
  std::ostringstream out;
  data::write_csv_row(out, {"text", "label"});
  data::write_csv_row(out, {"a, b", "x"});
  data::write_csv_row(out, {""});
  EXPECT_EQ(out.str(), "text,label\n\"a, b\",x\n\"\"\n");
}

TEST(CsvWriter, RoundTripKeepsEveryField) {
  const std::vector<std::vector<std::string>> rows = {
      {"plain", "positive", "x"},
      {"comma, inside", "negative", ",,"},
      {"\"quoted\" and \"\"doubled\"\"", "positive", "\""},
      {"line one\nline two\r\nline three", "negative", "trailing newline\n"},
      {"  padded  ", "positive", "\xE6\x97\xA5\xE6\x9C\xAC \xF0\x9F\x98\x80"},
      {"\"", "neg,ative", "a\"b,c\nd"},
  };
  test::TempDir dir;
  std::ostringstream out;
  data::write_csv_row(out, {"text", "label", "note"});
  for (const auto& row : rows) data::write_csv_row(out, row);
  test::write_text(dir / "round.csv", out.str());

  // Read the file twice, once with "note" as the text column, so every field is compared.
  for (const std::size_t column : {std::size_t{0}, std::size_t{2}}) {
    data::ReadOptions options;
    options.text_column = column == 0 ? "text" : "note";
    const auto records = data::read_records(dir / "round.csv", options);
    ASSERT_EQ(records.size(), rows.size());
    for (std::size_t i = 0; i < rows.size(); ++i) {
      EXPECT_EQ(records[i].text, rows[i][column]) << "row " << i;
      EXPECT_EQ(records[i].label, rows[i][1]) << "row " << i;
    }
  }
}
