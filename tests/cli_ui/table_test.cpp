#include "ui/table.hpp"

#include "support/test_support.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

using namespace blindspot;
using namespace blindspot::cli::ui;

TEST(Table, NumbersAreRightAlignedAndTextLeftAligned) {
  Table table({"label", "precision", "support"});
  table.add_row({"neg", "0.8123", "1204"});
  table.add_row({"positive", "1.0000", "7"});
  EXPECT_EQ(table.render(),
            "label     precision  support\n"
            "--------  ---------  -------\n"
            "neg          0.8123     1204\n"
            "positive     1.0000        7\n");
}

TEST(Table, AColumnWithAnyTextIsLeftAligned) {
  Table table({"metric", "value"});
  table.add_row({"accuracy", "0.5"});
  table.add_row({"status", "ok"});
  EXPECT_EQ(table.render(),
            "metric    value\n"
            "--------  -----\n"
            "accuracy  0.5\n"
            "status    ok\n");
}

TEST(Table, EmptyCellsDoNotDecideAlignment) {
  Table table({"name", "n"});
  table.add_row({"a", "10"});
  table.add_row({"b", ""});
  EXPECT_EQ(table.render(),
            "name   n\n"
            "----  --\n"
            "a     10\n"
            "b\n");
}

TEST(Table, WidthsCountUtf8CharactersNotBytes) {
  Table table({"label", "n"});
  table.add_row({"négatif", "1"});
  table.add_row({"pos", "22"});
  EXPECT_EQ(table.render(),
            "label     n\n"
            "-------  --\n"
            "négatif   1\n"
            "pos      22\n");
}

TEST(Table, HeaderOnlyTable) {
  const Table table({"true \\ predicted", "neg"});
  EXPECT_EQ(table.row_count(), 0U);
  EXPECT_EQ(table.column_count(), 2U);
  EXPECT_EQ(table.render(),
            "true \\ predicted  neg\n"
            "----------------  ---\n");
}

TEST(Table, RowWithTheWrongNumberOfCellsIsAnInternalError) {
  Table table({"a", "b"});
  table.add_row({"1", "2"});
  const core::Error error = test::expect_error([&] { table.add_row({"1", "2", "3"}); });
  EXPECT_EQ(error.kind(), core::ErrorKind::internal);
  EXPECT_STREQ(error.what(), "table row 2 has 3 cells but the table has 2 columns");
}

TEST(IsNumericCell, AcceptsNumbersAsFmtPrintsThem) {
  for (const char* cell : {"0", "12", "-0.5", "+3", ".5", "5.", "1e-3", "2.5E+10", "95.0%", "nan", "inf", "-inf"}) {
    EXPECT_TRUE(is_numeric_cell(cell)) << cell;
  }
}

TEST(IsNumericCell, RejectsText) {
  for (const char* cell : {"", "-", ".", "e5", "1e", "1.2.3", "12a", "%", "0.5 ", " 1", "uus@0.65", "neg", "1,000"}) {
    EXPECT_FALSE(is_numeric_cell(cell)) << '"' << cell << '"';
  }
}
