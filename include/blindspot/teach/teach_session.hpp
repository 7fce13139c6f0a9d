#pragma once

#include "blindspot/teach/filters.hpp"
#include "blindspot/teach/teaching.hpp"

#include <cstddef>
#include <cstdint>
#include <vector>

namespace blindspot::teach {

class LlmTeacher;

struct TeachOptions {
  // UUs taught; 0 = all. A seeded pick spread evenly over the blind spots.
  std::size_t max_uus = 20;
  bool extrapolate = true;
  int samples_per_hypothesis = 2;
  std::uint64_t seed = 0;
};

struct TeachResult {
  std::vector<discover::Uu> taught;              // the UUs given to the teacher, in teaching order
  std::vector<Hypothesis> hypotheses;  // abstractions, then extrapolations
  std::vector<Sample> samples;         // every generated sample, with the filters' verdict
  std::vector<TaskFailure> failures;
  bool budget_reached = false;
};

// At most `max_uus` UUs (0 = all): the UUs are grouped by blind spot (Uu::blind_spot, or
// kind + true label + predicted label when ungrouped), shuffled within each group with `seed`,
// and taken round robin over the groups, so every blind spot is taught before any gets a
// second UU. The same input and seed give the same pick.
std::vector<discover::Uu> select_uus(const std::vector<discover::Uu>& uus, std::size_t max_uus, std::uint64_t seed);

// The three tasks in order: abstraction of each selected UU, extrapolation of each abstraction
// (if enabled), generation for every hypothesis, then the filters, then (with a verifier)
// label verification of the samples the filters accepted.
TeachResult teach(Teacher& teacher, const std::vector<discover::Uu>& uus, const SampleFilter& filter,
                  const TeachOptions& options, LlmTeacher* verifier = nullptr);

}  // namespace blindspot::teach
