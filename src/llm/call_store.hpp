#pragma once

#include "blindspot/llm/chat.hpp"
#include "blindspot/store/database.hpp"

#include <cstdint>
#include <mutex>
#include <optional>
#include <string>

namespace blindspot::llm::detail {

// A reply as it goes into llm_calls.
struct CallRecord {
  std::string base_url;
  std::string model;               // the model that answered (the server's word, else the endpoint's)
  std::string request_body;        // the JSON body of the accepted attempt
  std::string response_body;       // the raw reply
  ChatResponse response;           // key, content, finish_reason, usage, structured, attempts, latency
  std::optional<double> cost_usd;  // nullopt: unpriced (stored as NULL)
};

// The LLM cache and ledger tables of the run store (llm_calls, llm_usage; docs/store.md), for
// one run. store::Database serves one thread at a time, so every access holds a mutex; callers
// must not use the same Database from other threads while a client works.
class CallStore {
 public:
  CallStore(store::Database& database, std::int64_t run_id);

  // The stored reply of `key` as a cached response (attempts 0, cost 0: this run pays nothing),
  // recording the use in llm_usage; nullopt when the key was never answered.
  std::optional<ChatResponse> find(const std::string& key);
  // Stores a fresh reply and its use by this run in one transaction, committed before return,
  // so a killed process keeps it. A key stored meanwhile by another process is kept as it is.
  void save(const CallRecord& record);

 private:
  store::Database& database_;
  std::int64_t run_id_;
  std::mutex mutex_;
};

}  // namespace blindspot::llm::detail
