#pragma once

#include "blindspot/data/example.hpp"
#include "blindspot/teach/teaching.hpp"

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace blindspot::augment {

// The accepted samples a condition adds to train, at most `budget` of them (0 = all): so that
// conditions are compared at the same synthetic-sample budget, the pick is spread round robin
// over hypotheses (in the samples' order of first appearance), and within a hypothesis over its
// samples in order. Rejected samples and samples whose label is not in `labels` are never picked.
std::vector<teach::Sample> pick_samples(const std::vector<teach::Sample>& samples, const data::LabelSet& labels,
                                        std::size_t budget);

// `train` followed by `samples` as examples (labels resolved against train's label set; line 0,
// since they come from no file). Throws Error{bad_input} for a sample label train does not know.
data::Split augmented_split(const data::Split& train, const std::vector<teach::Sample>& samples);

// Version of the untargeted construction (part of a loop's key).
inline constexpr const char* kUntargetedVersion = "untargeted-v2";

// The untargeted control: `count` samples that are not aimed at any UU: the first half of a
// random training example (seeded, without replacement while possible) joined to the second half
// of a random example of the same label, with up to `edits` random character edits (DeepWordBug's
// operations) on random non-stopword words, labelled with that label. Same seed, same samples.
// Sample ids "untargeted#<n>", teacher "untargeted".
std::vector<teach::Sample> untargeted_samples(const data::Split& train, std::size_t count, std::uint64_t seed,
                                              std::size_t edits = 3);

// A control condition as a teacher, so that it goes through the same loop, filters and budget
// as the teachers: it writes samples only, no hypotheses, and is a baseline.
class ControlTeacher : public teach::Teacher {
 public:
  bool is_baseline() const override { return true; }
  std::vector<teach::Hypothesis> abstract(const std::vector<discover::Uu>&) override { return {}; }
  std::vector<teach::Hypothesis> extrapolate(const std::vector<discover::Uu>&,
                                             const std::vector<teach::Hypothesis>&) override {
    return {};
  }
};

// The untargeted control as a teacher: generate() returns untargeted_samples(train, count, seed).
class UntargetedTeacher final : public ControlTeacher {
 public:
  // `train` must outlive the teacher.
  UntargetedTeacher(const data::Split& train, std::size_t count, std::uint64_t seed)
      : train_(train), count_(count), seed_(seed) {}
  std::string name() const override { return "untargeted"; }
  std::vector<teach::Sample> generate(const std::vector<teach::Hypothesis>&, int) override {
    return untargeted_samples(train_, count_, seed_);
  }

 private:
  const data::Split& train_;
  std::size_t count_;
  std::uint64_t seed_;
};

// Writes a split as a text,label CSV (a dataset file blindspot reads back), atomically.
void write_split_csv(const std::filesystem::path& file, const data::Split& split);

}  // namespace blindspot::augment
