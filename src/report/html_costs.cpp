#include "html_escape.hpp"
#include "html_sections.hpp"
#include "number_format.hpp"
#include "report_model.hpp"
#include "svg_charts.hpp"

#include <algorithm>

namespace blindspot::report {
namespace {

std::string cell(const std::string& escaped) { return "<td class=\"num\">" + escaped + "</td>"; }

std::string llm_usd_text(const ConditionCost& cost) {
  return format_usd(cost.llm_usd) + (cost.llm_unpriced ? " (unpriced calls)" : "");
}

std::string condition_header(const ConditionResult& condition) {
  std::string out = "<th scope=\"row\">" + escape_html(condition.name);
  if (!condition.teacher.empty()) out += "<span class=\"teacher\">" + escape_html(condition.teacher) + "</span>";
  return out + "</th>";
}

// Two tables rather than one of 13 columns, which would not fit a screen: what was spent, then
// what it bought.
std::string cost_tables(const ExperimentReport& report) {
  std::string spent =
      "<div class=\"table-wrap\"><table><caption>Spent per condition, summed over seeds.</caption><thead><tr>"
      "<th scope=\"col\">Condition</th><th scope=\"col\">LLM tokens (prompt + completion)</th>"
      "<th scope=\"col\">LLM USD</th><th scope=\"col\">Human active time</th><th scope=\"col\">Human USD</th>"
      "<th scope=\"col\">Total USD</th><th scope=\"col\">Wall time</th></tr></thead><tbody>";
  std::string bought =
      "<div class=\"table-wrap\"><table><caption>Bought per condition: hypotheses and accepted samples summed over "
      "seeds; UUs removed is the mean over seeds of (" +
      escape_html(report.uus_removed_metric) +
      " of none) - (that of the condition).</caption><thead><tr><th scope=\"col\">Condition</th>"
      "<th scope=\"col\">Hypotheses</th><th scope=\"col\">Accepted samples</th><th scope=\"col\">UUs removed</th>"
      "<th scope=\"col\">USD per hypothesis</th><th scope=\"col\">USD per sample</th>"
      "<th scope=\"col\">USD per UU removed</th></tr></thead><tbody>";
  for (const auto& condition : report.conditions) {
    const auto& cost = condition.cost;
    if (condition.name == "none") {
      // The reference adds nothing to train: its zeros would read as a free, instant teacher.
      const std::string no_teaching = "<td colspan=\"6\" class=\"note\">no teaching (the reference)</td>";
      spent += "<tr>" + condition_header(condition) + no_teaching + "</tr>";
      bought += "<tr>" + condition_header(condition) + no_teaching + "</tr>";
      continue;
    }
    spent += "<tr>" + condition_header(condition) +
             cell(format_count(cost.llm_prompt_tokens) + " + " + format_count(cost.llm_completion_tokens)) +
             cell(llm_usd_text(cost)) + cell(format_duration(cost.human_active_seconds)) +
             cell(format_usd(cost.human_usd)) + cell(format_usd(total_usd(cost))) +
             cell(format_duration(cost.wall_seconds)) + "</tr>";
    bought += "<tr>" + condition_header(condition) + cell(format_count(cost.hypotheses)) +
              cell(format_count(cost.accepted_samples)) + cell(format_number(cost.uus_removed, 1)) +
              cell(format_usd(cost.usd_per_hypothesis)) + cell(format_usd(cost.usd_per_accepted_sample)) +
              cell(format_usd(cost.usd_per_uu_removed)) + "</tr>";
  }
  return spent + "</tbody></table></div>" + bought + "</tbody></table></div>";
}

}  // namespace

std::string render_costs(const ExperimentReport& report) {
  if (report.conditions.empty()) return section("costs", "Cost and UU reduction", note("No conditions."));
  std::vector<ScatterPoint> points;
  std::vector<std::string> unpriced;
  bool any_cost = false;
  for (std::size_t i = 0; i < report.conditions.size(); ++i) {
    const auto& condition = report.conditions[i];
    if (condition.cost.llm_unpriced) unpriced.push_back(condition.name);
    // `none` is the origin by definition (no cost, nothing removed); plotting it adds nothing.
    if (condition.name == "none") continue;
    const double usd = total_usd(condition.cost);
    any_cost = any_cost || usd != 0;
    points.push_back({condition.name + (condition.cost.llm_unpriced ? " (unpriced)" : ""), condition_colour(report, i),
                      usd, condition.cost.uus_removed});
  }
  std::string body = cost_tables(report);
  std::string notes;
  if (!any_cost) {
    notes += note(
        "Every condition cost $0: the automatic and untargeted conditions make no paid calls and no LLM price or "
        "human wage was recorded, so the x axis below carries no information; compare the UUs removed.");
  }
  if (!unpriced.empty()) {
    std::string names;
    for (const auto& name : unpriced) names += (names.empty() ? "" : ", ") + name;
    notes += note("Unpriced LLM calls (a model missing from the price table) in: " + names +
                  ". Their tokens are counted, but their USD figures are lower bounds.");
  }
  if (!has_metric(report, report.uus_removed_metric)) {
    notes += note("No condition has the metric \"" + report.uus_removed_metric +
                  "\" that UUs removed is computed from; the UUs removed column may be empty.");
  }
  if (!points.empty()) {
    const std::string y_label = "UUs removed (" + report.uus_removed_metric + ")";
    body += "<figure>" + scatter_chart("Cost against UU reduction", "total USD", y_label, points) +
            "<figcaption>Each dot is a condition: total USD (LLM + human, over all seeds) against the mean number "
            "of " +
            escape_html(report.uus_removed_metric) +
            " removed relative to none; up and to the left is better.</figcaption></figure>";
  }
  return section("costs", "Cost and UU reduction", notes + body);
}

}  // namespace blindspot::report
