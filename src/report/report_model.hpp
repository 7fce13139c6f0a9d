#pragma once

#include "blindspot/report/experiment_report.hpp"

#include <string>
#include <string_view>
#include <vector>

// Questions every renderer asks of an ExperimentReport, answered once.
namespace blindspot::report {

// Every metric name of every condition, in order of first appearance, so a metric that only
// some conditions have still gets a row.
std::vector<std::string> metric_names(const ExperimentReport& report);
// Whether any condition has the metric named `name` (e.g. the UUs-removed metric).
bool has_metric(const ExperimentReport& report, std::string_view name);
// The condition named "none", or nullptr.
const ConditionResult* find_none(const ExperimentReport& report);

}  // namespace blindspot::report
