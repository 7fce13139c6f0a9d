#pragma once

#include "blindspot/report/experiment_report.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

// The four chart types of the HTML report, as inline <svg> strings (docs/report.md defines
// each). They know nothing about conditions or experiments: html_charts.cpp feeds them.
namespace blindspot::report {

// One row of an interval chart: a bar from 0 to `mean`, a whisker from `low` to `high` and
// one dot per value in `points` (the seeds).
struct IntervalRow {
  std::string label;
  std::string colour;  // CSS colour of the bar
  double mean = 0;
  double low = 0;
  double high = 0;
  std::vector<double> points;
};

// Horizontal bars with interval whiskers, one row per entry; `reference` draws a dashed
// vertical line (the `none` condition's mean) labelled `reference_label`. Values are printed
// with `decimals` decimals. Non-finite values are left out (the row shows "–").
std::string interval_chart(std::string_view title, std::string_view axis_label, const std::vector<IntervalRow>& rows,
                           std::optional<double> reference, std::string_view reference_label, int decimals);

// A reliability diagram: for each non-empty bin a bar of height `accuracy` over
// (lower, upper], the diagonal of perfect calibration, and, if `before` is given, the
// before-mitigation curve (accuracy against mean confidence of its non-empty bins) drawn over it.
std::string reliability_chart(std::string_view title, const std::vector<ReliabilityBin>& bins, std::string_view colour,
                              const std::vector<ReliabilityBin>* before, std::string_view before_label);

// A histogram of equal-width bins over [lower, upper]: bar heights are shares of the total
// count, on a y axis up to `max_share` (shared by the small multiples so they compare).
std::string histogram_chart(std::string_view title, const std::vector<std::int64_t>& counts, double lower, double upper,
                            std::string_view colour, double max_share);

struct ScatterPoint {
  std::string label;
  std::string colour;
  double x = 0;
  double y = 0;
};

// A scatter plot with labelled points and a line at y = 0. An x range of zero width (every
// point at x = 0, e.g. no priced cost) is drawn over [0, 1].
std::string scatter_chart(std::string_view title, std::string_view x_label, std::string_view y_label,
                          const std::vector<ScatterPoint>& points);

}  // namespace blindspot::report
