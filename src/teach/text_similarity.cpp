#include "blindspot/teach/text_similarity.hpp"

#include "blindspot/core/error.hpp"
#include "blindspot/core/random.hpp"
#include "blindspot/discover/attack/words.hpp"
#include "blindspot/model/text_normaliser.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

namespace blindspot::teach {
namespace {

// Independent of SimilarityOptions::seed so that exact-duplicate keys never change with it.
constexpr std::uint64_t kExactHashSeed = 0x243f6a8885a308d3ULL;
// An LSH band must make a pair at the threshold a candidate with at least this probability.
constexpr double kMinimumRecall = 0.999;

// SplitMix64's finaliser: FNV-1a alone leaves the low bits of short strings poorly mixed.
std::uint64_t hash_bytes(std::string_view bytes, std::uint64_t seed) noexcept {
  return core::mix64(core::fnv1a(bytes, seed));
}

std::vector<std::uint64_t> shingles_of_normalised(std::string_view normalised, const SimilarityOptions& options) {
  const auto words = discover::find_words(normalised);
  std::vector<std::uint64_t> word_hashes;
  word_hashes.reserve(words.size());
  for (const auto& word : words)
    word_hashes.push_back(hash_bytes(normalised.substr(word.offset, word.size), options.seed));
  std::vector<std::uint64_t> shingles;
  if (word_hashes.empty()) return shingles;
  const std::size_t width = std::max<std::size_t>(1, std::min(options.shingle_words, word_hashes.size()));
  shingles.reserve(word_hashes.size() - width + 1);
  for (std::size_t start = 0; start + width <= word_hashes.size(); ++start) {
    std::uint64_t hash = options.seed;
    for (std::size_t i = start; i < start + width; ++i)
      hash = core::mix64(hash * 0x9e3779b97f4a7c15ULL + word_hashes[i]);
    shingles.push_back(hash);
  }
  std::sort(shingles.begin(), shingles.end());
  shingles.erase(std::unique(shingles.begin(), shingles.end()), shingles.end());
  return shingles;
}

}  // namespace

std::uint64_t normalised_text_hash(std::string_view text) {
  return hash_bytes(model::normalise_text(text), kExactHashSeed);
}

std::vector<std::uint64_t> word_shingles(std::string_view text, const SimilarityOptions& options) {
  return shingles_of_normalised(model::normalise_text(text), options);
}

double jaccard(const std::vector<std::uint64_t>& a, const std::vector<std::uint64_t>& b) {
  if (a.empty() && b.empty()) return 1.0;
  std::size_t common = 0;
  auto left = a.begin();
  auto right = b.begin();
  while (left != a.end() && right != b.end()) {
    if (*left < *right) {
      ++left;
    } else if (*right < *left) {
      ++right;
    } else {
      ++common;
      ++left;
      ++right;
    }
  }
  return static_cast<double>(common) / static_cast<double>(a.size() + b.size() - common);
}

MinHasher::MinHasher(const SimilarityOptions& options) {
  if (options.minhash_count == 0) throw core::Error(core::ErrorKind::usage, "minhash_count must be at least 1");
  core::Rng rng(options.seed);
  multipliers_.reserve(options.minhash_count);
  increments_.reserve(options.minhash_count);
  for (std::size_t i = 0; i < options.minhash_count; ++i) {
    // An odd multiplier makes x -> a*x + b a permutation of 64-bit values (Dietzfelbinger's
    // multiply-add-shift family); the high 32 bits are the best mixed.
    multipliers_.push_back(rng.next() | 1U);
    increments_.push_back(rng.next());
  }
}

MinHashSignature MinHasher::signature(const std::vector<std::uint64_t>& shingles) const {
  MinHashSignature result(multipliers_.size(), std::numeric_limits<std::uint32_t>::max());
  const std::size_t count = multipliers_.size();
  for (const std::uint64_t shingle : shingles) {
    for (std::size_t i = 0; i < count; ++i) {
      const auto value = static_cast<std::uint32_t>((multipliers_[i] * shingle + increments_[i]) >> 32);
      result[i] = std::min(result[i], value);
    }
  }
  return result;
}

double estimated_jaccard(const MinHashSignature& a, const MinHashSignature& b) {
  if (a.size() != b.size() || a.empty()) {
    throw core::Error(core::ErrorKind::internal, "estimated_jaccard: signatures of sizes " + std::to_string(a.size()) +
                                                     " and " + std::to_string(b.size()));
  }
  std::size_t equal = 0;
  for (std::size_t i = 0; i < a.size(); ++i) equal += a[i] == b[i] ? 1U : 0U;
  return static_cast<double>(equal) / static_cast<double>(a.size());
}

TextFingerprint fingerprint(std::string_view text, const MinHasher& hasher, const SimilarityOptions& options) {
  const std::string normalised = model::normalise_text(text);
  TextFingerprint result;
  result.exact_hash = hash_bytes(normalised, kExactHashSeed);
  const auto shingles = shingles_of_normalised(normalised, options);
  if (!shingles.empty()) result.signature = hasher.signature(shingles);
  return result;
}

double candidate_probability(const LshBanding& banding, double similarity) {
  const double band_match = std::pow(similarity, static_cast<double>(banding.rows));
  return 1.0 - std::pow(1.0 - band_match, static_cast<double>(banding.bands));
}

LshBanding choose_banding(std::size_t signature_size, double threshold) {
  if (!(threshold > 0.0 && threshold <= 1.0)) {
    throw core::Error(core::ErrorKind::usage,
                      "near-duplicate threshold must be in (0, 1], got " + std::to_string(threshold));
  }
  if (signature_size == 0) throw core::Error(core::ErrorKind::usage, "minhash_count must be at least 1");
  for (std::size_t rows = signature_size; rows > 1; --rows) {
    const LshBanding banding{signature_size / rows, rows};
    if (candidate_probability(banding, threshold) >= kMinimumRecall) return banding;
  }
  return {signature_size, 1};
}

NearDuplicateIndex::NearDuplicateIndex(std::size_t signature_size, double threshold)
    : signature_size_(signature_size),
      threshold_(threshold),
      banding_(choose_banding(signature_size, threshold)),
      buckets_(banding_.bands) {}

std::uint64_t NearDuplicateIndex::band_key(const MinHashSignature& signature, std::size_t band) const {
  std::uint64_t key = band;
  for (std::size_t row = band * banding_.rows; row < (band + 1) * banding_.rows; ++row) {
    key = core::mix64(key * 0x9e3779b97f4a7c15ULL + signature[row]);
  }
  return key;
}

void NearDuplicateIndex::add(std::uint32_t id, const TextFingerprint& text) {
  exact_.emplace(text.exact_hash, id);
  if (text.signature.empty()) return;
  if (text.signature.size() != signature_size_) {
    throw core::Error(core::ErrorKind::internal, "NearDuplicateIndex: signature of size " +
                                                     std::to_string(text.signature.size()) + ", expected " +
                                                     std::to_string(signature_size_));
  }
  const auto slot = static_cast<std::uint32_t>(ids_.size());
  ids_.push_back(id);
  signatures_.insert(signatures_.end(), text.signature.begin(), text.signature.end());
  for (std::size_t band = 0; band < banding_.bands; ++band)
    buckets_[band][band_key(text.signature, band)].push_back(slot);
}

std::optional<NearDuplicateIndex::Match> NearDuplicateIndex::find(const TextFingerprint& text) const {
  if (const auto found = exact_.find(text.exact_hash); found != exact_.end()) return Match{found->second, true, 1.0};
  if (text.signature.size() != signature_size_) return std::nullopt;
  std::vector<std::uint32_t> candidates;
  for (std::size_t band = 0; band < banding_.bands; ++band) {
    const auto found = buckets_[band].find(band_key(text.signature, band));
    if (found != buckets_[band].end()) candidates.insert(candidates.end(), found->second.begin(), found->second.end());
  }
  std::sort(candidates.begin(), candidates.end());
  candidates.erase(std::unique(candidates.begin(), candidates.end()), candidates.end());
  std::optional<Match> best;
  for (const std::uint32_t slot : candidates) {
    const std::uint32_t* values = signatures_.data() + static_cast<std::size_t>(slot) * signature_size_;
    std::size_t equal = 0;
    for (std::size_t i = 0; i < signature_size_; ++i) equal += values[i] == text.signature[i] ? 1U : 0U;
    const double similarity = static_cast<double>(equal) / static_cast<double>(signature_size_);
    if (similarity < threshold_) continue;
    const std::uint32_t id = ids_[slot];
    if (!best || similarity > best->jaccard || (similarity == best->jaccard && id < best->id)) {
      best = Match{id, false, similarity};
    }
  }
  return best;
}

}  // namespace blindspot::teach
