#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace blindspot::llm {

// One message of an OpenAI chat-completions conversation.
struct Message {
  std::string role;  // "system", "user", "assistant"
  std::string content;

  bool operator==(const Message& other) const = default;
};

// What is asked of /v1/chat/completions. Every field takes part in the cache key.
struct ChatRequest {
  std::vector<Message> messages;
  double temperature = 0.0;
  int max_tokens = 512;
  // Sent as "seed" (servers that honour it make replies reproducible). Callers that need a
  // different reply to the same messages (a re-ask after an unusable one) change the seed.
  std::optional<std::int64_t> seed;
  // A JSON Schema (JSON text) the reply must match, sent as response_format
  // {"type":"json_schema","json_schema":{"name":schema_name,"strict":true,"schema":...}}.
  // Empty: free text.
  std::string json_schema;
  std::string schema_name = "reply";
};

struct Usage {
  std::int64_t prompt_tokens = 0;
  std::int64_t completion_tokens = 0;

  bool operator==(const Usage& other) const = default;
};

// What came back, from the server or from the store's cache.
struct ChatResponse {
  std::string key;            // the cache key (cache_key())
  std::string content;        // choices[0].message.content (may be any bytes the server sent)
  std::string finish_reason;  // "stop", "length", ...
  std::string model;          // the model the server says answered
  Usage usage;
  // What this call paid, from the price table: 0 when the model has no price, and 0 for a
  // cached reply (the store's llm_calls row keeps what it cost the run that paid for it).
  double cost_usd = 0;
  bool priced = false;  // the price table knows the model
  bool cached = false;  // served from the store (or a duplicate in the batch): no HTTP call
  // False when the server rejected response_format and the schema went into the prompt
  // instead (the caller must then extract JSON from free text, see extract_json()). True for
  // free-text requests.
  bool structured = true;
  // HTTP attempts this call took, retries and a rejected response_format included (0 when cached).
  int attempts = 0;
  double latency_seconds = 0;  // from the first attempt to the accepted reply, backoff included
};

// The JSON body of a request for `model`. Without response_format a json_schema goes into the
// last message as an instruction instead (the fallback for servers that reject
// response_format). Throws Error{usage} when json_schema is not JSON.
std::string request_body(std::string_view model, const ChatRequest& request, bool with_response_format);

// SHA-256 (hex) of the canonical JSON of (base_url without a trailing '/', model, messages,
// temperature, max_tokens, seed, json_schema (parsed, so its whitespace does not count) and
// schema_name (when there is a schema)): two requests share a key exactly when a rerun may
// reuse the reply. The API key, timeouts and retry settings do not count.
std::string cache_key(std::string_view base_url, std::string_view model, const ChatRequest& request);

// Parses a chat.completion body. Throws Error{remote} naming what is missing or malformed
// (not JSON, no choices, no message content).
ChatResponse parse_response_body(std::string_view body);

// The first complete JSON object or array in `text`, for replies to the response_format
// fallback: skips ```json fences and prose before and after, and brackets inside strings do not
// confuse it. Nothing is repaired (a trailing comma makes a value invalid). nullopt when there
// is none.
std::optional<std::string> extract_json(std::string_view text);

}  // namespace blindspot::llm
