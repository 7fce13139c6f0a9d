// Throughput of an adapter command (docs/model-protocol.md) under the adversarial attack: texts
// scored per second by an attack whose model is "cmd:...", and by predict_batch of the same texts
// through the adapter. Writes those texts (JSON lines) for bench/model_adapter.sh, which times the
// model's own batched predict_proba loop on them in Python and prints the ratio.
// Each timing is the best of REPEATS runs (the machine is shared).
// Usage: blindspot_bench_model_adapter SPEC SPLIT.csv TEXTS_OUT.jsonl [EXAMPLES=100] [BATCH=64] [REPEATS=2]

#include "recording_classifier.hpp"

#include "blindspot/data/dataset_reader.hpp"
#include "blindspot/discover/attack/attack.hpp"
#include "blindspot/discover/attack/recipe.hpp"
#include "blindspot/model/model_source.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <mutex>
#include <string>

namespace {

using namespace blindspot;
using bench::RecordingClassifier;

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 4) {
    std::cerr << "usage: blindspot_bench_model_adapter SPEC SPLIT.csv TEXTS_OUT.jsonl [EXAMPLES=100] [BATCH=64] "
                 "[REPEATS=2]\n";
    return 2;
  }
  model::RemoteOptions remote;
  remote.batch_size = argc > 5 ? std::stoul(argv[5]) : 64;
  const int repeats = argc > 6 ? std::max(1, std::stoi(argv[6])) : 2;
  const auto start_up = std::chrono::steady_clock::now();
  const auto model = model::open_model(argv[1], remote);
  std::printf("adapter started and handshaken in %.2f s; %d callers fill its batches of %zu\n", seconds_since(start_up),
              model->preferred_callers(), remote.batch_size);
  const data::Split split = data::read_split(argv[2], model->labels());
  discover::AttackOptions options;
  options.max_examples = argc > 4 ? std::stoul(argv[4]) : 100;
  options.seed = 1;
  const auto recipe = discover::make_recipe("deepwordbug");

  // The texts the attack scores (also a warm-up).
  RecordingClassifier recorder(*model);
  discover::attack_split(recorder, *recipe, split, options);
  const std::vector<std::string> texts = recorder.take_texts();

  double attack_seconds = 0;
  double batch_seconds = 0;
  std::size_t queries = 0;
  for (int repeat = 0; repeat < repeats; ++repeat) {
    auto start = std::chrono::steady_clock::now();
    const auto run = discover::attack_split(*model, *recipe, split, options);
    const double seconds = seconds_since(start);
    if (repeat == 0 || seconds < attack_seconds) attack_seconds = seconds;
    queries = 0;
    for (const auto& result : run.results) queries += result.queries;
    start = std::chrono::steady_clock::now();
    model->predict_batch(texts, 1);
    const double batch = seconds_since(start);
    if (repeat == 0 || batch < batch_seconds) batch_seconds = batch;
  }
  std::ofstream out(argv[3]);
  for (const auto& text : texts)
    out << nlohmann::json(text).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << '\n';
  std::printf("attack deepwordbug on %s, %zu examples: %zu texts scored in %.2f s = %.0f texts/s through the adapter\n",
              argv[2], static_cast<std::size_t>(options.max_examples), queries, attack_seconds,
              static_cast<double>(queries) / attack_seconds);
  std::printf("predict_batch of the same %zu texts through the adapter: %.2f s = %.0f texts/s\n", texts.size(),
              batch_seconds, static_cast<double>(texts.size()) / batch_seconds);
  std::printf("attack_texts_per_second=%.3f\n", static_cast<double>(queries) / attack_seconds);
  std::printf("batch_texts_per_second=%.3f\n", static_cast<double>(texts.size()) / batch_seconds);
  return 0;
}
