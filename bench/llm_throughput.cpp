// Throughput of the LLM client against the protocol test server with a fixed reply latency:
// CALLS generation-sized calls at IN_FLIGHT concurrent requests should take close to the ideal
// ceil(CALLS / IN_FLIGHT) * LATENCY (every slot always busy; target ratio <= 1.1), and a rerun
// on the same store should make no HTTP call at all.
// Usage: blindspot_bench_llm [CALLS=500] [IN_FLIGHT=16] [LATENCY_MS=200]

#include "blindspot/llm/client.hpp"
#include "blindspot/store/database.hpp"
#include "blindspot/store/runs.hpp"

#include "support/protocol_server.hpp"

#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <random>
#include <string>

namespace {

using namespace blindspot;

// About a teacher's generation call: a 1,500-character prompt, up to 512 tokens, a reply of
// about 300 tokens.
std::vector<llm::ChatRequest> generation_requests(int count) {
  std::vector<llm::ChatRequest> requests;
  const std::string instructions(1400, 'p');
  for (int i = 0; i < count; ++i) {
    llm::ChatRequest request;
    request.messages = {{"system", "You write short movie reviews."},
                        {"user", instructions + " review number " + std::to_string(i)}};
    request.max_tokens = 512;
    requests.push_back(std::move(request));
  }
  return requests;
}

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace

int main(int argc, char** argv) {
  const int calls = argc > 1 ? std::stoi(argv[1]) : 500;
  const int in_flight = argc > 2 ? std::stoi(argv[2]) : 16;
  const double latency = (argc > 3 ? std::stod(argv[3]) : 200) / 1000.0;

  test::ProtocolServerOptions options;
  options.latency_seconds = latency;
  options.responder = [](const nlohmann::json& request) {
    return "A review: " + std::string(1190, 'r') + request["messages"][1]["content"].get<std::string>().substr(1400);
  };
  test::ProtocolServer server(options);

  std::random_device device;
  const auto folder = std::filesystem::temp_directory_path() / ("blindspot-bench-llm-" + std::to_string(device()));
  const auto requests = generation_requests(calls);
  llm::Endpoint endpoint;
  endpoint.base_url = server.base_url();
  endpoint.model = "bench-model";
  endpoint.max_in_flight = in_flight;

  double wall = 0;
  int failed = 0;
  {
    auto db = store::Database::open(folder / "blindspot.db");
    llm::ChatClient client(endpoint, db, store::begin_run(db, "bench", "{}", "{}"), {});
    const auto start = std::chrono::steady_clock::now();
    for (const auto& result : client.complete_all(requests)) failed += result.ok() ? 0 : 1;
    wall = seconds_since(start);
  }
  const int first_requests = server.stats().requests;
  const double ideal = std::ceil(static_cast<double>(calls) / in_flight) * latency;
  std::printf(
      "llm client: %d calls, %d in flight, %.0f ms latency: wall %.3f s, ideal %.3f s, ratio %.3f "
      "(target <= 1.1); %d HTTP requests, %d failed, server max in flight %d\n",
      calls, in_flight, latency * 1000, wall, ideal, wall / ideal, first_requests, failed,
      server.stats().max_in_flight);

  server.reset_stats();
  double rerun_wall = 0;
  std::int64_t cached = 0;
  {
    auto db = store::Database::open(folder / "blindspot.db");
    llm::ChatClient client(endpoint, db, store::begin_run(db, "bench", "{}", "{}"), {});
    const auto start = std::chrono::steady_clock::now();
    client.complete_all(requests);
    rerun_wall = seconds_since(start);
    cached = client.ledger().cached_calls;
  }
  std::printf("llm client rerun on the same store: %d HTTP calls, %lld cached, wall %.3f s\n", server.stats().requests,
              static_cast<long long>(cached), rerun_wall);
  std::filesystem::remove_all(folder);
  return failed == 0 && server.stats().requests == 0 ? 0 : 1;
}
