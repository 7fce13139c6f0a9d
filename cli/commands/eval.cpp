#include "baseline_options.hpp"
#include "commands.hpp"
#include "predictions_option.hpp"
#include "shared_options.hpp"

#include "../ui/table.hpp"

#include "blindspot/core/atomic_file.hpp"
#include "blindspot/core/error.hpp"
#include "blindspot/discover/attack/adversarial_uus.hpp"
#include "blindspot/discover/attack/attack_records.hpp"
#include "blindspot/discover/uu_scan.hpp"
#include "blindspot/eval/baseline_check.hpp"
#include "blindspot/eval/evaluation.hpp"
#include "blindspot/store/runs.hpp"

#include <fmt/core.h>

#include <nlohmann/json.hpp>

#include <cmath>
#include <iostream>
#include <optional>

namespace blindspot::cli {
namespace {

struct EvalSettings {
  DataSource source;
  ModelSource model;
  std::filesystem::path predictions;
  // Set when --adversarial-sample is given explicitly (with --predictions the metric is then an error).
  CLI::Option* adversarial_sample_option = nullptr;
  std::filesystem::path out_file;
  discover::ScanOptions scan;
  int bins = eval::kDefaultCalibrationBins;
  discover::AdversarialUuOptions adversarial;
};

void record_metrics(Context& context, const eval::Evaluation& evaluation) {
  auto& db = context.store();
  const std::string& split = evaluation.split;
  db.transaction([&] {
    store::record_metric(db, context.run_id(), split, "accuracy", evaluation.metrics.accuracy);
    store::record_metric(db, context.run_id(), split, "macro_f1", evaluation.metrics.macro_f1);
    store::record_metric(db, context.run_id(), split, "ece", evaluation.calibration.expected_calibration_error);
    store::record_metric(db, context.run_id(), split, "brier", evaluation.calibration.brier_score);
    for (const auto& count : evaluation.uu_counts) {
      store::record_metric(db, context.run_id(), split, fmt::format("uus@{:.2f}", count.threshold),
                           static_cast<double>(count.count));
    }
  });
}

void record_adversarial(Context& context, const data::Split& split, const discover::AdversarialUuMetric& metric) {
  auto& db = context.store();
  discover::record_attacks(db, context.run_id(), split, metric.run);
  db.transaction([&] {
    store::record_metric(db, context.run_id(), split.name, "adversarial_attacked", static_cast<double>(metric.attacked));
    store::record_metric(db, context.run_id(), split.name, "adversarial_uus", static_cast<double>(metric.uus));
    store::record_metric(db, context.run_id(), split.name, "adversarial_uu_rate", metric.rate);
  });
}

nlohmann::ordered_json adversarial_json(const discover::AdversarialUuMetric& metric, const EvalSettings& settings) {
  return {{"recipe", metric.recipe},
          {"threshold", metric.threshold},
          {"budget", settings.adversarial.attack.budget},
          {"seed", settings.adversarial.attack.seed},
          {"sampled", metric.sampled},
          {"attacked", metric.attacked},
          {"uus", metric.uus},
          {"rate", std::isnan(metric.rate) ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(metric.rate)}};
}

void print_evaluation(const eval::Evaluation& evaluation, const std::optional<discover::AdversarialUuMetric>& adversarial) {
  const auto& metrics = evaluation.metrics;
  std::cout << fmt::format("{}: {} examples\n", evaluation.split, metrics.count);
  ui::Table summary({"metric", "value"});
  summary.add_row({"accuracy", fmt::format("{:.4f}", metrics.accuracy)});
  summary.add_row({"macro-F1", fmt::format("{:.4f}", metrics.macro_f1)});
  summary.add_row({fmt::format("ECE ({} bins)", evaluation.calibration.bins.size()),
                   fmt::format("{:.4f}", evaluation.calibration.expected_calibration_error)});
  summary.add_row({"Brier", fmt::format("{:.4f}", evaluation.calibration.brier_score)});
  for (const auto& count : evaluation.uu_counts) {
    summary.add_row({fmt::format("UUs, confidence >= {:.2f}", count.threshold), std::to_string(count.count)});
  }
  if (adversarial) {
    summary.add_row({fmt::format("adversarial UUs ({}, {} attacked)", adversarial->recipe, adversarial->attacked),
                     std::to_string(adversarial->uus)});
    summary.add_row({"adversarial UU rate",
                     std::isnan(adversarial->rate) ? "-" : fmt::format("{:.4f}", adversarial->rate)});
  }
  std::cout << summary.render() << '\n';

  ui::Table per_class({"label", "precision", "recall", "F1", "support"});
  for (const auto& c : metrics.per_class) {
    per_class.add_row({c.label, fmt::format("{:.4f}", c.precision), fmt::format("{:.4f}", c.recall),
                       fmt::format("{:.4f}", c.f1), std::to_string(c.support)});
  }
  std::cout << per_class.render() << '\n';

  std::vector<std::string> header = {"true \\ predicted"};
  for (const auto& c : metrics.per_class) header.push_back(c.label);
  ui::Table confusion(header);
  for (std::size_t i = 0; i < metrics.per_class.size(); ++i) {
    std::vector<std::string> row = {metrics.per_class[i].label};
    for (const auto cell : metrics.confusion[i]) row.push_back(std::to_string(cell));
    confusion.add_row(row);
  }
  std::cout << confusion.render();
}

// The model against the majority-class rate and its train-set accuracy (docs/baseline.md). A
// dataset folder's train split gives the majority label and a seeded sample of at most
// kTrainSampleRows rows for the train-set accuracy (not measured with --predictions, which only
// answers for its own split); a single file is compared with its own majority rate.
struct CheckedBaseline {
  eval::BaselineCheck check;
  std::string majority_from;  // "train" or "the evaluated file"
};

// Whether `data` is a dataset folder with a train split (find_split_file's names).
bool has_train_split(const std::filesystem::path& data) {
  if (!std::filesystem::is_directory(data)) return false;
  for (const char* name : {"train.csv", "train.tsv", "train.jsonl"}) {
    if (std::filesystem::is_regular_file(data / name)) return true;
  }
  return false;
}

CheckedBaseline check_model(Context& context, const EvalSettings& settings, const model::Classifier& model,
                            const data::Split& split, const discover::ScanResult& scan) {
  eval::BaselineCheckOptions options;
  options.split = split.name;
  const bool folder = has_train_split(settings.source.data);
  if (!folder || split.name == "train") {
    std::optional<discover::ScanResult> own;
    if (split.name == "train") own = scan;
    return {eval::check_baseline(model.labels(), split, scan, own ? &*own : nullptr, options),
            folder ? "train" : "the evaluated file"};
  }
  DataSource train_source = settings.source;
  train_source.split = "train";
  const data::Split train = read_split_for_run(context, train_source, model);
  std::optional<discover::ScanResult> train_scan;
  if (settings.predictions.empty()) {
    train_scan = eval::scan_train_sample(model, train, eval::kTrainSampleRows, settings.adversarial.attack.seed,
                                         settings.scan.threads);
  }
  return {eval::check_baseline(model.labels(), train, scan, train_scan ? &*train_scan : nullptr, options), "train"};
}

void print_check(const CheckedBaseline& checked, const std::string& split) {
  if (checked.majority_from != "train") {
    std::cout << "no train split: the majority-class rate is that of the evaluated file's own labels\n";
  }
  std::cout << baseline_check_text(checked.check, split);
}

// With --predictions the adversarial metric, which must query the model, is skipped by default and
// refused when asked for.
bool wants_adversarial(const EvalSettings& settings) {
  if (settings.adversarial.sample_size == 0) return false;
  if (settings.predictions.empty()) return true;
  if (settings.adversarial_sample_option->count() == 0) return false;
  throw core::Error(core::ErrorKind::usage,
                    "the adversarial UU metric must query the model: a predictions file (--predictions " +
                        settings.predictions.string() +
                        ") only answers for the rows of its split; give --model, or --adversarial-sample 0");
}

void run_eval(Context& context, EvalSettings& settings) {
  const bool adversarial_wanted = wants_adversarial(settings);
  const auto model = load_model_or_predictions(context, settings.model, settings.source, settings.predictions);
  const data::Split split = read_split_for_run(context, settings.source, *model);
  const discover::ScanResult result = discover::scan(*model, split, settings.scan, context.progress());
  context.end_progress();
  const eval::Evaluation evaluation = eval::evaluate(split.name, split.labels, result, settings.bins);
  record_metrics(context, evaluation);
  const CheckedBaseline checked = check_model(context, settings, *model, split, result);

  std::optional<discover::AdversarialUuMetric> adversarial;
  if (adversarial_wanted) {
    settings.adversarial.attack.threshold = settings.scan.threshold;
    settings.adversarial.attack.threads = settings.scan.threads;
    adversarial = discover::measure_adversarial_uus(*model, split, settings.adversarial, context.progress());
    context.end_progress();
    record_adversarial(context, split, *adversarial);
  }
  auto report = nlohmann::ordered_json::parse(eval::to_json(evaluation));
  if (adversarial) report["adversarial"] = adversarial_json(*adversarial, settings);
  report["baseline_check"] = nlohmann::ordered_json::parse(eval::to_json(checked.check));
  report["baseline_check"]["majority_from"] = checked.majority_from;
  if (!settings.out_file.empty()) {
    core::write_file_atomically(settings.out_file, report.dump(2) + "\n");
    record_output(context, "evaluation", settings.out_file);
  }
  if (context.json) {
    std::cout << report.dump(2) << '\n';
  } else {
    print_evaluation(evaluation, adversarial);
    print_check(checked, split.name);
    if (!settings.predictions.empty()) std::cout << "adversarial UU metric: skipped (it must query a model: give --model)\n";
    std::cout << fmt::format("run: {}\n", context.run_id());
  }
}

}  // namespace

void add_eval_command(CLI::App& app, Context& context) {
  auto settings = std::make_shared<EvalSettings>();
  CLI::App* command = app.add_subcommand("eval", "Accuracy, macro-F1, calibration and UU counts of a model on a split");
  add_model_option(*command, settings->model, /*required=*/false);
  add_predictions_option(*command, settings->predictions);
  add_shared_options(*command, settings->source, "test");
  add_threshold_option(*command, settings->scan.threshold);
  command->add_option("--bins", settings->bins, "Equal-width bins of the calibration error")
      ->check(CLI::Range(1, 1000))
      ->capture_default_str();
  add_threads_option(*command, settings->scan.threads);
  command->add_option("--out", settings->out_file, "Also write the full evaluation as JSON to this file");
  settings->adversarial_sample_option =
      command
          ->add_option("--adversarial-sample", settings->adversarial.sample_size,
                       "Rows sampled (with --seed) for the adversarial UU metric; their correctly classified ones are "
                       "attacked (0 = skip the metric; skipped by default with --predictions)")
          ->capture_default_str();
  add_attack_options(*command, settings->adversarial.recipe, settings->adversarial.attack.budget,
                     settings->adversarial.attack.seed);
  context.define(command, [&context, settings] { run_eval(context, *settings); });
}

}  // namespace blindspot::cli
