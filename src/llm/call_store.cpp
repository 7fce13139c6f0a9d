#include "call_store.hpp"

#include "blindspot/core/error.hpp"
#include "blindspot/llm/client.hpp"
#include "blindspot/store/runs.hpp"


namespace blindspot::llm::detail {
namespace {

void insert_use(store::Database& database, std::int64_t run_id, const std::string& key, bool cached) {
  database.prepare("INSERT OR IGNORE INTO llm_usage (run_id, key, cached) VALUES (?, ?, ?)")
      .bind(1, run_id)
      .bind(2, key)
      .bind(3, cached ? 1 : 0)
      .run();
}

// The column holds the model asked for; the stored reply names the one that answered.
std::string answering_model(const std::string& response_body, const std::string& requested) {
  try {
    const std::string answered = parse_response_body(response_body).model;
    return answered.empty() ? requested : answered;
  } catch (const core::Error&) {
    return requested;
  }
}

}  // namespace

CallStore::CallStore(store::Database& database, std::int64_t run_id) : database_(database), run_id_(run_id) {}

std::optional<ChatResponse> CallStore::find(const std::string& key) {
  const std::lock_guard lock(mutex_);
  auto select = database_.prepare(
      "SELECT content, finish_reason, model, prompt_tokens, completion_tokens, cost_usd, structured, response "
      "FROM llm_calls WHERE key = ?");
  select.bind(1, key);
  if (!select.step()) return std::nullopt;
  ChatResponse response;
  response.key = key;
  response.content = select.column_text(0);
  response.finish_reason = select.column_text(1);
  response.model = answering_model(select.column_text(7), select.column_text(2));
  response.usage.prompt_tokens = select.column_int64(3);
  response.usage.completion_tokens = select.column_int64(4);
  response.priced = !select.is_null(5);
  // What it cost when it was made; the client counts it as stored spending, not as this call's.
  response.cost_usd = select.is_null(5) ? 0 : select.column_double(5);
  response.structured = select.column_int64(6) != 0;
  response.cached = true;
  select.reset();
  insert_use(database_, run_id_, key, true);
  return response;
}

void CallStore::save(const CallRecord& record) {
  const std::lock_guard lock(mutex_);
  const ChatResponse& response = record.response;
  database_.transaction([&] {
    auto insert = database_.prepare(
        "INSERT OR IGNORE INTO llm_calls (key, run_id, base_url, model, request, response, content, "
        "finish_reason, structured, prompt_tokens, completion_tokens, cost_usd, attempts, latency_seconds, "
        "created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    insert.bind(1, response.key)
        .bind(2, run_id_)
        .bind(3, record.base_url)
        .bind(4, record.model)
        .bind(5, record.request_body)
        .bind(6, record.response_body)
        .bind(7, response.content)
        .bind(8, response.finish_reason)
        .bind(9, response.structured ? 1 : 0)
        .bind(10, response.usage.prompt_tokens)
        .bind(11, response.usage.completion_tokens);
    if (record.cost_usd) {
      insert.bind(12, *record.cost_usd);
    } else {
      insert.bind_null(12);
    }
    insert.bind(13, response.attempts).bind(14, response.latency_seconds).bind(15, store::utc_timestamp()).run();
    insert_use(database_, run_id_, response.key, false);
  });
}

}  // namespace blindspot::llm::detail

namespace blindspot::llm {

double stored_cost_usd(store::Database& store, std::int64_t run_id) {
  auto sum = store.prepare("SELECT coalesce(sum(cost_usd), 0) FROM llm_calls WHERE run_id = ?");
  sum.bind(1, run_id);
  sum.step();
  return sum.column_double(0);
}

}  // namespace blindspot::llm
