#pragma once

#include "blindspot/data/example.hpp"
#include "blindspot/teach/teaching.hpp"

#include <cstddef>
#include <cstdint>
#include <filesystem>
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

// The untargeted control: `count` samples that are not aimed at any UU: random training
// examples (seeded, without replacement while possible), each with up to `edits` random
// character edits (DeepWordBug's operations) on random non-stopword words, keeping its label.
// Same seed, same samples. Sample ids "untargeted#<n>", teacher "untargeted".
std::vector<teach::Sample> untargeted_samples(const data::Split& train, std::size_t count, std::uint64_t seed,
                                              std::size_t edits = 3);

// Writes a split as a text,label CSV (a dataset file blindspot reads back), atomically.
void write_split_csv(const std::filesystem::path& file, const data::Split& split);

}  // namespace blindspot::augment
