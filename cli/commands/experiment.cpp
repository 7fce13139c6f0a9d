#include "blindspot/loop/experiment.hpp"

#include "../ui/table.hpp"
#include "commands.hpp"
#include "llm_options.hpp"
#include "shared_options.hpp"

#include "blindspot/core/error.hpp"
#include "blindspot/loop/teachers.hpp"

#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <iostream>

namespace blindspot::cli {
namespace {

struct ExperimentSettings {
  std::filesystem::path config_file;
  std::filesystem::path out;
  LlmSettings llm;
  int threads = -1;   // -1: as the config says
  ModelSource model;  // empty spec: as the config says (default fastText)
  std::string train_command;
  std::filesystem::path baseline_model;
  // The label-issue triage's flags, over the config's label_issues, label_folds, teach_label_issues.
  bool label_issues = false;
  int label_folds = 0;  // 0: as the config says
  bool teach_label_issues = false;
};

// The flags' label-issue triage over the config's; Error{usage} for --teach-label-issues without it.
void set_label_issues(const ExperimentSettings& settings, loop::LoopOptions& loop) {
  loop.label_issues = loop.label_issues || settings.label_issues;
  if (settings.label_folds > 0) loop.label_folds = settings.label_folds;
  loop.teach_label_issues = loop.teach_label_issues || settings.teach_label_issues;
  if (loop.teach_label_issues && !loop.label_issues) {
    throw core::Error(core::ErrorKind::usage,
                      "--teach-label-issues needs --label-issues (or label_issues = true in the experiment file)");
  }
  if (settings.label_folds > 0 && !loop.label_issues) {
    throw core::Error(core::ErrorKind::usage,
                      "--label-folds needs --label-issues (or label_issues = true in the experiment file)");
  }
}

// The flags' model over the config's; the adapter's and train commands' logs in the workspace.
void set_external_model(Context& context, const ExperimentSettings& settings, loop::LoopOptions& loop) {
  if (!settings.model.spec.empty()) loop.external.spec = settings.model.spec;
  loop.external.remote = settings.model.remote;
  if (!settings.train_command.empty()) loop.external.train_command = settings.train_command;
  if (!settings.baseline_model.empty()) loop.baseline_model = settings.baseline_model;
  if (loop.external.spec.empty()) return;
  const auto logs = context.workspace / "logs";
  loop.external.remote.log_file = logs / fmt::format("run-{}-model.log", context.run_id());
  loop.external.train_log = logs / fmt::format("run-{}-train.log", context.run_id());
  std::filesystem::create_directories(logs);
}

// Every condition of an experiment has these metrics (accuracy, the UU counts, the rate, the reachable errors).
const report::MetricSummary& metric(const report::ConditionResult& condition, std::string_view name) {
  return *report::find_metric(condition, name);
}

// report.html, report.md and report.json in `folder`, each recorded as an output of the run.
void write_report(Context& context, const std::filesystem::path& folder, const report::ExperimentReport& report) {
  report::write_report_files(folder, report);
  for (const char* name : report::kReportFileNames) record_output(context, name, folder / name);
}

void print_json(const Context& context, const std::filesystem::path& folder, const report::ExperimentReport& report) {
  std::cout << nlohmann::json{{"run", context.run_id()},
                              {"report",
                               {{"html", (folder / "report.html").string()},
                                {"markdown", (folder / "report.md").string()},
                                {"json", (folder / "report.json").string()}}},
                              {"findings", report.findings}}
                   .dump(2)
            << '\n';
}

// "0.8312" for none, "0.8201 (-1.11 [-1.60, -0.62])" for a condition: its mean and effect against
// none with the interval (accuracy in points).
std::string with_effect(const report::MetricSummary& metric, double scale, int decimals) {
  std::string text = fmt::format("{:.{}f}", metric.mean, decimals);
  if (!metric.effect_vs_none) return text;
  const report::EffectSummary& effect = *metric.effect_vs_none;
  const int change_decimals = scale == 1 ? decimals : 2;
  text += fmt::format(" ({:+.{}f}", scale * effect.estimate, change_decimals);
  if (std::isfinite(effect.ci_low) && effect.p_value) {
    text += fmt::format(" [{:.{}f}, {:.{}f}]", scale * effect.ci_low, change_decimals, scale * effect.ci_high,
                        change_decimals);
  }
  return text + (effect.excludes_zero() ? ")" : ", within noise)");
}

void print_text(const Context& context, const loop::ExperimentConfig& config, const std::filesystem::path& folder,
                const report::ExperimentReport& report) {
  const std::string uu_metric = fmt::format("uus@{:.2f}", config.loop.threshold);
  ui::Table table({"condition", "accuracy (change in points)", "reachable confident errors", "adversarial UU rate",
                   "UUs @" + uu_metric.substr(4), "samples/seed", "USD"});
  for (const auto& condition : report.conditions) {
    table.add_row({condition.name, with_effect(metric(condition, "accuracy"), 100, 4),
                   with_effect(metric(condition, "reachable_uus"), 1, 1),
                   with_effect(metric(condition, "adversarial_uu_rate"), 1, 3),
                   with_effect(metric(condition, uu_metric), 1, 1),
                   fmt::format("{:.0f}", static_cast<double>(condition.cost.accepted_samples) /
                                             static_cast<double>(report.seeds.size())),
                   fmt::format("{:.4f}", report::total_usd(condition.cost))});
  }
  std::cout << fmt::format("experiment {} on {} ({} seeds, budget {} samples per condition and seed)\n", config.name,
                           report.dataset, report.seeds.size(), report.sample_budget);
  std::cout << table.render();
  for (const auto& finding : report.findings) std::cout << "- " << finding << '\n';
  std::cout << fmt::format("report: {}\nrun: {}\n", (folder / "report.html").string(), context.run_id());
}

void run_experiment_command(Context& context, ExperimentSettings& settings) {
  loop::ExperimentConfig config = loop::read_experiment_config(settings.config_file);
  if (settings.threads >= 0) config.loop.threads = settings.threads;
  set_external_model(context, settings, config.loop);
  set_label_issues(settings, config.loop);
  const bool uses_llm =
      std::find(config.conditions.begin(), config.conditions.end(), loop::TeacherKind::llm) != config.conditions.end();
  // Checks the endpoint when a condition needs it.
  resolve_teacher(settings.llm, uses_llm ? "llm" : "auto", "conditions", loop::teacher_kinds());
  std::unique_ptr<llm::ChatClient> client;
  if (uses_llm) {
    client = make_llm_client(context, settings.llm, config.seeds.front());
    config.loop.teacher_settings_json = llm_teacher_settings_json(settings.llm);
  }
  loop::ExperimentContext experiment{
      .root = context.workspace / "loops", .store = context.store(), .run_id = context.run_id()};
  experiment.client = client.get();
  experiment.llm = settings.llm.teacher;
  const bool show = !context.json && !context.quiet;
  experiment.on_progress = [show](const std::string& what) {
    if (show) std::cerr << what << '\n';
  };
  const loop::ExperimentOutcome outcome = loop::run_experiment(config, experiment);
  const std::filesystem::path folder =
      settings.out.empty() ? context.workspace / "experiments" / config.name : settings.out;
  write_report(context, folder, outcome.report);
  loop::record_experiment_metrics(context.store(), context.run_id(), outcome.report);
  if (context.json) {
    print_json(context, folder, outcome.report);
  } else {
    print_text(context, config, folder, outcome.report);
  }
}

}  // namespace

void add_experiment_command(CLI::App& app, Context& context) {
  auto settings = std::make_shared<ExperimentSettings>();
  CLI::App* command = app.add_subcommand("experiment",
                                         "Compare conditions (none, untargeted, adversarial_training, auto, llm, "
                                         "human, import) over seeds; writes an HTML report");
  command->add_option("config", settings->config_file, "Experiment file (TOML, docs/experiment.md)")
      ->required()
      ->check(CLI::ExistingFile);
  command->add_option("--out", settings->out, "Report folder (default: WORKSPACE/experiments/NAME)");
  command->add_option("--threads", settings->threads, "Worker threads (0 = all cores; default: the config's)")
      ->check(CLI::Range(0, 256));
  add_model_option(*command, settings->model, false);
  command->add_option("--train-command", settings->train_command,
                      "Trains the --model for every seed and condition: {train} (a text,label CSV), {model} (the "
                      "file to write), {seed} (docs/run.md, \"Any model\")");
  command->add_option("--baseline-model", settings->baseline_model,
                      "A trained baseline model file used for every seed instead of training one");
  add_llm_options(*command, settings->llm);
  command->add_flag("--label-issues", settings->label_issues,
                    "Flag the dev UUs that are probably wrong labels (k-fold confident learning): counted apart from "
                    "blind spots and not taught (default: the config's label_issues)");
  command->add_option("--label-folds", settings->label_folds, "Folds behind --label-issues (default: the config's, 5)")
      ->check(CLI::Range(2, 100));
  command->add_flag("--teach-label-issues", settings->teach_label_issues,
                    "Also teach (and hold out) the dev UUs --label-issues flagged");
  context.define(command, [&context, settings] { run_experiment_command(context, *settings); });
}

}  // namespace blindspot::cli
