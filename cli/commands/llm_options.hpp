#pragma once

#include "../context.hpp"

#include "blindspot/llm/client.hpp"
#include "blindspot/loop/llm_teacher_settings.hpp"

#include <CLI/CLI.hpp>

#include <filesystem>
#include <memory>
#include <string>

namespace blindspot::cli {

// The LLM endpoint, budget and prompt options shared by `teach`, `run` and `experiment`: the
// library's settings (loop/llm_teacher_settings.hpp), which the Python module fills too.
using LlmSettings = loop::LlmSettings;
using loop::llm_teacher_settings_json;
using loop::resolve_teacher;

// --base-url, --llm-model, --api-key-env, --ca-file, --timeout, --max-retries, --max-in-flight,
// --rpm, --tpm, --max-usd, --prices, --temperature, --max-tokens, --prompts, --task-description,
// --length-hint, --verify-labels.
void add_llm_options(CLI::App& command, LlmSettings& settings);

// A client recording under the current run (cache and ledger in the workspace's store).
std::unique_ptr<llm::ChatClient> make_llm_client(Context& context, const LlmSettings& settings, std::uint64_t seed);

}  // namespace blindspot::cli
