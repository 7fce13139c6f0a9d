#include "blindspot/web/assignment.hpp"

#include "blindspot/store/runs.hpp"

namespace blindspot::web {

std::optional<std::size_t> pick_uu(const std::vector<store::UuCoverage>& coverage, int per_uu) {
  std::optional<std::size_t> best;
  for (std::size_t i = 0; i < coverage.size(); ++i) {
    const store::UuCoverage& c = coverage[i];
    if (c.seen_by_annotator || c.active >= per_uu) continue;
    if (!best || c.active < coverage[*best].active ||
        (c.active == coverage[*best].active && c.position < coverage[*best].position)) {
      best = i;
    }
  }
  return best;
}

NextAssignment next_assignment(store::Database& db, std::int64_t campaign_run, std::int64_t annotator_id,
                               const AssignmentPolicy& policy, double now_unix, bool create) {
  NextAssignment next;
  db.transaction([&] {
    const std::string now = store::utc_timestamp();
    store::release_stale_assignments(db, campaign_run, now_unix - policy.timeout_seconds, now);
    next.submitted = store::count_submitted(db, annotator_id);
    if (auto open = store::open_assignment(db, annotator_id)) {
      next.assignment = std::move(open);
      next.work_left = true;
      return;
    }
    if (policy.per_annotator > 0 && next.submitted >= policy.per_annotator) {
      next.quota_reached = true;
      return;
    }
    const auto coverage = store::uu_coverage(db, campaign_run, annotator_id);
    const auto pick = pick_uu(coverage, policy.per_uu);
    next.work_left = pick.has_value();
    if (!pick || !create) return;
    store::AssignmentRecord assignment;
    assignment.run_id = campaign_run;
    assignment.annotator_id = annotator_id;
    assignment.uu_id = coverage[*pick].uu_id;
    assignment.step = "abstraction";
    assignment.assigned_at = now;
    assignment.last_seen_unix = now_unix;
    assignment.id = store::insert_assignment(db, assignment);
    next.assignment = std::move(assignment);
  });
  return next;
}

}  // namespace blindspot::web
