#include "blindspot/core/edit_distance.hpp"
#include "blindspot/core/error.hpp"
#include "blindspot/discover/attack/attack.hpp"
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

// Sets the final label, confidence and outcome of `result` from its final probabilities.
void finish(AttackResult& result, AttackOutcome outcome) {
  result.final_label = model::argmax(result.final_probabilities);
  result.final_confidence = result.final_probabilities[static_cast<std::size_t>(result.final_label)];
  result.outcome = outcome;
}

// 1. Word importance: the words that may be edited (not stopwords), the one whose deletion drops
// the true-class probability most first, ties in text order. All leave-one-out texts are scored in
// one predict_batch call, counted in result.queries.
std::vector<std::size_t> rank_words(const model::Classifier& model, std::string_view text,
                                    const std::vector<WordSpan>& words, std::size_t truth, AttackResult& result) {
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
  std::vector<std::size_t> ranked;
  ranked.reserve(order.size());
  for (const std::size_t position : order) ranked.push_back(editable[position]);
  return ranked;
}

// The greedy search over one text (2.): its inputs, and where it stands.
struct Search {
  const model::Classifier& model;
  const AttackRecipe& recipe;
  std::string_view text;
  const std::vector<WordSpan>& words;
  std::size_t truth = 0;
  const AttackOptions& options;
  std::uint64_t example_seed = 0;
  AttackResult& result;
  // The words' positions in result.perturbed_text (they move when an earlier word changes length).
  std::vector<std::size_t> offsets;
  double current_true = 0;      // true-class probability of result.perturbed_text
  bool budget_limited = false;  // the budget ruled out a candidate
};

// The recipe's candidates for `word` that fit in `remaining` (sets budget_limited when one does not).
std::vector<ScoredCandidate> fitting_candidates(Search& search, std::string_view word, std::size_t index,
                                                std::size_t remaining) {
  core::Rng rng(core::derive_seed(search.example_seed, index));
  std::vector<ScoredCandidate> fitting;
  for (Candidate& candidate : search.recipe.candidates(word, rng)) {
    const std::size_t distance = core::levenshtein(word, candidate.replacement);
    if (distance > remaining) {
      search.budget_limited = true;
      continue;
    }
    fitting.push_back({std::move(candidate), distance});
  }
  return fitting;
}

// Candidate evaluation: word `index` edited by each fitting candidate in the perturbed text, all
// scored in one predict_batch call; the candidate with the lowest true-class probability is applied
// if it lowers that probability (TextAttack's greedy search keeps an edit only if it improves the
// goal's score). Returns whether an edit was applied.
bool try_word(Search& search, std::size_t index, std::size_t remaining) {
  AttackResult& result = search.result;
  const WordSpan& span = search.words[index];
  const std::string_view word = search.text.substr(span.offset, span.size);
  const std::vector<ScoredCandidate> fitting = fitting_candidates(search, word, index, remaining);
  if (fitting.empty()) return false;
  std::vector<std::string> texts;
  for (const auto& scored : fitting) {
    texts.push_back(splice(result.perturbed_text, search.offsets[index], word.size(), scored.candidate.replacement));
  }
  auto probabilities = search.model.predict_batch(texts, 1);
  result.queries += texts.size();
  std::size_t best = 0;
  for (std::size_t i = 1; i < probabilities.size(); ++i) {
    if (probabilities[i][search.truth] < probabilities[best][search.truth]) best = i;
  }
  if (probabilities[best][search.truth] >= search.current_true) return false;

  const ScoredCandidate& chosen = fitting[best];
  const auto delta =
      static_cast<std::ptrdiff_t>(chosen.candidate.replacement.size()) - static_cast<std::ptrdiff_t>(word.size());
  result.perturbed_text = std::move(texts[best]);
  for (std::size_t i = index + 1; i < search.offsets.size(); ++i) {
    search.offsets[i] = static_cast<std::size_t>(static_cast<std::ptrdiff_t>(search.offsets[i]) + delta);
  }
  result.levenshtein += chosen.distance;
  result.edits.push_back(
      {index, span.offset, std::string(word), chosen.candidate.replacement, chosen.candidate.operation});
  search.current_true = probabilities[best][search.truth];
  result.final_probabilities = std::move(probabilities[best]);
  return true;
}

// 2. Greedy edits of the `ranked` words until the goal is met, the budget is spent or the words run
// out; 3. the outcome.
void greedy_edits(Search& search, const std::vector<std::size_t>& ranked, int true_label) {
  AttackResult& result = search.result;
  for (const std::size_t index : ranked) {
    const std::size_t remaining = search.options.budget - result.levenshtein;
    if (remaining == 0) {
      search.budget_limited = true;
      break;
    }
    if (try_word(search, index, remaining) && goal_met(result.final_probabilities, true_label, search.options)) break;
  }
  const int label = model::argmax(result.final_probabilities);
  if (label != true_label) {
    const bool confident = result.final_probabilities[static_cast<std::size_t>(label)] >= search.options.threshold;
    finish(result, confident ? AttackOutcome::succeeded : AttackOutcome::flipped_below_threshold);
  } else {
    finish(result, search.budget_limited ? AttackOutcome::budget_exhausted : AttackOutcome::no_more_words);
  }
}

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
  if (model::argmax(result.original_probabilities) != true_label) {
    finish(result, AttackOutcome::skipped_already_wrong);
    return result;
  }
  const std::vector<WordSpan> words = find_words(text);
  const std::vector<std::size_t> ranked = rank_words(model, text, words, truth, result);
  Search search{model, recipe, text, words, truth, options, example_seed, result, {}, 0, false};
  for (const WordSpan& word : words) search.offsets.push_back(word.offset);
  search.current_true = result.original_probabilities[truth];
  greedy_edits(search, ranked, true_label);
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
