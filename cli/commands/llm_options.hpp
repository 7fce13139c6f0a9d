#pragma once

#include "../context.hpp"

#include "blindspot/llm/client.hpp"
#include "blindspot/loop/teachers.hpp"
#include "blindspot/teach/llm_teacher.hpp"

#include <CLI/CLI.hpp>

#include <filesystem>
#include <memory>
#include <string>

namespace blindspot::cli {

// The LLM endpoint, budget and prompt options shared by `teach` and `run`.
struct LlmSettings {
  llm::Endpoint endpoint;
  std::string api_key_env = "OPENAI_API_KEY";
  // Empty: the shipped table (llm::default_price_file()), looked up when a client is made.
  std::filesystem::path prices_file;
  double max_usd = 0;
  teach::LlmTeacherOptions teacher;
  bool verify_labels = false;
};

// --base-url, --llm-model, --api-key-env, --ca-file, --timeout, --max-retries, --max-in-flight,
// --rpm, --tpm, --max-usd, --prices, --temperature, --max-tokens, --prompts, --task-description,
// --length-hint, --verify-labels.
void add_llm_options(CLI::App& command, LlmSettings& settings);

// Fills the base URL from OPENAI_BASE_URL and the key from the --api-key-env variable when the
// flags, BLINDSPOT_* variables and config file left them unset, and returns the teacher of
// `teacher_flag`, one of `allowed` (empty: llm when an endpoint is configured, else auto).
// Throws Error{usage} for a teacher `option` does not take, and when the llm teacher or
// --verify-labels has no endpoint or model.
loop::TeacherKind resolve_teacher(LlmSettings& settings, const std::string& teacher_flag, std::string_view option,
                                  const std::vector<loop::TeacherKind>& allowed);

// What changes an LLM teacher's output besides the messages (endpoint, model, sampling, prompt
// folder, task description, length hint), as a JSON object: part of a loop's key, so a changed
// setting never reuses another setting's samples. The API key is not part of it.
std::string llm_teacher_settings_json(const LlmSettings& settings);

// A client recording under the current run (cache and ledger in the workspace's store).
std::unique_ptr<llm::ChatClient> make_llm_client(Context& context, const LlmSettings& settings, std::uint64_t seed);

}  // namespace blindspot::cli
