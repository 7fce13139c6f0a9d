#include "html_escape.hpp"
#include "html_sections.hpp"
#include "number_format.hpp"
#include "report_model.hpp"
#include "svg_charts.hpp"

#include <algorithm>
#include <array>
#include <cmath>

namespace blindspot::report {
namespace {

// Okabe & Ito (2008), "Color Universal Design", without black (axes) and yellow (too light
// on white).
constexpr std::array<std::string_view, 6> kPalette = {"#0072b2", "#e69f00", "#009e73", "#cc79a7", "#d55e00", "#56b4e9"};
constexpr std::string_view kNoneColour = "#8c959f";

std::string figure(const std::string& svg, const std::string& escaped_caption) {
  return "<figure>" + svg + "<figcaption>" + escaped_caption + "</figcaption></figure>";
}

std::string ece_text(const ConditionResult& condition) {
  const auto* ece = find_metric(condition, "ece");
  return ece == nullptr ? std::string() : ", ECE " + format_number(ece->mean, 3);
}

}  // namespace

std::string condition_colour(const ExperimentReport& report, std::size_t index) {
  if (index < report.conditions.size() && report.conditions[index].name == "none") return std::string(kNoneColour);
  // Skip `none` when counting, so the first treated condition always gets the first colour.
  std::size_t treated = 0;
  for (std::size_t i = 0; i < index && i < report.conditions.size(); ++i) {
    if (report.conditions[i].name != "none") ++treated;
  }
  return std::string(kPalette[treated % kPalette.size()]);
}

std::string render_uu_charts(const ExperimentReport& report) {
  const ConditionResult* none = find_none(report);
  std::string body;
  for (const auto& name : metric_names(report)) {
    if (!is_uu_count_metric(name)) continue;
    std::vector<IntervalRow> rows;
    for (std::size_t i = 0; i < report.conditions.size(); ++i) {
      const auto* metric = find_metric(report.conditions[i], name);
      if (metric == nullptr) continue;
      rows.push_back({report.conditions[i].name, condition_colour(report, i), metric->mean, metric->ci_low,
                      metric->ci_high, metric->per_seed});
    }
    const MetricSummary* reference = none == nullptr ? nullptr : find_metric(*none, name);
    const std::optional<double> reference_mean =
        reference != nullptr && std::isfinite(reference->mean) ? std::optional<double>(reference->mean) : std::nullopt;
    const std::string title = name + " on test per condition";
    const std::string interval = reference != nullptr ? reference->interval : "t over seeds";
    body += figure(interval_chart(title, name, rows, reference_mean, "none", 1),
                   escape_html(name) + ": bar = mean over seeds, whisker = 95% interval of the mean (" +
                       escape_html(interval) + "), dots = seeds" + (reference_mean ? ", dashed line = none." : "."));
  }
  if (body.empty()) return section("uus", "UU counts on test", note("No UU counts were recorded."));
  return section("uus", "UU counts on test", "<div class=\"charts\">" + body + "</div>");
}

std::string render_reliability(const ExperimentReport& report) {
  const ConditionResult* none = find_none(report);
  const bool have_before = none != nullptr && !none->reliability.empty();
  std::string body;
  for (std::size_t i = 0; i < report.conditions.size(); ++i) {
    const auto& condition = report.conditions[i];
    if (condition.reliability.empty()) continue;
    std::int64_t count = 0;
    for (const auto& bin : condition.reliability) count += bin.count;
    const bool overlay = have_before && &condition != none;
    const std::string title = condition.name + ": reliability on test" + ece_text(condition);
    body += figure(reliability_chart(title, condition.reliability, condition_colour(report, i),
                                     overlay ? &none->reliability : nullptr, "none (before)"),
                   escape_html(condition.name) + escape_html(ece_text(condition)) + ", " + format_count(count) +
                       " predictions pooled over seeds" + (overlay ? "; dark line: none (before)." : "."));
  }
  if (body.empty()) return section("calibration", "Calibration", note("No reliability bins were recorded."));
  return section("calibration", "Calibration",
                 "<p>Reliability diagrams on test: bars are the accuracy of the predictions in each confidence bin; "
                 "a calibrated model follows the dashed diagonal, and bars below it are overconfident, where UUs "
                 "live.</p><div class=\"charts\">" +
                     body + "</div>");
}

std::string render_confidence_histograms(const ExperimentReport& report) {
  // One y scale for every panel, so the panels compare.
  double max_share = 0;
  for (const auto& condition : report.conditions) {
    std::int64_t total = 0;
    for (const auto count : condition.confidence_histogram) total += std::max<std::int64_t>(count, 0);
    if (total == 0) continue;
    for (const auto count : condition.confidence_histogram) {
      max_share = std::max(max_share, static_cast<double>(count) / static_cast<double>(total));
    }
  }
  std::string body;
  for (std::size_t i = 0; i < report.conditions.size(); ++i) {
    const auto& condition = report.conditions[i];
    if (condition.confidence_histogram.empty()) continue;
    const std::string title = condition.name + ": predicted-class confidence on test";
    body += figure(histogram_chart(title, condition.confidence_histogram, condition.confidence_histogram_lower,
                                   condition.confidence_histogram_upper, condition_colour(report, i), max_share),
                   escape_html(condition.name));
  }
  if (body.empty()) return section("confidence", "Confidence", note("No confidence histograms were recorded."));
  return section("confidence", "Confidence",
                 "<p>Share of test predictions per predicted-class confidence bin, pooled over seeds.</p>"
                 "<div class=\"charts\">" +
                     body + "</div>");
}

}  // namespace blindspot::report
