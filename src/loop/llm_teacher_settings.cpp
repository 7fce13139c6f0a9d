#include "blindspot/loop/llm_teacher_settings.hpp"

#include "blindspot/core/error.hpp"
#include "blindspot/llm/prices.hpp"
#include "blindspot/teach/prompt_template.hpp"

#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdlib>

namespace blindspot::loop {

namespace {

std::filesystem::path prices_file_of(const LlmSettings& settings) {
  return settings.prices_file.empty() ? llm::default_price_file() : settings.prices_file;
}

std::filesystem::path prompt_directory_of(const LlmSettings& settings) {
  return settings.teacher.prompt_directory.empty() ? teach::default_prompt_directory()
                                                   : settings.teacher.prompt_directory;
}

}  // namespace

TeacherKind resolve_teacher(LlmSettings& settings, const std::string& teacher_name, std::string_view option,
                            const std::vector<TeacherKind>& allowed, const LlmSettingNames& names) {
  // OPENAI_BASE_URL and the key's variable come last: the interface's own settings win over them.
  if (settings.endpoint.base_url.empty()) {
    if (const char* url = std::getenv("OPENAI_BASE_URL"); url != nullptr) settings.endpoint.base_url = url;
  }
  if (!settings.api_key_env.empty()) {
    if (const char* key = std::getenv(settings.api_key_env.c_str()); key != nullptr) settings.endpoint.api_key = key;
  }
  const TeacherKind teacher = !teacher_name.empty()
                                  ? parse_teacher_kind(teacher_name, option, allowed)
                                  : (settings.endpoint.base_url.empty() ? TeacherKind::automatic : TeacherKind::llm);
  const bool needs_endpoint = teacher == TeacherKind::llm || settings.verify_labels;
  if (needs_endpoint && settings.endpoint.base_url.empty()) {
    throw core::Error(core::ErrorKind::usage,
                      names.llm_teacher + " and " + names.verify_labels + " need an endpoint: " + names.base_url);
  }
  if (needs_endpoint && settings.endpoint.model.empty()) {
    throw core::Error(core::ErrorKind::usage, names.llm_teacher + " needs " + names.llm_model);
  }
  return teacher;
}

std::string llm_teacher_settings_json(const LlmSettings& settings) {
  return nlohmann::json{{"base_url", settings.endpoint.base_url},
                        {"model", settings.endpoint.model},
                        {"temperature", settings.teacher.temperature},
                        {"max_tokens", settings.teacher.max_tokens},
                        {"prompts", std::filesystem::weakly_canonical(prompt_directory_of(settings)).string()},
                        {"task_description", settings.teacher.task_description},
                        {"length_hint", settings.teacher.length_hint}}
      .dump();
}

std::unique_ptr<llm::ChatClient> make_llm_client(const LlmSettings& settings, store::Database& store,
                                                 std::int64_t run_id, std::uint64_t seed) {
  return std::make_unique<llm::ChatClient>(settings.endpoint, store, run_id,
                                           llm::PriceTable::load(prices_file_of(settings)),
                                           llm::ClientOptions{settings.max_usd, seed});
}

LabelVerifier make_label_verifier(TeacherKind kind, teach::Teacher& teacher, llm::ChatClient& client,
                                  const LlmSettings& settings, const data::LabelSet& labels, std::uint64_t seed) {
  LabelVerifier out;
  if (kind == TeacherKind::llm) {
    out.verifier = static_cast<teach::LlmTeacher*>(&teacher);
    return out;
  }
  teach::LlmTeacherOptions options = settings.teacher;
  options.labels = labels;
  options.seed = static_cast<std::int64_t>(seed);
  out.owned = std::make_unique<teach::LlmTeacher>(client, options);
  out.verifier = out.owned.get();
  return out;
}

void check_teaching_complete(const teach::TeachResult& result, const LlmSettings& settings,
                             const LlmSettingNames& names) {
  if (result.budget_reached) {
    throw core::Error(core::ErrorKind::remote,
                      fmt::format("stopped at the {} budget of ${:.4f}; everything done so far is written and "
                                  "cached: rerun with a larger {} to continue without paying again",
                                  names.max_usd, settings.max_usd, names.max_usd));
  }
  const auto retryable = [](const teach::TaskFailure& f) { return f.retryable; };
  const auto count = std::count_if(result.failures.begin(), result.failures.end(), retryable);
  if (count == 0) return;
  const auto first = std::find_if(result.failures.begin(), result.failures.end(), retryable);
  throw core::Error(core::ErrorKind::remote,
                    fmt::format("{} LLM calls failed (first: {} of {}: {}); the rest is written and cached: rerun "
                                "{} to retry only the failed ones",
                                count, first->task, first->item_id, first->reason, names.rerun));
}

}  // namespace blindspot::loop
