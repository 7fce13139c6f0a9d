#pragma once

// Private to the web module (its tests reach it through src/web).

#include <vector>

// Server-side active time of an annotation task (docs/web.md, "Active time"). The server sees
// events of an assignment: its creation, each page load of a task step, heartbeats the page sends
// while the annotator types or moves the mouse, and each step's submission. Active time is the sum
// of the gaps between successive events, each capped at the idle cutoff: a gap longer than the
// cutoff means the annotator was away, and only the cutoff of it is counted.
namespace blindspot::web {

// The active seconds the gap from `previous_unix` to `now_unix` adds: the gap capped at
// `idle_cutoff_seconds`; 0 if the clock went backwards.
double active_gap_seconds(double previous_unix, double now_unix, double idle_cutoff_seconds) noexcept;

// The active seconds of a sequence of event times (unix seconds, in order).
double active_seconds(const std::vector<double>& event_times_unix, double idle_cutoff_seconds) noexcept;

}  // namespace blindspot::web
