#include "blindspot/data/dataset_reader.hpp"
#include "support/test_support.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

using namespace blindspot;
using ::testing::HasSubstr;

TEST(JsonlReader, ReadsEscapesIntegerLabelsBlankLinesAndCrlf) {
  const auto records = data::read_records(test::fixture("valid/records.jsonl"));
  ASSERT_EQ(records.size(), 3u);
  EXPECT_EQ(records[0].text, "caf\xC3\xA9 \xF0\x9F\x98\x80");
  EXPECT_EQ(records[0].label, "1");
  EXPECT_EQ(records[0].line, 1);
  EXPECT_EQ(records[1].text, "with \"quotes\", commas\nand a newline");
  EXPECT_EQ(records[1].label, "negative");
  EXPECT_EQ(records[1].line, 3);
  EXPECT_EQ(records[2].text, "negative integer label");
  EXPECT_EQ(records[2].label, "-3");
  EXPECT_EQ(records[2].line, 4);
}

TEST(JsonlReader, CustomKeysAndOtherExtensions) {
  test::TempDir dir;
  test::write_text(dir / "a.ndjson", "{\"review\": \"good\", \"stars\": 5}\n");
  data::ReadOptions options;
  options.text_column = "review";
  options.label_column = "stars";
  const auto records = data::read_records(dir / "a.ndjson", options);
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].label, "5");
  test::write_text(dir / "b.json", R"({"text": "x", "label": "y"})");
  EXPECT_EQ(data::read_records(dir / "b.json").at(0).text, "x");
}

TEST(JsonlReader, FloatLabelIsRejected) {
  test::TempDir dir;
  test::write_text(dir / "f.jsonl", "{\"text\": \"x\", \"label\": 1.5}\n");
  const auto error = test::expect_error([&] { data::read_records(dir / "f.jsonl"); });
  EXPECT_EQ(error.kind(), core::ErrorKind::bad_input);
  EXPECT_THAT(error.what(),
              HasSubstr("f.jsonl:1: column \"label\": label must be a JSON string or integer, got a number"));
}

TEST(JsonlReader, ByteColumnOfSyntaxErrorCountsTheBom) {
  test::TempDir dir;
  test::write_text(dir / "bom.jsonl", "\xEF\xBB\xBF{\"text\": x}\n");
  const auto error = test::expect_error([&] { data::read_records(dir / "bom.jsonl"); });
  EXPECT_THAT(error.what(), HasSubstr("bom.jsonl:1: invalid JSON at byte column 13: "));
}

// Issue 13, finding 4: a number nlohmann cannot hold (it overflows a double) was an "internal
// error" without file or line.
TEST(JsonlReader, ANumberThatOverflowsIsBadInputNamingLineAndKey) {
  test::TempDir dir;
  for (const std::string number : {"1e999", "1e400", "-1e999"}) {
    SCOPED_TRACE(number);
    test::write_text(dir / "n.jsonl", "{\"text\": \"fine\", \"label\": \"a\"}\n{\"text\": \"x\", \"score\": " + number +
                                          ", \"label\": \"a\"}\n");
    const auto error = test::expect_error([&] { data::read_records(dir / "n.jsonl"); });
    EXPECT_EQ(error.kind(), core::ErrorKind::bad_input);
    EXPECT_EQ(std::string(error.what()), (dir / "n.jsonl").string() + ":2: column \"score\": number " + number +
                                             " is out of range (a JSON number must fit a double, below 1.8e308)");
  }
  // In the label itself, nested in an array, and as the whole line.
  test::write_text(dir / "l.jsonl", "{\"text\": \"x\", \"label\": 1e400}\n");
  EXPECT_THAT(test::expect_error([&] { data::read_records(dir / "l.jsonl"); }).what(),
              HasSubstr("l.jsonl:1: column \"label\": number 1e400 is out of range"));
  test::write_text(dir / "a.jsonl", "{\"text\": \"x\", \"label\": \"a\", \"extra\": [1, {\"deep\": 2e999}]}\n");
  EXPECT_THAT(test::expect_error([&] { data::read_records(dir / "a.jsonl"); }).what(),
              HasSubstr("a.jsonl:1: column \"extra\": number 2e999 is out of range"));
  test::write_text(dir / "w.jsonl", "1e999\n");
  EXPECT_THAT(test::expect_error([&] { data::read_records(dir / "w.jsonl"); }).what(),
              HasSubstr("w.jsonl:1: number 1e999 is out of range"));
}

// Issue 13, finding 6: no-break and zero-width spaces were taken for text.
TEST(JsonlReader, ATextOfUnicodeSpacesIsOnlyWhitespace) {
  test::TempDir dir;
  test::write_text(dir / "s.jsonl", "{\"text\": \"ok\", \"label\": \"a\"}\n"
                                    "{\"text\": \"\\u00a0\\u200b\\u3000\\ufeff\", \"label\": \"a\"}\n");
  const auto error = test::expect_error([&] { data::read_records(dir / "s.jsonl"); });
  EXPECT_EQ(error.kind(), core::ErrorKind::bad_input);
  EXPECT_EQ(std::string(error.what()), (dir / "s.jsonl").string() + ":2: column \"text\": text is only whitespace");
}
