#pragma once

// Private to the web module: the three steps of an annotation task (docs/web.md, "What annotators
// see") as a state machine over the store, without HTTP. An assignment goes abstraction ->
// extrapolation -> generation -> done; each step's form is checked, then stored with its active
// time in one transaction. The handlers map the outcome to a status and a page.

#include "form.hpp"

#include "blindspot/data/label_set.hpp"
#include "blindspot/store/annotations.hpp"
#include "blindspot/store/database.hpp"

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>

namespace blindspot::web {

// An assignment's step, in order; stored by name in AssignmentRecord::step.
enum class TaskStep { abstraction, extrapolation, generation, done };

// "abstraction", "extrapolation", "generation" or "done".
std::string_view task_step_name(TaskStep step) noexcept;
// The step of that name; nullopt for any other text.
std::optional<TaskStep> parse_task_step(std::string_view name) noexcept;

// Who posts to which assignment, and when the server received it.
struct TaskPost {
  std::int64_t annotator_id = 0;   // the session's annotator
  std::int64_t assignment_id = 0;  // from the form's address
  double now_unix = 0;
};

// What a step's form must hold and how its time counts (`blindspot serve` options).
struct StepRules {
  // The generation step's labels must be among these; must be set for generation.
  const data::LabelSet* labels = nullptr;
  // Labelled samples in the generation step (--samples).
  int samples_per_uu = 2;
  // Longest gap between two events that counts fully as active time (--idle-cutoff).
  double idle_cutoff_seconds = 300;
  // UUs flagged as probable label errors (Uu::label_issue): their abstraction step needs the
  // annotator's "label_verdict". Null: none is flagged.
  const std::set<std::string>* label_issue_uus = nullptr;
  // The server scores samples (serve --model): each stored sample gets "model_label" and
  // "model_probability", the last score the annotator saw for its text.
  bool model_feedback = false;
};

// The verdicts an annotator can give on a flagged UU's label.
inline constexpr std::string_view kLabelVerdicts[] = {"right", "wrong", "unsure"};

enum class SubmitStatus {
  next_step,          // the step was stored; the assignment is on the next step (`step`)
  task_done,          // the generation step was stored: the task is complete (`step` is done)
  already_submitted,  // the step was stored before (double click, reload, back button): nothing stored
  heartbeat_seen,     // a heartbeat: active time counted if the task is not done; no submission written
  invalid_field,      // a field is sent twice, missing, too long, not UTF-8 or not a label: nothing stored
  not_found,          // no such assignment, or another annotator's (indistinguishable): nothing stored
  released,           // the assignment went back to the pool after its timeout: nothing stored
  scored,             // a model score was recorded for a sample text (live feedback)
};

struct SubmitOutcome {
  SubmitStatus status = SubmitStatus::not_found;
  TaskStep step = TaskStep::abstraction;  // the assignment's step afterwards (when it was found)
  std::string message;                    // invalid_field: the field and its problem, to show the annotator
};

// Counts the time since the assignment's last server-seen event (capped at the idle cutoff) into
// its current step, and makes `now_unix` its last event. The caller saves the assignment.
void see_assignment(store::AssignmentRecord& assignment, double now_unix, double idle_cutoff_seconds) noexcept;

// The form of `step` for the post's assignment, in one transaction: the fields are checked first
// (abstraction and extrapolation: "hypothesis", "reasoning", and for a flagged UU's abstraction
// "label_verdict"; generation: "text_N", "label_N",
// "reasoning_N" for N = 1..samples_per_uu), then, if the assignment is the annotator's, not released
// and on `step`, the step is stored in the assignment's submission with its active seconds and the
// assignment moves on. `step` is never done. Throws Error{internal} if the store holds an unknown step.
SubmitOutcome submit_step(store::Database& db, const TaskPost& post, TaskStep step, const FormFields& fields,
                          const StepRules& rules);

// A model score the annotator saw for `text` on the post's assignment: recorded if the assignment is
// the annotator's, not released and on its generation step (outcome scored; the request also counts
// as activity), else not_found, released or already_submitted. When the generation step is later
// submitted, each sample keeps the last score recorded for exactly its text ("model_label",
// "model_probability"; null when the annotator never asked for that text).
SubmitOutcome record_model_feedback(store::Database& db, const TaskPost& post, const std::string& text,
                                    const std::string& label, double probability, const StepRules& rules);

// A heartbeat of the page of the post's assignment: counts active time into its current step unless
// the task is done. Outcome heartbeat_seen, not_found or released.
SubmitOutcome record_heartbeat(store::Database& db, const TaskPost& post, const StepRules& rules);

}  // namespace blindspot::web
