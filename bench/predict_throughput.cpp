// Predictions per second of a trained model over a split, with the batch API on 1 thread and
// on every core. Prints one line per thread count: "threads N: P predictions/s".
// Usage: blindspot_bench_predict MODEL SPLIT.csv [REPEATS]

#include "blindspot/data/dataset_reader.hpp"
#include "blindspot/model/classifier.hpp"

#include <chrono>
#include <cstdio>
#include <iostream>
#include <string>
#include <thread>

int main(int argc, char** argv) {
  if (argc < 3) {
    std::cerr << "usage: blindspot_bench_predict MODEL SPLIT.csv [REPEATS]\n";
    return 2;
  }
  using namespace blindspot;
  const auto model = model::load_classifier(argv[1]);
  const data::Split split = data::read_split(argv[2], model->labels());
  const int repeats = argc > 3 ? std::stoi(argv[3]) : 3;
  std::vector<std::string> texts;
  for (int r = 0; r < repeats; ++r) {
    for (const auto& example : split.examples) texts.push_back(example.text);
  }
  const int cores = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  for (int threads : {1, cores}) {
    model->predict_batch(std::vector<std::string>(texts.begin(), texts.begin() + std::min<std::size_t>(texts.size(), 200)),
                         threads);  // warm-up
    const auto start = std::chrono::steady_clock::now();
    const auto probabilities = model->predict_batch(texts, threads);
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::printf("threads %d: %.0f predictions/s (%zu texts in %.3f s)\n", threads,
                static_cast<double>(probabilities.size()) / seconds, probabilities.size(), seconds);
  }
  return 0;
}
