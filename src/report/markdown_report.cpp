#include "html_escape.hpp"
#include "number_format.hpp"
#include "report_model.hpp"

#include "blindspot/core/atomic_file.hpp"
#include "blindspot/core/utf8.hpp"
#include "blindspot/report/experiment_report.hpp"

#include <string>

namespace blindspot::report {
namespace {

// Texts in tables and lists are kept to one line and this many bytes.
constexpr std::size_t kMaxCellBytes = 160;

// One line of literal text in a markdown table cell or list item. '|' would end the cell and a
// newline the row; the other characters would start emphasis, code, links, headings or raw HTML
// (renderers pass HTML through, so "<script>" must not survive), so each is escaped.
std::string escape_markdown(std::string_view text) {
  const std::string valid = core::sanitize_utf8(text);
  std::string out;
  out.reserve(valid.size());
  for (const char c : valid) {
    switch (c) {
      case '\n':
      case '\r':
      case '\t':
        out += ' ';
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '&':
        out += "&amp;";
        break;
      case '\\':
      case '|':
      case '`':
      case '*':
      case '_':
      case '[':
      case ']':
      case '#':
        out += '\\';
        out += c;
        break;
      default:
        if (static_cast<unsigned char>(c) >= 0x20 && c != 0x7F) out += c;
    }
  }
  return out;
}

std::string cell_text(std::string_view text) { return escape_markdown(truncate_utf8(text, kMaxCellBytes)); }

std::string metric_cell(const MetricSummary* metric) {
  if (metric == nullptr) return std::string(kMissing);
  // Only numbers and our own words: nothing to escape but the '<' of "p < 0.001".
  std::string text = metric_value_text(*metric);
  const std::string interval = metric_interval_text(*metric);
  if (!interval.empty()) text += " " + interval;
  const auto [delta, test] = effect_text(*metric);
  if (!delta.empty()) {
    const bool beyond_noise = metric->effect_vs_none->excludes_zero();
    text += "; " + (beyond_noise ? "**" + delta + "**" : delta) + (test.empty() ? "" : ", " + test);
  }
  std::string escaped;
  for (const char c : text) escaped += c == '<' ? std::string("&lt;") : std::string(1, c);
  return escaped;
}

std::string metrics_table(const ExperimentReport& report) {
  const auto names = metric_names(report);
  if (names.empty()) return "No metrics were recorded.\n";
  std::string out = "| metric |";
  std::string rule = "|---|";
  for (const auto& condition : report.conditions) {
    out += " " + cell_text(condition.name) + " |";
    rule += "---:|";
  }
  out += "\n" + rule + "\n";
  for (const auto& name : names) {
    out += "| " + escape_markdown(name) + " |";
    for (const auto& condition : report.conditions) out += " " + metric_cell(find_metric(condition, name)) + " |";
    out += "\n";
  }
  return out +
         "\nCells: mean ± sd over seeds [95% interval of the mean, with the test rows' and the seeds' variance; t over "
         "seeds for metrics without per-row values]; Δ: the paired difference from none on the same rows and seeds "
         "[95% interval], p-value (bold when the interval excludes zero). \"no variation across seeds\": every seed "
         "gave the same value.\n";
}

std::string costs_table(const ExperimentReport& report) {
  std::string out =
      "| condition | teacher | LLM tokens | LLM USD | human time | human USD | total USD | hypotheses | accepted "
      "samples | UUs removed | USD per UU removed |\n|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n";
  for (const auto& condition : report.conditions) {
    const auto& cost = condition.cost;
    if (condition.name == "none") {
      out += "| none | no teaching (the reference) |";
      for (int column = 0; column < 9; ++column) out += " " + std::string(kMissing) + " |";
      out += "\n";
      continue;
    }
    out += "| " + cell_text(condition.name) + " | " + cell_text(condition.teacher) + " | " +
           format_count(cost.llm_prompt_tokens + cost.llm_completion_tokens) + " | " + format_usd(cost.llm_usd) +
           (cost.llm_unpriced ? " (unpriced calls)" : "") + " | " + format_duration(cost.human_active_seconds) + " | " +
           format_usd(cost.human_usd) + " | " + format_usd(total_usd(cost)) + " | " + format_count(cost.hypotheses) +
           " | " + format_count(cost.accepted_samples) + " | " + format_number(cost.uus_removed, 1) + " | " +
           format_usd(cost.usd_per_uu_removed) + " |\n";
  }
  return out + "\nUUs removed: mean over seeds of (" + escape_markdown(report.uus_removed_metric) +
         " of none) - (that of the condition).\n";
}

std::string blind_spots_table(const ExperimentReport& report) {
  if (report.blind_spots.empty()) return "No blind spots were recorded.\n";
  std::string out =
      "| # | dev UUs | description | top tokens | first hypothesis | fixed per condition |\n"
      "|---:|---:|---|---|---|---|\n";
  for (const auto& spot : report.blind_spots) {
    std::string tokens;
    for (const auto& token : spot.top_tokens) tokens += (tokens.empty() ? "" : ", ") + token;
    std::string fixed;
    for (const auto& [condition, count] : spot.fixed_by_condition) {
      fixed += (fixed.empty() ? "" : ", ") + condition + " " + format_number(count, 1);
    }
    out += "| " + std::to_string(spot.id) + " | " + format_count(spot.size) + " | " + cell_text(spot.description) +
           " | " + cell_text(tokens) + " | " + cell_text(spot.hypotheses.empty() ? "" : spot.hypotheses.front()) +
           " | " + cell_text(fixed) + " |\n";
  }
  return out;
}

std::string attribution_table(const ExperimentReport& report) {
  std::string out;
  for (const auto& spot : report.blind_spots) {
    for (const auto& effect : spot.attribution) {
      out += "| " + std::to_string(spot.id) + " | " + cell_text(effect.condition) + " | " +
             cell_text(effect.hypothesis) + " | " + format_count(effect.samples) + " | " +
             format_signed(effect.marginal_fixed) + " (+" + format_count(effect.fixed_only_with) + " / -" +
             format_count(effect.fixed_only_without) + ") | " + format_signed(effect.marginal_fixed_in_blind_spot) +
             " | " + (effect.source_uu_fixed ? "yes" : "no") + " / " + (effect.source_uu_fixed_without ? "yes" : "no") +
             " |\n";
    }
  }
  if (out.empty()) return {};
  return "\n## Which hypotheses helped\n\nEach hypothesis' samples left out "
         "and the model retrained (first seed): "
         "dev UUs fixed with them but not without them, minus the reverse.\n\n"
         "| blind spot | condition | hypothesis | samples | dev UUs fixed "
         "thanks to it (only with / only without) | "
         "in its blind spot | "
         "its UU fixed (with / without) "
         "|\n|---:|---|---|---:|---:|---:|---|\n" +
         out;
}

}  // namespace

void write_markdown(const std::filesystem::path& file, const ExperimentReport& report) {
  std::string seeds;
  for (const auto seed : report.seeds) seeds += (seeds.empty() ? "" : ", ") + std::to_string(seed);
  std::string out = "# " + escape_markdown(report.title.empty() ? "blindspot experiment report" : report.title) +
                    "\n\n- Dataset: " + escape_markdown(report.dataset) +
                    "\n- Created: " + escape_markdown(report.created_at) + "\n- Seeds: " + seeds +
                    "\n- Sample budget: " + format_count(report.sample_budget) +
                    " synthetic samples per condition and seed\n\n## Findings\n\n";
  if (report.findings.empty()) out += "No findings were recorded.\n";
  for (const auto& finding : report.findings) out += "- " + escape_markdown(finding) + "\n";
  out += "\n## Metrics on test\n\n" + metrics_table(report);
  out += "\n## Costs\n\n" + costs_table(report);
  out += "\n## Blind spots\n\n" + blind_spots_table(report);
  out += attribution_table(report);
  core::AtomicFile target(file);
  target.write(out);
  target.commit();
}

}  // namespace blindspot::report
