#include "number_format.hpp"

#include "blindspot/report/experiment_report.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>

namespace blindspot::report {

std::string format_number(double value, int decimals) {
  if (!std::isfinite(value)) return std::string(kMissing);
  std::string out = fmt::format("{:.{}f}", value, decimals);
  // "-0.000" reads as a sign where there is none.
  if (out.front() == '-' && out.find_first_not_of("-0.") == std::string::npos) out.erase(0, 1);
  return out;
}

std::string format_metric(std::string_view metric_name, double value) {
  return format_number(value, is_uu_count_metric(metric_name) ? 1 : 3);
}

std::string format_p_value(const std::optional<double>& p_value) {
  if (!p_value || !std::isfinite(*p_value)) return std::string(kMissing);
  if (*p_value < 0.001) return "< 0.001";
  return format_number(*p_value, 3);
}

std::string format_count(std::int64_t count) {
  const std::string digits = std::to_string(std::llabs(count));
  std::string out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return count < 0 ? "-" + out : out;
}

std::string format_usd(double usd) {
  if (!std::isfinite(usd)) return std::string(kMissing);
  if (usd == 0) return "$0";
  const double magnitude = std::fabs(usd);
  const std::string sign = usd < 0 ? "-" : "";
  if (magnitude >= 1000) return sign + "$" + format_count(std::llround(magnitude));
  if (magnitude >= 1) return sign + "$" + format_number(magnitude, 2);
  // Sub-dollar LLM costs are common (a few thousand tokens); keep two significant digits.
  const int decimals = std::min(8, 1 + static_cast<int>(std::ceil(-std::log10(magnitude))));
  return sign + "$" + format_number(magnitude, decimals);
}

std::string format_usd(const std::optional<double>& usd) { return usd ? format_usd(*usd) : std::string(kMissing); }

std::string format_duration(double seconds) {
  if (!std::isfinite(seconds)) return std::string(kMissing);
  if (seconds < 100) return format_number(seconds, seconds < 10 ? 1 : 0) + " s";
  const auto minutes = std::llround(seconds / 60);
  if (minutes < 60) return std::to_string(minutes) + " min";
  return fmt::format("{} h {:02} min", minutes / 60, minutes % 60);
}

std::string format_signed(std::int64_t change) {
  return change > 0 ? "+" + format_count(change) : (change < 0 ? "-" + format_count(-change) : "0");
}

std::string metric_value_text(const MetricSummary& metric) {
  const std::string mean = format_metric(metric.name, metric.mean);
  if (!metric.varied_across_seeds) return mean + " (" + std::string(kNoVariation) + ")";
  return mean + " ± " + format_metric(metric.name, metric.sd);
}

std::string metric_interval_text(const MetricSummary& metric) {
  if (!std::isfinite(metric.ci_low) || !std::isfinite(metric.ci_high)) return {};
  return "[" + format_metric(metric.name, metric.ci_low) + ", " + format_metric(metric.name, metric.ci_high) + "]";
}

std::pair<std::string, std::string> effect_text(const MetricSummary& metric) {
  if (!metric.effect_vs_none) return {};
  const EffectSummary& effect = *metric.effect_vs_none;
  std::string change = format_metric(metric.name, effect.estimate);
  if (effect.estimate > 0 && change.find_first_not_of("0.") != std::string::npos) change = "+" + change;
  std::string delta = "Δ " + change;
  const bool has_interval = std::isfinite(effect.ci_low) && std::isfinite(effect.ci_high);
  if (has_interval && (effect.p_value || effect.estimate != 0)) {
    delta += " [" + format_metric(metric.name, effect.ci_low) + ", " + format_metric(metric.name, effect.ci_high) + "]";
  }
  if (effect.p_value) {
    return {delta, *effect.p_value < 0.001 ? "p < 0.001" : "p = " + format_p_value(effect.p_value)};
  }
  if (effect.estimate == 0) return {delta, "no difference"};
  return {delta, std::string(kNoVariation)};
}

}  // namespace blindspot::report
