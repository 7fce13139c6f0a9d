#include "blindspot/discover/attack/attack.hpp"

#include "blindspot/core/edit_distance.hpp"
#include "blindspot/core/error.hpp"
#include "blindspot/discover/attack/words.hpp"

#include <algorithm>
#include <numeric>

namespace blindspot::discover {
namespace {

// `text` with [offset, offset + size) replaced by `replacement`.
std::string splice(std::string_view text, std::size_t offset, std::size_t size, std::string_view replacement) {
  std::string result;
  result.reserve(text.size() - size + replacement.size());
  result.append(text.substr(0, offset));
  result.append(replacement);
  result.append(text.substr(offset + size));
  return result;
}

bool goal_met(const model::Probabilities& probabilities, int true_label, const AttackOptions& options) {
  const int label = model::argmax(probabilities);
  if (label == true_label) return false;
  return options.goal == AttackGoal::first_flip || probabilities[static_cast<std::size_t>(label)] >= options.threshold;
}

// Candidates of one word that fit in the remaining budget, with their distance.
struct ScoredCandidate {
  Candidate candidate;
  std::size_t distance = 0;
};

}  // namespace

AttackResult attack_text(const model::Classifier& model, const AttackRecipe& recipe, std::string_view text,
                         int true_label, const AttackOptions& options, std::uint64_t example_seed,
                         const std::optional<model::Probabilities>& original_probabilities) {
  if (true_label < 0 || static_cast<std::size_t>(true_label) >= model.labels().size()) {
    throw core::Error(core::ErrorKind::internal, "attack_text: label " + std::to_string(true_label) +
                                                     " is not a label of the model (" + model.labels().joined() + ")");
  }
  const auto truth = static_cast<std::size_t>(true_label);
  AttackResult result;
  result.true_label = true_label;
  result.original_probabilities = original_probabilities ? *original_probabilities : model.probabilities(text);
  result.final_probabilities = result.original_probabilities;
  result.perturbed_text = std::string(text);
  result.queries = 1;
  const auto finish = [&](AttackOutcome outcome) {
    result.final_label = model::argmax(result.final_probabilities);
    result.final_confidence = result.final_probabilities[static_cast<std::size_t>(result.final_label)];
    result.outcome = outcome;
  };
  if (model::argmax(result.original_probabilities) != true_label) {
    finish(AttackOutcome::skipped_already_wrong);
    return result;
  }

  // 1. Word importance: the true-class probability drop when the word is deleted.
  const std::vector<WordSpan> words = find_words(text);
  std::vector<std::size_t> editable;
  for (std::size_t i = 0; i < words.size(); ++i) {
    if (!is_stopword(text.substr(words[i].offset, words[i].size))) editable.push_back(i);
  }
  std::vector<std::string> texts;
  texts.reserve(editable.size());
  for (std::size_t index : editable) texts.push_back(splice(text, words[index].offset, words[index].size, ""));
  const auto leave_one_out = model.predict_batch(texts, 1);
  result.queries += texts.size();
  const double original_true = result.original_probabilities[truth];
  std::vector<std::size_t> order(editable.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return original_true - leave_one_out[a][truth] > original_true - leave_one_out[b][truth];
  });

  // 2. Greedy edits in order of importance. `offsets` are the words' positions in the
  // current perturbed text (they move when an earlier word changes length).
  std::vector<std::size_t> offsets(words.size());
  for (std::size_t i = 0; i < words.size(); ++i) offsets[i] = words[i].offset;
  double current_true = original_true;
  bool budget_limited = false;
  std::vector<ScoredCandidate> fitting;
  for (std::size_t position : order) {
    const std::size_t index = editable[position];
    const std::size_t remaining = options.budget - result.levenshtein;
    if (remaining == 0) {
      budget_limited = true;
      break;
    }
    const std::string_view word = text.substr(words[index].offset, words[index].size);
    core::Rng rng(core::derive_seed(example_seed, index));
    fitting.clear();
    for (Candidate& candidate : recipe.candidates(word, rng)) {
      const std::size_t distance = core::levenshtein(word, candidate.replacement);
      if (distance > remaining) {
        budget_limited = true;
        continue;
      }
      fitting.push_back({std::move(candidate), distance});
    }
    if (fitting.empty()) continue;
    texts.clear();
    for (const auto& scored : fitting) {
      texts.push_back(splice(result.perturbed_text, offsets[index], word.size(), scored.candidate.replacement));
    }
    auto probabilities = model.predict_batch(texts, 1);
    result.queries += texts.size();
    std::size_t best = 0;
    for (std::size_t i = 1; i < probabilities.size(); ++i) {
      if (probabilities[i][truth] < probabilities[best][truth]) best = i;
    }
    // TextAttack's greedy search keeps an edit only if it improves the goal's score.
    if (probabilities[best][truth] >= current_true) continue;

    const ScoredCandidate& chosen = fitting[best];
    const auto delta =
        static_cast<std::ptrdiff_t>(chosen.candidate.replacement.size()) - static_cast<std::ptrdiff_t>(word.size());
    result.perturbed_text = std::move(texts[best]);
    for (std::size_t i = index + 1; i < offsets.size(); ++i) {
      offsets[i] = static_cast<std::size_t>(static_cast<std::ptrdiff_t>(offsets[i]) + delta);
    }
    result.levenshtein += chosen.distance;
    result.edits.push_back(
        {index, words[index].offset, std::string(word), chosen.candidate.replacement, chosen.candidate.operation});
    current_true = probabilities[best][truth];
    result.final_probabilities = std::move(probabilities[best]);
    if (goal_met(result.final_probabilities, true_label, options)) break;
  }

  const int label = model::argmax(result.final_probabilities);
  if (label != true_label) {
    const bool confident = result.final_probabilities[static_cast<std::size_t>(label)] >= options.threshold;
    finish(confident ? AttackOutcome::succeeded : AttackOutcome::flipped_below_threshold);
  } else {
    finish(budget_limited ? AttackOutcome::budget_exhausted : AttackOutcome::no_more_words);
  }
  return result;
}

const char* to_string(AttackGoal goal) noexcept {
  switch (goal) {
    case AttackGoal::confident:
      return "confident";
    case AttackGoal::first_flip:
      return "first-flip";
  }
  return "unknown";
}

const char* to_string(AttackOutcome outcome) noexcept {
  switch (outcome) {
    case AttackOutcome::succeeded:
      return "succeeded";
    case AttackOutcome::flipped_below_threshold:
      return "flipped_below_threshold";
    case AttackOutcome::budget_exhausted:
      return "budget_exhausted";
    case AttackOutcome::no_more_words:
      return "no_more_words";
    case AttackOutcome::skipped_already_wrong:
      return "skipped_already_wrong";
  }
  return "unknown";
}

AttackGoal parse_attack_goal(std::string_view name) {
  for (AttackGoal goal : {AttackGoal::confident, AttackGoal::first_flip}) {
    if (name == to_string(goal)) return goal;
  }
  const std::vector<std::string> names = {to_string(AttackGoal::confident), to_string(AttackGoal::first_flip)};
  throw core::Error(core::ErrorKind::usage, "unknown attack goal \"" + std::string(name) +
                                                "\" (goals: confident, first-flip)" + core::did_you_mean(name, names));
}

}  // namespace blindspot::discover
