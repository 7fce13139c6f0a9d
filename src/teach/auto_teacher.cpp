// The automatic teacher's construction and the statistics every task reads: which training
// examples are confidently correct, their token counts per label, and the statistics of each
// blind spot. The tasks themselves live in auto_abstraction.cpp and auto_generation.cpp.

#include "blindspot/teach/auto_teacher.hpp"

#include "auto_teacher_impl.hpp"

#include "blindspot/core/edit_distance.hpp"
#include "blindspot/core/error.hpp"
#include "blindspot/core/parallel_for.hpp"
#include "blindspot/model/text_normaliser.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace blindspot::teach {
namespace {

using detail::GroupKey;
using detail::GroupStats;
using detail::key_of;

// Training texts tokenised per parallel round: bounds the memory of the token lists.
constexpr std::size_t kTokeniseBlock = 4096;

template <typename Map>
std::vector<std::pair<std::string, std::int64_t>> by_count(const Map& counts) {
  std::vector<std::pair<std::string, std::int64_t>> sorted(counts.begin(), counts.end());
  std::sort(sorted.begin(), sorted.end(), [](const auto& a, const auto& b) {
    return a.second != b.second ? a.second > b.second : a.first < b.first;
  });
  return sorted;
}

}  // namespace

namespace detail {

std::uint64_t stable_hash(std::string_view text) { return core::fnv1a(text); }

std::size_t token_hits(std::string_view text, const std::set<std::string, std::less<>>& tokens) {
  std::set<std::string, std::less<>> found;
  for (auto& token : group::content_tokens(text)) {
    if (tokens.count(token) != 0) found.insert(std::move(token));
  }
  return found.size();
}

GroupKey key_of(const discover::Uu& uu) { return {uu.blind_spot, uu.kind, uu.true_label, uu.predicted_label}; }

}  // namespace detail

void AutoTeacher::Impl::check_labels(const discover::Uu& uu) const {
  for (const std::string* label : {&uu.true_label, &uu.predicted_label}) {
    if (!model.labels().index_of(*label)) {
      throw core::Error(core::ErrorKind::bad_input,
                        fmt::format("UU {}: unknown label \"{}\" (labels: {}){}", uu.id, *label,
                                    model.labels().joined(), core::did_you_mean(*label, model.labels().names())));
    }
  }
}

void AutoTeacher::Impl::score_train() {
  std::vector<std::string> texts;
  texts.reserve(train.examples.size());
  for (const auto& example : train.examples) texts.push_back(example.text);
  const auto probabilities = model.predict_batch(texts, options.threads);
  const std::size_t label_count = model.labels().size();
  pools.assign(label_count, {});
  label_counts.assign(label_count, {});
  row_label.assign(train.examples.size(), -1);
  for (std::size_t row = 0; row < train.examples.size(); ++row) {
    const int label = train.examples[row].label;
    const auto& p = probabilities[row];
    if (model::argmax(p) == label && p[static_cast<std::size_t>(label)] >= options.threshold) {
      row_label[row] = label;
      pools[static_cast<std::size_t>(label)].push_back(row);
    }
  }
  for (const auto& pool : pools) pool_sizes.push_back(pool.size());
  // Tokenise in parallel, count in row order: the counts never depend on the thread count.
  std::vector<std::vector<std::string>> tokens;
  for (std::size_t block = 0; block < train.examples.size(); block += kTokeniseBlock) {
    const std::size_t end = std::min(train.examples.size(), block + kTokeniseBlock);
    tokens.assign(end - block, {});
    core::parallel_for(end - block, options.threads, [&](std::size_t begin, std::size_t stop) {
      for (std::size_t i = begin; i < stop; ++i) {
        if (row_label[block + i] >= 0) tokens[i] = group::content_tokens(train.examples[block + i].text);
      }
    });
    for (std::size_t i = 0; i < tokens.size(); ++i) {
      const int label = row_label[block + i];
      if (label < 0) continue;
      std::sort(tokens[i].begin(), tokens[i].end());
      tokens[i].erase(std::unique(tokens[i].begin(), tokens[i].end()), tokens[i].end());
      for (auto& token : tokens[i]) {
        label_counts[static_cast<std::size_t>(label)].add(token);
        postings[std::move(token)].push_back(static_cast<std::uint32_t>(block + i));
      }
    }
  }
}

const GroupStats& AutoTeacher::Impl::group_of(const discover::Uu& uu) {
  const GroupKey key = key_of(uu);
  auto found = groups.find(key);
  if (found != groups.end() && found->second.computed) return found->second;
  if (found == groups.end()) {
    uus.push_back(uu);
    found = groups.emplace(key, GroupStats{}).first;
    found->second.members.push_back(uus.size() - 1);
  }
  compute(key, found->second);
  return found->second;
}

void AutoTeacher::Impl::compute(const GroupKey& key, GroupStats& stats) {
  std::map<std::string, std::int64_t> operations;
  std::map<std::string, std::int64_t> edited;
  group::TokenCounts target;
  for (const std::size_t index : stats.members) {
    const discover::Uu& member = uus[index];
    stats.min_confidence = std::min(stats.min_confidence, member.confidence);
    stats.max_confidence = std::max(stats.max_confidence, member.confidence);
    if (key.kind == discover::UuKind::natural) target.add_document(member.text);
    for (const auto& edit : member.edits) {
      ++operations[edit.operation];
      ++edited[model::normalise_text(edit.original)];
      ++stats.edits;
    }
  }
  stats.computed = true;
  stats.operations = by_count(operations);
  stats.edited_words = by_count(edited);
  if (key.kind == discover::UuKind::natural) {
    // A token of a single UU says little about a blind spot of many.
    group::LogOddsOptions log_odds = options.log_odds;
    log_odds.min_count = std::min<std::int64_t>(static_cast<std::int64_t>(options.min_uu_texts),
                                                static_cast<std::int64_t>(stats.members.size()));
    for (auto& score :
         group::weighted_log_odds(target, label_counts[static_cast<std::size_t>(label_index(key.true_label))], log_odds)) {
      if (score.z > 0) stats.tokens.push_back(std::move(score));
    }
  }
}

const AutoTeacher::Impl::ClassTokens& AutoTeacher::Impl::class_tokens(int label, int against) {
  auto found = class_scores.find({label, against});
  if (found != class_scores.end()) return found->second;
  ClassTokens tokens;
  tokens.ranked = group::weighted_log_odds(label_counts[static_cast<std::size_t>(label)],
                                    label_counts[static_cast<std::size_t>(against)], options.log_odds);
  std::erase_if(tokens.ranked, [](const group::TokenScore& score) { return score.z <= 0; });
  for (const auto& score : tokens.ranked) tokens.z.emplace(score.token, score.z);
  return class_scores.emplace(std::make_pair(label, against), std::move(tokens)).first->second;
}

AutoTeacher::AutoTeacher(const data::Split& train, const model::Classifier& model, std::vector<discover::Uu> uus,
                         AutoTeacherOptions options) {
  if (!(options.threshold >= 0.0 && options.threshold <= 1.0)) {
    throw core::Error(core::ErrorKind::usage, fmt::format("threshold must be in [0, 1], got {}", options.threshold));
  }
  if (train.labels != model.labels()) {
    throw core::Error(core::ErrorKind::bad_input,
                      fmt::format("the labels of {} ({}) differ from the model's ({})", train.name,
                                  train.labels.joined(), model.labels().joined()),
                      core::InputLocation{train.file, 0, {}});
  }
  impl_ = std::make_unique<Impl>(train, model, std::move(uus), std::move(options));
  for (const discover::Uu& uu : impl_->uus) impl_->check_labels(uu);
  for (std::size_t i = 0; i < impl_->uus.size(); ++i) impl_->groups[key_of(impl_->uus[i])].members.push_back(i);
  impl_->score_train();
}

AutoTeacher::~AutoTeacher() = default;

std::vector<TaskFailure> AutoTeacher::failures() const { return impl_->failures; }

const std::vector<std::size_t>& AutoTeacher::confidently_correct_counts() const noexcept { return impl_->pool_sizes; }

}  // namespace blindspot::teach
