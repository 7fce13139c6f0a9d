#include "html_escape.hpp"
#include "html_structure.hpp"
#include "report_fixture.hpp"

#include "blindspot/report/experiment_report.hpp"
#include "support/test_support.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <regex>
#include <set>
#include <string>

using namespace blindspot;
using namespace blindspot::test;
using ::testing::HasSubstr;
using ::testing::Not;

namespace {

std::string render_html(const report::ExperimentReport& data, const TempDir& dir) {
  const auto file = dir / "report.html";
  report::write_html(file, data);
  return read_text(file);
}

std::string lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

std::size_t count(const std::string& text, const std::string& needle) {
  std::size_t found = 0;
  for (auto pos = text.find(needle); pos != std::string::npos; pos = text.find(needle, pos + 1)) ++found;
  return found;
}

// Everything the report may contain: document structure, tables, lists and the SVG primitives.
const std::set<std::string> kAllowedTags = {
    "html",  "head",    "meta",  "title",  "style",    "body", "header",     "h1",   "h2",     "h3",         "h4",
    "dl",    "dt",      "dd",    "nav",    "a",        "main", "section",    "p",    "ul",     "li",         "div",
    "table", "caption", "thead", "tbody",  "tr",       "th",   "td",         "span", "figure", "figcaption", "svg",
    "desc",  "line",    "rect",  "circle", "polyline", "text", "blockquote", "code", "footer"};

}  // namespace

TEST(HtmlReport, HostileTextsAppearOnlyEscaped) {
  TempDir dir;
  const std::string html = render_html(hostile_report(), dir);
  EXPECT_THAT(html, HasSubstr("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;"));
  EXPECT_THAT(html, HasSubstr("&lt;img src=x onerror=alert(1)&gt;"));
  EXPECT_THAT(html, HasSubstr("&quot;double&quot; &amp; &#39;single&#39; &amp;amp; quotes"));
  EXPECT_THAT(html, HasSubstr("Great film.&lt;br /&gt;&lt;br /&gt;Not really."));
  EXPECT_THAT(html, HasSubstr("&lt;/style&gt;&lt;/svg&gt;&lt;/table&gt;&lt;/td&gt;&lt;!-- ]]&gt;"));
  for (const auto& text : hostile_texts()) {
    if (text.find_first_of("<>&\"'") != std::string::npos) {
      EXPECT_THAT(html, Not(HasSubstr(text)));
    }
  }
  const std::string folded = lower(html);
  EXPECT_THAT(folded, Not(HasSubstr("<script")));
  EXPECT_THAT(folded, Not(HasSubstr("<img")));
  EXPECT_THAT(folded, Not(HasSubstr("<br")));
  EXPECT_THAT(folded, Not(HasSubstr("<b>")));
  EXPECT_THAT(html, HasSubstr("<code>&lt;b&gt;</code>"));
  // Invalid UTF-8 and the control character became U+FFFD; the page is valid UTF-8.
  EXPECT_THAT(html, HasSubstr("bad bytes \xEF\xBF\xBD\xEF\xBF\xBD here \xEF\xBF\xBD end"));
  EXPECT_THAT(html, Not(HasSubstr("\xff")));
  EXPECT_THAT(html, HasSubstr("naïve café — 映画"));
}

TEST(HtmlReport, IsWellFormedWithOnlyInertMarkup) {
  TempDir dir;
  const std::string html = render_html(hostile_report(), dir);
  const HtmlStructure structure = parse_html_structure(html);
  EXPECT_THAT(structure.errors, ::testing::IsEmpty());
  ASSERT_GT(structure.tags.size(), 100U);
  for (const auto& tag : structure.tags) {
    EXPECT_TRUE(kAllowedTags.count(tag.name)) << "unexpected <" << tag.name << ">";
    for (const auto& [attribute, value] : tag.attributes) {
      EXPECT_FALSE(attribute.starts_with("on")) << "event handler " << attribute << " on <" << tag.name << ">";
      EXPECT_NE(attribute, "src") << "<" << tag.name << "> loads " << value;
      EXPECT_NE(attribute, "style") << "<" << tag.name << "> has an inline style";
      if (attribute == "href") {
        EXPECT_TRUE(value.starts_with("#")) << "link leaves the page: " << value;
      }
    }
  }
  // Nothing that a browser would fetch.
  EXPECT_THAT(html, Not(HasSubstr("http://")));
  EXPECT_THAT(html, Not(HasSubstr("https://")));
  EXPECT_THAT(html, Not(HasSubstr("url(")));
  EXPECT_THAT(html, Not(HasSubstr("@import")));
}

TEST(HtmlReport, SelfCheckOfTheStructureParserCatchesBrokenMarkup) {
  EXPECT_THAT(parse_html_structure("<div><span></div></span>").errors, Not(::testing::IsEmpty()));
  EXPECT_THAT(parse_html_structure("<p>a & b</p>").errors, Not(::testing::IsEmpty()));
  EXPECT_THAT(parse_html_structure("<a href=x>y</a>").errors, Not(::testing::IsEmpty()));
  EXPECT_THAT(parse_html_structure("<section><p>x</p>").errors, Not(::testing::IsEmpty()));
  EXPECT_THAT(parse_html_structure("<p title=\"a<b\">x</p>").errors, Not(::testing::IsEmpty()));
  EXPECT_THAT(parse_html_structure("<style>p>a{}</style><p>&amp;&#39;&#x41;<br/><meta x=\"1\"></p>").errors,
              ::testing::IsEmpty());
}

TEST(HtmlReport, HasStrictContentSecurityPolicyAndNoScript) {
  TempDir dir;
  const std::string html = render_html(hostile_report(), dir);
  EXPECT_THAT(html, HasSubstr("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src &#39;none&#39;; "
                              "style-src &#39;unsafe-inline&#39;; img-src data:\"/>"));
  // The policy must come before anything it governs.
  EXPECT_LT(html.find("Content-Security-Policy"), html.find("<style>"));
  EXPECT_THAT(html, HasSubstr("<meta charset=\"utf-8\"/>"));
  EXPECT_THAT(html, HasSubstr("<html lang=\"en\">"));
}

TEST(HtmlReport, HasEverySectionInOrderWithFindingsFirst) {
  TempDir dir;
  const std::string html = render_html(hostile_report(), dir);
  std::size_t previous = 0;
  for (const std::string id : {"findings", "metrics", "uus", "calibration", "confidence", "costs", "blind-spots"}) {
    const auto at = html.find("<section id=\"" + id + "\">");
    ASSERT_NE(at, std::string::npos) << id;
    EXPECT_GT(at, previous) << id;
    previous = at;
  }
  EXPECT_THAT(html, HasSubstr("<dt>Seeds</dt><dd>1, 2, 3 (3 seeds)</dd>"));
  EXPECT_THAT(html, HasSubstr("500 synthetic samples per condition and seed"));
  EXPECT_THAT(html, HasSubstr("<li>The auto teacher removed 5 adversarial UUs on average; &lt;script&gt;"));
}

TEST(HtmlReport, ChartsAreAccessibleInlineSvg) {
  TempDir dir;
  const std::string html = render_html(hostile_report(), dir);
  // 3 UU metrics + 3 reliability diagrams + 3 histograms + 1 cost scatter.
  EXPECT_EQ(count(html, "<svg role=\"img\""), 10U);
  EXPECT_EQ(count(html, "<svg "), count(html, "</svg>"));
  const std::regex titled(
      "<svg role=\"img\" viewBox=\"[0-9. ]+\" width=\"[0-9.]+\" height=\"[0-9.]+\"><title>[^<]+"
      "</title><desc>[^<]+</desc>");
  EXPECT_EQ(static_cast<std::size_t>(
                std::distance(std::sregex_iterator(html.begin(), html.end(), titled), std::sregex_iterator())),
            10U);
  EXPECT_THAT(html, HasSubstr("<title>uus@0.65 on test per condition</title>"));
  EXPECT_THAT(html, HasSubstr("<title>adversarial_uus on test per condition</title>"));
  EXPECT_THAT(html, HasSubstr("<title>none: reliability on test, ECE 0.055</title>"));
  EXPECT_THAT(html, HasSubstr("<title>Cost against UU reduction</title>"));
  // The hostile condition name is escaped inside SVG text too.
  EXPECT_THAT(html, HasSubstr("<text x=\"172\" y=\""));
  EXPECT_THAT(html, HasSubstr(">llm &lt;img src=x onerror…</text>"));
  // Bars in the condition colours: grey for none, then the Okabe-Ito palette.
  EXPECT_THAT(html, HasSubstr("fill=\"#8c959f\""));
  EXPECT_THAT(html, HasSubstr("fill=\"#0072b2\""));
  EXPECT_THAT(html, HasSubstr("fill=\"#e69f00\""));
}

TEST(HtmlReport, MetricTableHasHeadersMeansIntervalsAndPValues) {
  TempDir dir;
  // Cells wrap only between their parts: no-break spaces hold "Δ -10.0", "41.3 ± 2.5" and intervals together.
  const std::string html = std::regex_replace(render_html(hostile_report(), dir), std::regex("\xC2\xA0"), " ");
  EXPECT_THAT(render_html(hostile_report(), dir), HasSubstr("<span class=\"m\">41.3\xC2\xA0±\xC2\xA0"
                                                            "2.5</span>"));
  EXPECT_THAT(html, HasSubstr("<th scope=\"col\">Metric</th><th scope=\"col\">none</th><th scope=\"col\">auto<span "
                              "class=\"teacher\">auto (baseline)</span></th>"));
  EXPECT_THAT(html, HasSubstr("<th scope=\"row\">accuracy<span class=\"dir\">higher is better</span></th>"));
  EXPECT_THAT(html, HasSubstr("<th scope=\"row\">ece<span class=\"dir\">lower is better</span></th>"));
  // none's adversarial UUs: seeds 41, 44, 39 -> mean 41.3, sd 2.5, interval mean -+ sd.
  EXPECT_THAT(html, HasSubstr("<span class=\"m\">41.3 ± 2.5</span><span class=\"ci\">[38.8, 43.8]</span></td>"));
  // auto against none: an effect whose interval excludes zero is bold, one that includes it is not.
  EXPECT_THAT(html, HasSubstr("<span class=\"p sig\">Δ -10.0 [-16.0, -4.0]</span><span class=\"p\">p = 0.030</span>"));
  EXPECT_THAT(html, HasSubstr("<span class=\"p sig\">Δ -0.010 [-0.015, -0.005]</span><span class=\"p\">p &lt; "
                              "0.001</span>"));
  EXPECT_THAT(html, HasSubstr("<span class=\"p\">Δ +0.010 [-0.015, 0.035]</span><span class=\"p\">p = 0.410</span>"));
  // macro-F1 is the same on every row: no interval, no p-value.
  EXPECT_THAT(html, HasSubstr("<span class=\"p\">Δ 0.000</span><span class=\"p\">no difference</span>"));
}

TEST(HtmlReport, UnvariedMetricsSayNoVariationAndShowNoIntervalOrPValue) {
  TempDir dir;
  const std::string html = std::regex_replace(render_html(hostile_report(), dir), std::regex("\xC2\xA0"), " ");
  // uus@0.95 is 3 on every seed of none and 4 on every seed of auto.
  EXPECT_THAT(html, HasSubstr("<td class=\"num\"><span class=\"m\">3.0 (no variation across seeds)</span></td>"));
  EXPECT_THAT(html, HasSubstr("<td class=\"num\"><span class=\"m\">4.0 (no variation across seeds)</span><span "
                              "class=\"p\">Δ +1.0</span><span class=\"p\">no variation across seeds</span></td>"));
  EXPECT_THAT(html, Not(HasSubstr("[3.0, 3.0]")));
}

TEST(HtmlReport, MissingNumbersShowAsDash) {
  TempDir dir;
  const std::string html = std::regex_replace(render_html(hostile_report(), dir), std::regex("\xC2\xA0"), " ");
  // cad:accuracy has a NaN mean in the llm condition and is absent from the others.
  EXPECT_THAT(html, HasSubstr("<th scope=\"row\">cad:accuracy<span class=\"dir\">higher is better</span></th>"
                              "<td class=\"num\">–</td><td class=\"num\">–</td><td class=\"num\"><span "
                              "class=\"m\">– ± 0.010</span>"));
  EXPECT_FALSE(std::regex_search(html, std::regex("\\b(nan|inf)\\b", std::regex::icase)));
  // Undefined cost ratios, and blind spot 2 with no fixes recorded.
  EXPECT_THAT(html, HasSubstr("<td class=\"num\">–</td><td class=\"num\">–</td><td class=\"num\">–</td></tr>"));
}

TEST(HtmlReport, CostsNoteUnpricedCallsAndZeroCosts) {
  TempDir dir;
  const std::string html = render_html(hostile_report(), dir);
  EXPECT_THAT(html, HasSubstr("Unpriced LLM calls (a model missing from the price table) in: llm &lt;img"));
  EXPECT_THAT(html, HasSubstr("<td class=\"num\">$0.042 (unpriced calls)</td>"));
  EXPECT_THAT(html, HasSubstr("<td class=\"num\">123,456 + 65,432</td>"));
  EXPECT_THAT(html, HasSubstr("<td class=\"num\">1 h 30 min</td><td class=\"num\">$22.50</td>"));
  EXPECT_THAT(html, HasSubstr("<td class=\"num\">$2.25</td></tr>"));
  EXPECT_THAT(html, Not(HasSubstr("Every condition cost $0")));

  auto free = hostile_report();
  for (auto& condition : free.conditions) condition.cost = {};
  const std::string free_html = render_html(free, dir);
  EXPECT_THAT(free_html, HasSubstr("Every condition cost $0"));
  EXPECT_THAT(free_html, Not(HasSubstr("Unpriced LLM calls")));
}

TEST(HtmlReport, BlindSpotsShowTokensTextsHypothesesSamplesAndFixes) {
  TempDir dir;
  const std::string html = render_html(hostile_report(), dir);
  EXPECT_THAT(html, HasSubstr("<th scope=\"col\">Fixed: none</th><th scope=\"col\">Fixed: auto</th>"
                              "<th scope=\"col\">Fixed: llm &lt;img src=x onerror=alert(1)&gt;</th>"));
  EXPECT_THAT(html, HasSubstr("<td class=\"num\">3.7 (31%)</td><td class=\"num\">6.0 (50%)</td>"));
  EXPECT_THAT(html, HasSubstr("<h3>Blind spot 1: negative read as positive &lt;/style&gt;"));
  EXPECT_THAT(html, HasSubstr("<li>[llm] &lt;img src=x onerror=alert(1)&gt;</li>"));
  EXPECT_THAT(html, HasSubstr("<tr><td>pos&lt;itive&gt;</td><td class=\"text\">&lt;script&gt;"));
  // The 900-character review is cut on display.
  EXPECT_THAT(html, HasSubstr("xxxx…</blockquote>"));
  EXPECT_THAT(html, Not(HasSubstr(std::string(900, 'x'))));
  EXPECT_THAT(html, HasSubstr("<a href=\"#blind-spot-2\">2</a>"));
  // Attribution: the net change with its two directions, the hypothesis escaped.
  EXPECT_THAT(html, HasSubstr("<h4>Which hypotheses helped</h4>"));
  EXPECT_THAT(html, HasSubstr("<tr><td>auto</td><td class=\"text\">typos in sentiment words &lt;script&gt;"));
  EXPECT_THAT(html, HasSubstr("<td class=\"num\">4</td><td class=\"num\">+3 (+5 / -2)</td><td class=\"num\">+1</td>"
                              "<td>yes / no</td>"));
  EXPECT_THAT(html, HasSubstr("<td class=\"num\">-1 (+0 / -1)</td><td class=\"num\">0</td><td>no / no</td>"));
}

TEST(HtmlReport, EmptyReportStillRenders) {
  TempDir dir;
  const std::string html = render_html(report::ExperimentReport{}, dir);
  EXPECT_THAT(parse_html_structure(html).errors, ::testing::IsEmpty());
  EXPECT_THAT(html, HasSubstr("<title>blindspot experiment report</title>"));
  EXPECT_THAT(html, HasSubstr("No findings were recorded."));
  EXPECT_THAT(html, HasSubstr("No metrics were recorded."));
  EXPECT_THAT(html, HasSubstr("No blind spots were recorded."));
  EXPECT_EQ(count(html, "<svg"), 0U);
}

// xmllint (libxml2-utils) checks the polyglot markup as XML: stricter than the browser.
TEST(HtmlReport, IsWellFormedXmlWhenXmllintIsInstalled) {
  if (run_command("command -v xmllint").exit_code != 0) GTEST_SKIP() << "xmllint is not installed (libxml2-utils)";
  TempDir dir;
  report::write_html(dir / "report.html", hostile_report());
  const CommandResult result = run_command("xmllint --noout --nonet '" + (dir / "report.html").string() + "'");
  EXPECT_EQ(result.exit_code, 0) << result.errors;
  EXPECT_EQ(result.errors, "");
}

TEST(HtmlReport, WriteIsAtomicAndReportsIoErrors) {
  TempDir dir;
  const auto target = dir / "report.html";
  write_text(target, "old");
  // A folder where the file should be makes the rename fail after everything was written.
  const auto blocked = dir / "blocked.html";
  std::filesystem::create_directories(blocked / "child");
  const core::Error error = expect_error([&] { report::write_html(blocked, hostile_report()); });
  EXPECT_EQ(error.kind(), core::ErrorKind::io);
  EXPECT_THAT(error.what(), HasSubstr("blocked.html"));
  report::write_html(target, hostile_report());
  EXPECT_THAT(read_text(target), HasSubstr("<!DOCTYPE html>"));
  // No temporary files are left beside the targets.
  std::size_t files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir.path())) {
    EXPECT_FALSE(entry.path().filename().string().starts_with(".")) << entry.path();
    ++files;
  }
  EXPECT_EQ(files, 2U);
}
