#include "../ui/table.hpp"
#include "baseline_options.hpp"
#include "commands.hpp"
#include "llm_options.hpp"
#include "number_options.hpp"
#include "shared_options.hpp"
#include "teaching_rule_options.hpp"

#include "blindspot/eval/statistics.hpp"
#include "blindspot/loop/experiment.hpp"
#include "blindspot/loop/loop_records.hpp"
#include "blindspot/loop/mitigation_loop.hpp"
#include "blindspot/loop/teachers.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <cmath>
#include <iostream>
#include <limits>
#include <optional>
#include <string_view>

namespace blindspot::cli {
namespace {

struct RunSettings {
  loop::LoopOptions loop;
  ModelSource model;    // empty spec: fastText trained in process
  std::string teacher;  // empty: llm when an endpoint is configured, else auto
  LlmSettings llm;
  std::string stop_after;
  // The effect rule's accuracy tolerance (a share), as the experiment file's accuracy_tolerance.
  double accuracy_tolerance = loop::ExperimentConfig{}.accuracy_tolerance;
  // Without --sample-budget, the budget is this share of train's rows (docs/run.md, "Budget").
  double budget_share = 0.10;
};

// --sample-budget when given, else --budget-share of train's rows (0: every accepted sample).
void set_sample_budget(const CLI::App& command, RunSettings& settings) {
  if (command.count("--sample-budget") > 0 || settings.budget_share <= 0) return;
  settings.loop.sample_budget = loop::sample_budget_for_share(settings.loop.data, settings.budget_share);
}

// "1 blind spot", "3 blind spots".
std::string counted(std::int64_t count, std::string_view one, std::string_view many) {
  return fmt::format("{} {}", count, count == 1 ? one : many);
}

// The loop's effect on a metric that is a mean or sum over the same rows before and after, with
// one seed: its interval holds the test rows' variance only. nullopt when the rows do not match.
template <typename T>
std::optional<eval::EffectEstimate> one_seed_effect(const std::vector<T>& before, const std::vector<T>& after,
                                                    eval::Aggregate aggregate, int threads) {
  if (before.empty() || before.size() != after.size()) return std::nullopt;
  const eval::PerSeedValues reference{{before.begin(), before.end()}};
  const eval::PerSeedValues condition{{after.begin(), after.end()}};
  eval::BootstrapOptions options;
  options.threads = threads;
  return eval::paired_effect(1, before.size(), eval::aggregate_statistic(reference, aggregate),
                             eval::aggregate_statistic(condition, aggregate), options);
}

double adversarial_rate(const loop::TestMetrics& m) {
  return loop::adversarial_uu_rate(m).value_or(std::numeric_limits<double>::quiet_NaN());
}

void print_metric_table(const loop::LoopResult& result) {
  ui::Table table({"test metric", "before", "after", "change"});
  const auto row = [&](const std::string& name, double before, double after, int decimals) {
    table.add_row({name, fmt::format("{:.{}f}", before, decimals), fmt::format("{:.{}f}", after, decimals),
                   fmt::format("{:+.{}f}", after - before, decimals)});
  };
  const loop::TestMetrics& before = result.before;
  const loop::TestMetrics& after = result.after;
  row("accuracy", before.accuracy, after.accuracy, 4);
  row("macro-F1", before.macro_f1, after.macro_f1, 4);
  row("ECE (15 bins)", before.ece, after.ece, 4);
  row("Brier", before.brier, after.brier, 4);
  for (std::size_t i = 0; i < before.uu_counts.size() && i < after.uu_counts.size(); ++i) {
    row(fmt::format("UUs, confidence >= {:.2f}", before.uu_counts[i].first),
        static_cast<double>(before.uu_counts[i].second), static_cast<double>(after.uu_counts[i].second), 0);
  }
  row(fmt::format("adversarial UUs (attacked {} / {})", before.adversarial_attacked, after.adversarial_attacked),
      static_cast<double>(before.adversarial_uus), static_cast<double>(after.adversarial_uus), 0);
  row("adversarial UU rate (per attacked row)", adversarial_rate(before), adversarial_rate(after), 3);
  row("confident errors an attacker can reach", static_cast<double>(before.reachable_errors),
      static_cast<double>(after.reachable_errors), 0);
  std::cout << table.render();
}

// The headline, by the effect rule of `blindspot experiment` (docs/statistics.md) with one seed.
std::string headline(const loop::LoopResult& result, double accuracy_tolerance, int threads) {
  const auto errors = one_seed_effect(result.before.reachable, result.after.reachable, eval::Aggregate::sum, threads);
  const double accuracy_change = result.after.accuracy - result.before.accuracy;
  std::string change =
      fmt::format("confident errors an attacker can reach on test {} -> {} ({:+d}", result.before.reachable_errors,
                  result.after.reachable_errors, result.after.reachable_errors - result.before.reachable_errors);
  if (!errors) return "blind spots: " + change + "; no per-row outcomes to test the change on)";
  const report::EffectSummary effect = loop::effect_summary(*errors);
  if (errors->p_value) change += fmt::format(", 95% interval {:.0f} to {:.0f}", errors->lower, errors->upper);
  change += ")";
  const std::string accuracy =
      fmt::format("accuracy {:+.2f} points (tolerance {:.2f})", 100 * accuracy_change, 100 * accuracy_tolerance);
  const std::string note =
      "; one seed: the interval holds the test rows' variance only (use `blindspot "
      "experiment` for the seeds')";
  if (loop::reduces_blind_spots(effect, accuracy_change, accuracy_tolerance)) {
    return "blind spots reduced: " + change + ", " + accuracy + note;
  }
  std::string verdict = !effect.excludes_zero() ? change + " (within noise)"
                        : effect.estimate > 0   ? change + " ROSE"
                                                : change;
  if (accuracy_change < -accuracy_tolerance) {
    verdict += fmt::format(", accuracy FELL {:.2f} points, more than the tolerance {:.2f}", -100 * accuracy_change,
                           100 * accuracy_tolerance);
  } else {
    verdict += ", " + accuracy;
  }
  return "no measurable reduction: " + verdict + note;
}

void print_comparison(const loop::LoopResult& result, double accuracy_tolerance, int threads) {
  print_metric_table(result);
  std::cout << headline(result, accuracy_tolerance, threads) << '\n';
  // Counted on the dev UUs held out of teaching: a taught UU's own text may be in the samples.
  std::cout << fmt::format("{} of {} held-out dev UUs fixed ({} taught)\n", result.held_out_fixed, result.held_out_uus,
                           result.dev_uus_taught);
}

void print_rounds(const loop::LoopResult& result) {
  ui::Table table({"round", "dev UUs", "blind spots", "hypotheses", "samples added", "held-out dev UUs fixed",
                   "test accuracy", "reachable confident errors (test)"});
  for (const auto& round : result.rounds) {
    table.add_row({std::to_string(round.round), std::to_string(round.dev_uus), std::to_string(round.blind_spots),
                   std::to_string(round.hypotheses), std::to_string(round.samples_added),
                   fmt::format("{} of {}", round.held_out_fixed, round.held_out_uus),
                   fmt::format("{:.4f}", round.after.accuracy), std::to_string(round.after.reachable_errors)});
  }
  std::cout << table.render();
}

void print_attribution(const loop::LoopResult& result) {
  ui::Table table({"hypothesis", "blind spot", "samples", "dev UUs fixed thanks to it (only with / only without)",
                   "its UU fixed (with/without)"});
  for (const auto& a : result.attribution) {
    std::string text = a.text;
    if (text.size() > 70) {
      std::size_t cut = 67;  // on a UTF-8 character boundary
      while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
      text = text.substr(0, cut) + "...";
    }
    table.add_row({text, std::to_string(a.blind_spot), std::to_string(a.samples),
                   fmt::format("{:+d} (+{} / -{})", a.marginal_fixed, a.fixed_only_with, a.fixed_only_without),
                   fmt::format("{} / {}", a.source_uu_fixed ? "yes" : "no", a.source_uu_fixed_without ? "yes" : "no")});
  }
  std::cout << "Which hypotheses helped (each one's samples left out, model "
               "retrained; dev UUs):\n"
            << table.render();
}

// "probable label issues: 4 of 31 dev UUs (5-fold confident learning), ...", one line per round
// of a loop of several rounds; nothing when the triage did not run.
void print_label_issues(const loop::LoopResult& result) {
  const auto line = [](std::int64_t flagged, std::int64_t dev_uus, int folds, bool taught) {
    return fmt::format("probable label issues: {} of {} ({}-fold confident learning), counted apart from blind "
                       "spots{}",
                       flagged, counted(dev_uus, "dev UU", "dev UUs"), folds,
                       taught ? "; taught (--teach-label-issues)" : ", not taught nor held out");
  };
  if (result.label_folds == 0) return;
  if (result.rounds.size() <= 1) {
    std::cout << line(result.dev_label_issues, result.dev_uus, result.label_folds, result.label_issues_taught) << '\n';
    return;
  }
  for (const auto& round : result.rounds) {
    std::cout << fmt::format("round {}: ", round.round)
              << line(round.dev_label_issues, round.dev_uus, round.label_folds, round.label_issues_taught) << '\n';
  }
}

void print_loop(const loop::LoopResult& result, loop::TeacherKind teacher, std::int64_t run,
                const RunSettings& settings) {
  std::cout << fmt::format(
      "loop {} ({} teacher{}): {} in {}, {}, {} accepted, {} added to train\n", result.key.substr(0, 16),
      loop::to_string(teacher), teacher == loop::TeacherKind::automatic ? ", a no-LLM baseline" : "",
      counted(result.dev_uus, "dev UU", "dev UUs"), counted(result.blind_spots, "blind spot", "blind spots"),
      counted(result.hypotheses, "hypothesis", "hypotheses"), counted(result.samples_accepted, "sample", "samples"),
      result.samples_added);
  print_label_issues(result);
  std::cout << baseline_check_text(result.baseline_check);
  if (result.rounds.size() > 1) print_rounds(result);
  if (result.complete) print_comparison(result, settings.accuracy_tolerance, settings.loop.threads);
  if (!result.stopped_because.empty()) std::cout << result.stopped_because << '\n';
  if (!result.attribution.empty()) print_attribution(result);
  std::cout << fmt::format("files: {}\nrun: {}\n", result.folder.string(), run);
}

// The model options of the loop: a command or server model and where its processes log.
void set_external_model(Context& context, RunSettings& settings) {
  loop::ExternalModel& external = settings.loop.external;
  external.spec = settings.model.spec;
  external.remote = settings.model.remote;
  if (external.spec.empty()) return;
  const auto logs = context.workspace / "logs";
  external.remote.log_file = logs / fmt::format("run-{}-model.log", context.run_id());
  external.train_log = logs / fmt::format("run-{}-train.log", context.run_id());
  std::filesystem::create_directories(logs);
}

void run_loop_command(Context& context, RunSettings& settings) {
  set_external_model(context, settings);
  loop::TeacherSettings teacher;
  teacher.kind = resolve_teacher(settings.llm, settings.teacher, "--teacher",
                                 {loop::TeacherKind::automatic, loop::TeacherKind::llm});
  teacher.seed = settings.loop.seed;
  teacher.threshold = settings.loop.threshold;
  teacher.threads = settings.loop.threads;
  // The teacher's version is part of the loop key: a changed teacher never reuses old samples.
  settings.loop.teacher = loop::teacher_version(teacher.kind);
  std::unique_ptr<llm::ChatClient> client;
  if (teacher.kind == loop::TeacherKind::llm) {
    client = make_llm_client(context, settings.llm, settings.loop.seed);
    teacher.client = client.get();
    teacher.llm = settings.llm.teacher;
    teacher.llm.progress = context.progress();
    // What changes an LLM teacher's output is part of the loop's identity (never the key).
    settings.loop.teacher_settings_json = llm_teacher_settings_json(settings.llm);
  }
  const bool show_steps = !context.json && !context.quiet;
  const loop::LoopResult result = loop::run_loop(
      settings.loop, {context.workspace / "loops", context.store(), context.run_id(), loop::teacher_factory(teacher)},
      {settings.stop_after, [&](const loop::StepReport& step) {
         context.end_progress();  // the step's line must not land on a progress bar
         if (show_steps) {
           std::cerr << fmt::format(
               "step {:<15} {}\n", step.step,
               step.reused ? "already done (skipped)" : fmt::format("done in {:.1f} s", step.seconds));
         }
       }});
  if (result.complete) record_output(context, "loop_metrics", result.folder / "metrics.json");
  loop::record_loop_metrics(context.store(), context.run_id(), result);
  if (context.json) {
    std::cout << loop::loop_result_json(result, context.run_id(), loop::to_string(teacher.kind)) << '\n';
    return;
  }
  print_loop(result, teacher.kind, context.run_id(), settings);
}

}  // namespace

// How much is taught and added: --max-uus, -k, --sample-budget, --budget-share, --test-attack-rows.
void add_teaching_size_options(CLI::App& command_app, const std::shared_ptr<RunSettings>& settings) {
  CLI::App* command = &command_app;
  command->add_option_function<std::size_t>(
      "--max-uus", [settings](std::size_t value) { settings->loop.max_uus = value; },
      "UUs taught, spread over blind spots (0 = all; default: what --sample-budget needs, 20 without one)");
  command->add_option("--samples-per-hypothesis,-k", settings->loop.samples_per_hypothesis, "Samples per hypothesis")
      ->check(CLI::Range(1, 50))
      ->capture_default_str();
  command->add_option("--sample-budget", settings->loop.sample_budget,
                      "Accepted samples added to train (0 = all; default: --budget-share of train)");
  command
      ->add_option("--budget-share", settings->budget_share,
                   "Without --sample-budget: the budget as a share of train's rows (0 = every accepted sample)")
      ->check(CLI::Range(0.0, 10.0))
      ->capture_default_str();
  command
      ->add_option("--test-attack-rows", settings->loop.test_attack_rows,
                   "Test rows in the seeded sample of the adversarial UU metric")
      ->capture_default_str();
}

namespace {

// --label-issues, --label-folds, --teach-label-issues (docs/label-issues.md, "In run and experiment").
void add_label_issue_options(CLI::App& command, loop::LoopOptions& loop) {
  CLI::Option* flag = command.add_flag(
      "--label-issues", loop.label_issues,
      "Flag the dev UUs that are probably wrong labels (confident learning on k-fold out-of-sample probabilities "
      "of the loop's fastText model): counted apart from blind spots and not taught");
  command.add_option("--label-folds", loop.label_folds, "Folds of the cross-validation behind --label-issues")
      ->check(CLI::Range(2, 100))
      ->capture_default_str()
      ->needs(flag);
  command.add_flag("--teach-label-issues", loop.teach_label_issues,
                   "Also teach (and hold out) the dev UUs --label-issues flagged")
      ->needs(flag);
}

}  // namespace

void add_run_command(CLI::App& app, Context& context) {
  auto settings = std::make_shared<RunSettings>();
  CLI::App* command = app.add_subcommand(
      "run", "The whole loop: train, find dev UUs, group, teach, augment, retrain, compare on test (resumable)");
  command->add_option("--data", settings->loop.data, "Dataset folder with train, dev and test")->required();
  command->add_option("--teacher", settings->teacher,
                      "auto (no-LLM baseline) or llm (default: llm when an endpoint is configured, else auto)");
  add_threshold_option(*command, settings->loop.threshold);
  command
      ->add_option("--dev-attack-rows", settings->loop.dev_attack_rows,
                   "Dev rows attacked (DeepWordBug) for adversarial UUs (0 = natural UUs only)")
      ->capture_default_str();
  command->add_option("--attack-budget", settings->loop.attack_budget, "Levenshtein budget of every attack")
      ->check(CLI::Range(std::size_t{1}, std::size_t{100000}))
      ->capture_default_str();
  add_teaching_size_options(*command, settings);
  add_seed_option(*command, settings->loop.seed, "Seed of the model, attacks, grouping and teacher");
  add_threads_option(*command, settings->loop.threads);
  add_model_option(*command, settings->model, false);
  command->add_option(
      "--train-command", settings->loop.external.train_command,
      "Trains the --model: a shell command with {train} (a text,label CSV), {model} (the file to "
      "write) and {seed}, e.g. 'python3 my_model.py train --train {train} --out {model} --seed {seed}'");
  command->add_option("--baseline-model", settings->loop.baseline_model,
                      "A trained baseline model file (fastText, or what --model's {model} opens): not trained again");
  command
      ->add_option("--minn", settings->loop.model.min_char_ngram,
                   "Subword character n-grams from this length (0 = off)")
      ->check(CLI::Range(0, 10))
      ->capture_default_str();
  command->add_option("--maxn", settings->loop.model.max_char_ngram, "Subword character n-grams up to this length")
      ->check(CLI::Range(0, 10))
      ->capture_default_str();
  command
      ->add_option("--rounds", settings->loop.rounds,
                   "Rounds: each finds the last model's dev UUs, teaches, adds "
                   "samples and retrains")
      ->check(CLI::Range(1, 20))
      ->capture_default_str();
  command
      ->add_option("--attribution", settings->loop.attribution,
                   "Hypotheses of the last round whose samples are left out in "
                   "turn and the model retrained, "
                   "to see which helped (0 = none)")
      ->capture_default_str();
  // Checked by the loop, which knows the steps of the requested number of
  // rounds.
  command->add_option("--stop-after", settings->stop_after,
                      "End after this step (as a kill would): train_baseline, "
                      "scan_dev, ..., evaluate; teach@2 ... in "
                      "later rounds");
  command
      ->add_option("--accuracy-tolerance", settings->accuracy_tolerance,
                   "The headline's effect rule: blind spots are reduced only if accuracy falls by at most this "
                   "(a share: 0.01 is one point)")
      ->check(CLI::Range(0.0, 1.0))
      ->capture_default_str();
  add_baseline_tuning_options(*command, settings->loop.tuning);
  add_teaching_rule_options(*command, settings->loop);
  add_label_issue_options(*command, settings->loop);
  add_llm_options(*command, settings->llm);
  context.define(command, [&context, settings, command] {
    settings->loop.model.seed = static_cast<int>(settings->loop.seed);  // exact: --seed is at most kMaxSeed
    set_sample_budget(*command, *settings);
    run_loop_command(context, *settings);
  });
}

}  // namespace blindspot::cli
