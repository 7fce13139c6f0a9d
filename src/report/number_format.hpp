#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace blindspot::report {

struct MetricSummary;

// What every renderer shows for a number that is NaN, infinite or absent.
inline constexpr std::string_view kMissing = "–";

// `value` with `decimals` decimals ("0.873"), or kMissing. Locale-independent (fmt), so a
// report reads the same whatever LC_NUMERIC the process runs under.
std::string format_number(double value, int decimals);
// A metric's value: UU counts (is_uu_count_metric) with 1 decimal, as they are means of
// integer counts over seeds; rates and scores with 3.
std::string format_metric(std::string_view metric_name, double value);
// "0.031", "< 0.001", or kMissing.
std::string format_p_value(const std::optional<double>& p_value);
// "$0", "$0.0042", "$1.25", "$1,234"; kMissing when not finite.
std::string format_usd(double usd);
// "$0.0042" or kMissing (a cost per thing that has no defined value).
std::string format_usd(const std::optional<double>& usd);
// "12,345".
std::string format_count(std::int64_t count);
// "+3", "0", "-12": a change.
std::string format_signed(std::int64_t change);
// "42 s", "12 min", "3 h 05 min"; kMissing when not finite.
std::string format_duration(double seconds);

// What every renderer says of a metric that gave the same value on every seed.
inline constexpr std::string_view kNoVariation = "no variation across seeds";

// The parts of a metric's cell, as plain text (callers escape): "0.812 ± 0.004" (or
// "0.812 (no variation across seeds)"), and its interval "[0.800, 0.824]" (empty when it has none).
std::string metric_value_text(const MetricSummary& metric);
std::string metric_interval_text(const MetricSummary& metric);
// The effect against none as two plain-text parts: "Δ -12.3 [-20.1, -4.5]" and "p = 0.003"
// ("p < 0.001"), or "Δ 0.000" and "no difference" (nothing varied), or "Δ +2.0" and "no variation
// across seeds" (the same difference on every seed, no per-row values). Both empty for none.
std::pair<std::string, std::string> effect_text(const MetricSummary& metric);

}  // namespace blindspot::report
