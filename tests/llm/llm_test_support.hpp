#pragma once

#include "blindspot/llm/client.hpp"
#include "blindspot/store/database.hpp"
#include "blindspot/store/runs.hpp"

#include "support/test_support.hpp"

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace blindspot::test {

// A temporary workspace with a store and a running "teach" run, as a command would have.
struct LlmWorkspace {
  TempDir dir;
  std::filesystem::path file = dir / "blindspot.db";
  store::Database db = store::Database::open(file);
  std::int64_t run_id = store::begin_run(db, "teach", "{}", "{}");
};

// An endpoint for the protocol test server with test-sized timings: failures are retried
// within milliseconds, a hung reply is abandoned after `timeout_seconds`.
inline llm::Endpoint test_endpoint(const std::string& base_url, double timeout_seconds = 5) {
  llm::Endpoint endpoint;
  endpoint.base_url = base_url;
  endpoint.model = "test-model";
  endpoint.timeout_seconds = timeout_seconds;
  endpoint.max_retries = 10;
  endpoint.backoff_initial_seconds = 0.01;
  endpoint.backoff_max_seconds = 0.05;
  endpoint.max_in_flight = 4;
  return endpoint;
}

inline llm::ChatRequest user_request(const std::string& text, int max_tokens = 64) {
  llm::ChatRequest request;
  request.messages = {{"system", "You are a test."}, {"user", text}};
  request.max_tokens = max_tokens;
  return request;
}

inline std::vector<llm::ChatRequest> numbered_requests(int count, const std::string& prefix = "request") {
  std::vector<llm::ChatRequest> requests;
  for (int i = 0; i < count; ++i) requests.push_back(user_request(prefix + " " + std::to_string(i)));
  return requests;
}

// key -> content of every stored reply.
inline std::map<std::string, std::string> stored_contents(store::Database& db) {
  std::map<std::string, std::string> contents;
  auto select = db.prepare("SELECT key, content FROM llm_calls");
  while (select.step()) contents[select.column_text(0)] = select.column_text(1);
  return contents;
}

inline std::int64_t count_rows(store::Database& db, const std::string& table) {
  auto count = db.prepare("SELECT count(*) FROM " + table);
  count.step();
  return count.column_int64(0);
}

}  // namespace blindspot::test
