#pragma once
// Private to src/loop: which of a round's dev UUs are taught and which are held out (docs/run.md,
// "Held-out dev UUs"), and how many the teacher is offered.

#include "blindspot/discover/uu.hpp"
#include "blindspot/loop/mitigation_loop.hpp"

#include <cstddef>
#include <cstdint>
#include <vector>

namespace blindspot::loop::detail {

// A round's dev UUs, split within each blind spot.
struct DevUuSplit {
  std::vector<discover::Uu> taught;    // may be offered to the teacher (under max_uus), in input order
  std::vector<discover::Uu> held_out;  // never shown to it; "fixed" is counted on them, in input order
};

// Holds out round(share x n) of each blind spot's n UUs (Uu::blind_spot; the ungrouped, -1, are
// one group), but at least one and at most n - 1 when n >= 2, so a blind spot with two UUs or more
// is on both sides; the only UU of a blind spot is taught. share 0 holds out none. The pick is a
// seeded shuffle of each blind spot's UUs in id order, so it depends on the UUs' ids and blind
// spots, `share` and `seed` only. Throws Error{usage} for a share outside [0, 1).
DevUuSplit split_held_out(const std::vector<discover::Uu>& uus, double share, std::uint64_t seed);

// Dev UUs offered to the teacher when LoopOptions::max_uus is nullopt and there is a sample
// budget: every taught UU gives 1 + extrapolate hypotheses of samples_per_hypothesis samples;
// kRejectionMargin more cover the samples the filters reject and the UUs a teacher cannot
// describe. At least one per blind spot, so that every blind spot is taught.
inline constexpr double kRejectionMargin = 1.5;
// ... and without a budget (sample_budget 0: every accepted sample is added): a fixed number
// that keeps an LLM teacher's cost small (20 UUs: about 60 calls and 80 samples).
inline constexpr std::size_t kUusWithoutBudget = 20;

// LoopOptions::max_uus as TeachOptions::max_uus: a given number as it is (0: all), else the
// number the budget needs (above) for `blind_spots` blind spots.
std::size_t uus_to_teach(const LoopOptions& options, std::size_t blind_spots);

}  // namespace blindspot::loop::detail
