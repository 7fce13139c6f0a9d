#include "blindspot/model/classifier.hpp"

#include "blindspot/core/error.hpp"
#include "blindspot/core/parallel_for.hpp"
#include "blindspot/core/random.hpp"
#include "blindspot/core/read_file.hpp"
#include "blindspot/model/fasttext_classifier.hpp"
#include "blindspot/model/text_normaliser.hpp"

#include <array>
#include <cerrno>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <fstream>

namespace blindspot::model {
namespace {

// fastText writes this int32 (little-endian, as every machine we run on) first in .bin and
// .ftz files (FASTTEXT_FILEFORMAT_MAGIC_INT32 in fastText's fasttext.cc).
constexpr std::int32_t kFastTextMagic = 793712314;

std::int32_t leading_int32(const std::filesystem::path& file) {
  core::require_regular_file(file);  // a FIFO without a writer would block the open below
  std::ifstream in(file, std::ios::binary);
  if (!in) throw core::Error(core::ErrorKind::io, "cannot open " + file.string() + ": " + std::strerror(errno));
  std::array<char, sizeof(std::int32_t)> bytes{};
  if (!in.read(bytes.data(), bytes.size())) return 0;
  std::int32_t value = 0;
  std::memcpy(&value, bytes.data(), sizeof value);
  return value;
}

}  // namespace

std::vector<Probabilities> Classifier::predict_batch(const std::vector<std::string>& texts, int threads) const {
  std::vector<Probabilities> results(texts.size());
  core::parallel_for(texts.size(), threads, [&](std::size_t begin, std::size_t end) {
    for (std::size_t i = begin; i < end; ++i) results[i] = probabilities(texts[i]);
  });
  return results;
}

std::vector<float> Classifier::sentence_vector(std::string_view text) const { return hashed_text_vector(text); }

ModelIdentity Classifier::identity() const { return {kind(), "", "", ""}; }

std::vector<float> hashed_text_vector(std::string_view text) {
  std::vector<double> counts(kHashedVectorDimensions, 0.0);
  const std::vector<std::string> tokens = tokenise(text);
  const auto add = [&](std::uint64_t hash) { counts[hash % kHashedVectorDimensions] += 1.0; };
  for (std::size_t i = 0; i < tokens.size(); ++i) {
    const std::uint64_t word = core::fnv1a(tokens[i]);
    add(word);
    if (i + 1 < tokens.size()) add(core::mix64(word ^ (core::fnv1a(tokens[i + 1]) * 31)));
  }
  double norm = 0;
  for (double& count : counts) {
    if (count > 0) count = 1.0 + std::log(count);  // a repeated word matters, but not linearly
    norm += count * count;
  }
  std::vector<float> vector(kHashedVectorDimensions, 0.0f);
  if (norm == 0) return vector;
  const double scale = 1.0 / std::sqrt(norm);
  for (std::size_t i = 0; i < counts.size(); ++i) vector[i] = static_cast<float>(counts[i] * scale);
  return vector;
}

int argmax(const Probabilities& probabilities) {
  int best = 0;
  for (std::size_t i = 1; i < probabilities.size(); ++i) {
    if (probabilities[i] > probabilities[static_cast<std::size_t>(best)]) best = static_cast<int>(i);
  }
  return best;
}

std::unique_ptr<Classifier> load_classifier(const std::filesystem::path& file) {
  if (leading_int32(file) == kFastTextMagic) {
    auto classifier = std::make_unique<FastTextClassifier>();
    classifier->load(file);
    return classifier;
  }
  throw core::Error(core::ErrorKind::bad_input, "not a blindspot model (unknown file format)", core::InputLocation{file, 0, {}});
}

}  // namespace blindspot::model
