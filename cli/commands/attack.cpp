#include "commands.hpp"
#include "shared_options.hpp"

#include "../ui/table.hpp"

#include "blindspot/discover/attack/attack.hpp"
#include "blindspot/discover/attack/attack_output.hpp"
#include "blindspot/discover/attack/attack_records.hpp"
#include "blindspot/discover/attack/recipe.hpp"
#include "blindspot/store/runs.hpp"

#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include <iostream>
#include <limits>

namespace blindspot::cli {
namespace {

struct AttackSettings {
  DataSource source;
  ModelSource model;
  std::filesystem::path out_prefix;
  std::string recipe = "deepwordbug";
  discover::RecipeOptions recipe_options;
  discover::AttackOptions attack;
};

std::string percent(std::size_t count, std::size_t total) {
  return total == 0 ? "-" : fmt::format("{:.1f}%", 100.0 * static_cast<double>(count) / static_cast<double>(total));
}

void print_summary(const data::Split& split, const discover::AttackRun& run, const discover::AttackSummary& summary) {
  const auto& options = run.options;
  std::cout << fmt::format("attacked {} ({} of {} rows) with {}: goal {}, threshold {:.2f}, budget {}, seed {}\n",
                           split.file.string(), summary.examples, split.examples.size(), run.recipe,
                           discover::to_string(options.goal), options.threshold, options.budget, options.seed);
  ui::Table table({"outcome", "examples", "of attacked"});
  table.add_row({"attacked (correctly classified)", std::to_string(summary.attacked), ""});
  table.add_row({"skipped (already misclassified)", std::to_string(summary.skipped), ""});
  table.add_row({fmt::format("succeeded: adversarial UUs (>= {:.2f})", options.threshold),
                 std::to_string(summary.succeeded), percent(summary.succeeded, summary.attacked)});
  table.add_row({"flipped below the threshold", std::to_string(summary.flipped_below_threshold),
                 percent(summary.flipped_below_threshold, summary.attacked)});
  table.add_row({"not flipped: budget exhausted", std::to_string(summary.budget_exhausted),
                 percent(summary.budget_exhausted, summary.attacked)});
  table.add_row({"not flipped: no more words", std::to_string(summary.no_more_words),
                 percent(summary.no_more_words, summary.attacked)});
  std::cout << table.render();
  std::cout << fmt::format("mean per attacked example: {:.1f} queries, {:.2f} edits, Levenshtein {:.2f}\n",
                           summary.mean_queries, summary.mean_edits, summary.mean_levenshtein);
}

void run_attack(Context& context, AttackSettings& settings) {
  const auto recipe = discover::make_recipe(settings.recipe, settings.recipe_options);
  const auto model = load_model_for_run(context, settings.model);
  const data::Split split = read_split_for_run(context, settings.source, *model);
  const discover::AttackRun run = discover::attack_split(*model, *recipe, split, settings.attack, context.progress());
  context.end_progress();

  if (settings.out_prefix.empty()) {
    settings.out_prefix =
        context.workspace / "attacks" / fmt::format("run-{}-{}-{}", context.run_id(), split.name, run.recipe);
  }
  const auto jsonl = std::filesystem::path(settings.out_prefix.string() + ".attacks.jsonl");
  const auto csv = std::filesystem::path(settings.out_prefix.string() + ".attacks.csv");
  discover::write_attacks_jsonl(jsonl, split, run);
  discover::write_attacks_csv(csv, split, run);
  discover::record_attacks(context.store(), context.run_id(), split, run);
  record_output(context, "attacks_jsonl", jsonl);
  record_output(context, "attacks_csv", csv);

  const discover::AttackSummary summary = discover::summarise(run);
  auto& db = context.store();
  db.transaction([&] {
    store::record_metric(db, context.run_id(), split.name, "attacked", static_cast<double>(summary.attacked));
    store::record_metric(db, context.run_id(), split.name, "adversarial_uus", static_cast<double>(summary.succeeded));
    store::record_metric(db, context.run_id(), split.name, "adversarial_uu_rate",
                         summary.attacked > 0 ? summary.success_rate : std::numeric_limits<double>::quiet_NaN());
  });

  if (context.json) {
    const nlohmann::ordered_json out = {{"run", context.run_id()},
                                        {"split", split.name},
                                        {"file", split.file.string()},
                                        {"recipe", run.recipe},
                                        {"goal", discover::to_string(run.options.goal)},
                                        {"threshold", run.options.threshold},
                                        {"budget", run.options.budget},
                                        {"seed", run.options.seed},
                                        {"examples", summary.examples},
                                        {"attacked", summary.attacked},
                                        {"skipped", summary.skipped},
                                        {"succeeded", summary.succeeded},
                                        {"flipped_below_threshold", summary.flipped_below_threshold},
                                        {"budget_exhausted", summary.budget_exhausted},
                                        {"no_more_words", summary.no_more_words},
                                        {"success_rate", summary.success_rate},
                                        {"mean_queries", summary.mean_queries},
                                        {"mean_edits", summary.mean_edits},
                                        {"mean_levenshtein", summary.mean_levenshtein},
                                        {"outputs", {{"jsonl", jsonl.string()}, {"csv", csv.string()}}}};
    std::cout << out.dump(2) << '\n';
    return;
  }
  print_summary(split, run, summary);
  std::cout << fmt::format("{} adversarial UUs; every attack written to\n  {}\n  {}\nrun: {}\n", summary.succeeded,
                           jsonl.string(), csv.string(), context.run_id());
}

}  // namespace

void add_attack_command(CLI::App& app, Context& context) {
  auto settings = std::make_shared<AttackSettings>();
  CLI::App* command =
      app.add_subcommand("attack", "Perturb correctly classified examples until the model is confidently wrong");
  add_model_option(*command, settings->model);
  add_shared_options(*command, settings->source, "dev");
  add_attack_options(*command, settings->recipe, settings->attack.budget, settings->attack.seed);
  add_threshold_option(*command, settings->attack.threshold);
  command
      ->add_option_function<std::string>(
          "--goal", [settings](const std::string& goal) { settings->attack.goal = discover::parse_attack_goal(goal); },
          "confident: edit on after the flip until the threshold; first-flip: stop at the first flip (TextAttack)")
      ->check(CLI::IsMember({"confident", "first-flip"}))
      ->default_str(discover::to_string(settings->attack.goal));
  command
      ->add_option("--max-examples", settings->attack.max_examples, "Attack a seeded sample of N rows (0 = every row)")
      ->capture_default_str();
  add_threads_option(*command, settings->attack.threads);
  command
      ->add_option("--wordnet-dir", settings->recipe_options.wordnet_directory,
                   "Folder of the WordNet 3.0 database files (recipe wordnet)")
      ->capture_default_str();
  command->add_option("--out", settings->out_prefix,
                      "Output prefix: writes PREFIX.attacks.jsonl and PREFIX.attacks.csv "
                      "(default: WORKSPACE/attacks/run-N-SPLIT-RECIPE)");
  context.define(command, [&context, settings] { run_attack(context, *settings); });
}

}  // namespace blindspot::cli
