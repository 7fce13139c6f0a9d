// Throughput of the adversarial attack (issue 3) on a split, against raw batched prediction of
// exactly the texts the attack queried, measured in the same run:
//  - attacks per second and model queries per second, on 1 and 2 worker threads;
//  - ratio of the attack's query rate to predict_batch's rate on the same texts (target >= 0.8:
//    the attack is bound by model inference, not by its own bookkeeping);
//  - scaling of attacks per second from 1 to 2 threads.
// Each timing is the best of REPEATS runs (the machine is shared; the minimum is the least disturbed).
// Usage: blindspot_bench_attack MODEL SPLIT.csv [EXAMPLES=200] [RECIPE=deepwordbug] [SEED=1] [REPEATS=3]

#include "recording_classifier.hpp"

#include "blindspot/data/dataset_reader.hpp"
#include "blindspot/discover/attack/attack.hpp"
#include "blindspot/discover/attack/recipe.hpp"
#include "blindspot/model/classifier.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <mutex>
#include <string>

namespace {

using namespace blindspot;
using bench::RecordingClassifier;

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

struct Timing {
  double seconds = 0;
  std::size_t attacked = 0;
  std::size_t queries = 0;
  std::size_t succeeded = 0;
};

Timing time_attack(const model::Classifier& model, const discover::AttackRecipe& recipe, const data::Split& split,
                   discover::AttackOptions options, int threads) {
  options.threads = threads;
  const auto start = std::chrono::steady_clock::now();
  const auto run = discover::attack_split(model, recipe, split, options);
  Timing timing;
  timing.seconds = seconds_since(start);
  for (const auto& result : run.results) timing.queries += result.queries;
  const auto summary = discover::summarise(run);
  timing.attacked = summary.attacked;
  timing.succeeded = summary.succeeded;
  return timing;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::cerr
        << "usage: blindspot_bench_attack MODEL SPLIT.csv [EXAMPLES=200] [RECIPE=deepwordbug] [SEED=1] [REPEATS=3]\n";
    return 2;
  }
  const auto model = model::load_classifier(argv[1]);
  const data::Split split = data::read_split(argv[2], model->labels());
  discover::AttackOptions options;
  options.max_examples = argc > 3 ? std::stoul(argv[3]) : 200;
  const auto recipe = discover::make_recipe(argc > 4 ? argv[4] : "deepwordbug");
  options.seed = argc > 5 ? std::stoull(argv[5]) : 1;
  const int repeats = argc > 6 ? std::max(1, std::stoi(argv[6])) : 3;

  // Warm-up (page cache, WordNet loading), then the texts a 1-thread attack queries.
  RecordingClassifier recorder(*model);
  discover::attack_split(recorder, *recipe, split, options);
  const std::vector<std::string> texts = recorder.take_texts();

  std::printf("attack %s on %s: %zu sampled rows, seed %llu, goal %s, budget %zu\n", recipe->name().c_str(), argv[2],
              static_cast<std::size_t>(options.max_examples), static_cast<unsigned long long>(options.seed),
              discover::to_string(options.goal), options.budget);
  double attacks_per_second[3] = {0, 0, 0};
  double raw_per_second[3] = {0, 0, 0};
  for (int threads : {1, 2}) {
    Timing attack;
    double raw_seconds = 0;
    std::size_t predicted = 0;
    for (int repeat = 0; repeat < repeats; ++repeat) {
      const Timing timing = time_attack(*model, *recipe, split, options, threads);
      if (repeat == 0 || timing.seconds < attack.seconds) attack = timing;
      const auto start = std::chrono::steady_clock::now();
      predicted = model->predict_batch(texts, threads).size();
      const double seconds = seconds_since(start);
      if (repeat == 0 || seconds < raw_seconds) raw_seconds = seconds;
    }
    const double query_rate = static_cast<double>(attack.queries) / attack.seconds;
    const double raw_rate = static_cast<double>(predicted) / raw_seconds;
    attacks_per_second[threads] = static_cast<double>(attack.attacked) / attack.seconds;
    raw_per_second[threads] = raw_rate;
    std::printf(
        "threads %d: %zu attacks (%zu UUs) in %.2f s = %.1f attacks/s, %.0f queries/s; raw predict_batch of the "
        "same %zu texts: %.0f predictions/s; ratio %.3f (target >= 0.8)\n",
        threads, attack.attacked, attack.succeeded, attack.seconds, attacks_per_second[threads], query_rate, predicted,
        raw_rate, query_rate / raw_rate);
    if (attack.queries != texts.size()) {
      std::fprintf(stderr, "warning: the attack counted %zu queries but asked the model about %zu texts\n",
                   attack.queries, texts.size());
    }
  }
  // Raw prediction's own scaling is the ceiling for the attack's on the same machine state.
  std::printf("scaling 1 -> 2 threads: %.2fx attacks/s (raw predict_batch: %.2fx)\n",
              attacks_per_second[2] / attacks_per_second[1], raw_per_second[2] / raw_per_second[1]);
  return 0;
}
