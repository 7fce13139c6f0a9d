#include "report_model.hpp"

#include <algorithm>

namespace blindspot::report {

bool is_uu_count_metric(std::string_view name) noexcept {
  const auto colon = name.rfind(':');
  if (colon != std::string_view::npos) name.remove_prefix(colon + 1);
  return name == "uus" || name.starts_with("uus@") || name.ends_with("_uus");
}

const MetricSummary* find_metric(const ConditionResult& condition, std::string_view name) {
  const auto found = std::find_if(condition.metrics.begin(), condition.metrics.end(),
                                  [&](const MetricSummary& metric) { return metric.name == name; });
  return found == condition.metrics.end() ? nullptr : &*found;
}

std::vector<std::string> metric_names(const ExperimentReport& report) {
  std::vector<std::string> names;
  for (const auto& condition : report.conditions) {
    for (const auto& metric : condition.metrics) {
      if (std::find(names.begin(), names.end(), metric.name) == names.end()) names.push_back(metric.name);
    }
  }
  return names;
}

bool has_metric(const ExperimentReport& report, std::string_view name) {
  return std::any_of(report.conditions.begin(), report.conditions.end(),
                     [&](const ConditionResult& condition) { return find_metric(condition, name) != nullptr; });
}

double total_usd(const ConditionCost& cost) { return cost.llm_usd + cost.human_usd; }

const ConditionResult* find_none(const ExperimentReport& report) {
  const auto found = std::find_if(report.conditions.begin(), report.conditions.end(),
                                  [](const ConditionResult& condition) { return condition.name == "none"; });
  return found == report.conditions.end() ? nullptr : &*found;
}

}  // namespace blindspot::report
