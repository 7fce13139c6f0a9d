#include "blindspot/report/experiment_report.hpp"

#include "html_escape.hpp"
#include "number_format.hpp"
#include "svg_canvas.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <limits>

using namespace blindspot::report;

namespace {
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInfinity = std::numeric_limits<double>::infinity();
}  // namespace

TEST(EscapeHtml, EscapesTheFiveSpecialCharacters) {
  EXPECT_EQ(escape_html("<a href=\"x\">Tom & Jerry's</a>"),
            "&lt;a href=&quot;x&quot;&gt;Tom &amp; Jerry&#39;s&lt;/a&gt;");
  EXPECT_EQ(escape_html("&amp;"), "&amp;amp;");
  EXPECT_EQ(escape_html("plain text, é — 映画"), "plain text, é — 映画");
  EXPECT_EQ(escape_html(""), "");
}

TEST(EscapeHtml, ReplacesInvalidUtf8AndControlCharacters) {
  EXPECT_EQ(escape_html("a\xff"
                        "b"),
            "a\xEF\xBF\xBD"
            "b");
  EXPECT_EQ(escape_html("a\x01"
                        "b\x7f"
                        "c"),
            "a\xEF\xBF\xBD"
            "b\xEF\xBF\xBD"
            "c");
  EXPECT_EQ(escape_html(std::string("nul\0byte", 8)),
            "nul\xEF\xBF\xBD"
            "byte");
  EXPECT_EQ(escape_html("tab\tnew\nline\r"), "tab\tnew\nline\r");
}

TEST(TruncateUtf8, CutsOnCharacterBoundaries) {
  EXPECT_EQ(truncate_utf8("short", 10), "short");
  EXPECT_EQ(truncate_utf8("abcdef", 3), "abc…");
  // "é" is two bytes: a cut after byte 2 would split it.
  EXPECT_EQ(truncate_utf8("aéb", 2), "a…");
  EXPECT_EQ(truncate_utf8("映画", 4), "映…");
}

TEST(NumberFormat, MissingValuesAreADash) {
  EXPECT_EQ(format_number(kNaN, 3), "–");
  EXPECT_EQ(format_number(kInfinity, 3), "–");
  EXPECT_EQ(format_usd(kNaN), "–");
  EXPECT_EQ(format_usd(std::optional<double>()), "–");
  EXPECT_EQ(format_p_value(std::nullopt), "–");
  EXPECT_EQ(format_duration(kNaN), "–");
}

TEST(NumberFormat, FormatsSensibly) {
  EXPECT_EQ(format_number(0.87349, 3), "0.873");
  EXPECT_EQ(format_number(-0.0001, 3), "0.000");
  EXPECT_EQ(format_number(-1.25, 1), "-1.2");
  EXPECT_EQ(format_metric("accuracy", 0.5), "0.500");
  EXPECT_EQ(format_metric("uus@0.65", 41.333), "41.3");
  EXPECT_EQ(format_metric("adversarial_uus", 7), "7.0");
  EXPECT_EQ(format_p_value(0.0004), "< 0.001");
  EXPECT_EQ(format_p_value(0.05), "0.050");
  EXPECT_EQ(format_count(0), "0");
  EXPECT_EQ(format_count(1234567), "1,234,567");
  EXPECT_EQ(format_count(-1234), "-1,234");
  EXPECT_EQ(format_usd(0), "$0");
  EXPECT_EQ(format_usd(0.0042), "$0.0042");
  EXPECT_EQ(format_usd(0.5), "$0.50");
  EXPECT_EQ(format_usd(12.346), "$12.35");
  EXPECT_EQ(format_usd(1234.4), "$1,234");
  EXPECT_EQ(format_usd(-2), "-$2.00");
  EXPECT_EQ(format_duration(4.25), "4.2 s");
  EXPECT_EQ(format_duration(42), "42 s");
  EXPECT_EQ(format_duration(720), "12 min");
  EXPECT_EQ(format_duration(3725), "1 h 02 min");
}

TEST(UuCountMetric, FollowsTheNamingConvention) {
  EXPECT_TRUE(is_uu_count_metric("uus@0.65"));
  EXPECT_TRUE(is_uu_count_metric("adversarial_uus"));
  EXPECT_TRUE(is_uu_count_metric("cad:uus@0.50"));
  EXPECT_TRUE(is_uu_count_metric("uus"));
  EXPECT_FALSE(is_uu_count_metric("adversarial_uu_rate"));
  EXPECT_FALSE(is_uu_count_metric("accuracy"));
  EXPECT_FALSE(is_uu_count_metric("adversarial_attacked"));
}

TEST(NiceTicks, AreRoundAndEncloseTheData) {
  EXPECT_EQ(nice_ticks(0, 41, 5), (std::vector<double>{0, 10, 20, 30, 40, 50}));
  EXPECT_EQ(nice_ticks(0, 1, 4), (std::vector<double>{0, 0.5, 1}));
  const auto ticks = nice_ticks(-3, 12, 5);
  EXPECT_EQ(ticks.front(), -5);
  EXPECT_EQ(ticks.back(), 15);
  EXPECT_EQ(nice_ticks(0, 0, 5), nice_ticks(0, 1, 5));
  EXPECT_EQ(nice_ticks(kNaN, 1, 5), nice_ticks(0, 1, 5));
  EXPECT_EQ(nice_ticks(0, 0.3, 3), (std::vector<double>{0, 0.1, 0.2, 0.3}));
}

TEST(SvgCanvas, EscapesTextsAndFormatsCoordinates) {
  SvgCanvas svg(100, 50, "a <title>", "b & c");
  svg.text(1.25, 2, "</svg><script>", "label");
  svg.rect(10, 10, -5, 4, "bar", "#fff\"onload=\"x");
  const std::string out = svg.str();
  EXPECT_THAT(out, ::testing::HasSubstr("<title>a &lt;title&gt;</title><desc>b &amp; c</desc>"));
  EXPECT_THAT(out, ::testing::HasSubstr(">&lt;/svg&gt;&lt;script&gt;</text>"));
  EXPECT_THAT(out, ::testing::HasSubstr("<rect x=\"5\" y=\"10\" width=\"5\" height=\"4\" class=\"bar\" "
                                        "fill=\"#fff&quot;onload=&quot;x\"/>"));
  EXPECT_EQ(svg_number(1.25), "1.2");
  EXPECT_EQ(svg_number(-0.01), "0");
  EXPECT_EQ(svg_number(40), "40");
}
