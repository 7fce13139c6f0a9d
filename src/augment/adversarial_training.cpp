#include "blindspot/augment/adversarial_training.hpp"

#include "blindspot/discover/attack/recipe.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <set>

namespace blindspot::augment {

std::vector<teach::Sample> adversarial_training_samples(const model::Classifier& model, const data::Split& train,
                                                        std::size_t count, const discover::AttackOptions& attack) {
  const auto recipe = discover::make_recipe("deepwordbug");
  std::vector<std::size_t> unused(train.examples.size());
  for (std::size_t i = 0; i < unused.size(); ++i) unused[i] = i;
  std::vector<std::pair<std::size_t, discover::AttackResult>> succeeded;
  // Rounds of attacks on rows not tried yet: most attacks succeed on a confident model, so the
  // first round (a quarter more rows than still needed) usually suffices.
  for (std::uint64_t round = 0; succeeded.size() < count && !unused.empty(); ++round) {
    const std::size_t wanted = count - succeeded.size();
    const auto picked = discover::sample_rows(unused.size(), wanted + wanted / 4 + 8, attack.seed + round);
    data::Split batch;
    batch.name = train.name;
    batch.file = train.file;
    batch.labels = train.labels;
    std::vector<std::size_t> rows;
    for (const std::size_t p : picked) {
      rows.push_back(unused[p]);
      batch.examples.push_back(train.examples[unused[p]]);
    }
    std::vector<std::size_t> rest;
    std::set<std::size_t> taken(picked.begin(), picked.end());
    for (std::size_t p = 0; p < unused.size(); ++p) {
      if (!taken.contains(p)) rest.push_back(unused[p]);
    }
    unused = std::move(rest);
    discover::AttackOptions options = attack;
    options.max_examples = 0;
    options.seed = attack.seed + round;
    const discover::AttackRun run = discover::attack_split(model, *recipe, batch, options);
    for (const auto& result : run.results) {
      if (result.is_uu() && succeeded.size() < count) succeeded.emplace_back(rows[result.row], result);
    }
  }
  std::sort(succeeded.begin(), succeeded.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<teach::Sample> samples;
  for (const auto& [row, result] : succeeded) {
    teach::Sample s;
    s.id = "adversarial#" + std::to_string(row);
    s.text = result.perturbed_text;
    s.label = train.labels.name(static_cast<std::size_t>(result.true_label));
    s.reasoning =
        "a training example perturbed by DeepWordBug until the model was confidently wrong; a misspelling "
        "does not change what the text means, so it keeps its label";
    s.teacher = "adversarial training";
    s.prompt_version = kAdversarialTrainingVersion;
    nlohmann::json edits = nlohmann::json::array();
    for (const auto& edit : result.edits) edits.push_back({edit.original, edit.replacement});
    s.provenance_json =
        nlohmann::json{{"baseline", true}, {"train_row", row}, {"line", result.line}, {"edits", edits}}.dump();
    samples.push_back(std::move(s));
  }
  return samples;
}

}  // namespace blindspot::augment
