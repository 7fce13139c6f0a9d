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
  // UUs flagged as probable label issues (Uu::label_issue) are wrong labels, not blind spots, so
  // they are left out unless this is set (--teach-label-issues).
  bool teach_label_issues = false;
};

struct TeachResult {
  std::vector<discover::Uu> taught;              // the UUs given to the teacher, in teaching order
  std::vector<Hypothesis> hypotheses;  // abstractions, then extrapolations
  std::vector<Sample> samples;         // every generated sample, with the filters' verdict
  std::vector<TaskFailure> failures;
  bool budget_reached = false;
  // UUs left out before the pick because they are flagged as label issues.
  std::size_t label_issues_left_out = 0;
};

// The UUs a teacher may see: all with `teach_label_issues`, else those not flagged as label issues.
// Throws Error{bad_input} when every UU is flagged (and there are some): there is nothing to teach.
std::vector<discover::Uu> teachable_uus(const std::vector<discover::Uu>& uus, bool teach_label_issues);

// At most `max_uus` UUs (0 = all): the UUs are grouped by blind spot (Uu::blind_spot, or
// kind + true label + predicted label when ungrouped), shuffled within each group with `seed`,
// and taken round robin over the groups, so every blind spot is taught before any gets a
// second UU. The same input and seed give the same pick.
std::vector<discover::Uu> select_uus(const std::vector<discover::Uu>& uus, std::size_t max_uus, std::uint64_t seed);

// Leaves the label issues out (see TeachOptions::teach_label_issues), then the three tasks in order: abstraction of each selected UU, extrapolation of each abstraction
// (if enabled), generation for every hypothesis, then the filters, then (with a verifier)
// label verification of the samples the filters accepted.
TeachResult teach(Teacher& teacher, const std::vector<discover::Uu>& uus, const SampleFilter& filter,
                  const TeachOptions& options, LlmTeacher* verifier = nullptr);

}  // namespace blindspot::teach
