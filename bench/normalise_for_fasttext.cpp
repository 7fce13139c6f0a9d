// Writes a split in fastText's input format ("__label__x normalised text" per line) with
// blindspot's own normalisation, so that `fasttext supervised` trains on exactly what
// `blindspot train` feeds the library.
// Usage: blindspot_bench_normalise SPLIT.csv OUT.txt

#include "blindspot/data/dataset_reader.hpp"
#include "blindspot/model/text_normaliser.hpp"

#include <fstream>
#include <iostream>

int main(int argc, char** argv) {
  if (argc != 3) {
    std::cerr << "usage: blindspot_bench_normalise SPLIT.csv OUT.txt\n";
    return 2;
  }
  using namespace blindspot;
  const data::Split split = data::read_training_split(argv[1], std::nullopt);
  std::ofstream out(argv[2]);
  for (const auto& example : split.examples) {
    out << "__label__" << split.labels.name(static_cast<std::size_t>(example.label)) << ' '
        << model::normalise_text(example.text) << '\n';
  }
  return out ? 0 : 1;
}
