#include "llm_options.hpp"

#include "blindspot/core/data_files.hpp"

namespace blindspot::cli {

namespace {

// The shipped prompts and price table as the defaults --help shows. When blindspot's data folder
// is not found they stay empty, so that commands that need neither still run; the teacher and the
// client then look them up and report the folders searched (core::found_data_directory).
void set_shipped_data_defaults(LlmSettings& settings) {
  const core::DataDirectorySearch search = core::search_data_directory();
  if (!search.found) return;
  settings.prices_file = *search.found / "config" / "prices.toml";
  settings.teacher.prompt_directory = *search.found / "prompts";
}

}  // namespace

void add_llm_options(CLI::App& command, LlmSettings& settings) {
  set_shipped_data_defaults(settings);
  command.add_option("--base-url", settings.endpoint.base_url,
                     "OpenAI-compatible API root, e.g. https://api.openai.com/v1 (else $OPENAI_BASE_URL)");
  command.add_option("--llm-model", settings.endpoint.model, "Model name sent to the endpoint");
  command
      .add_option("--api-key-env", settings.api_key_env,
                  "Environment variable holding the API key (the key itself is never a flag or stored)")
      ->capture_default_str();
  command.add_option("--ca-file", settings.endpoint.ca_file, "Extra CA certificates (PEM) for HTTPS");
  command.add_option("--timeout", settings.endpoint.timeout_seconds, "Seconds per HTTP attempt")
      ->check(CLI::Range(0.1, 3600.0))
      ->capture_default_str();
  command.add_option("--max-retries", settings.endpoint.max_retries, "Retries on 429, 5xx and network errors")
      ->check(CLI::Range(0, 100))
      ->capture_default_str();
  command.add_option("--max-in-flight", settings.endpoint.max_in_flight, "Concurrent requests")
      ->check(CLI::Range(1, 256))
      ->capture_default_str();
  command.add_option("--rpm", settings.endpoint.requests_per_minute, "Requests per minute (0 = no limit)")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  command.add_option("--tpm", settings.endpoint.tokens_per_minute, "Tokens per minute (0 = no limit)")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  command.add_option("--max-usd", settings.max_usd, "Stop before spending more than this (0 = no limit)")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  command
      .add_option("--prices", settings.prices_file,
                  "Price table (TOML; default: config/prices.toml of blindspot's data folder, docs/install.md)")
      ->capture_default_str();
  command.add_option("--temperature", settings.teacher.temperature, "Sampling temperature")
      ->check(CLI::Range(0.0, 2.0))
      ->capture_default_str();
  command.add_option("--max-tokens", settings.teacher.max_tokens, "Reply tokens per hypothesis or sample")
      ->check(CLI::Range(16, 100000))
      ->capture_default_str();
  command
      .add_option("--prompts", settings.teacher.prompt_directory,
                  "Folder of the prompt templates (default: prompts/ of blindspot's data folder, docs/install.md)")
      ->capture_default_str();
  command
      .add_option("--task-description", settings.teacher.task_description,
                  "One sentence on what the classifier does, for the prompts")
      ->capture_default_str();
  command.add_option("--length-hint", settings.teacher.length_hint,
                     "Sentence on sample length for the generation prompt");
  command.add_flag("--verify-labels", settings.verify_labels,
                   "Ask the LLM for each accepted sample's label separately; reject disagreements");
}

std::unique_ptr<llm::ChatClient> make_llm_client(Context& context, const LlmSettings& settings, std::uint64_t seed) {
  return loop::make_llm_client(settings, context.store(), context.run_id(), seed);
}

}  // namespace blindspot::cli
