#include "commands.hpp"
#include "llm_options.hpp"
#include "shared_options.hpp"

#include "../ui/table.hpp"

#include "blindspot/augment/adversarial_training.hpp"
#include "blindspot/augment/augmentation.hpp"
#include "blindspot/core/error.hpp"
#include "blindspot/loop/experiment.hpp"
#include "blindspot/store/runs.hpp"
#include "blindspot/teach/auto_teacher.hpp"
#include "blindspot/teach/human_teacher.hpp"
#include "blindspot/teach/import_teacher.hpp"

#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include <iostream>

namespace blindspot::cli {
namespace {

struct ExperimentSettings {
  std::filesystem::path config_file;
  std::filesystem::path out;
  LlmSettings llm;
  int threads = -1;  // -1: as the config says
};

// Every condition of an experiment has these metrics (accuracy, the UU counts).
const report::MetricSummary& metric(const report::ConditionResult& condition, std::string_view name) {
  return *report::find_metric(condition, name);
}

void run_experiment_command(Context& context, ExperimentSettings& settings) {
  loop::ExperimentConfig config = loop::read_experiment_config(settings.config_file);
  if (settings.threads >= 0) config.loop.threads = settings.threads;
  const bool uses_llm = std::find(config.conditions.begin(), config.conditions.end(), "llm") != config.conditions.end();
  std::string teacher = uses_llm ? "llm" : "auto";
  resolve_llm(settings.llm, teacher);
  std::unique_ptr<llm::ChatClient> client;
  if (uses_llm) {
    client = make_llm_client(context, settings.llm, config.seeds.front());
    config.loop.teacher_settings_json = llm_teacher_settings_json(settings.llm);
  }
  const loop::ConditionTeachers teachers = [&](const std::string& condition, std::uint64_t seed) -> loop::TeacherFactory {
    return [&, condition, seed](const loop::TeacherInputs& inputs) -> std::unique_ptr<teach::Teacher> {
      if (condition == "untargeted") {
        // Twice the budget: the filters may reject some (a short text with a few edits can stay a
        // near duplicate of its source), and the pick then takes exactly the budget.
        return std::make_unique<augment::UntargetedTeacher>(inputs.train, 2 * config.loop.sample_budget, seed);
      }
      if (condition == "adversarial_training") {
        discover::AttackOptions attack;
        attack.threshold = config.loop.threshold;
        attack.budget = config.loop.attack_budget;
        attack.seed = seed;
        attack.threads = config.loop.threads;
        return std::make_unique<augment::AdversarialTrainingTeacher>(inputs.baseline, inputs.train,
                                                                     2 * config.loop.sample_budget, attack);
      }
      if (condition == "human") return std::make_unique<teach::HumanTeacher>(inputs.store, config.human_campaign);
      if (condition == "import") {
        return std::make_unique<teach::ImportTeacher>(config.import_hypotheses, config.import_samples);
      }
      if (condition == "llm") {
        teach::LlmTeacherOptions options = settings.llm.teacher;
        options.labels = inputs.baseline.labels();
        options.seed = static_cast<std::int64_t>(seed);
        return std::make_unique<teach::LlmTeacher>(*client, options);
      }
      teach::AutoTeacherOptions options;
      options.seed = seed;
      options.threshold = config.loop.threshold;
      options.threads = config.loop.threads;
      return std::make_unique<teach::AutoTeacher>(inputs.train, inputs.baseline, inputs.uus, options);
    };
  };
  const loop::ConditionCosts costs = [&](const std::string& condition) {
    report::ConditionCost cost;
    // Counted once per seed (its actual cost is in the findings).
    if (condition == "human") cost = loop::human_condition_cost(context.store(), config);
    return cost;
  };
  const bool show = !context.json && !context.quiet;
  loop::ExperimentOutcome outcome =
      loop::run_experiment(config, context.workspace / "loops", context.store(), context.run_id(), teachers, costs,
                           [&](const std::string& what) {
                             if (show) std::cerr << what << '\n';
                           });
  if (config.human_campaign > 0) {
    const auto campaign = teach::human_campaign_cost(context.store(), config.human_campaign);
    outcome.report.findings.push_back(fmt::format(
        "human: campaign {} holds {} complete submissions ({} hypotheses, {} samples) from {} annotators, {:.1f} h of "
        "paid active time (incomplete work included), ${:.2f} at ${:.2f}/h plus a {:.0f}% platform fee; the cost "
        "table counts it once per seed.",
        config.human_campaign, campaign.submissions, campaign.hypotheses, campaign.samples,
        campaign.by_annotator.size(), campaign.paid_active_seconds() / 3600,
        teach::human_cost_usd(campaign.paid_active_seconds(), config.hourly_wage_usd, config.platform_fee),
        config.hourly_wage_usd, 100 * config.platform_fee));
  }
  const auto& report = outcome.report;
  if (settings.out.empty()) settings.out = context.workspace / "experiments" / config.name;
  std::filesystem::create_directories(settings.out);
  report::write_html(settings.out / "report.html", report);
  report::write_markdown(settings.out / "report.md", report);
  report::write_json(settings.out / "report.json", report);
  for (const char* name : {"report.html", "report.md", "report.json"}) record_output(context, name, settings.out / name);

  auto& db = context.store();
  db.transaction([&] {
    for (const auto& condition : report.conditions) {
      for (const auto& m : condition.metrics) store::record_metric(db, context.run_id(), condition.name, m.name, m.mean);
    }
  });
  if (context.json) {
    std::cout << nlohmann::json{{"run", context.run_id()},
                                {"report", {{"html", (settings.out / "report.html").string()},
                                            {"markdown", (settings.out / "report.md").string()},
                                            {"json", (settings.out / "report.json").string()}}},
                                {"findings", report.findings}}
                     .dump(2)
              << '\n';
    return;
  }
  const std::string uu_metric = fmt::format("uus@{:.2f}", config.loop.threshold);
  ui::Table table({"condition", "accuracy", "adversarial UUs", "p vs none", "UUs @" + uu_metric.substr(4), "samples/seed",
                   "USD"});
  for (const auto& condition : report.conditions) {
    const auto& adversarial = metric(condition, "adversarial_uus");
    table.add_row({condition.name, fmt::format("{:.4f}", metric(condition, "accuracy").mean),
                   fmt::format("{:.1f} +- {:.1f}", adversarial.mean, adversarial.sd),
                   adversarial.p_value_vs_none ? fmt::format("{:.3f}", *adversarial.p_value_vs_none) : "-",
                   fmt::format("{:.1f}", metric(condition, uu_metric).mean),
                   fmt::format("{:.0f}", static_cast<double>(condition.cost.accepted_samples) /
                                             static_cast<double>(report.seeds.size())),
                   fmt::format("{:.4f}", report::total_usd(condition.cost))});
  }
  std::cout << fmt::format("experiment {} on {} ({} seeds, budget {} samples per condition and seed)\n", config.name,
                           report.dataset, report.seeds.size(), report.sample_budget);
  std::cout << table.render();
  for (const auto& finding : report.findings) std::cout << "- " << finding << '\n';
  std::cout << fmt::format("report: {}\nrun: {}\n", (settings.out / "report.html").string(), context.run_id());
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
  add_llm_options(*command, settings->llm);
  context.define(command, [&context, settings] { run_experiment_command(context, *settings); });
}

}  // namespace blindspot::cli
