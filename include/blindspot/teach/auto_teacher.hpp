#pragma once

#include "blindspot/data/example.hpp"
#include "blindspot/discover/uu_scan.hpp"
#include "blindspot/model/classifier.hpp"
#include "blindspot/teach/teaching.hpp"
#include "blindspot/group/token_statistics.hpp"

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace blindspot::teach {

// Teacher::name() of the automatic teacher; every hypothesis and sample carries it.
inline constexpr const char* kAutoTeacherName = "auto (baseline)";
// Hypothesis/Sample::prompt_version of the automatic teacher: the version of its recipe.
inline constexpr const char* kAutoTeacherVersion = "auto-v2";

// Options of AutoTeacher; the defaults are those of `blindspot teach --teacher auto`.
struct AutoTeacherOptions {
  // Seed of every random choice (seed examples, passages, edits). The same seed gives the same
  // hypotheses and samples whatever `threads` is.
  std::uint64_t seed = 0;
  // A training example is "confidently correct" when the model predicts its label with
  // probability >= threshold: the same tau that makes a misclassification a UU.
  double threshold = discover::kDefaultUuThreshold;
  // Tokens named by a hypothesis (and targeted by its samples).
  std::size_t top_tokens = 5;
  // Prediction and generation threads (0 = all cores).
  int threads = 0;
  // Prior and minimum count of the token statistics; counts are texts containing the token.
  group::LogOddsOptions log_odds;
  // A natural blind spot's token must occur in at least this many of its UUs (all of them if
  // it has fewer), so that one review naming its film cannot stand for the blind spot.
  std::size_t min_uu_texts = 2;
  // Upper bound on the edited words of an adversarial sample; a sample makes as many edits as
  // its UU did, up to this ("a few", docs/auto-teacher.md).
  std::size_t max_edits = 5;
  // Natural abstraction: the UU's sentences (those with the most hypothesis tokens) spliced
  // into each sample.
  std::size_t carrier_sentences = 2;
  // A sample is rebuilt from another pair of training examples when its exact shingle
  // Jaccard similarity to either source exceeds this, so that the sample filter (near
  // duplicates from 0.8) never sees a copy of a training text.
  double max_source_similarity = 0.6;
  // Hard samples (auto-v2): the model must learn something from a sample, and a sample it
  // already reads right teaches it little (measured on imdb: the baseline read 93% of auto-v1's
  // samples right). So an adversarial sample whose edits leave the model right is edited further
  // by the attack that finds adversarial UUs (DeepWordBug, greedy, confident goal, within
  // `hard_budget` Levenshtein) until the model is confidently wrong, and a natural sample takes,
  // of the second sources that pass the similarity cap, the one the model is least sure of.
  // false: auto-v1's samples.
  bool hard_samples = true;
  std::size_t hard_budget = 30;  // TextAttack DeepWordBug's, as the loop's attacks
};

// The automatic (no-LLM) teacher, an honest baseline (BRIEF.md, "Teachers";
// docs/auto-teacher.md):
//  - abstraction: statistics of the UU's blind spot as a hypothesis. Natural UUs: tokens
//    over-represented in the blind spot's UUs against the confidently correct training texts
//    of the same true label (weighted log-odds, z-scores). Adversarial UUs: the edit operations
//    and the edited words;
//  - extrapolation: the mirror direction (texts of the predicted label, the other label's
//    typical words, the same perturbation family);
//  - generation: label-preserving recombinations of two confidently correct training examples
//    of the hypothesis' label, with the observed character edits (adversarial) or the UU's
//    sentences carrying the tokens (natural) added.
// A blind spot is the UUs sharing Uu::blind_spot, split by kind and by (true, predicted)
// label; UUs with blind_spot -1 are grouped by (kind, true, predicted) alone.
class AutoTeacher final : public Teacher {
 public:
  // Scores `train` with `model` (in one batch) and counts its tokens. `train` and `model` must
  // outlive the teacher. `uus` are the UUs whose blind spots the statistics describe; a UU
  // given to abstract() or extrapolate() later is described by the statistics of its blind spot
  // among `uus`, or by a blind spot of its own if there is none. Throws Error{bad_input} if the
  // split's labels differ from the model's or a UU names a label the model does not know (so do
  // abstract() and extrapolate()); Error{usage} for a threshold outside [0, 1].
  AutoTeacher(const data::Split& train, const model::Classifier& model, std::vector<discover::Uu> uus,
              AutoTeacherOptions options = {});
  ~AutoTeacher() override;
  AutoTeacher(const AutoTeacher&) = delete;
  AutoTeacher& operator=(const AutoTeacher&) = delete;

  std::string name() const override { return kAutoTeacherName; }
  bool is_baseline() const override { return true; }

  // Hypothesis ids: "auto:abstraction:<uu id>".
  std::vector<Hypothesis> abstract(const std::vector<discover::Uu>& uus) override;
  // Hypothesis ids: "auto:extrapolation:<uu id>"; parent_id is the abstraction's id.
  std::vector<Hypothesis> extrapolate(const std::vector<discover::Uu>& uus, const std::vector<Hypothesis>& abstractions) override;
  // Up to `per_hypothesis` samples per hypothesis of this teacher (others are left out);
  // sample ids "<hypothesis id>#<n>", n from 1.
  std::vector<Sample> generate(const std::vector<Hypothesis>& hypotheses, int per_hypothesis) override;

  // The UUs and hypotheses left out so far, and the hypotheses that got fewer samples than asked
  // for, in the order met, each with the reason (task "abstraction", "extrapolation" or
  // "generation"; item_id the UU or hypothesis id). Never retryable: the same inputs leave them
  // out again.
  std::vector<TaskFailure> failures() const override;
  // Training examples the model predicts correctly with probability >= threshold, per label
  // (indexes of the model's label set).
  const std::vector<std::size_t>& confidently_correct_counts() const noexcept;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace blindspot::teach
