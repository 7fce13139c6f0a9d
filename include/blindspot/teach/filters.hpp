#pragma once

#include "blindspot/data/example.hpp"
#include "blindspot/data/label_set.hpp"
#include "blindspot/teach/teaching.hpp"
#include "blindspot/teach/text_similarity.hpp"

#include <cstddef>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace blindspot::teach {

// Reason codes of Sample::rejection, in the order SampleFilter checks them (docs/filters.md).
inline constexpr const char* kInvalidUtf8 = "invalid_utf8";
inline constexpr const char* kEmptyText = "empty_text";
inline constexpr const char* kInvalidLabel = "invalid_label";
inline constexpr const char* kTooShort = "too_short";
inline constexpr const char* kLengthOutlier = "length_outlier";
inline constexpr const char* kLeaksTest = "leaks_test";
inline constexpr const char* kDevLeak = "dev_leak";
inline constexpr const char* kDuplicateOfTrain = "duplicate_of_train";
inline constexpr const char* kNearDuplicateOfTrain = "near_duplicate_of_train";
inline constexpr const char* kDuplicateInBatch = "duplicate_in_batch";
inline constexpr const char* kNearDuplicateInBatch = "near_duplicate_in_batch";
// Set by the LLM label verifier (not by SampleFilter): a second opinion disagrees with the
// sample's label.
inline constexpr const char* kLabelDisputed = "label_disputed";

// Every reason code above, in check order, kLabelDisputed last.
const std::vector<std::string>& rejection_reasons();

// Options of SampleFilter; the defaults are those of `blindspot teach`.
struct FilterOptions {
  // Fewer words than this (discover::find_words() of the raw text) is kTooShort. Three
  // words is the shortest question of TREC ("What is X?") and rejects fragments like "Great!".
  std::size_t min_words = 3;
  // Estimated Jaccard similarity of word shingles from which a text is a near duplicate.
  // At 0.8 a 230-word review must share about 90% of its word triples: a copy with a few
  // words changed, not a new review on the same film.
  double near_duplicate_threshold = 0.8;
  SimilarityOptions similarity;
  // Dev leak (SampleFilter::hold_out): a held-out text's sentence of at least this many words
  // found in a sample is a leak. Six words make a sentence rather than a stock phrase ("one of
  // the best films", 5 words, occurs in hundreds of imdb reviews); the whole held-out text
  // counts from 3 words (min_words' default), so that a short text (SST-2, tweets) is covered.
  std::size_t leak_sentence_words = 6;
  // Length rule: a text is an outlier below length_low_factor x the low percentile or above
  // length_high_factor x the high percentile of the train split's word counts (docs/filters.md
  // measures imdb: 5th-95th percentile 67-616 words, so 17-1232 words are accepted). The low
  // factor accepts the length of LLM-written samples: 0.5 rejected 35% of 486 GPT-written movie
  // reviews and 49% of tests/fixtures/llm_written/imdb_reviews.csv; 0.25 none of the fixture.
  bool check_length = true;
  double low_percentile = 5;
  double high_percentile = 95;
  double length_low_factor = 0.25;
  double length_high_factor = 2.0;
  // Threads of index building and of the per-sample checks (0 = all cores); results do not
  // depend on it.
  int threads = 0;
};

// The word counts the length rule accepts, from the train split.
struct LengthRange {
  double low_percentile_words = 0;  // of train, linear interpolation between ranks
  double high_percentile_words = 0;
  std::size_t min_words = 0;  // inclusive; never below FilterOptions::min_words
  std::size_t max_words = 0;  // inclusive
};

// Checks generated samples against the task's labels, the train split and (optionally) the
// test split. Built once per teach run; apply() may be called for every batch.
class SampleFilter {
 public:
  // Indexes `train` (and `test`, if given) for exact and near duplicates and measures train's
  // word counts. `test` is only read during construction. Throws Error{usage} for options out
  // of range (a threshold outside (0, 1], percentiles outside [0, 100] or low > high) and
  // Error{bad_input} for an empty train split.
  SampleFilter(data::LabelSet labels, const data::Split& train, const data::Split* test, FilterOptions options = {});
  ~SampleFilter();
  SampleFilter(const SampleFilter&) = delete;
  SampleFilter& operator=(const SampleFilter&) = delete;

  // Judges every sample still accepted, in order; the first failing check sets accepted =
  // false, rejection and rejection_detail:
  //  1. kInvalidUtf8      the text is not well-formed UTF-8;
  //  2. kEmptyText        the text has no words;
  //  3. kInvalidLabel     the label is missing or not one of the task's labels;
  //  4. kTooShort         fewer than min_words words;
  //  5. kLengthOutlier    outside length_range() (if check_length);
  //  6. kLeaksTest        duplicate or near duplicate of a test text;
  //  7. kDevLeak          contains the text of a held-out dev UU (hold_out());
  //  8. kDuplicateOfTrain / 9. kNearDuplicateOfTrain;
  // 10. kDuplicateInBatch / 11. kNearDuplicateInBatch: of an earlier sample of `samples` that
  //     passed every check (the first one wins; rejected samples never shadow later ones).
  // Samples already rejected on entry (e.g. kLabelDisputed) keep their verdict and are not
  // compared with; calling apply() twice gives the same verdicts.
  void apply(std::vector<Sample>& samples) const;

  // Dev UUs held out of teaching, on which "fixed" is measured (docs/run.md): from now on a
  // sample that contains the text of one of them, or an adversarial UU's original text, is
  // kDevLeak. A sample contains a text when, after model::normalise_text (case folding,
  // punctuation split off) and counting only words (discover::find_words()), it
  //  - is an exact or near duplicate of the text (as the train checks: Jaccard >=
  //    near_duplicate_threshold), or
  //  - holds, as consecutive words, the whole text (of at least 3 words) or one of its sentences
  //    (detail::split_sentences: . ! ? or <br />) of at least leak_sentence_words words.
  // The automatic teacher's carriers are whole sentences of a UU, so each is caught. Replaces
  // the UUs of an earlier call; an empty list turns the check off. Not thread-safe with apply().
  void hold_out(const std::vector<discover::Uu>& uus);

  const LengthRange& length_range() const noexcept;
  const FilterOptions& options() const noexcept;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Number of samples rejected for each reason: every code of rejection_reasons() in that
// order (zeros included), then codes unknown to this module in byte order.
std::vector<std::pair<std::string, std::size_t>> rejection_counts(const std::vector<Sample>& samples);

// The p-th percentile (0-100) of `values` with linear interpolation between closest ranks
// (Hyndman and Fan's type 7, numpy's default). Throws Error{internal} for no values.
double percentile(std::vector<std::size_t> values, double p);

}  // namespace blindspot::teach
