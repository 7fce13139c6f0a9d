#include "html_escape.hpp"
#include "html_sections.hpp"
#include "number_format.hpp"

#include <algorithm>
#include <cmath>

namespace blindspot::report {
namespace {

// Display caps, so a blind spot of long IMDb reviews stays one screen; the JSON has everything.
constexpr std::size_t kMaxRepresentatives = 3;
constexpr std::size_t kMaxHypotheses = 8;
constexpr std::size_t kMaxSamples = 6;
constexpr std::size_t kMaxTextBytes = 600;

// Conditions in report order, then any the blind spots name that the report does not have.
std::vector<std::string> fixed_columns(const ExperimentReport& report) {
  std::vector<std::string> columns;
  const auto add = [&](const std::string& name) {
    if (std::find(columns.begin(), columns.end(), name) == columns.end()) columns.push_back(name);
  };
  for (const auto& condition : report.conditions) {
    for (const auto& spot : report.blind_spots) {
      for (const auto& [name, fixed] : spot.fixed_by_condition) {
        if (name == condition.name) add(name);
      }
    }
  }
  for (const auto& spot : report.blind_spots) {
    for (const auto& [name, fixed] : spot.fixed_by_condition) add(name);
  }
  return columns;
}

std::string fixed_cell(const BlindSpotSummary& spot, const std::string& condition) {
  const auto found = std::find_if(spot.fixed_by_condition.begin(), spot.fixed_by_condition.end(),
                                  [&](const auto& entry) { return entry.first == condition; });
  if (found == spot.fixed_by_condition.end()) return "<td class=\"num\">" + std::string(kMissing) + "</td>";
  std::string text = format_number(found->second, 1);
  if (spot.size > 0 && std::isfinite(found->second)) {
    text += " (" + format_number(100.0 * found->second / static_cast<double>(spot.size), 0) + "%)";
  }
  return "<td class=\"num\">" + text + "</td>";
}

std::string more(std::size_t shown, std::size_t total) {
  if (total <= shown) return {};
  return note("+ " + std::to_string(total - shown) + " more in the JSON report.");
}

std::string tokens(const BlindSpotSummary& spot) {
  std::string out;
  // Spaced, so that a long list wraps in its table cell.
  for (const auto& token : spot.top_tokens)
    out += (out.empty() ? "<code>" : " <code>") + escape_html(token) + "</code>";
  return out.empty() ? std::string(kMissing) : out;
}

std::string overview(const ExperimentReport& report) {
  const auto columns = fixed_columns(report);
  std::string table =
      "<div class=\"table-wrap\"><table><caption>Blind spots (groups of dev UUs) and the dev UUs of each that the "
      "retrained model of each condition fixes (mean over seeds; share of the group).</caption><thead><tr>"
      "<th scope=\"col\">#</th><th scope=\"col\">Dev UUs</th><th scope=\"col\">Description</th>"
      "<th scope=\"col\">Top tokens</th>";
  for (const auto& column : columns) table += "<th scope=\"col\">Fixed: " + escape_html(column) + "</th>";
  table += "</tr></thead><tbody>";
  for (const auto& spot : report.blind_spots) {
    table += "<tr><th scope=\"row\"><a href=\"#blind-spot-" + std::to_string(spot.id) + "\">" +
             std::to_string(spot.id) + "</a></th><td class=\"num\">" + format_count(spot.size) + "</td><td>" +
             escape_html(spot.description) + "</td><td class=\"tokens\">" + tokens(spot) + "</td>";
    for (const auto& column : columns) table += fixed_cell(spot, column);
    table += "</tr>";
  }
  return table + "</tbody></table></div>";
}

std::string details(const BlindSpotSummary& spot) {
  std::string out = "<div class=\"spot\" id=\"blind-spot-" + std::to_string(spot.id) + "\"><h3>Blind spot " +
                    std::to_string(spot.id) + ": " + escape_html(spot.description) + " (" + format_count(spot.size) +
                    (spot.size == 1 ? " dev UU)</h3>" : " dev UUs)</h3>") +
                    "<p class=\"tokens\">Top tokens: " + tokens(spot) + "</p>";
  out += "<h4>Representative UUs</h4>";
  if (spot.representatives.empty()) out += note("None recorded.");
  for (std::size_t i = 0; i < spot.representatives.size() && i < kMaxRepresentatives; ++i) {
    out += "<blockquote class=\"text\">" + escape_html(truncate_utf8(spot.representatives[i], kMaxTextBytes)) +
           "</blockquote>";
  }
  out += more(kMaxRepresentatives, spot.representatives.size());
  out += "<h4>Hypotheses</h4>";
  if (spot.hypotheses.empty()) {
    out += note("None recorded.");
  } else {
    out += "<ul class=\"hypotheses\">";
    for (std::size_t i = 0; i < spot.hypotheses.size() && i < kMaxHypotheses; ++i) {
      out += "<li>" + escape_html(truncate_utf8(spot.hypotheses[i], kMaxTextBytes)) + "</li>";
    }
    out += "</ul>" + more(kMaxHypotheses, spot.hypotheses.size());
  }
  out += "<h4>Sample examples</h4>";
  if (spot.samples.empty()) {
    out += note("None recorded.");
  } else {
    out += "<table><thead><tr><th scope=\"col\">Label</th><th scope=\"col\">Text</th></tr></thead><tbody>";
    for (std::size_t i = 0; i < spot.samples.size() && i < kMaxSamples; ++i) {
      out += "<tr><td>" + escape_html(spot.samples[i].label) + "</td><td class=\"text\">" +
             escape_html(truncate_utf8(spot.samples[i].text, kMaxTextBytes)) + "</td></tr>";
    }
    out += "</tbody></table>" + more(kMaxSamples, spot.samples.size());
  }
  if (!spot.attribution.empty()) {
    out +=
        "<h4>Which hypotheses helped</h4><div "
        "class=\"table-wrap\"><table><caption>Each hypothesis' samples left "
        "out and the model retrained (first seed): dev UUs fixed with them "
        "but not without them, minus the "
        "reverse.</caption><thead><tr><th scope=\"col\">Condition</th><th "
        "scope=\"col\">Hypothesis</th>"
        "<th scope=\"col\">Samples</th><th scope=\"col\">Dev UUs fixed "
        "thanks to it (only with / only without)</th>"
        "<th scope=\"col\">In this blind spot</th><th scope=\"col\">Its UU "
        "fixed (with / without)</th>"
        "</tr></thead><tbody>";
    for (const auto& effect : spot.attribution) {
      out += "<tr><td>" + escape_html(effect.condition) + "</td><td class=\"text\">" +
             escape_html(truncate_utf8(effect.hypothesis, kMaxTextBytes)) + "</td><td class=\"num\">" +
             format_count(effect.samples) + "</td><td class=\"num\">" + format_signed(effect.marginal_fixed) + " (+" +
             format_count(effect.fixed_only_with) + " / -" + format_count(effect.fixed_only_without) +
             ")</td><td class=\"num\">" + format_signed(effect.marginal_fixed_in_blind_spot) + "</td><td>" +
             (effect.source_uu_fixed ? "yes" : "no") + " / " + (effect.source_uu_fixed_without ? "yes" : "no") +
             "</td></tr>";
    }
    out += "</tbody></table></div>";
  }
  return out + "</div>";
}

}  // namespace

std::string render_blind_spots(const ExperimentReport& report) {
  if (report.blind_spots.empty()) return section("blind-spots", "Blind spots", note("No blind spots were recorded."));
  std::string body = overview(report);
  for (const auto& spot : report.blind_spots) body += details(spot);
  return section("blind-spots", "Blind spots", body);
}

}  // namespace blindspot::report
