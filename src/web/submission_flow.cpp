#include "submission_flow.hpp"

#include "active_time.hpp"
#include "pages.hpp"

#include "blindspot/core/error.hpp"
#include "blindspot/store/runs.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <utility>

namespace blindspot::web {
namespace {

// The server accepts three bytes per character of a form's maxlength (pages.hpp).
constexpr std::size_t kBytesPerChar = 3;
constexpr std::size_t kMaxHypothesisBytes = pages::kMaxHypothesisChars * kBytesPerChar;
constexpr std::size_t kMaxSampleBytes = pages::kMaxSampleChars * kBytesPerChar;
constexpr std::size_t kMaxLabelBytes = 1000;

constexpr std::array<std::pair<TaskStep, std::string_view>, 4> kStepNames = {{
    {TaskStep::abstraction, "abstraction"},
    {TaskStep::extrapolation, "extrapolation"},
    {TaskStep::generation, "generation"},
    {TaskStep::done, "done"},
}};

// Reads fields in order until the first problem; once there is one, later reads return "".
class FieldReader {
 public:
  explicit FieldReader(const FormFields& fields) : fields_(fields) {}

  std::string text(const std::string& name, std::size_t max_bytes, bool required) {
    if (problem_) return {};
    FormField field = read_field(fields_, name, max_bytes, required);
    problem_ = std::move(field.problem);
    return std::move(field.value);
  }
  void fail(std::string message) {
    if (!problem_) problem_ = std::move(message);
  }
  const std::optional<std::string>& problem() const { return problem_; }

 private:
  const FormFields& fields_;
  std::optional<std::string> problem_;
};

// What one step's form holds, checked before anything is written.
struct StepInput {
  std::string hypothesis;
  std::string reasoning;
  std::string label_verdict;  // abstraction of a flagged UU
  std::string samples_json;
  std::optional<std::string> problem;
};

std::string read_samples(FieldReader& reader, const StepRules& rules) {
  if (rules.labels == nullptr) throw core::Error(core::ErrorKind::internal, "generation step without labels");
  nlohmann::ordered_json samples = nlohmann::ordered_json::array();
  for (int n = 1; n <= rules.samples_per_uu && !reader.problem(); ++n) {
    const std::string suffix = "_" + std::to_string(n);
    const std::string text = reader.text("text" + suffix, kMaxSampleBytes, true);
    const std::string label = reader.text("label" + suffix, kMaxLabelBytes, true);
    if (!reader.problem() && !rules.labels->index_of(label)) {
      reader.fail("field \"label" + suffix + "\": \"" + label + "\" is not one of the labels (" +
                  rules.labels->joined() + ")");
    }
    const std::string reasoning = reader.text("reasoning" + suffix, kMaxHypothesisBytes, false);
    samples.push_back({{"text", text}, {"label", label}, {"reasoning", reasoning}});
  }
  return samples.dump();
}

std::string read_verdict(FieldReader& reader) {
  std::string verdict = reader.text("label_verdict", kMaxLabelBytes, false);
  if (!verdict.empty() &&
      std::find(std::begin(kLabelVerdicts), std::end(kLabelVerdicts), verdict) == std::end(kLabelVerdicts)) {
    reader.fail("field \"label_verdict\": \"" + verdict + "\" is not one of right, wrong, unsure");
  }
  return verdict;
}

bool flagged(const StepRules& rules, const std::string& uu_id) {
  return rules.label_issue_uus != nullptr && rules.label_issue_uus->contains(uu_id);
}

StepInput read_step(TaskStep step, const FormFields& fields, const StepRules& rules) {
  FieldReader reader(fields);
  StepInput input;
  if (step == TaskStep::generation) {
    input.samples_json = read_samples(reader, rules);
  } else {
    input.hypothesis = reader.text("hypothesis", kMaxHypothesisBytes, true);
    input.reasoning = reader.text("reasoning", kMaxHypothesisBytes, false);
    if (step == TaskStep::abstraction) input.label_verdict = read_verdict(reader);
  }
  input.problem = reader.problem();
  return input;
}

TaskStep stored_step(const store::AssignmentRecord& assignment) {
  const auto step = parse_task_step(assignment.step);
  if (!step) {
    throw core::Error(core::ErrorKind::internal, "assignment " + std::to_string(assignment.id) +
                                                     " is on an unknown step \"" + assignment.step + "\"");
  }
  return *step;
}

// The post's assignment if it is the annotator's and not released; otherwise nullopt with the
// refusal in `outcome`.
std::optional<store::AssignmentRecord> open_assignment_of(store::Database& db, const TaskPost& post,
                                                          SubmitOutcome& outcome) {
  auto assignment = store::find_assignment(db, post.assignment_id);
  // Another annotator's assignment is as unknown as one that does not exist.
  if (!assignment || assignment->annotator_id != post.annotator_id) {
    outcome.status = SubmitStatus::not_found;
    return std::nullopt;
  }
  outcome.step = stored_step(*assignment);
  if (assignment->released_at) {
    outcome.status = SubmitStatus::released;
    return std::nullopt;
  }
  return assignment;
}

// Each sample with the last score the annotator saw for exactly its text (null: never asked).
std::string with_model_feedback(store::Database& db, std::int64_t assignment_id, const std::string& samples_json) {
  nlohmann::ordered_json samples = nlohmann::ordered_json::parse(samples_json);
  for (auto& sample : samples) {
    const auto feedback = store::latest_model_feedback(db, assignment_id, sample.at("text").get<std::string>());
    sample["model_label"] = feedback ? nlohmann::ordered_json(feedback->label) : nullptr;
    sample["model_probability"] = feedback ? nlohmann::ordered_json(feedback->probability) : nullptr;
  }
  return samples.dump();
}

// Writes the step into the assignment's submission with the step's active seconds and moves the
// assignment to the next step; returns it.
TaskStep store_step(store::Database& db, store::AssignmentRecord& assignment, TaskStep step, const StepInput& input,
                    bool model_feedback) {
  const double seconds = assignment.pending_seconds;
  auto submission = store::find_submission(db, assignment.id).value_or(store::SubmissionRecord{});
  submission.assignment_id = assignment.id;
  submission.run_id = assignment.run_id;
  submission.annotator_id = assignment.annotator_id;
  submission.uu_id = assignment.uu_id;
  submission.updated_at = store::utc_timestamp();
  TaskStep next = TaskStep::done;
  if (step == TaskStep::abstraction) {
    submission.abstraction = input.hypothesis;
    submission.abstraction_reasoning = input.reasoning;
    submission.abstraction_seconds = seconds;
    submission.label_verdict = input.label_verdict;
    next = TaskStep::extrapolation;
  } else if (step == TaskStep::extrapolation) {
    submission.extrapolation = input.hypothesis;
    submission.extrapolation_reasoning = input.reasoning;
    submission.extrapolation_seconds = seconds;
    next = TaskStep::generation;
  } else {
    submission.samples_json =
        model_feedback ? with_model_feedback(db, assignment.id, input.samples_json) : input.samples_json;
    submission.generation_seconds = seconds;
    submission.submitted_at = submission.updated_at;
    assignment.submitted_at = submission.updated_at;
  }
  submission.active_seconds =
      submission.abstraction_seconds + submission.extrapolation_seconds + submission.generation_seconds;
  assignment.step = std::string(task_step_name(next));
  assignment.pending_seconds = 0;
  store::save_submission(db, submission);
  store::update_assignment(db, assignment);
  return next;
}

}  // namespace

std::string_view task_step_name(TaskStep step) noexcept {
  for (const auto& [value, name] : kStepNames) {
    if (value == step) return name;
  }
  return "done";
}

std::optional<TaskStep> parse_task_step(std::string_view name) noexcept {
  for (const auto& [value, step_name] : kStepNames) {
    if (step_name == name) return value;
  }
  return std::nullopt;
}

void see_assignment(store::AssignmentRecord& assignment, double now_unix, double idle_cutoff_seconds) noexcept {
  assignment.pending_seconds += active_gap_seconds(assignment.last_seen_unix, now_unix, idle_cutoff_seconds);
  assignment.last_seen_unix = std::max(assignment.last_seen_unix, now_unix);
}

SubmitOutcome submit_step(store::Database& db, const TaskPost& post, TaskStep step, const FormFields& fields,
                          const StepRules& rules) {
  if (step == TaskStep::done) throw core::Error(core::ErrorKind::internal, "no form belongs to a done task");
  SubmitOutcome outcome;
  StepInput input = read_step(step, fields, rules);
  if (input.problem) {
    outcome.status = SubmitStatus::invalid_field;
    outcome.message = std::move(*input.problem);
    return outcome;
  }
  db.transaction([&] {
    auto assignment = open_assignment_of(db, post, outcome);
    if (!assignment) return;
    // A form posted again (double click, reload, back button) finds its step done: stored once.
    if (outcome.step != step) {
      outcome.status = SubmitStatus::already_submitted;
      return;
    }
    if (step == TaskStep::abstraction && !flagged(rules, assignment->uu_id)) {
      input.label_verdict.clear();
    } else if (step == TaskStep::abstraction && input.label_verdict.empty()) {
      outcome.status = SubmitStatus::invalid_field;
      outcome.message = "field \"label_verdict\": is required: say whether the label is right, wrong or unsure";
      return;
    }
    see_assignment(*assignment, post.now_unix, rules.idle_cutoff_seconds);
    outcome.step = store_step(db, *assignment, step, input, rules.model_feedback);
    outcome.status = outcome.step == TaskStep::done ? SubmitStatus::task_done : SubmitStatus::next_step;
  });
  return outcome;
}

SubmitOutcome record_model_feedback(store::Database& db, const TaskPost& post, const std::string& text,
                                    const std::string& label, double probability, const StepRules& rules) {
  SubmitOutcome outcome;
  db.transaction([&] {
    auto assignment = open_assignment_of(db, post, outcome);
    if (!assignment) return;
    if (outcome.step != TaskStep::generation) {
      outcome.status = SubmitStatus::already_submitted;
      return;
    }
    store::add_model_feedback(db, {assignment->id, text, label, probability, post.now_unix});
    see_assignment(*assignment, post.now_unix, rules.idle_cutoff_seconds);
    store::update_assignment(db, *assignment);
    outcome.status = SubmitStatus::scored;
  });
  return outcome;
}

SubmitOutcome record_heartbeat(store::Database& db, const TaskPost& post, const StepRules& rules) {
  SubmitOutcome outcome;
  db.transaction([&] {
    auto assignment = open_assignment_of(db, post, outcome);
    if (!assignment) return;
    if (!assignment->submitted_at) {
      see_assignment(*assignment, post.now_unix, rules.idle_cutoff_seconds);
      store::update_assignment(db, *assignment);
    }
    outcome.status = SubmitStatus::heartbeat_seen;
  });
  return outcome;
}

}  // namespace blindspot::web
