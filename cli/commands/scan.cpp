#include "commands.hpp"
#include "number_options.hpp"
#include "predictions_option.hpp"
#include "shared_options.hpp"

#include "../ui/table.hpp"

#include "blindspot/core/error.hpp"
#include "blindspot/discover/label_issues.hpp"
#include "blindspot/discover/uu_output.hpp"
#include "blindspot/discover/uu_records.hpp"
#include "blindspot/discover/uu_scan.hpp"
#include "blindspot/model/fasttext_classifier.hpp"

#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <iostream>
#include <optional>

namespace blindspot::cli {
namespace {

// UUs shown on the terminal after a scan, and how much of each text.
constexpr std::size_t kTopUusShown = 5;
constexpr std::size_t kShownTextBytes = 70;

struct LabelIssueSettings {
  bool enabled = false;
  discover::CrossValidationOptions cross_validation;
};

struct ScanSettings {
  DataSource source;
  ModelSource model;
  std::filesystem::path predictions;
  std::filesystem::path out_prefix;
  discover::ScanOptions scan;
  LabelIssueSettings label_issues;
};

// The rows the k-fold models learn from besides the scanned split: the dataset folder's train split
// (recorded as an input of the run), none when the split is train itself or a single file.
data::Split training_rows(Context& context, const ScanSettings& settings, const data::Split& split,
                          const model::Classifier& model) {
  if (!std::filesystem::is_directory(settings.source.data)) return {};
  DataSource train = settings.source;
  train.split = "train";
  const auto file = data::find_split_file(train.data, train.split);
  if (std::filesystem::equivalent(file, split.file)) return {};
  return read_split_for_run(context, train, model);
}

// The fastText model `scan --label-issues` retrains on k folds; nullptr with a predictions file,
// whose probabilities are out-of-sample as they are. Other models blindspot cannot retrain: checked
// before the scan, which may be long.
const model::FastTextClassifier* retrainable_model(const ScanSettings& settings, const model::Classifier& model) {
  if (!settings.label_issues.enabled || !settings.predictions.empty()) return nullptr;
  const auto* fasttext = dynamic_cast<const model::FastTextClassifier*>(&model);
  if (fasttext == nullptr) {
    throw core::Error(core::ErrorKind::usage,
                      fmt::format("--label-issues needs out-of-sample probabilities: blindspot retrains only its own "
                                  "fastText models on k folds, not the {} {}; give that model's cross-validated "
                                  "probabilities with --predictions FILE instead of --model (docs/label-issues.md)",
                                  model::to_string(model::source_kind(settings.model.spec)),
                                  model::displayable_source(settings.model.spec)));
  }
  return fasttext;
}

std::optional<discover::LabelIssueSummary> triage(Context& context, const ScanSettings& settings,
                                                  const model::Classifier& model, const data::Split& split,
                                                  discover::ScanResult& result) {
  if (!settings.label_issues.enabled) return std::nullopt;
  const auto& cross_validation = settings.label_issues.cross_validation;
  const model::FastTextClassifier* fasttext = retrainable_model(settings, model);
  if (fasttext == nullptr) return discover::triage_label_issues(result, split, {}, {}, cross_validation);
  model::FastTextOptions options = fasttext->options();
  // One thread and a seed: the k models, and so the verdicts, are the same on every rerun.
  options.threads = 1;
  options.seed = static_cast<int>(cross_validation.seed);
  options.quantize = false;
  const data::Split train = training_rows(context, settings, split, model);
  const discover::ClassifierFactory factory = [options] {
    return std::make_unique<model::FastTextClassifier>(options);
  };
  auto summary = discover::triage_label_issues(result, split, train, factory, cross_validation, context.progress());
  context.end_progress();
  return summary;
}

// One line per UU: confidence, true -> predicted label, the start of its text.
std::string shown_text(const std::string& text) {
  std::string shown = text.substr(0, kShownTextBytes);
  // Never cut a UTF-8 character in two.
  if (text.size() > kShownTextBytes) {
    while (!shown.empty() && (static_cast<unsigned char>(shown.back()) & 0xC0) == 0x80) shown.pop_back();
    if (!shown.empty() && (static_cast<unsigned char>(shown.back()) & 0x80) != 0) shown.pop_back();
    shown += "...";
  }
  for (char& c : shown) {
    if (c == '\n' || c == '\r' || c == '\t') c = ' ';
  }
  return shown;
}

void print_top_uus(const data::Split& split, const discover::ScanResult& result) {
  const auto order = discover::uus_most_confident_first(result);
  if (order.empty()) return;
  std::cout << fmt::format("most confident UUs{}:\n", result.label_issues_estimated ? " (* probable label issue)" : "");
  for (std::size_t i = 0; i < std::min(order.size(), kTopUusShown); ++i) {
    const discover::ScoredExample& scored = result.scored[order[i]];
    std::cout << fmt::format("  {:.3f} {}{} -> {}  {}\n", scored.confidence, scored.label_issue ? "*" : "",
                             split.labels.name(static_cast<std::size_t>(scored.true_label)),
                             split.labels.name(static_cast<std::size_t>(scored.predicted_label)),
                             shown_text(split.examples[scored.row].text));
  }
}

nlohmann::ordered_json label_issues_json(const discover::LabelIssueSummary& summary, const data::LabelSet& labels) {
  nlohmann::ordered_json thresholds = nlohmann::ordered_json::object();
  for (std::size_t k = 0; k < labels.size(); ++k) thresholds[labels.name(k)] = summary.class_thresholds.at(k);
  return {{"method", summary.folds > 0 ? "cross_validation" : "predictions"},
          {"folds", summary.folds},
          {"examples", summary.examples},
          {"class_thresholds", thresholds},
          {"split_rows_flagged", summary.split_issues},
          {"uus_flagged", summary.uu_issues}};
}

struct ScanOutputs {
  std::filesystem::path jsonl;
  std::filesystem::path csv;
};

void print_json(Context& context, const data::Split& split, const discover::ScanResult& result,
                const std::optional<discover::LabelIssueSummary>& issues, const ScanOutputs& outputs) {
  nlohmann::ordered_json counts = nlohmann::ordered_json::array();
  for (const auto& count : result.counts) counts.push_back({{"threshold", count.threshold}, {"count", count.count}});
  const auto correct = std::count_if(result.scored.begin(), result.scored.end(),
                                     [](const discover::ScoredExample& e) { return e.correct(); });
  nlohmann::ordered_json out = {{"run", context.run_id()},
                                {"split", split.name},
                                {"file", split.file.string()},
                                {"examples", result.scored.size()},
                                {"errors", result.scored.size() - static_cast<std::size_t>(correct)},
                                {"accuracy", discover::accuracy(result)},
                                {"threshold", result.threshold},
                                {"uus", result.uus.size()},
                                {"uu_counts", counts}};
  if (issues) out["label_issues"] = label_issues_json(*issues, split.labels);
  out["outputs"] = {{"jsonl", outputs.jsonl.string()}, {"csv", outputs.csv.string()}};
  std::cout << out.dump(2) << '\n';
}

void print_text(Context& context, const data::Split& split, const discover::ScanResult& result,
                const std::optional<discover::LabelIssueSummary>& issues, const ScanOutputs& outputs) {
  const auto errors = std::count_if(result.scored.begin(), result.scored.end(),
                                    [](const discover::ScoredExample& e) { return !e.correct(); });
  std::cout << fmt::format("scanned {} ({} examples, {} errors, accuracy {:.2f}%)\n", split.file.string(),
                           result.scored.size(), errors, 100.0 * discover::accuracy(result));
  ui::Table table({"confidence >=", "UUs", "rate"});
  for (const auto& count : result.counts) {
    table.add_row({fmt::format("{:.2f}", count.threshold), std::to_string(count.count),
                   fmt::format("{:.2f}%", result.scored.empty() ? 0.0
                                                                : 100.0 * static_cast<double>(count.count) /
                                                                      static_cast<double>(result.scored.size()))});
  }
  std::cout << table.render();
  if (issues) {
    std::cout << fmt::format("{} of {} UUs flagged as probable label issues (confident learning, {}); they are "
                             "not taught unless teach is given --teach-label-issues\n",
                             issues->uu_issues, result.uus.size(),
                             issues->folds > 0 ? fmt::format("{}-fold cross-validation", issues->folds)
                                               : std::string("the predictions file's probabilities"));
  }
  print_top_uus(split, result);
  std::cout << fmt::format("{} UUs at threshold {:.2f}, most confident first, written to\n  {}\n  {}\nrun: {}\n",
                           result.uus.size(), result.threshold, outputs.jsonl.string(), outputs.csv.string(),
                           context.run_id());
}

void run_scan(Context& context, ScanSettings& settings) {
  const auto model = load_model_or_predictions(context, settings.model, settings.source, settings.predictions);
  retrainable_model(settings, *model);
  const data::Split split = read_split_for_run(context, settings.source, *model);
  discover::ScanResult result = discover::scan(*model, split, settings.scan, context.progress());
  context.end_progress();
  const auto issues = triage(context, settings, *model, split, result);

  if (settings.out_prefix.empty()) {
    settings.out_prefix = context.workspace / "scans" / fmt::format("run-{}-{}", context.run_id(), split.name);
  }
  const ScanOutputs outputs{settings.out_prefix.string() + ".uus.jsonl", settings.out_prefix.string() + ".uus.csv"};
  discover::write_uus_jsonl(outputs.jsonl, split, result);
  discover::write_uus_csv(outputs.csv, split, result);
  discover::record_scan(context.store(), context.run_id(), split, result);
  record_output(context, "uus_jsonl", outputs.jsonl);
  record_output(context, "uus_csv", outputs.csv);
  if (context.json) {
    print_json(context, split, result, issues, outputs);
  } else {
    print_text(context, split, result, issues, outputs);
  }
}

void add_label_issue_options(CLI::App& command, LabelIssueSettings& settings) {
  CLI::Option* flag = command.add_flag(
      "--label-issues", settings.enabled,
      "Flag the UUs that are probably wrong labels rather than blind spots (confident learning on out-of-sample "
      "probabilities: k-fold retraining of a fastText model, or the --predictions file; docs/label-issues.md)");
  command.add_option("--label-folds", settings.cross_validation.folds,
                     "Folds of the cross-validation behind --label-issues")
      ->check(CLI::Range(2, 100))
      ->capture_default_str()
      ->needs(flag);
  add_seed_option(command, settings.cross_validation.seed, "Seed of the folds and of the k-fold models")
      ->needs(flag);
}

}  // namespace

void add_scan_command(CLI::App& app, Context& context) {
  auto settings = std::make_shared<ScanSettings>();
  CLI::App* command = app.add_subcommand("scan", "Find the confident misclassifications (UUs) of a model on a split");
  add_model_option(*command, settings->model, /*required=*/false);
  add_predictions_option(*command, settings->predictions);
  add_shared_options(*command, settings->source, "dev");
  add_threshold_option(*command, settings->scan.threshold);
  add_threads_option(*command, settings->scan.threads);
  command->add_option("--out", settings->out_prefix,
                      "Output prefix: writes PREFIX.uus.jsonl and PREFIX.uus.csv (default: WORKSPACE/scans/run-N-SPLIT)");
  add_label_issue_options(*command, settings->label_issues);
  context.define(command, [&context, settings] {
    settings->label_issues.cross_validation.threads = settings->scan.threads;
    run_scan(context, *settings);
  });
}

}  // namespace blindspot::cli
