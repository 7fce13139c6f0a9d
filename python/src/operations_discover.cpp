#include "operations.hpp"

#include "blindspot/core/error.hpp"
#include "blindspot/discover/attack/attack.hpp"
#include "blindspot/discover/attack/attack_output.hpp"
#include "blindspot/discover/attack/recipe.hpp"
#include "blindspot/discover/label_issues.hpp"
#include "blindspot/discover/uu_output.hpp"
#include "blindspot/discover/uu_scan.hpp"

#include <pybind11/stl.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

namespace blindspot::python {

namespace py = pybind11;

namespace {

std::string optional_string(const py::handle& value) {
  return value.is_none() ? std::string() : py::str(value).cast<std::string>();
}

// Confident learning on the user's out-of-sample probabilities (cleanlab's pred_probs): marks
// every scored example of `result`; returns how many of the split are flagged.
std::size_t flag_label_issues(discover::ScanResult& result, const std::vector<model::Probabilities>& pred_probs) {
  if (pred_probs.size() != result.scored.size()) {
    throw core::Error(core::ErrorKind::usage, "pred_probs has " + std::to_string(pred_probs.size()) +
                                                  " rows for " + std::to_string(result.scored.size()) +
                                                  " examples: one row per example, in the data's order");
  }
  std::vector<int> labels;
  for (const discover::ScoredExample& scored : result.scored) labels.push_back(scored.true_label);
  const discover::LabelIssues issues = discover::find_label_issues(pred_probs, labels);
  for (discover::ScoredExample& scored : result.scored) {
    scored.label_issue = issues.is_issue.at(scored.row);
    scored.label_quality = issues.label_quality.at(scored.row);
  }
  result.label_issues_estimated = true;
  return issues.count();
}

py::dict scan(const Model& model, const py::dict& kwargs) {
  const SplitSource source = split_source(kwargs["texts"], kwargs["labels"], kwargs["data"], kwargs["split"].cast<std::string>());
  discover::ScanOptions options;
  options.threshold = kwargs["threshold"].cast<double>();
  options.threads = kwargs["threads"].cast<int>();
  const std::string out = optional_string(kwargs["out"]);
  const bool triage = !kwargs["pred_probs"].is_none();
  const auto pred_probs = triage ? kwargs["pred_probs"].cast<std::vector<model::Probabilities>>()
                                 : std::vector<model::Probabilities>{};
  std::size_t label_issues = 0;
  const model::Classifier& classifier = *model.classifier;
  auto [split, result] = without_gil(&classifier, [&] {
    data::Split read = read_source(source, classifier.labels());
    discover::ScanResult scanned = discover::scan(classifier, read, options);
    if (triage) label_issues = flag_label_issues(scanned, pred_probs);
    if (!out.empty()) {
      discover::write_uus_jsonl(out + ".uus.jsonl", read, scanned);
      discover::write_uus_csv(out + ".uus.csv", read, scanned);
    }
    return std::pair{std::move(read), std::move(scanned)};
  });
  const auto correct = std::count_if(result.scored.begin(), result.scored.end(),
                                     [](const discover::ScoredExample& e) { return e.correct(); });
  py::dict counts;
  for (const auto& count : result.counts) counts[py::float_(count.threshold)] = count.count;
  py::dict summary(py::arg("split") = split.name, py::arg("examples") = result.scored.size(),
                   py::arg("errors") = result.scored.size() - static_cast<std::size_t>(correct),
                   py::arg("accuracy") = result.scored.empty() ? 0.0
                                                               : static_cast<double>(correct) /
                                                                     static_cast<double>(result.scored.size()),
                   py::arg("threshold") = result.threshold, py::arg("uu_counts") = counts);
  if (triage) summary["label_issues"] = label_issues;
  return py::dict(py::arg("uus") = natural_uus(split, result), py::arg("summary") = summary);
}

py::dict summary_dict(const discover::AttackRun& run) {
  const discover::AttackSummary s = discover::summarise(run);
  return py::dict(py::arg("recipe") = run.recipe, py::arg("goal") = discover::to_string(run.options.goal),
                  py::arg("threshold") = run.options.threshold, py::arg("budget") = run.options.budget,
                  py::arg("seed") = run.options.seed, py::arg("examples") = s.examples,
                  py::arg("attacked") = s.attacked, py::arg("skipped") = s.skipped, py::arg("succeeded") = s.succeeded,
                  py::arg("flipped_below_threshold") = s.flipped_below_threshold,
                  py::arg("budget_exhausted") = s.budget_exhausted, py::arg("no_more_words") = s.no_more_words,
                  py::arg("success_rate") = s.success_rate, py::arg("mean_queries") = s.mean_queries,
                  py::arg("mean_edits") = s.mean_edits, py::arg("mean_levenshtein") = s.mean_levenshtein);
}

py::dict attack(const Model& model, const py::dict& kwargs) {
  const SplitSource source = split_source(kwargs["texts"], kwargs["labels"], kwargs["data"], kwargs["split"].cast<std::string>());
  discover::AttackOptions options;
  options.threshold = kwargs["threshold"].cast<double>();
  options.budget = kwargs["budget"].cast<std::size_t>();
  options.goal = discover::parse_attack_goal(kwargs["goal"].cast<std::string>());
  options.seed = kwargs["seed"].cast<std::uint64_t>();
  options.threads = kwargs["threads"].cast<int>();
  options.max_examples = kwargs["max_examples"].cast<std::size_t>();
  discover::RecipeOptions recipe_options;
  if (!kwargs["wordnet_dir"].is_none()) recipe_options.wordnet_directory = optional_string(kwargs["wordnet_dir"]);
  const std::string recipe_name = kwargs["recipe"].cast<std::string>();
  const std::string out = optional_string(kwargs["out"]);
  const model::Classifier& classifier = *model.classifier;
  auto [split, run] = without_gil(&classifier, [&] {
    const auto recipe = discover::make_recipe(recipe_name, recipe_options);
    data::Split read = read_source(source, classifier.labels());
    discover::AttackRun attacked = discover::attack_split(classifier, *recipe, read, options);
    if (!out.empty()) {
      discover::write_attacks_jsonl(out + ".attacks.jsonl", read, attacked);
      discover::write_attacks_csv(out + ".attacks.csv", read, attacked);
    }
    return std::pair{std::move(read), std::move(attacked)};
  });
  py::list attacks;  // the lines of an .attacks.jsonl file, parsed by the Python front
  for (const auto& result : run.results) attacks.append(discover::attack_json(split, run, result));
  return py::dict(py::arg("summary") = summary_dict(run), py::arg("attacks") = attacks,
                  py::arg("uus") = adversarial_uus(split, run));
}

}  // namespace

void bind_discover(py::module_& module) {
  module.def("scan", &scan, py::arg("model"), py::arg("kwargs"));
  module.def("attack", &attack, py::arg("model"), py::arg("kwargs"));
  module.def("recipe_names", &discover::recipe_names);
}

}  // namespace blindspot::python
