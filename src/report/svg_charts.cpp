#include "svg_charts.hpp"

#include "html_escape.hpp"
#include "number_format.hpp"
#include "svg_canvas.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>

namespace blindspot::report {
namespace {

// Chart labels are data (condition names): cut long ones so they cannot push the plot away.
constexpr std::size_t kMaxLabelBytes = 22;

// Decimals that tell neighbouring ticks apart.
int tick_decimals(const std::vector<double>& ticks) {
  if (ticks.size() < 2) return 0;
  const double step = std::fabs(ticks[1] - ticks[0]);
  return step >= 1 ? 0 : std::min(6, static_cast<int>(std::ceil(-std::log10(step) - 1e-9)));
}

void widen(double value, double& low, double& high) {
  if (!std::isfinite(value)) return;
  low = std::min(low, value);
  high = std::max(high, value);
}

}  // namespace

std::string interval_chart(std::string_view title, std::string_view axis_label, const std::vector<IntervalRow>& rows,
                           std::optional<double> reference, std::string_view reference_label, int decimals) {
  constexpr double kLeft = 180, kRight = 170, kTop = 22, kRowHeight = 30, kBottom = 44, kPlotWidth = 340;
  const double height = kTop + kRowHeight * static_cast<double>(rows.size()) + kBottom;
  double low = 0, high = 0;
  for (const auto& row : rows) {
    for (const double value : {row.mean, row.low, row.high}) widen(value, low, high);
    for (const double value : row.points) widen(value, low, high);
  }
  if (reference) widen(*reference, low, high);
  const auto ticks = nice_ticks(low, high, 5);
  const LinearScale x{ticks.front(), ticks.back(), kLeft, kLeft + kPlotWidth};

  std::string description = std::string(axis_label) + " per condition: mean, 95% interval and the seeds.";
  for (const auto& row : rows) {
    description += " " + row.label + ": " + format_number(row.mean, decimals) + " [" +
                   format_number(row.low, decimals) + ", " + format_number(row.high, decimals) + "].";
  }
  SvgCanvas svg(kLeft + kPlotWidth + kRight, height, title, description);
  const double plot_bottom = kTop + kRowHeight * static_cast<double>(rows.size());
  for (const double tick : ticks) svg.line(x(tick), kTop - 6, x(tick), plot_bottom, "grid");
  if (reference && std::isfinite(*reference)) {
    svg.line(x(*reference), kTop - 10, x(*reference), plot_bottom, "reference");
    svg.text(x(*reference), kTop - 12, reference_label, "tick", TextAnchor::middle);
  }
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const auto& row = rows[i];
    const double centre = kTop + kRowHeight * (static_cast<double>(i) + 0.5);
    svg.text(kLeft - 8, centre + 4, truncate_utf8(row.label, kMaxLabelBytes), "label", TextAnchor::end);
    if (std::isfinite(row.mean)) svg.rect(x(0), centre - 8, x(row.mean) - x(0), 16, "bar", row.colour);
    if (std::isfinite(row.low) && std::isfinite(row.high)) {
      svg.line(x(row.low), centre, x(row.high), centre, "whisker");
      svg.line(x(row.low), centre - 6, x(row.low), centre + 6, "whisker");
      svg.line(x(row.high), centre - 6, x(row.high), centre + 6, "whisker");
    }
    for (std::size_t p = 0; p < row.points.size(); ++p) {
      if (!std::isfinite(row.points[p])) continue;
      // Alternate the dots above and below the whisker so equal seeds stay visible.
      const double offset = (p % 2 == 0 ? -1.0 : 1.0) * (2.0 + static_cast<double>(p % 3));
      svg.circle(x(row.points[p]), centre + offset, 2.5, "seed");
    }
    const std::string value = format_number(row.mean, decimals) + "  [" + format_number(row.low, decimals) + ", " +
                              format_number(row.high, decimals) + "]";
    svg.text(kLeft + kPlotWidth + 10, centre + 4, value, "value");
  }
  svg.x_axis(x, ticks, plot_bottom, tick_decimals(ticks), axis_label);
  return svg.str();
}

std::string reliability_chart(std::string_view title, const std::vector<ReliabilityBin>& bins, std::string_view colour,
                              const std::vector<ReliabilityBin>* before, std::string_view before_label) {
  constexpr double kLeft = 48, kTop = 12, kSize = 190, kBottom = 44;
  const LinearScale x{0, 1, kLeft, kLeft + kSize};
  const LinearScale y{0, 1, kTop + kSize, kTop};
  std::string description = "Accuracy against confidence per bin; the diagonal is perfect calibration.";
  if (before != nullptr) description += " The dark line is " + std::string(before_label) + ".";
  SvgCanvas svg(kLeft + kSize + 16, kTop + kSize + kBottom, title, description);
  const std::vector<double> ticks = {0, 0.25, 0.5, 0.75, 1};
  for (const double tick : ticks) svg.line(x(0), y(tick), x(1), y(tick), "grid");
  bool any = false;
  for (const auto& bin : bins) {
    if (bin.count <= 0) continue;
    any = true;
    svg.rect(x(bin.lower), y(bin.accuracy), x(bin.upper) - x(bin.lower), y(0) - y(bin.accuracy), "bin", colour);
  }
  svg.line(x(0), y(0), x(1), y(1), "diagonal");
  if (before != nullptr) {
    std::vector<std::pair<double, double>> points;
    for (const auto& bin : *before) {
      if (bin.count > 0) points.emplace_back(x(bin.mean_confidence), y(bin.accuracy));
    }
    svg.polyline(points, "before");
    for (const auto& [px, py] : points) svg.circle(px, py, 2.5, "before-dot");
  }
  if (!any) svg.text(x(0.5), y(0.5), "no predictions", "label", TextAnchor::middle);
  svg.x_axis(x, ticks, y(0), 2, "confidence");
  svg.y_axis(y, ticks, x(0), 2, "accuracy");
  return svg.str();
}

std::string histogram_chart(std::string_view title, const std::vector<std::int64_t>& counts, double lower, double upper,
                            std::string_view colour, double max_share) {
  constexpr double kLeft = 48, kTop = 12, kWidth = 190, kHeight = 120, kBottom = 44;
  std::int64_t total = 0;
  for (const auto count : counts) total += std::max<std::int64_t>(count, 0);
  const auto y_ticks = nice_ticks(0, max_share > 0 ? max_share : 1, 4);
  const LinearScale x{lower, upper, kLeft, kLeft + kWidth};
  const LinearScale y{0, y_ticks.back(), kTop + kHeight, kTop};
  SvgCanvas svg(kLeft + kWidth + 16, kTop + kHeight + kBottom, title,
                "Share of " + format_count(total) + " test predictions per confidence bin.");
  for (const double tick : y_ticks) svg.line(x(lower), y(tick), x(upper), y(tick), "grid");
  const double width = counts.empty() ? 0 : (upper - lower) / static_cast<double>(counts.size());
  for (std::size_t b = 0; b < counts.size() && total > 0; ++b) {
    const double share = static_cast<double>(std::max<std::int64_t>(counts[b], 0)) / static_cast<double>(total);
    const double left = lower + width * static_cast<double>(b);
    svg.rect(x(left), y(share), x(left + width) - x(left), y(0) - y(share), "bin", colour);
  }
  if (total == 0)
    svg.text(x((lower + upper) / 2), y(y_ticks.back() / 2), "no predictions", "label", TextAnchor::middle);
  const auto x_ticks = nice_ticks(lower, upper, 5);
  svg.x_axis(x, x_ticks, y(0), tick_decimals(x_ticks), "confidence");
  svg.y_axis(y, y_ticks, x(lower), tick_decimals(y_ticks), "share");
  return svg.str();
}

std::string scatter_chart(std::string_view title, std::string_view x_label, std::string_view y_label,
                          const std::vector<ScatterPoint>& points) {
  constexpr double kLeft = 64, kTop = 16, kWidth = 420, kHeight = 220, kBottom = 48, kRight = 150;
  double x_low = 0, x_high = 0, y_low = 0, y_high = 0;
  for (const auto& point : points) {
    widen(point.x, x_low, x_high);
    widen(point.y, y_low, y_high);
  }
  const auto x_ticks = nice_ticks(x_low, x_high, 5);
  const auto y_ticks = nice_ticks(y_low, y_high, 5);
  const LinearScale x{x_ticks.front(), x_ticks.back(), kLeft, kLeft + kWidth};
  const LinearScale y{y_ticks.front(), y_ticks.back(), kTop + kHeight, kTop};
  std::string description = std::string(y_label) + " against " + std::string(x_label) + ".";
  for (const auto& point : points) {
    description += " " + point.label + ": " + format_number(point.x, 4) + ", " + format_number(point.y, 1) + ".";
  }
  SvgCanvas svg(kLeft + kWidth + kRight, kTop + kHeight + kBottom, title, description);
  for (const double tick : y_ticks) svg.line(x(x_ticks.front()), y(tick), x(x_ticks.back()), y(tick), "grid");
  svg.line(x(x_ticks.front()), y(0), x(x_ticks.back()), y(0), "reference");
  // Labels of points at the same spot would print over each other; stack them instead.
  std::vector<std::pair<double, double>> placed;
  for (const auto& point : points) {
    if (!std::isfinite(point.x) || !std::isfinite(point.y)) continue;
    const double px = x(point.x), py = y(point.y);
    svg.circle(px, py, 5, "point", point.colour);
    double label_y = py + 4;
    while (std::any_of(placed.begin(), placed.end(), [&](const auto& other) {
      return std::fabs(other.first - px) < 60 && std::fabs(other.second - label_y) < 13;
    })) {
      label_y += 13;
    }
    placed.emplace_back(px, label_y);
    svg.text(px + 9, label_y, truncate_utf8(point.label, kMaxLabelBytes), "label");
  }
  svg.x_axis(x, x_ticks, y(y_ticks.front()), std::max(tick_decimals(x_ticks), 0), x_label);
  svg.y_axis(y, y_ticks, x(x_ticks.front()), tick_decimals(y_ticks), y_label);
  return svg.str();
}

}  // namespace blindspot::report
