#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace blindspot::report {

// Maps the data interval [domain_low, domain_high] linearly onto [range_low, range_high]
// (pixels; range_low > range_high for a y axis, whose pixels grow downwards).
struct LinearScale {
  double domain_low = 0;
  double domain_high = 1;
  double range_low = 0;
  double range_high = 1;
  double operator()(double value) const;
};

// About `target_count` round tick values (steps of 1, 2 or 5 x 10^k) covering [low, high].
// The first and last tick enclose the interval, so they make a tidy axis domain. A degenerate
// or non-finite interval gives the ticks of [0, 1].
std::vector<double> nice_ticks(double low, double high, int target_count);

enum class TextAnchor { start, middle, end };

// Builds one inline <svg> element. Styling comes from CSS classes of the report's stylesheet
// and `fill` attributes (presentation attributes, which the page's CSP allows); every text
// passed in is escaped here, so charts cannot inject markup.
class SvgCanvas {
 public:
  // `title` becomes the <title> child (the accessible name, shown as a tooltip) and
  // `description` the <desc> child (a text summary for screen readers).
  SvgCanvas(double width, double height, std::string_view title, std::string_view description);

  void line(double x1, double y1, double x2, double y2, std::string_view css_class);
  void rect(double x, double y, double width, double height, std::string_view css_class, std::string_view fill = {});
  void circle(double cx, double cy, double radius, std::string_view css_class, std::string_view fill = {});
  void polyline(const std::vector<std::pair<double, double>>& points, std::string_view css_class);
  void text(double x, double y, std::string_view content, std::string_view css_class,
            TextAnchor anchor = TextAnchor::start);
  // A text rotated by -90 degrees about (x, y), for a y-axis label.
  void vertical_text(double x, double y, std::string_view content, std::string_view css_class);

  // An x axis at pixel row `y` with ticks at `ticks` (data values mapped by `scale`) and
  // `label` centred below; tick labels have `decimals` decimals.
  void x_axis(const LinearScale& scale, const std::vector<double>& ticks, double y, int decimals,
              std::string_view label);
  // A y axis at pixel column `x`, the same way; the label is written vertically.
  void y_axis(const LinearScale& scale, const std::vector<double>& ticks, double x, int decimals,
              std::string_view label);

  // The finished <svg> element.
  std::string str() const;

 private:
  double width_;
  double height_;
  std::string title_;
  std::string description_;
  std::string body_;
};

// A pixel coordinate with at most one decimal, locale-independent ("12.5", "40").
std::string svg_number(double value);

}  // namespace blindspot::report
