#pragma once

#include "blindspot/core/progress.hpp"
#include "blindspot/data/label_set.hpp"
#include "blindspot/llm/client.hpp"
#include "blindspot/teach/prompt_template.hpp"
#include "blindspot/teach/teaching.hpp"

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

namespace blindspot::teach {

struct LlmTeacherOptions {
  data::LabelSet labels;
  // One sentence that tells the LLM what the classifier does; it goes into every prompt.
  std::string task_description = "Classify each text into one of the labels.";
  // What kind of model the classifier is, for the prompts, e.g. "a fine-tuned transformer
  // classifier" (model::Classifier::identity().description); empty: "a text classifier".
  std::string model_description;
  // Empty: the prompts shipped with blindspot (default_prompt_directory(), looked up when the teacher
  // is made, so that options can exist where no data folder is installed).
  std::filesystem::path prompt_directory;
  double temperature = 0.7;
  int max_tokens = 800;
  std::int64_t seed = 0;
  // Re-asks (with the seed advanced) after a reply that is not the JSON the task asked for,
  // or whose samples carry labels outside the label set. The last reply's samples are kept
  // anyway, so the filters can reject bad labels with a recorded reason.
  int content_retries = 2;
  // Longer texts are shortened in prompts (the start and the end are kept).
  std::size_t max_text_chars = 3000;
  // Added to the generation prompt, e.g. "Each input should be 100 to 250 words long, like the real data."
  std::string length_hint;
  // Reports each task's calls as they finish: stage "teaching abstraction" (and "... re-ask 1"),
  // done of total distinct calls.
  core::ProgressCallback progress = {};
};

// A teacher that asks an LLM through an OpenAI-compatible endpoint, with the versioned
// prompts of `prompt_directory` and strict JSON-schema replies (docs/teach.md).
class LlmTeacher : public Teacher {
 public:
  // Loads and checks the prompt templates; throws Error{bad_input} for a bad template.
  LlmTeacher(llm::ChatClient& client, LlmTeacherOptions options);

  std::string name() const override;
  std::vector<Hypothesis> abstract(const std::vector<discover::Uu>& uus) override;
  std::vector<Hypothesis> extrapolate(const std::vector<discover::Uu>& uus, const std::vector<Hypothesis>& abstractions) override;
  std::vector<Sample> generate(const std::vector<Hypothesis>& hypotheses, int per_hypothesis) override;

  // Asks for each accepted sample's label in a separate call that does not see the
  // hypothesis or the proposed label; a different answer rejects the sample (label_disputed).
  void verify_labels(std::vector<Sample>& samples);

  std::vector<TaskFailure> failures() const override { return failures_; }
  // True once the client's max_usd stopped a call: later calls are not made.
  bool budget_reached() const override { return budget_reached_; }
  // Tokens and USD of the replies this teacher used, paid now or served from the store.
  TeachingCost cost() const override;

 private:
  struct Reply;
  // Runs one task over `count` items: request(i) builds item i's request; accept(i, reply, last)
  // returns an empty string when the reply is usable, else why not (re-asked unless `last`).
  void run_task(const std::string& task, std::size_t count, const std::function<std::string(std::size_t)>& item_id,
                const std::function<llm::ChatRequest(std::size_t)>& request,
                const std::function<std::string(std::size_t, const Reply&, bool last)>& accept);

  // options_.progress renamed for `task`'s calls of `attempt` (empty without options_.progress).
  core::ProgressCallback task_progress(const std::string& task, int attempt) const;
  llm::ChatRequest request(std::vector<llm::Message> messages, const std::string& schema,
                           const std::string& schema_name, int max_tokens) const;
  // One hypothesis per blank (id, task, UU and parent already set), asked with `prompt`.
  std::vector<Hypothesis> ask_hypotheses(const PromptTemplate& prompt, std::vector<Hypothesis> blanks,
                                         const std::function<std::string(std::size_t)>& item_id,
                                         const std::function<std::vector<llm::Message>(std::size_t)>& messages);

  llm::ChatClient& client_;
  llm::Ledger ledger_at_start_;  // the client may be shared (an experiment's loops): cost() is the change
  LlmTeacherOptions options_;
  PromptTemplate abstraction_;
  PromptTemplate extrapolation_;
  PromptTemplate generation_;
  PromptTemplate verification_;
  std::vector<TaskFailure> failures_;
  bool budget_reached_ = false;
};

// `text` cut to at most `max_chars` bytes (at UTF-8 boundaries): its first two thirds and last
// third joined by " [...] ".
std::string shorten(const std::string& text, std::size_t max_chars);

}  // namespace blindspot::teach
