#pragma once

#include "blindspot/store/annotations.hpp"
#include "blindspot/store/database.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

// Which UU an annotator gets next (docs/web.md, "Assignment").
namespace blindspot::web {

struct AssignmentPolicy {
  // Each UU goes to at most this many annotators (in progress or submitted).
  int per_uu = 3;
  // Tasks per annotator; 0 = as many as there are UUs.
  int per_annotator = 10;
  // An assignment with no server-seen event for this long is released: its UU goes back to the
  // pool (the annotator never gets it again).
  double timeout_seconds = 1800;
};

// The index in `coverage` of the UU to assign: among the UUs the annotator never had whose active
// assignments are below `per_uu`, the least covered, ties broken by campaign position. nullopt if
// there is none.
std::optional<std::size_t> pick_uu(const std::vector<store::UuCoverage>& coverage, int per_uu);

struct NextAssignment {
  std::optional<store::AssignmentRecord> assignment;  // the annotator's open or new assignment
  bool work_left = false;                             // an open assignment exists or a UU could be assigned
  bool quota_reached = false;                         // no assignment because the annotator did per_annotator tasks
  std::int64_t submitted = 0;                         // the annotator's submitted tasks
};

// In one transaction: releases the campaign's assignments idle for policy.timeout_seconds at
// `now_unix`, then returns the annotator's open assignment, or, within the quota, a new one on
// pick_uu()'s UU (first step "abstraction", last seen now). With `create` false nothing new is
// assigned (to ask whether work is left).
NextAssignment next_assignment(store::Database& db, std::int64_t campaign_run, std::int64_t annotator_id,
                               const AssignmentPolicy& policy, double now_unix, bool create = true);

}  // namespace blindspot::web
