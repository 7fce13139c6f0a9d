#include "llm_arguments.hpp"

#include <pybind11/stl.h>

#include <string>

namespace blindspot::python {

namespace py = pybind11;

namespace {

// Sets `target` from llm[key] when the key is present and not None.
template <typename Value>
void set_from(const py::dict& llm, const char* key, Value& target) {
  if (llm.contains(key) && !llm[key].is_none()) target = llm[key].cast<Value>();
}

void set_path_from(const py::dict& llm, const char* key, std::filesystem::path& target) {
  if (llm.contains(key) && !llm[key].is_none()) target = py::str(llm[key]).cast<std::string>();
}

}  // namespace

loop::LlmSettings llm_settings_of(const py::handle& value) {
  loop::LlmSettings settings;
  if (value.is_none()) return settings;
  const auto llm = py::reinterpret_borrow<py::dict>(value);
  set_from(llm, "base_url", settings.endpoint.base_url);
  set_from(llm, "model", settings.endpoint.model);
  set_from(llm, "api_key_env", settings.api_key_env);
  set_path_from(llm, "ca_file", settings.endpoint.ca_file);
  set_from(llm, "timeout", settings.endpoint.timeout_seconds);
  set_from(llm, "max_retries", settings.endpoint.max_retries);
  set_from(llm, "max_in_flight", settings.endpoint.max_in_flight);
  set_from(llm, "rpm", settings.endpoint.requests_per_minute);
  set_from(llm, "tpm", settings.endpoint.tokens_per_minute);
  set_from(llm, "max_usd", settings.max_usd);
  set_path_from(llm, "prices", settings.prices_file);
  set_from(llm, "temperature", settings.teacher.temperature);
  set_from(llm, "max_tokens", settings.teacher.max_tokens);
  set_path_from(llm, "prompts", settings.teacher.prompt_directory);
  set_from(llm, "task_description", settings.teacher.task_description);
  set_from(llm, "length_hint", settings.teacher.length_hint);
  set_from(llm, "verify_labels", settings.verify_labels);
  return settings;
}

const loop::LlmSettingNames& python_llm_names() {
  static const loop::LlmSettingNames names{
      .llm_teacher = "teacher=\"llm\"",
      .verify_labels = "llm={\"verify_labels\": True}",
      .base_url = "llm={\"base_url\": URL} (or BLINDSPOT_BASE_URL, OPENAI_BASE_URL)",
      .llm_model = "llm={\"model\": NAME} (or BLINDSPOT_LLM_MODEL)",
      .max_usd = "llm[\"max_usd\"]",
      .rerun = "the same call"};
  return names;
}

py::dict ledger_dict(const llm::Ledger& ledger) {
  return py::dict(py::arg("http_calls") = ledger.http_calls, py::arg("http_attempts") = ledger.http_attempts,
                  py::arg("cached_calls") = ledger.cached_calls, py::arg("failed_calls") = ledger.failed_calls,
                  py::arg("prompt_tokens") = ledger.usage.prompt_tokens,
                  py::arg("completion_tokens") = ledger.usage.completion_tokens, py::arg("cost_usd") = ledger.cost_usd,
                  py::arg("unpriced") = ledger.unpriced);
}

}  // namespace blindspot::python
