#pragma once

// The state of the automatic teacher, shared by the files that do its tasks: auto_teacher.cpp
// (construction, training and blind-spot statistics), auto_abstraction.cpp (abstraction and
// extrapolation) and auto_generation.cpp (generation). Private to src/teach.

#include "blindspot/teach/auto_teacher.hpp"

#include "blindspot/core/random.hpp"
#include "blindspot/discover/attack/recipe.hpp"
#include "blindspot/group/token_statistics.hpp"

#include <nlohmann/json.hpp>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace blindspot::teach {
namespace detail {

// Ordered, so that details_json and provenance_json keep their keys in the order written.
using Json = nlohmann::ordered_json;

// FNV-1a: a hypothesis id -> a seed stream that is the same on every platform.
std::uint64_t stable_hash(std::string_view text);

// Distinct tokens of `tokens` present in `text`.
std::size_t token_hits(std::string_view text, const std::set<std::string, std::less<>>& tokens);

// A blind spot: the statistics are per direction, so Uu::blind_spot is split by kind and by
// (true, predicted) label (docs/auto-teacher.md, "Blind spots").
struct GroupKey {
  int blind_spot = -1;
  discover::UuKind kind = discover::UuKind::natural;
  std::string true_label;
  std::string predicted_label;
  auto operator<=>(const GroupKey& other) const = default;
};

GroupKey key_of(const discover::Uu& uu);

// What the statistics found in one blind spot.
struct GroupStats {
  std::vector<std::size_t> members;  // indexes into Impl::uus
  bool computed = false;
  double min_confidence = 1;
  double max_confidence = 0;
  // Natural: tokens with z > 0, by z.
  std::vector<group::TokenScore> tokens;
  // Adversarial: operations and edited words (normalised), most frequent first.
  std::vector<std::pair<std::string, std::int64_t>> operations;
  std::vector<std::pair<std::string, std::int64_t>> edited_words;
  std::int64_t edits = 0;
};

}  // namespace detail

struct AutoTeacher::Impl {
  const data::Split& train;
  const model::Classifier& model;
  AutoTeacherOptions options;
  std::unique_ptr<discover::AttackRecipe> wordnet = discover::make_recipe("wordnet");
  std::unique_ptr<discover::AttackRecipe> deepwordbug = discover::make_recipe("deepwordbug");
  std::vector<discover::Uu> uus;
  std::map<detail::GroupKey, detail::GroupStats> groups;
  std::vector<std::vector<std::size_t>> pools;  // confidently correct rows per label, in row order
  std::vector<std::size_t> pool_sizes;
  std::vector<int> row_label;             // label of a confidently correct row, else -1
  std::vector<group::TokenCounts> label_counts;  // document frequencies of the confidently correct rows per label
  std::unordered_map<std::string, std::vector<std::uint32_t>> postings;  // token -> such rows
  // (label, against) -> tokens with z > 0, ranked, and their z by token.
  struct ClassTokens {
    std::vector<group::TokenScore> ranked;
    std::unordered_map<std::string, double> z;
  };
  std::map<std::pair<int, int>, ClassTokens> class_scores;
  // The items left out so far, in the order the tasks met them (Teacher::failures()).
  std::vector<TaskFailure> failures;

  Impl(const data::Split& train_split, const model::Classifier& classifier, std::vector<discover::Uu> given,
       AutoTeacherOptions opts)
      : train(train_split), model(classifier), options(std::move(opts)), uus(std::move(given)) {}

  int label_index(const std::string& name) const { return *model.labels().index_of(name); }

  // ---- auto_teacher.cpp: training and blind-spot statistics ----
  void check_labels(const discover::Uu& uu) const;
  void score_train();
  // The statistics of the blind spot of `uu`, computed at first use. A UU unknown to the
  // constructor joins its group (or starts one).
  const detail::GroupStats& group_of(const discover::Uu& uu);
  void compute(const detail::GroupKey& key, detail::GroupStats& stats);
  // Tokens that distinguish confidently correct `label` texts from `against` texts, z > 0.
  const ClassTokens& class_tokens(int label, int against);

  // ---- auto_abstraction.cpp: one hypothesis per UU, and its mirror ----
  std::optional<Hypothesis> abstract_natural(const discover::Uu& uu);
  std::optional<Hypothesis> abstract_adversarial(const discover::Uu& uu);
  std::optional<Hypothesis> extrapolate_one(const discover::Uu& uu, const Hypothesis& abstraction);
  Hypothesis make_hypothesis(const discover::Uu& uu, const char* task) const;
  detail::Json provenance(const char* task) const;
  // Sentences of confidently correct `label` texts that contain one of `tokens`, from distinct
  // texts, drawn with `rng`.
  detail::Json mirror_carriers(int label, const std::vector<std::string>& tokens, core::Rng& rng) const;

  // ---- auto_generation.cpp: samples of one hypothesis ----
  struct HypothesisOutput {
    std::vector<Sample> samples;
    std::vector<TaskFailure> failures;
  };
  // Const and self-contained, so that hypotheses can be generated in parallel.
  HypothesisOutput generate_for(const Hypothesis& hypothesis, std::size_t count) const;
};

}  // namespace blindspot::teach
