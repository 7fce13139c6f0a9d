#pragma once

#include "blindspot/llm/client.hpp"
#include "blindspot/loop/llm_teacher_settings.hpp"

#include <pybind11/pybind11.h>

namespace blindspot::python {

// The `llm` argument of teach, run and experiment (a dict whose keys and defaults api.py checked:
// base_url, model, api_key_env, ca_file, timeout, max_retries, max_in_flight, rpm, tpm, max_usd,
// prices, temperature, max_tokens, prompts, task_description, length_hint, verify_labels) as the
// library's settings; None gives the defaults. The key itself is never in it: resolve_teacher()
// reads it from the api_key_env variable.
loop::LlmSettings llm_settings_of(const pybind11::handle& llm);

// The Python names of the settings, for the library's messages.
const loop::LlmSettingNames& python_llm_names();

// What a client's calls cost, as teach's result carries it under "llm".
pybind11::dict ledger_dict(const llm::Ledger& ledger);

}  // namespace blindspot::python
