#include "svg_canvas.hpp"

#include "html_escape.hpp"
#include "number_format.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace blindspot::report {
namespace {

std::string class_attribute(std::string_view css_class) {
  return css_class.empty() ? std::string() : " class=\"" + escape_html(css_class) + "\"";
}

std::string fill_attribute(std::string_view fill) {
  return fill.empty() ? std::string() : " fill=\"" + escape_html(fill) + "\"";
}

const char* anchor_name(TextAnchor anchor) {
  switch (anchor) {
    case TextAnchor::start: return "start";
    case TextAnchor::middle: return "middle";
    case TextAnchor::end: return "end";
  }
  return "start";
}

}  // namespace

double LinearScale::operator()(double value) const {
  const double span = domain_high - domain_low;
  if (span == 0) return range_low;
  return range_low + (value - domain_low) / span * (range_high - range_low);
}

std::vector<double> nice_ticks(double low, double high, int target_count) {
  if (!std::isfinite(low) || !std::isfinite(high) || high <= low) {
    low = 0;
    high = 1;
  }
  target_count = std::max(target_count, 2);
  const double raw_step = (high - low) / target_count;
  const double magnitude = std::pow(10.0, std::floor(std::log10(raw_step)));
  double step = magnitude * 10;
  for (const double factor : {1.0, 2.0, 5.0}) {
    if (magnitude * factor >= raw_step) {
      step = magnitude * factor;
      break;
    }
  }
  const auto first = static_cast<long long>(std::floor(low / step + 1e-9));
  const auto last = static_cast<long long>(std::ceil(high / step - 1e-9));
  // A fractional step is divided out rather than multiplied in, so tick 3 of step 0.1 is the
  // double nearest 0.3 (3 / 10.0), not 0.30000000000000004 (3 * 0.1).
  const double steps_per_unit = step < 1 ? std::round(1 / step) : 0;
  std::vector<double> ticks;
  for (long long k = first; k <= last; ++k) {
    ticks.push_back(step < 1 ? static_cast<double>(k) / steps_per_unit : static_cast<double>(k) * step);
  }
  return ticks;
}

std::string svg_number(double value) {
  if (!std::isfinite(value)) return "0";
  std::string out = fmt::format("{:.1f}", value);
  if (out.ends_with(".0")) out.resize(out.size() - 2);
  if (out == "-0") out = "0";
  return out;
}

SvgCanvas::SvgCanvas(double width, double height, std::string_view title, std::string_view description)
    : width_(width), height_(height), title_(title), description_(description) {}

void SvgCanvas::line(double x1, double y1, double x2, double y2, std::string_view css_class) {
  body_ += fmt::format("<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\"{}/>", svg_number(x1), svg_number(y1),
                       svg_number(x2), svg_number(y2), class_attribute(css_class));
}

void SvgCanvas::rect(double x, double y, double width, double height, std::string_view css_class,
                     std::string_view fill) {
  // A negative size is invalid SVG; callers pass corners in either order.
  if (width < 0) {
    x += width;
    width = -width;
  }
  if (height < 0) {
    y += height;
    height = -height;
  }
  body_ += fmt::format("<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\"{}{}/>", svg_number(x), svg_number(y),
                       svg_number(width), svg_number(height), class_attribute(css_class), fill_attribute(fill));
}

void SvgCanvas::circle(double cx, double cy, double radius, std::string_view css_class, std::string_view fill) {
  body_ += fmt::format("<circle cx=\"{}\" cy=\"{}\" r=\"{}\"{}{}/>", svg_number(cx), svg_number(cy), svg_number(radius),
                       class_attribute(css_class), fill_attribute(fill));
}

void SvgCanvas::polyline(const std::vector<std::pair<double, double>>& points, std::string_view css_class) {
  if (points.size() < 2) return;
  std::string coordinates;
  for (const auto& [x, y] : points) {
    if (!coordinates.empty()) coordinates += ' ';
    coordinates += svg_number(x) + "," + svg_number(y);
  }
  body_ += "<polyline points=\"" + coordinates + "\"" + class_attribute(css_class) + "/>";
}

void SvgCanvas::text(double x, double y, std::string_view content, std::string_view css_class, TextAnchor anchor) {
  body_ += fmt::format("<text x=\"{}\" y=\"{}\" text-anchor=\"{}\"{}>{}</text>", svg_number(x), svg_number(y),
                       anchor_name(anchor), class_attribute(css_class), escape_html(content));
}

void SvgCanvas::vertical_text(double x, double y, std::string_view content, std::string_view css_class) {
  body_ +=
      fmt::format("<text x=\"{0}\" y=\"{1}\" text-anchor=\"middle\" transform=\"rotate(-90 {0} {1})\"{2}>{3}</text>",
                  svg_number(x), svg_number(y), class_attribute(css_class), escape_html(content));
}

void SvgCanvas::x_axis(const LinearScale& scale, const std::vector<double>& ticks, double y, int decimals,
                       std::string_view label) {
  line(scale.range_low, y, scale.range_high, y, "axis");
  for (const double tick : ticks) {
    const double x = scale(tick);
    line(x, y, x, y + 4, "axis");
    text(x, y + 16, format_number(tick, decimals), "tick", TextAnchor::middle);
  }
  text((scale.range_low + scale.range_high) / 2, y + 32, label, "axis-label", TextAnchor::middle);
}

void SvgCanvas::y_axis(const LinearScale& scale, const std::vector<double>& ticks, double x, int decimals,
                       std::string_view label) {
  line(x, scale.range_low, x, scale.range_high, "axis");
  for (const double tick : ticks) {
    const double y = scale(tick);
    line(x - 4, y, x, y, "axis");
    text(x - 6, y + 4, format_number(tick, decimals), "tick", TextAnchor::end);
  }
  vertical_text(x - 34, (scale.range_low + scale.range_high) / 2, label, "axis-label");
}

std::string SvgCanvas::str() const {
  // viewBox plus width/height: the chart keeps its proportions when CSS shrinks it to fit.
  return fmt::format(
      "<svg role=\"img\" viewBox=\"0 0 {0} {1}\" width=\"{0}\" height=\"{1}\"><title>{2}</title>"
      "<desc>{3}</desc>{4}</svg>",
      svg_number(width_), svg_number(height_), escape_html(title_), escape_html(description_), body_);
}

}  // namespace blindspot::report
