#include "blindspot/discover/attack/adversarial_uus.hpp"

#include <limits>

namespace blindspot::discover {

AdversarialUuMetric measure_adversarial_uus(const model::Classifier& model, const data::Split& split,
                                            const AdversarialUuOptions& options,
                                            const core::ProgressCallback& progress) {
  const auto recipe = make_recipe(options.recipe, options.recipe_options);
  AttackOptions attack = options.attack;
  // max_examples 0 means "every row" to attack_split; a metric over a sample of 0 is none at all.
  attack.max_examples = options.sample_size;
  AdversarialUuMetric metric;
  metric.recipe = recipe->name();
  metric.threshold = attack.threshold;
  if (options.sample_size > 0) metric.run = attack_split(model, *recipe, split, attack, progress);
  metric.run.recipe = recipe->name();
  metric.run.options = attack;
  const AttackSummary summary = summarise(metric.run);
  metric.sampled = summary.examples;
  metric.attacked = summary.attacked;
  metric.uus = summary.succeeded;
  metric.rate = summary.attacked > 0 ? static_cast<double>(summary.succeeded) / static_cast<double>(summary.attacked)
                                     : std::numeric_limits<double>::quiet_NaN();
  return metric;
}

}  // namespace blindspot::discover
