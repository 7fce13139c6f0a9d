// The inference-server model (--model http://HOST:PORT/v2/models/NAME, docs/model-server.md)
// against the Open Inference Protocol test server on loopback, serving the same fastText model,
// in one process on the same cores (as a deployment on the benchmark machine would):
//  1. throughput: the texts a DeepWordBug attack queries, scored through the server (batch
//     size B, F requests in flight), against the same model's own batched predict loop over the
//     same texts and batch size (1 thread, and all cores); then the attack itself through the
//     server against the same loop (target ratio >= 0.8);
//  2. a deployment: the server adds L ms per request and serves R requests at once (replicas);
//     the attack's wall time against the ideal ceil(requests / min(R, F)) x L plus the model's
//     own time spread over min(R, F, cores) (target <= 1.2).
// Each timing is the best of REPEATS runs.
// Usage: blindspot_bench_model_server MODEL SPLIT.csv [EXAMPLES=100] [BATCH=64] [IN_FLIGHT=4] [LATENCY_MS=50]
//        [REPLICAS=4] [REPEATS=3]

#include "recording_classifier.hpp"

#include "blindspot/data/dataset_reader.hpp"
#include "blindspot/discover/attack/attack.hpp"
#include "blindspot/discover/attack/recipe.hpp"
#include "blindspot/model/classifier.hpp"
#include "blindspot/model/model_source.hpp"

#include "support/oip_server.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <iostream>
#include <mutex>
#include <numeric>
#include <string>
#include <thread>

namespace {

using namespace blindspot;
using bench::RecordingClassifier;
using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }

template <typename Work>
double best_of(int repeats, Work work) {
  double best = 0;
  for (int repeat = 0; repeat < repeats; ++repeat) {
    const auto start = Clock::now();
    work();
    const double seconds = seconds_since(start);
    if (repeat == 0 || seconds < best) best = seconds;
  }
  return best;
}

// The model's own batched predict loop: batches of `batch` texts, `threads` at a time.
double own_loop_seconds(const model::Classifier& model, const std::vector<std::string>& texts, std::size_t batch,
                        int threads, int repeats) {
  return best_of(repeats, [&] {
    std::vector<std::thread> workers;
    const std::size_t batches = (texts.size() + batch - 1) / batch;
    for (int worker = 0; worker < threads; ++worker) {
      workers.emplace_back([&, worker] {
        for (std::size_t b = static_cast<std::size_t>(worker); b < batches; b += static_cast<std::size_t>(threads)) {
          const auto begin = texts.begin() + static_cast<std::ptrdiff_t>(b * batch);
          const auto end = texts.begin() + static_cast<std::ptrdiff_t>(std::min(texts.size(), (b + 1) * batch));
          model.predict_batch(std::vector<std::string>(begin, end), 1);
        }
      });
    }
    for (auto& thread : workers) thread.join();
  });
}

std::size_t attack_queries(const model::Classifier& model, const discover::AttackRecipe& recipe,
                           const data::Split& split, const discover::AttackOptions& options) {
  const auto run = discover::attack_split(model, recipe, split, options);
  std::size_t queries = 0;
  for (const auto& result : run.results) queries += result.queries;
  return queries;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::cerr << "usage: blindspot_bench_model_server MODEL SPLIT.csv [EXAMPLES=100] [BATCH=64] [IN_FLIGHT=4] "
                 "[LATENCY_MS=50] [REPLICAS=4] [REPEATS=3]\n";
    return 2;
  }
  const auto model = model::load_classifier(argv[1]);
  const data::Split split = data::read_split(argv[2], model->labels());
  discover::AttackOptions attack;
  attack.max_examples = argc > 3 ? std::stoul(argv[3]) : 100;
  attack.threads = 1;
  model::RemoteOptions remote;
  remote.batch_size = argc > 4 ? std::stoul(argv[4]) : 64;
  remote.max_in_flight = argc > 5 ? std::stoi(argv[5]) : 4;
  const double latency_ms = argc > 6 ? std::stod(argv[6]) : 50;
  const int replicas = argc > 7 ? std::stoi(argv[7]) : 4;
  const int repeats = argc > 8 ? std::max(1, std::stoi(argv[8])) : 3;
  const int cores = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  const auto recipe = discover::make_recipe("deepwordbug");

  RecordingClassifier recorder(*model);
  attack_queries(recorder, *recipe, split, attack);
  const std::vector<std::string> texts = recorder.take_texts();
  std::size_t characters = 0;
  for (const auto& text : texts) characters += text.size();
  std::printf("model server: %s on %s, %zu attacked rows -> %zu texts (%.0f characters each), batch %zu, %d in "
              "flight, %d cores\n",
              argv[1], argv[2], static_cast<std::size_t>(attack.max_examples), texts.size(),
              static_cast<double>(characters) / static_cast<double>(std::max<std::size_t>(1, texts.size())),
              remote.batch_size, remote.max_in_flight, cores);

  // 1. Throughput on loopback, no added latency.
  const double own_1 = own_loop_seconds(*model, texts, remote.batch_size, 1, repeats);
  const double own_all = own_loop_seconds(*model, texts, remote.batch_size, cores, repeats);
  double served = 0;
  double attack_served = 0;
  std::size_t attack_texts = 0;
  {
    test::OipServerOptions options;
    options.model = model.get();
    const test::OipServer server(options);
    const auto client = model::open_model(server.model_url(), remote);
    served = best_of(repeats, [&] { client->predict_batch(texts, 1); });
    attack_served = best_of(repeats, [&] { attack_texts = attack_queries(*client, *recipe, split, attack); });
  }
  const auto rate = [&](double seconds) { return static_cast<double>(texts.size()) / seconds; };
  std::printf("own batched predict loop: 1 thread %.0f texts/s, %d threads %.0f texts/s\n", rate(own_1), cores,
              rate(own_all));
  std::printf("through the OIP server:   %.0f texts/s; ratio %.3f vs 1 thread, %.3f vs %d threads (target >= 0.8)\n",
              rate(served), own_1 / served, own_all / served, cores);
  std::printf("attack through the server: %zu texts in %.3f s = %.0f texts/s; ratio %.3f vs the own loop on 1 "
              "thread, %.3f on %d threads (target >= 0.8)\n",
              attack_texts, attack_served, static_cast<double>(attack_texts) / attack_served, own_1 / attack_served,
              own_all / attack_served, cores);

  // 2. A deployment: added latency per request and a replica limit.
  test::OipServerOptions options;
  options.model = model.get();
  options.latency_seconds = latency_ms / 1000.0;
  options.replicas = replicas;
  test::OipServer server(options);
  const auto client = model::open_model(server.model_url(), remote);
  double wall = 0;
  int requests = 0;
  std::size_t full_batches = 0;
  for (int repeat = 0; repeat < repeats; ++repeat) {
    server.reset_stats();
    const auto start = Clock::now();
    const std::size_t queried = attack_queries(*client, *recipe, split, attack);
    const double seconds = seconds_since(start);
    if (repeat == 0 || seconds < wall) {
      wall = seconds;
      requests = server.stats().infer_requests;
      full_batches = (queried + remote.batch_size - 1) / remote.batch_size;
    }
  }
  const int parallel = std::min(replicas, remote.max_in_flight);
  const double waves = std::ceil(static_cast<double>(requests) / parallel);
  const double model_seconds = own_1 / std::min(parallel, cores);
  const double ideal = waves * latency_ms / 1000.0 + model_seconds;
  std::printf("deployment: %.0f ms per request, %d replicas, %d in flight: attack wall %.3f s over %d requests "
              "(%zu if every batch were full); ideal ceil(%d/%d) x %.0f ms + model %.3f s = %.3f s; ratio %.3f "
              "(target <= 1.2)\n",
              latency_ms, replicas, remote.max_in_flight, wall, requests, full_batches, requests, parallel, latency_ms,
              model_seconds, ideal, wall / ideal);
  return 0;
}
