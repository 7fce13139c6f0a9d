// The JSON of an LLM's reply: llm::extract_json on the reply's text (the response_format fallback)
// and llm::parse_response_body on the same bytes as an HTTP body.

#include "blindspot/llm/chat.hpp"
#include "fuzz_support.hpp"

#include <nlohmann/json.hpp>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace blindspot;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  if (const auto value = llm::extract_json(text)) {
    // What chat.hpp promises: a complete JSON object or array, taken from the text as it was.
    fuzz::require(text.find(*value) != std::string_view::npos, "the extracted JSON is a part of the reply");
    fuzz::require(value->front() == '{' || value->front() == '[', "the extracted JSON starts an object or array");
    fuzz::require(nlohmann::json::accept(*value), "the extracted JSON parses");
  }
  fuzz::accept_input_errors([&] { llm::parse_response_body(text); });
  return 0;
}
