#include "blindspot/data/dataset_reader.hpp"
#include "support/test_support.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

using namespace blindspot;
using data::ReadOptions;
using data::Record;
using ::testing::HasSubstr;

namespace {

void expect_record(const Record& record, const std::string& text, const std::string& label, std::int64_t line) {
  EXPECT_EQ(record.text, text);
  EXPECT_EQ(record.label, label);
  EXPECT_EQ(record.line, line);
}

}  // namespace

TEST(CsvReader, ParsesQuotingNewlinesUnicodeAndExtraColumnsExactly) {
  const auto records = data::read_records(test::fixture("valid/tricky.csv"));
  ASSERT_EQ(records.size(), 7u);
  expect_record(records[0], "Commas, inside, text", "positive", 2);
  expect_record(records[1], "She said \"wow\" twice", "negative", 3);
  expect_record(records[2], "first line\nsecond line\n\nfourth line, after a blank one", "positive", 4);
  expect_record(records[3], "next record starts on line 8", "negative", 8);
  expect_record(records[4],
                "\xC3\x9Cn\xC3\xAF"
                "c\xC3\xB6"
                "d\xC3\xA9 \xE2\x80\x93 \xC2\xABquotes\xC2\xBB "
                "\xE6\x97\xA5\xE6\x9C\xAC\xE8\xAA\x9E \xF0\x9F\x98\x80",
                "positive", 9);
  expect_record(records[5], "  spaces are kept  ", "negative", 10);
  expect_record(records[6], "after a blank line", "positive", 12);
}

TEST(CsvReader, AcceptsCrlfWithoutKeepingTheCr) {
  const auto records = data::read_records(test::fixture("valid/crlf.csv"));
  ASSERT_EQ(records.size(), 4u);
  expect_record(records[0], "plain", "positive", 2);
  expect_record(records[1], "quoted, with comma", "negative", 3);
  // Inside quotes the line break is data and stays as written.
  expect_record(records[2], "multi\r\nline", "positive", 4);
  expect_record(records[3], "last", "negative", 6);
}

TEST(CsvReader, SkipsTheBom) {
  const auto records = data::read_records(test::fixture("valid/bom.csv"));
  ASSERT_EQ(records.size(), 1u);
  expect_record(records[0], "hello", "positive", 2);
}

TEST(CsvReader, ReadsConfiguredColumns) {
  ReadOptions options;
  options.text_column = "review_text";
  options.label_column = "sentiment";
  const auto records = data::read_records(test::fixture("valid/custom_columns.csv"), options);
  ASSERT_EQ(records.size(), 2u);
  expect_record(records[0], "Great acting", "pos", 2);
  expect_record(records[1], "Weak plot, weak cast", "neg", 3);
}

TEST(CsvReader, LastRecordMayLackTheLineBreak) {
  test::TempDir dir;
  test::write_text(dir / "a.csv", "text,label\nfirst,x\n\"last, quoted\",y");
  const auto records = data::read_records(dir / "a.csv");
  ASSERT_EQ(records.size(), 2u);
  expect_record(records[1], "last, quoted", "y", 3);
  test::write_text(dir / "b.csv", "text,label\r\nonly,z\r");
  const auto crlf = data::read_records(dir / "b.csv");
  ASSERT_EQ(crlf.size(), 1u);
  expect_record(crlf[0], "only", "z", 2);
}

TEST(CsvReader, QuotedHeaderAndFieldsThatAreOnlyQuotes) {
  test::TempDir dir;
  test::write_text(dir / "q.csv", "\"text\",\"label\"\n\"\"\"\"\"\",\"a,b\"\n");
  const auto records = data::read_records(dir / "q.csv");
  ASSERT_EQ(records.size(), 1u);
  expect_record(records[0], "\"\"", "a,b", 2);
}

TEST(CsvReader, FieldAtTheDefaultLimitPassesOneByteMoreFails) {
  test::TempDir dir;
  const std::size_t limit = ReadOptions{}.max_field_bytes;
  test::write_text(dir / "at.csv", "text,label\n" + std::string(limit, 'a') + ",positive\n");
  EXPECT_EQ(data::read_records(dir / "at.csv").at(0).text.size(), limit);

  test::write_text(dir / "over.csv", "text,label\n\"" + std::string(limit + 1, 'a') + "\",positive\n");
  const auto error = test::expect_error([&] { data::read_records(dir / "over.csv"); });
  EXPECT_EQ(error.kind(), core::ErrorKind::bad_input);
  EXPECT_EQ(std::string(error.what()), (dir / "over.csv").string() +
                                           ":2: column \"text\": field is longer than 1048576 bytes "
                                           "(max_field_bytes); is a closing quote missing?");
}

TEST(CsvReader, IgnoredColumnsAreCheckedToo) {
  test::TempDir dir;
  test::write_text(dir / "extra.csv", "text,label,note\ngood,positive,bad \"quote\n");
  const auto error = test::expect_error([&] { data::read_records(dir / "extra.csv"); });
  EXPECT_THAT(error.what(), HasSubstr(":2: column \"note\": stray quote in an unquoted field"));
}

TEST(CsvReader, LineNumbersStayRightAfterManyMultilineRecords) {
  test::TempDir dir;
  std::string content = "text,label\n";
  for (int i = 0; i < 100; ++i) content += "\"two\nlines\",positive\n";
  content += "bad,positive,extra\n";
  test::write_text(dir / "many.csv", content);
  const auto error = test::expect_error([&] { data::read_records(dir / "many.csv"); });
  EXPECT_EQ(error.where()->line, 202);
}

// Issue 13, finding 6: a text of only no-break, zero-width or other Unicode spaces counts as
// empty, in the text and in the label; a space inside a real text stays.
TEST(CsvReader, ATextOfUnicodeSpacesIsOnlyWhitespace) {
  test::TempDir dir;
  const std::vector<std::string> blanks = {
      "\xC2\xA0",                      // U+00A0 no-break space
      "\xE2\x80\x87\xE2\x80\xAF",      // U+2007 figure space, U+202F narrow no-break space
      "\xE2\x80\x8B\xE2\x80\x8C",      // U+200B zero-width space, U+200C zero-width non-joiner
      "\xE2\x80\x8D\xE2\x81\xA0",      // U+200D zero-width joiner, U+2060 word joiner
      "\xEF\xBB\xBF \xE3\x80\x80\t",   // U+FEFF, space, U+3000 ideographic space, tab
      "\xE1\x9A\x80\xE2\x80\x80\xE2\x80\xA8\xC2\x85",  // U+1680, U+2000, U+2028, U+0085
  };
  for (const std::string& blank : blanks) {
    test::write_text(dir / "b.csv", "text,label\ngood,positive\n" + blank + ",negative\n");
    const auto error = test::expect_error([&] { data::read_records(dir / "b.csv"); });
    EXPECT_EQ(error.kind(), core::ErrorKind::bad_input);
    EXPECT_EQ(std::string(error.what()), (dir / "b.csv").string() + ":3: column \"text\": text is only whitespace");
    test::write_text(dir / "l.csv", "text,label\ngood," + blank + "\n");
    EXPECT_THAT(test::expect_error([&] { data::read_records(dir / "l.csv"); }).what(),
                HasSubstr("l.csv:2: column \"label\": label is only whitespace"));
  }
  test::write_text(dir / "ok.csv", "text,label\n\xC2\xA0" "caf\xC3\xA9\xE2\x80\x8B,positive\n");
  EXPECT_EQ(data::read_records(dir / "ok.csv").at(0).text, "\xC2\xA0" "caf\xC3\xA9\xE2\x80\x8B");
}
