#pragma once

#include "blindspot/core/error.hpp"
#include "blindspot/core/progress.hpp"
#include "blindspot/llm/chat.hpp"
#include "blindspot/llm/circuit_breaker.hpp"
#include "blindspot/llm/endpoint.hpp"
#include "blindspot/llm/prices.hpp"
#include "blindspot/store/database.hpp"

#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

namespace blindspot::llm {

// Totals of one client's calls.
struct Ledger {
  std::int64_t http_calls = 0;     // calls answered by the server (each paid once)
  std::int64_t http_attempts = 0;  // HTTP requests sent, retries included
  std::int64_t cached_calls = 0;   // calls answered from the store or by a duplicate in the batch
  std::int64_t failed_calls = 0;   // calls that gave up (retries exhausted, bad request)
  std::int64_t skipped_calls = 0;  // calls not made because of the budget
  Usage usage;                     // tokens of the HTTP calls (not of cached ones)
  double cost_usd = 0;             // of the HTTP calls
  bool unpriced = false;           // some call's model has no price
  // Replies served from the store, paid by an earlier run: their tokens and USD as recorded
  // then, so that a resumed run can say what its results cost, not only what it paid.
  Usage stored_usage;
  double stored_cost_usd = 0;
  bool stored_unpriced = false;
};

// The outcome of one call of complete_all(): a response, or why there is none.
struct CallResult {
  std::optional<ChatResponse> response;
  std::optional<core::Error> error;  // kind remote: the server or network failed for good
  bool over_budget = false;          // not sent: it could have exceeded max_usd

  bool ok() const noexcept { return response.has_value(); }
};

// Options of a client beyond the endpoint.
struct ClientOptions {
  // Stop before a call could take this client's spending (its HTTP calls; cached replies
  // are free) above this many USD; 0 = no limit. A call's worst case is
  // estimated from its prompt (4 characters a token) and max_tokens. With a limit, every
  // model used must have a price.
  double max_usd = 0;
  // Seeds the jitter of the backoff, so retry timing is reproducible in tests.
  std::uint64_t jitter_seed = 0;
};

// An OpenAI-compatible chat-completions client with a persistent cache and ledger in the
// run store (table llm_calls, docs/store.md): a request whose cache_key() is stored is
// answered from the store without any HTTP call, so a rerun or a resumed run never pays twice.
// Each reply is committed to the store as soon as it arrives (a kill loses at most the calls
// in flight). Retries 408, 409, 429, 5xx, timeouts and dropped connections with exponential
// backoff and full jitter, honouring Retry-After; other 4xx, an exhausted quota and a request
// too long for the model's context fail at once. A circuit breaker shared by all calls
// (circuit_breaker.hpp) stops the client when the server stopped answering: every call left
// fails at once with one message, and what was stored stays. If the server rejects
// response_format (a 400 or 422 naming it), the client stops sending it for the rest of its
// life, puts the schema into the last message instead and marks replies structured=false.
// Safe to use from several threads; at most endpoint.max_in_flight requests run at once.
// The client serialises its own use of `store` (store::Database serves one thread at a time);
// do not use the same Database from other threads while calls run.
class ChatClient {
 public:
  // Throws Error{usage} for an invalid endpoint, or if max_usd is set and the endpoint's
  // model has no price.
  ChatClient(Endpoint endpoint, store::Database& store, std::int64_t run_id, PriceTable prices,
             ClientOptions options = {});
  ~ChatClient();
  ChatClient(const ChatClient&) = delete;
  ChatClient& operator=(const ChatClient&) = delete;

  // One call. Throws Error{remote} naming the request (method, URL, model, key, attempts, the
  // last and first attempt's status or network error, with the server's message) when it fails
  // for good; ServerStoppedAnswering (kind remote) when the breaker is open; BudgetExceeded
  // when it was not sent because of max_usd; Error{usage} for a
  // json_schema that is not JSON; Error{io} when the store cannot be written.
  ChatResponse complete(const ChatRequest& request);

  // Many calls, up to max_in_flight at once; results in request order. Identical requests are
  // sent once. Remote failures do not stop the others; once the budget is reached the
  // remaining calls are not sent (over_budget). Once the breaker opens, no call is sent any more
  // and every call not answered gets the same error, "the server at URL stopped answering: ...
  // since HH:MM:SS (N calls not made; the M replies received are stored, rerun to resume)"
  // (stored replies are still served). Other errors (store, usage) stop the batch and are
  // rethrown here. `progress` ("llm calls", distinct requests done of all distinct requests) is called
  // from worker threads, one call at a time.
  std::vector<CallResult> complete_all(const std::vector<ChatRequest>& requests,
                                       const core::ProgressCallback& progress = {});

  const Endpoint& endpoint() const noexcept;
  Ledger ledger() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Thrown by ChatClient::complete when max_usd stops a call (kind usage: the limit the user set
// is too small for the work).
class BudgetExceeded : public core::Error {
 public:
  explicit BudgetExceeded(const std::string& message);
};

// USD recorded for calls paid under run_id (table llm_calls).
double stored_cost_usd(store::Database& store, std::int64_t run_id);

}  // namespace blindspot::llm
