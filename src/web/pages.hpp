#pragma once

// Private to the web module: the HTML of every page. Each function returns a whole document;
// every piece of dataset or user text is escaped with escape_html() here and nowhere else.

#include "blindspot/data/label_set.hpp"
#include "blindspot/store/annotations.hpp"
#include "blindspot/teach/teaching.hpp"
#include "blindspot/web/worked_example.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace blindspot::web::pages {

// Annotators type at most this many characters (the forms' maxlength); the server accepts three
// bytes per character (UTF-16 code units become up to 3 UTF-8 bytes), so it never refuses what a
// browser let through.
inline constexpr std::size_t kMaxHypothesisChars = 2000;
inline constexpr std::size_t kMaxSampleChars = 10000;

// Progress shown in the header: "Task 3 of 10" (total 0: no quota).
struct Progress {
  std::int64_t submitted = 0;
  std::int64_t total = 0;
};

std::string instructions(const std::string& task_description, const data::LabelSet& labels, int samples_per_uu,
                         const WorkedExample& example, bool signed_in, bool questionnaire_done);
std::string questionnaire(const std::string& csrf, const std::string& task_description);

// What the annotator had typed into one sample of the generation step, when the page is shown
// again after asking the model (live feedback without JavaScript), and the model's answer.
struct SampleDraft {
  std::string text;
  std::string label;
  std::string reasoning;
  std::string score;  // "The model reads this as positive, 0.93", or ""
};

// The page of the assignment's current step ("abstraction", "extrapolation" or "generation").
struct TaskView {
  const store::AssignmentRecord* assignment = nullptr;
  const discover::Uu* uu = nullptr;
  const store::SubmissionRecord* submission = nullptr;  // what earlier steps stored, if any
  const data::LabelSet* labels = nullptr;
  int samples_per_uu = 2;
  std::string csrf;
  Progress progress;
  bool model_feedback = false;      // the generation step offers "Ask the model" buttons
  std::vector<SampleDraft> drafts;  // the generation step's typed samples, by number - 1; empty: blank
  std::string notice;               // a message above the form (the feedback limit, a model error)
};
std::string task(const TaskView& view);

std::string done(const std::string& completion_code, std::int64_t submitted);
// A page for a refusal or an error: status line as title and one paragraph.
std::string message(const std::string& title, const std::string& text);

}  // namespace blindspot::web::pages
