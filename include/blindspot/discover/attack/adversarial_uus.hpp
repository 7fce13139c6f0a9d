#pragma once

#include "blindspot/core/progress.hpp"
#include "blindspot/data/example.hpp"
#include "blindspot/discover/attack/attack.hpp"
#include "blindspot/discover/attack/recipe.hpp"
#include "blindspot/model/classifier.hpp"

#include <cstddef>
#include <string>

namespace blindspot::discover {

// Rows sampled by the adversarial UU metric: enough for a rate with a 95% interval of about
// +-7 points, small enough to take seconds on imdb.
inline constexpr std::size_t kDefaultAdversarialSample = 200;

// Options of measure_adversarial_uus(); the defaults are those of `blindspot eval`.
struct AdversarialUuOptions {
  std::string recipe = "deepwordbug";
  RecipeOptions recipe_options;
  // Rows drawn from the split with attack.seed (sample_rows()), before the model is asked
  // anything; the correctly classified ones among them are attacked.
  std::size_t sample_size = kDefaultAdversarialSample;
  // Threshold, budget, goal, seed and threads of the attack; max_examples is replaced by
  // sample_size.
  AttackOptions attack;
};

// The adversarial UU metric of one model on one split.
struct AdversarialUuMetric {
  std::string recipe;
  double threshold = kDefaultUuThreshold;
  std::size_t sampled = 0;   // rows drawn
  std::size_t attacked = 0;  // of those, correctly classified, so attacked
  std::size_t uus = 0;       // attacks that succeeded (adversarial UUs)
  double rate = 0;           // uus / attacked; NaN when nothing was attacked
  AttackRun run;             // every attack, for storage and inspection
};

// Attacks a fixed, seeded sample of `split` so that two models (or one model before and after
// augmentation) are compared on identical attacks: the rows depend only on the split's size,
// sample_size and the seed; each model is attacked on the rows it classifies correctly.
// Throws what make_recipe() and attack_split() throw.
AdversarialUuMetric measure_adversarial_uus(const model::Classifier& model, const data::Split& split,
                                            const AdversarialUuOptions& options,
                                            const core::ProgressCallback& progress = {});

}  // namespace blindspot::discover
