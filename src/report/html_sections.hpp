#pragma once

#include "blindspot/report/experiment_report.hpp"

#include <cstddef>
#include <string>
#include <string_view>

// The sections of the HTML report, one render function each; html_report.cpp puts them in
// order. Every function returns a complete <section> and escapes every text it takes from the
// report.
namespace blindspot::report {

std::string render_header(const ExperimentReport& report);
std::string render_findings(const ExperimentReport& report);
std::string render_metric_table(const ExperimentReport& report);
// html_charts.cpp
std::string render_uu_charts(const ExperimentReport& report);
std::string render_reliability(const ExperimentReport& report);
std::string render_confidence_histograms(const ExperimentReport& report);
// html_costs.cpp
std::string render_costs(const ExperimentReport& report);
// html_blind_spots.cpp
std::string render_blind_spots(const ExperimentReport& report);

// The colour of the condition at `index` of ExperimentReport::conditions: grey for `none` (the
// reference), otherwise the Okabe-Ito palette, which stays distinguishable with colour-vision
// deficiencies. Every chart uses the same colour for the same condition.
std::string condition_colour(const ExperimentReport& report, std::size_t index);

// `<h2 id="id">title</h2>` wrapped in `<section>` around `body`; `title` is escaped.
std::string section(std::string_view id, std::string_view title, std::string_view body);
// `<p class="note">text</p>`, escaped.
std::string note(std::string_view text);

}  // namespace blindspot::report
