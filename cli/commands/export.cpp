#include "commands.hpp"
#include "shared_options.hpp"

#include "blindspot/core/atomic_file.hpp"
#include "blindspot/core/error.hpp"
#include "blindspot/data/spreadsheet_csv.hpp"
#include "blindspot/store/annotations.hpp"
#include "blindspot/store/runs.hpp"
#include "blindspot/teach/campaign.hpp"
#include "blindspot/teach/human_teacher.hpp"

#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include <iostream>
#include <map>
#include <set>

namespace blindspot::cli {
namespace {

struct ExportSettings {
  std::int64_t run = 0;
  std::string format = "jsonl";
  std::filesystem::path out;
  bool include_incomplete = false;
};

using Cell = data::SpreadsheetCell;

std::string number(double value) { return fmt::format("{:.3f}", value); }

// A sample's model score as a CSV cell: the number as the server stored it, or empty.
Cell model_probability_cell(const nlohmann::json& sample) {
  const auto it = sample.find("model_probability");
  if (it == sample.end() || !it->is_number()) return Cell::text("");
  return Cell::number(fmt::format("{:.4f}", it->get<double>()));
}

// What every exported row of a submission shares.
struct ExportedSubmission {
  const store::SubmissionRecord& record;
  std::string annotator_name;
  nlohmann::json samples;  // the stored samples; not an array if the stored text was not one
  bool label_issue = false;
};

void write_csv_header(std::ostream& out) {
  std::vector<Cell> header;
  for (const char* name :
       {"id", "hypothesis_id", "text", "label", "reasoning", "campaign_run", "assignment", "annotator",
        "annotator_name", "uu_id", "abstraction", "abstraction_reasoning", "extrapolation",
        "extrapolation_reasoning", "abstraction_seconds", "extrapolation_seconds", "generation_seconds",
        "active_seconds", "submitted_at", "label_issue", "label_verdict", "model_label", "model_probability"}) {
    header.push_back(Cell::text(name));
  }
  data::write_spreadsheet_csv_row(out, header);
}

void write_jsonl_line(std::ostream& out, const ExportedSubmission& e) {
  const store::SubmissionRecord& s = e.record;
  const nlohmann::ordered_json line = {
      {"campaign_run", s.run_id},
      {"assignment", s.assignment_id},
      {"annotator", s.annotator_id},
      {"annotator_name", e.annotator_name},
      {"uu_id", s.uu_id},
      {"abstraction", s.abstraction},
      {"abstraction_reasoning", s.abstraction_reasoning},
      {"extrapolation", s.extrapolation},
      {"extrapolation_reasoning", s.extrapolation_reasoning},
      {"samples", e.samples.is_array() ? e.samples : nlohmann::json::array()},
      {"active_seconds",
       {{"abstraction", s.abstraction_seconds},
        {"extrapolation", s.extrapolation_seconds},
        {"generation", s.generation_seconds},
        {"total", s.active_seconds}}},
      {"submitted_at", s.submitted_at ? nlohmann::json(*s.submitted_at) : nullptr},
      {"label_issue", e.label_issue},
      {"label_verdict", s.label_verdict}};
  out << line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << '\n';
}

// One row per sample; returns how many.
std::size_t write_csv_rows(std::ostream& out, const ExportedSubmission& e) {
  if (!e.samples.is_array()) return 0;
  const store::SubmissionRecord& s = e.record;
  // The human teacher's ids (human_teacher.hpp), so exported rows and taught samples match.
  const std::string hypothesis = "human:A:" + s.uu_id + ":" + std::to_string(s.annotator_id);
  std::size_t n = 0;
  for (const auto& sample : e.samples) {
    // Annotators' texts (and every other text) are neutralised for spreadsheets; the ids and
    // seconds we format ourselves stay numbers (docs/web.md, "Export").
    const auto text = [&](const char* key) { return Cell::text(sample.value(key, std::string())); };
    const auto model_label = sample.value("model_label", nlohmann::json());
    data::write_spreadsheet_csv_row(
        out, {Cell::text(hypothesis + "#" + std::to_string(++n)), Cell::text(hypothesis), text("text"),
              text("label"), text("reasoning"), Cell::number(std::to_string(s.run_id)),
              Cell::number(std::to_string(s.assignment_id)), Cell::number(std::to_string(s.annotator_id)),
              Cell::text(e.annotator_name), Cell::text(s.uu_id), Cell::text(s.abstraction),
              Cell::text(s.abstraction_reasoning), Cell::text(s.extrapolation),
              Cell::text(s.extrapolation_reasoning), Cell::number(number(s.abstraction_seconds)),
              Cell::number(number(s.extrapolation_seconds)), Cell::number(number(s.generation_seconds)),
              Cell::number(number(s.active_seconds)), Cell::text(s.submitted_at.value_or("")),
              Cell::text(e.label_issue ? "true" : "false"), Cell::text(s.label_verdict),
              Cell::text(model_label.is_string() ? model_label.get<std::string>() : ""),
              model_probability_cell(sample)});
  }
  return n;
}

// JSONL: one object per submission. CSV: one row per sample with its submission's columns, for a
// spreadsheet (formulas neutralised) and as a samples file for `teach --teacher import` (text,
// label, reasoning, hypothesis_id, id).
std::size_t write_export(const std::filesystem::path& file, const std::string& format,
                         const std::vector<store::SubmissionRecord>& submissions,
                         const std::map<std::int64_t, store::AnnotatorRecord>& annotators,
                         const std::set<std::string>& label_issue_uus) {
  core::AtomicFile out(file);
  if (format == "csv") write_csv_header(out.stream());
  std::size_t rows = 0;
  for (const auto& s : submissions) {
    const auto found = annotators.find(s.annotator_id);
    const ExportedSubmission exported{s, found != annotators.end() ? found->second.name : "",
                                      nlohmann::json::parse(s.samples_json, nullptr, false),
                                      label_issue_uus.contains(s.uu_id)};
    if (format == "jsonl") {
      write_jsonl_line(out.stream(), exported);
      ++rows;
    } else {
      rows += write_csv_rows(out.stream(), exported);
    }
  }
  out.commit();
  return rows;
}

void run_export(Context& context, ExportSettings& settings) {
  auto& db = context.store();
  if (!store::find_campaign(db, settings.run)) {
    throw core::Error(core::ErrorKind::bad_input,
                      fmt::format("--run {}: no annotation campaign in {} (see `blindspot serve`)", settings.run,
                                  db.file().string()));
  }
  if (settings.out.empty()) {
    settings.out = context.workspace / "export" / fmt::format("run-{}-human.{}", settings.run, settings.format);
  }
  std::map<std::int64_t, store::AnnotatorRecord> annotators;
  for (auto& a : store::list_annotators(db, settings.run)) annotators.emplace(a.id, std::move(a));
  std::set<std::string> label_issue_uus;
  if (const auto campaign = teach::load_campaign(db, settings.run)) {
    for (const auto& uu : campaign->uus) {
      if (uu.label_issue) label_issue_uus.insert(uu.id);
    }
  }
  const auto submissions = store::list_submissions(db, settings.run, settings.include_incomplete);
  const std::size_t rows = write_export(settings.out, settings.format, submissions, annotators, label_issue_uus);
  record_output(context, "human_submissions", settings.out);
  store::record_metric(db, context.run_id(), "export", "submissions", static_cast<double>(submissions.size()));
  if (context.json) {
    std::cout << nlohmann::json{{"run", context.run_id()},
                                {"campaign_run", settings.run},
                                {"submissions", submissions.size()},
                                {"rows", rows},
                                {"out", settings.out.string()}}
                     .dump(2)
              << '\n';
  } else {
    std::cout << fmt::format("{} submissions of campaign run {} ({} rows) written to {}\n", submissions.size(),
                             settings.run, rows, settings.out.string());
  }
}

}  // namespace

void add_export_command(CLI::App& app, Context& context) {
  auto settings = std::make_shared<ExportSettings>();
  CLI::App* command = app.add_subcommand("export", "Write a campaign's human submissions as CSV or JSONL");
  command->add_option("--run", settings->run, "Campaign run")->required();
  command->add_option("--format", settings->format, "jsonl (one submission a line) or csv (one sample a row)")
      ->check(CLI::IsMember({"csv", "jsonl"}))
      ->capture_default_str();
  command->add_option("--out", settings->out, "Output file (default: WORKSPACE/export/run-N-human.FORMAT)");
  command->add_flag("--include-incomplete", settings->include_incomplete,
                    "Also submissions whose three tasks are not all done (JSONL only shows them fully)");
  context.define(command, [&context, settings] { run_export(context, *settings); });
}

}  // namespace blindspot::cli
