#include "report_fixture.hpp"

#include "blindspot/report/experiment_report.hpp"
#include "support/test_support.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <sstream>
#include <string>
#include <vector>

using namespace blindspot;
using namespace blindspot::test;
using ::testing::HasSubstr;
using ::testing::Not;

namespace {

std::string render_markdown(const report::ExperimentReport& data) {
  TempDir dir;
  report::write_markdown(dir / "report.md", data);
  return read_text(dir / "report.md");
}

// Cell separators of a table row: '|' not escaped by a backslash.
std::size_t separators(const std::string& line) {
  std::size_t count = 0;
  for (std::size_t i = 0; i < line.size(); ++i) {
    if (line[i] == '\\') {
      ++i;
    } else if (line[i] == '|') {
      ++count;
    }
  }
  return count;
}

}  // namespace

TEST(MarkdownReport, TablesKeepTheirShapeWithHostileTexts) {
  const std::string markdown = render_markdown(hostile_report());
  std::istringstream lines(markdown);
  std::string line;
  std::size_t expected = 0;
  int tables = 0;
  while (std::getline(lines, line)) {
    if (!line.starts_with("|")) {
      expected = 0;
      continue;
    }
    if (expected == 0) {
      expected = separators(line);
      ++tables;
    }
    EXPECT_EQ(separators(line), expected) << line;
  }
  EXPECT_EQ(tables, 4);  // metrics, costs, blind spots, attribution
}

TEST(MarkdownReport, HasTheSummaryTables) {
  const std::string markdown = render_markdown(hostile_report());
  EXPECT_THAT(markdown, HasSubstr("# imdb: &lt;script&gt;alert(\"x\")&lt;/script&gt;\n"));
  EXPECT_THAT(markdown, HasSubstr("- Seeds: 1, 2, 3\n"));
  EXPECT_THAT(markdown,
              HasSubstr("| metric | none | auto | llm &lt;img src=x onerror=alert(1)&gt; |\n|---|---:|---:|---:|\n"));
  EXPECT_THAT(markdown, HasSubstr("| adversarial\\_uus | 41.3 ± 2.5 [38.8, 43.8] |"));
  EXPECT_THAT(markdown, HasSubstr("| uus@0.65 | 126.0 ± 5.6 [120.4, 131.6] | 116.0 ± 5.6 [110.4, 121.6]; **Δ -10.0 "
                                  "[-16.0, -4.0]**, p = 0.030 |"));
  EXPECT_THAT(markdown, HasSubstr("; Δ +0.010 [-0.015, 0.035], p = 0.410 |"));
  EXPECT_THAT(markdown, HasSubstr("; **Δ -0.010 [-0.015, -0.005]**, p &lt; 0.001 |"));
  EXPECT_THAT(markdown, HasSubstr("; Δ 0.000, no difference |"));
  EXPECT_THAT(markdown, HasSubstr("| uus@0.95 | 3.0 (no variation across seeds) | 4.0 (no variation across seeds); Δ "
                                  "+1.0, no variation across seeds |"));
  EXPECT_THAT(markdown, HasSubstr("| none | no teaching (the reference) | – | – |"));
  EXPECT_THAT(markdown, HasSubstr("| cad:accuracy | – | – | – ± 0.010 [0.690, 0.710] |"));
  EXPECT_THAT(markdown, HasSubstr("| auto | auto (baseline) | 0 | $0 | 0.0 s | $0 | $0 | 12 | 1,500 | 5.0 | – |"));
  EXPECT_THAT(markdown, HasSubstr("$0.042 (unpriced calls)"));
  EXPECT_THAT(markdown, HasSubstr("| 1 | 12 | negative read as positive &lt;/style&gt;"));
  EXPECT_THAT(markdown, HasSubstr("\\[llm\\] &lt;img src=x onerror=alert(1)&gt; | none 0.0, auto 3.7, llm"));
  EXPECT_THAT(markdown, HasSubstr("## Which hypotheses helped"));
  EXPECT_THAT(markdown, HasSubstr(" | 4 | +3 (+5 / -2) | +1 | yes / no |\n"));
}

TEST(MarkdownReport, EscapesPipesNewlinesAndMarkup) {
  const std::string markdown = render_markdown(hostile_report());
  EXPECT_THAT(markdown, HasSubstr("pipe \\| and newline"));
  EXPECT_THAT(markdown, Not(HasSubstr("pipe | and")));
  EXPECT_THAT(markdown, Not(HasSubstr("<script")));
  EXPECT_THAT(markdown, Not(HasSubstr("<img")));
  EXPECT_THAT(markdown, HasSubstr("- Dataset: ../shared/data/imdb \"double\" &amp; 'single' &amp;amp; quotes\n"));
  EXPECT_THAT(markdown, Not(HasSubstr("\xff")));
}
