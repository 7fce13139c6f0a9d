#pragma once

#include "blindspot/llm/client.hpp"
#include "blindspot/llm/endpoint.hpp"
#include "blindspot/loop/teachers.hpp"
#include "blindspot/store/database.hpp"
#include "blindspot/teach/llm_teacher.hpp"
#include "blindspot/teach/teach_session.hpp"

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace blindspot::loop {

// The LLM endpoint, budget and prompt settings of an LLM teacher, as `teach`, `run` and
// `experiment` take them from the CLI's flags (cli/commands/llm_options.cpp) or the Python
// module's `llm` argument (python/src/llm_arguments.cpp).
struct LlmSettings {
  llm::Endpoint endpoint;
  std::string api_key_env = "OPENAI_API_KEY";
  // Empty: the shipped table (llm::default_price_file()), looked up when a client is made.
  std::filesystem::path prices_file;
  double max_usd = 0;
  teach::LlmTeacherOptions teacher;
  bool verify_labels = false;
};

// How the interface names the settings in its error messages: the CLI's flags by default.
struct LlmSettingNames {
  std::string llm_teacher = "--teacher llm";
  std::string verify_labels = "--verify-labels";
  std::string base_url = "--base-url URL (or BLINDSPOT_BASE_URL, OPENAI_BASE_URL)";
  std::string llm_model = "--llm-model NAME (or BLINDSPOT_LLM_MODEL)";
  std::string max_usd = "--max-usd";
  std::string rerun = "the same command";
};

// Fills the base URL from OPENAI_BASE_URL and the key from the `api_key_env` variable when they
// are unset (the interface's own settings come first), and returns the teacher named
// `teacher_name`, one of `allowed` (empty: llm when an endpoint is configured, else auto).
// Throws Error{usage} for a teacher `option` does not take, and when the llm teacher or
// verify_labels has no endpoint or model, naming the settings as `names` does.
TeacherKind resolve_teacher(LlmSettings& settings, const std::string& teacher_name, std::string_view option,
                            const std::vector<TeacherKind>& allowed, const LlmSettingNames& names = {});

// What changes an LLM teacher's output besides the messages (endpoint, model, sampling, prompt
// folder, task description, length hint), as a JSON object: part of a loop's identity, so a
// changed setting never reuses another setting's samples. The API key is never part of it.
std::string llm_teacher_settings_json(const LlmSettings& settings);

// A client recording under run `run_id` of `store` (its cache and cost ledger): a rerun of the
// same requests is answered from the store without an HTTP call.
std::unique_ptr<llm::ChatClient> make_llm_client(const LlmSettings& settings, store::Database& store,
                                                 std::int64_t run_id, std::uint64_t seed);

// The label checker of verify_labels (each accepted sample's label asked of the LLM separately):
// the LLM teacher itself when it is `teacher`, else a new LLM teacher on `client` with
// `settings.teacher`, the model's `labels` and `seed`, owned by the result.
struct LabelVerifier {
  std::unique_ptr<teach::LlmTeacher> owned;
  teach::LlmTeacher* verifier = nullptr;
};
LabelVerifier make_label_verifier(TeacherKind kind, teach::Teacher& teacher, llm::ChatClient& client,
                                  const LlmSettings& settings, const data::LabelSet& labels, std::uint64_t seed);

// A teach run that the budget stopped or whose LLM calls failed ends with an error after
// everything else is written, so that a rerun pays only for what is missing: throws
// Error{remote} naming the budget or the first retryable failure (which names the endpoint's
// URL). Does nothing for a complete result.
void check_teaching_complete(const teach::TeachResult& result, const LlmSettings& settings,
                             const LlmSettingNames& names = {});

}  // namespace blindspot::loop
