#pragma once

#include "blindspot/core/progress.hpp"
#include "blindspot/data/example.hpp"
#include "blindspot/discover/attack/recipe.hpp"
#include "blindspot/discover/uu_scan.hpp"
#include "blindspot/model/classifier.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace blindspot::discover {

// The total Levenshtein budget of TextAttack's DeepWordBug recipe (LevenshteinEditDistance(30)).
inline constexpr std::size_t kDefaultAttackBudget = 30;

// When the greedy search stops.
enum class AttackGoal {
  // Keep editing after the flip, within the budget, until the wrong-class confidence reaches
  // the threshold: a confident flip is what makes a UU (BRIEF.md).
  confident,
  // Stop at the first flip, as TextAttack's UntargetedClassification goal does; only flips
  // that happen to reach the threshold are UUs.
  first_flip,
};

// Why an attack ended.
enum class AttackOutcome {
  succeeded,                // an adversarial UU: wrong prediction with confidence >= threshold
  flipped_below_threshold,  // wrong prediction, but less sure than the threshold
  budget_exhausted,         // not flipped; the Levenshtein budget ruled out some candidates
  no_more_words,            // not flipped; every editable word was tried within the budget
  skipped_already_wrong,    // the original is misclassified: not attacked
};

// "confident", "first-flip".
const char* to_string(AttackGoal goal) noexcept;
// "succeeded", "flipped_below_threshold", "budget_exhausted", "no_more_words",
// "skipped_already_wrong".
const char* to_string(AttackOutcome outcome) noexcept;
// Parses to_string(goal); throws Error{usage} with a "did you mean" hint.
AttackGoal parse_attack_goal(std::string_view name);

// Options of attack_text() and attack_split(); the defaults are those of `blindspot attack`.
struct AttackOptions {
  // A flip is an adversarial UU when the wrong class's probability is >= threshold.
  double threshold = kDefaultUuThreshold;
  // Maximum total Levenshtein distance (bytes) of the edits: the sum over edited words of the
  // distance between the original word and its replacement. Edits never overlap and are
  // separated by unchanged text, so this is the distance of the whole texts in practice (and
  // never less); summing avoids a quadratic comparison of long reviews.
  std::size_t budget = kDefaultAttackBudget;
  AttackGoal goal = AttackGoal::confident;
  // Seed of every random choice; with the same seed the results are identical whatever the
  // number of threads.
  std::uint64_t seed = 0;
  // Worker threads over examples (0 = all cores). Each example runs on one thread.
  int threads = 0;
  // 0: attack every row of the split; N: a seeded sample of N rows (sample_rows()).
  std::size_t max_examples = 0;
};

// One applied edit.
struct AppliedEdit {
  std::size_t word_index = 0;  // position among the words of the original text (find_words())
  std::size_t offset = 0;      // byte offset of the word in the original text
  std::string original;
  std::string replacement;
  EditOperation operation = EditOperation::swap;

  bool operator==(const AppliedEdit& other) const = default;
};

// The attack on one example.
struct AttackResult {
  std::size_t row = 0;    // 0-based position in the split
  std::int64_t line = 0;  // line of the record in the split's file
  int true_label = 0;
  int final_label = 0;  // arg-max of final_probabilities
  double final_confidence = 0;
  model::Probabilities original_probabilities;
  model::Probabilities final_probabilities;  // of perturbed_text
  std::string perturbed_text;                // the original with the edited words replaced
  std::vector<AppliedEdit> edits;            // in the order applied
  std::size_t queries = 0;                   // texts the model scored, the original included
  std::size_t levenshtein = 0;               // budget used (see AttackOptions::budget)
  AttackOutcome outcome = AttackOutcome::no_more_words;

  bool attacked() const noexcept { return outcome != AttackOutcome::skipped_already_wrong; }
  bool is_uu() const noexcept { return outcome == AttackOutcome::succeeded; }
  bool operator==(const AttackResult& other) const = default;
};

// Attacks one text whose true label is `true_label` (black box: only the model's
// probabilities are used):
//  1. word importance: every editable word (not a stopword, is_stopword()) is deleted in turn
//     and the drop of the true-class probability measured, all these texts in one
//     predict_batch call (TextAttack replaces the word by "[UNK]" instead; deleting it needs no
//     vocabulary convention and is what a bag-of-words model sees as "word absent");
//  2. in decreasing importance (ties: text order), the recipe's candidates for the word that
//     fit in the remaining budget are scored in one predict_batch call and the one with the
//     lowest true-class probability is applied if it lowers that probability (TextAttack's
//     GreedyWordSwapWIR); a word is never edited twice;
//  3. until the goal is met or the words run out.
// The word's candidates draw from an Rng seeded by derive_seed(example_seed, word index), so
// the result depends on nothing but the inputs. `original_probabilities`, if given, are the
// model's probabilities of `text` as the caller computed them (counted as a query all the same).
// Predictions use 1 thread. Throws Error{internal} if `true_label` is not a label of the model.
AttackResult attack_text(const model::Classifier& model, const AttackRecipe& recipe, std::string_view text,
                         int true_label, const AttackOptions& options, std::uint64_t example_seed,
                         const std::optional<model::Probabilities>& original_probabilities = std::nullopt);

// The attacks on (a sample of) a split.
struct AttackRun {
  std::string recipe;
  AttackOptions options;
  std::vector<AttackResult> results;  // one per selected row, in row order
};

// `count` distinct row indexes of [0, rows) drawn with `seed`, sorted; every row if count == 0
// or count >= rows. Depends on nothing else, so two models sampled with the same seed are
// attacked on the same rows.
std::vector<std::size_t> sample_rows(std::size_t rows, std::size_t count, std::uint64_t seed);

// Attacks the rows of `split` selected by options.max_examples and options.seed: scores the
// originals in one batch, skips the misclassified ones, and attacks the others in parallel
// (example seed: derive_seed(options.seed, row)). Throws Error{bad_input} if the split's
// label set differs from the model's; rethrows what the recipe throws.
AttackRun attack_split(const model::Classifier& model, const AttackRecipe& recipe, const data::Split& split,
                       const AttackOptions& options, const core::ProgressCallback& progress = {});

// Counts of an attack run. Means are over attacked examples (0 if none).
struct AttackSummary {
  std::size_t examples = 0;  // selected rows
  std::size_t attacked = 0;  // correctly classified, so attacked
  std::size_t skipped = 0;   // skipped_already_wrong
  std::size_t succeeded = 0;
  std::size_t flipped_below_threshold = 0;
  std::size_t budget_exhausted = 0;
  std::size_t no_more_words = 0;
  double success_rate = 0;  // succeeded / attacked
  double mean_queries = 0;
  double mean_edits = 0;
  double mean_levenshtein = 0;
};

AttackSummary summarise(const AttackRun& run);

// The perturbed text with every replacement in TextAttack's markers: "a [[baU]] film".
std::string mark_perturbed(std::string_view original, const std::vector<AppliedEdit>& edits);
// The original text with the edited words marked: "a [[bad]] film".
std::string mark_original(std::string_view original, const std::vector<AppliedEdit>& edits);

}  // namespace blindspot::discover
