#include "html_escape.hpp"
#include "html_sections.hpp"
#include "number_format.hpp"
#include "report_model.hpp"

#include "blindspot/core/atomic_file.hpp"
#include "blindspot/core/version.hpp"
#include "blindspot/report/experiment_report.hpp"

#include <string>

namespace blindspot::report {
namespace {

// The page loads nothing and runs nothing: inline <style> and style attributes are the only
// active content, and data: images the only images. A report that somehow contained a script
// or an external reference would be blocked by the browser, not just absent by construction.
constexpr std::string_view kContentSecurityPolicy = "default-src 'none'; style-src 'unsafe-inline'; img-src data:";

// System fonts only: a web font would need the network. The stylesheet avoids '<' and '&' so
// the page stays well-formed XML as well as HTML (the tests check both).
constexpr std::string_view kStyle = R"(
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;color:#1f2328;
background:#fff;margin:0 auto;max-width:1180px;padding:16px 24px 48px}
h1{font-size:24px;margin:8px 0 4px}
h2{font-size:19px;margin:28px 0 8px;border-bottom:1px solid #d0d7de;padding-bottom:4px}
h3{font-size:15px;margin:18px 0 6px}
h4{font-size:13px;margin:10px 0 4px;color:#59636e}
.meta{display:grid;grid-template-columns:max-content 1fr;gap:2px 16px;margin:8px 0}
.meta dt{color:#59636e}
.meta dd{margin:0}
nav{margin:8px 0 0}
nav a{margin-right:14px;color:#0969da}
table{border-collapse:collapse;margin:6px 0 12px;font-variant-numeric:tabular-nums}
caption{text-align:left;color:#59636e;font-size:13px;padding-bottom:4px}
th,td{border:1px solid #d0d7de;padding:4px 8px;text-align:left;vertical-align:top}
thead th{background:#f6f8fa}
td.num{text-align:right}
th{overflow-wrap:anywhere}
.teacher,.dir{display:block;font-weight:400;color:#59636e;font-size:12px}
.ci,.p{display:block;color:#59636e;font-size:12px}
.sig{font-weight:600;color:#1f2328}
.table-wrap{overflow-x:auto}
.charts{display:flex;flex-wrap:wrap;gap:12px 24px;align-items:flex-start}
figure{margin:0}
figcaption{font-size:13px;color:#59636e;margin-top:2px;max-width:560px}
svg{max-width:100%;height:auto;font-family:inherit;display:block}
svg .grid{stroke:#eaeef2}
svg .axis{stroke:#59636e}
svg .tick{font-size:11px;fill:#59636e}
svg .axis-label,svg .label,svg .value{font-size:12px;fill:#1f2328}
svg .whisker{stroke:#1f2328;stroke-width:1.5}
svg .seed{fill:#fff;stroke:#1f2328;stroke-width:1}
svg .reference,svg .diagonal{stroke:#59636e;stroke-dasharray:4 3}
svg .before{fill:none;stroke:#1f2328;stroke-width:1.5}
svg .before-dot{fill:#1f2328}
svg .bin{fill-opacity:.8}
svg .point{stroke:#1f2328;stroke-width:1}
.note{color:#59636e}
.findings li{margin:4px 0}
.tokens code{background:#f6f8fa;border:1px solid #d0d7de;border-radius:4px;padding:0 4px;margin-right:4px}
.text{margin:4px 0;padding:4px 10px;border-left:3px solid #d0d7de;white-space:pre-wrap;overflow-wrap:anywhere}
td.text{border-left:1px solid #d0d7de;max-width:760px}
.hypotheses li{white-space:pre-wrap;overflow-wrap:anywhere;margin:2px 0}
.spot{border-top:1px dashed #d0d7de;margin-top:12px}
footer{margin-top:32px;color:#59636e;font-size:12px}
)";

// A cell may wrap between its parts, not inside a number, "Δ -10.0" or an interval, so that a
// table of every condition fits a 1280 px page: no-break spaces (U+00A0) hold those together.
std::string keep_together(std::string text) {
  static constexpr std::string_view kNoBreakSpace = "\xC2\xA0";
  for (const std::string_view glue : {"Δ ", " ± ", ", ", "p = ", "p &lt; "}) {
    std::string glued(glue);
    for (std::size_t at = 0; (at = glued.find(' ', at)) != std::string::npos;) glued.replace(at, 1, kNoBreakSpace);
    for (std::size_t at = 0; (at = text.find(glue, at)) != std::string::npos; at += glued.size()) {
      text.replace(at, glue.size(), glued);
    }
  }
  return text;
}

std::string metric_cell(const MetricSummary* metric) {
  if (metric == nullptr) return "<td class=\"num\">" + std::string(kMissing) + "</td>";
  std::string cell =
      "<td class=\"num\"><span class=\"m\">" + keep_together(escape_html(metric_value_text(*metric))) + "</span>";
  const std::string interval = metric_interval_text(*metric);
  if (!interval.empty()) cell += "<span class=\"ci\">" + keep_together(escape_html(interval)) + "</span>";
  const auto [delta, test] = effect_text(*metric);
  if (!delta.empty()) {
    // An interval that excludes zero is marked, so the eye finds the changes beyond noise.
    const bool beyond_noise = metric->effect_vs_none->excludes_zero();
    cell += std::string("<span class=\"p") + (beyond_noise ? " sig" : "") + "\">" + keep_together(escape_html(delta)) +
            "</span>";
    if (!test.empty()) cell += "<span class=\"p\">" + keep_together(escape_html(test)) + "</span>";
  }
  return cell + "</td>";
}

}  // namespace

std::string section(std::string_view id, std::string_view title, std::string_view body) {
  return "<section id=\"" + escape_html(id) + "\"><h2>" + escape_html(title) + "</h2>" + std::string(body) +
         "</section>\n";
}

std::string note(std::string_view text) { return "<p class=\"note\">" + escape_html(text) + "</p>"; }

std::string render_header(const ExperimentReport& report) {
  std::string seeds;
  for (const auto seed : report.seeds) seeds += (seeds.empty() ? "" : ", ") + std::to_string(seed);
  seeds += " (" + std::to_string(report.seeds.size()) + (report.seeds.size() == 1 ? " seed)" : " seeds)");
  std::string conditions;
  for (const auto& condition : report.conditions) {
    if (!conditions.empty()) conditions += ", ";
    conditions += escape_html(condition.name);
    if (!condition.teacher.empty()) conditions += " (" + escape_html(condition.teacher) + ")";
  }
  const auto row = [](std::string_view term, const std::string& escaped_value) {
    return "<dt>" + std::string(term) + "</dt><dd>" + (escaped_value.empty() ? std::string(kMissing) : escaped_value) +
           "</dd>";
  };
  return "<header><h1>" + escape_html(report.title.empty() ? "blindspot experiment report" : report.title) +
         "</h1><dl class=\"meta\">" + row("Dataset", escape_html(report.dataset)) +
         row("Created", escape_html(report.created_at)) + row("Seeds", seeds) +
         row("Sample budget", format_count(report.sample_budget) + " synthetic samples per condition and seed") +
         row("Conditions", conditions) +
         "</dl><nav aria-label=\"Sections\"><a href=\"#findings\">Findings</a><a href=\"#metrics\">Metrics</a>"
         "<a href=\"#uus\">UU counts</a><a href=\"#calibration\">Calibration</a><a href=\"#confidence\">Confidence</a>"
         "<a href=\"#costs\">Costs</a><a href=\"#blind-spots\">Blind spots</a></nav></header>\n";
}

std::string render_findings(const ExperimentReport& report) {
  if (report.findings.empty()) return section("findings", "Findings", note("No findings were recorded."));
  std::string list = "<ul class=\"findings\">";
  for (const auto& finding : report.findings) list += "<li>" + escape_html(finding) + "</li>";
  return section("findings", "Findings", list + "</ul>");
}

std::string render_metric_table(const ExperimentReport& report) {
  const auto names = metric_names(report);
  if (names.empty() || report.conditions.empty()) {
    return section("metrics", "Metrics on test", note("No metrics were recorded."));
  }
  std::string table =
      "<div class=\"table-wrap\"><table><caption>Test metrics per condition: mean ± sample sd over seeds and the "
      "95% interval of the mean, which includes the test rows' sampling variance and the seeds' (a t interval over "
      "seeds for metrics without per-row values: other thresholds and challenge sets); then Δ, the paired "
      "difference from none on the same rows and seeds, with its 95% interval and p-value (bold when the interval "
      "excludes zero). \"no variation across seeds\": every seed gave the same value.</caption><thead><tr>"
      "<th scope=\"col\">Metric</th>";
  for (const auto& condition : report.conditions) {
    table += "<th scope=\"col\">" + escape_html(condition.name);
    if (!condition.teacher.empty()) table += "<span class=\"teacher\">" + escape_html(condition.teacher) + "</span>";
    table += "</th>";
  }
  table += "</tr></thead><tbody>";
  for (const auto& name : names) {
    bool lower_is_better = false;
    for (const auto& condition : report.conditions) {
      if (const auto* metric = find_metric(condition, name)) lower_is_better = metric->lower_is_better;
    }
    table += "<tr><th scope=\"row\">" + escape_html(name) + "<span class=\"dir\">" +
             (lower_is_better ? "lower is better" : "higher is better") + "</span></th>";
    for (const auto& condition : report.conditions) table += metric_cell(find_metric(condition, name));
    table += "</tr>";
  }
  return section("metrics", "Metrics on test", table + "</tbody></table></div>");
}

void write_html(const std::filesystem::path& file, const ExperimentReport& report) {
  const std::string title = report.title.empty() ? "blindspot experiment report" : report.title;
  std::string page;
  page.reserve(64 * 1024);
  // Polyglot markup (void elements closed with "/>", attributes quoted): HTML5 parsers accept
  // it and an XML parser can check that it is well-formed.
  page +=
      "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"/>"
      "<meta http-equiv=\"Content-Security-Policy\" content=\"" +
      escape_html(kContentSecurityPolicy) +
      "\"/><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>"
      "<meta name=\"generator\" content=\"blindspot " +
      std::string(core::kVersion) + "\"/><title>" + escape_html(title) + "</title><style>" + std::string(kStyle) +
      "</style></head>\n<body>\n";
  page += render_header(report);
  page += "<main>\n";
  page += render_findings(report);
  page += render_metric_table(report);
  page += render_uu_charts(report);
  page += render_reliability(report);
  page += render_confidence_histograms(report);
  page += render_costs(report);
  page += render_blind_spots(report);
  page += "</main>\n<footer>Written by blindspot " + std::string(core::kVersion) +
          ". Self-contained: no scripts, no network requests; the JSON report holds every number and text in "
          "full.</footer>\n</body></html>\n";
  core::AtomicFile out(file);
  out.write(page);
  out.commit();
}

}  // namespace blindspot::report
