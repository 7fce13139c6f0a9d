#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace blindspot::teach {

// How texts are compared for (near-)duplicates (docs/filters.md).
struct SimilarityOptions {
  // Words per shingle. 3-word shingles make one changed word in a 230-word IMDb review cost
  // about 1% of Jaccard similarity, and unrelated reviews share almost none (measured: well
  // under 0.05), so a threshold of 0.8 separates rewordings from new texts.
  std::size_t shingle_words = 3;
  // MinHash signature length: the standard error of the estimated Jaccard J is
  // sqrt(J(1-J)/count), 0.035 at J = 0.8 with 128.
  std::size_t minhash_count = 128;
  // Seed of the shingle hash and the MinHash permutations; fixed so that results never change
  // between runs or machines.
  std::uint64_t seed = 0x5eed0f5b11d5e7ULL;
};

// A 64-bit hash of the text after the project's normalisation (model::normalise_text): two
// texts with equal hashes are exact duplicates for the filters. A collision among 10^5 texts
// has probability about 3e-10, so the hash stands in for the text.
std::uint64_t normalised_text_hash(std::string_view text);

// Hashes of the distinct word shingles of `text`, sorted. Words are those of
// discover::find_words() on the normalised text (case-folded, punctuation dropped); a text of
// fewer words than a shingle is one shingle of all its words; no words give an empty set.
std::vector<std::uint64_t> word_shingles(std::string_view text, const SimilarityOptions& options);

// Exact Jaccard similarity of two sorted, distinct sets (1 for two empty sets).
double jaccard(const std::vector<std::uint64_t>& a, const std::vector<std::uint64_t>& b);

// Minimum of each of `minhash_count` hash functions over a shingle set.
using MinHashSignature = std::vector<std::uint32_t>;

// MinHash (Broder 1997) with multiply-add-shift hash functions of the shingle hashes.
class MinHasher {
 public:
  explicit MinHasher(const SimilarityOptions& options = {});
  // The signature of a shingle set; an empty set gives all-maximum values.
  MinHashSignature signature(const std::vector<std::uint64_t>& shingles) const;
  std::size_t size() const noexcept { return multipliers_.size(); }

 private:
  std::vector<std::uint64_t> multipliers_;
  std::vector<std::uint64_t> increments_;
};

// The fraction of equal positions: an unbiased estimate of the Jaccard similarity of the
// shingle sets. Signatures must have the same length.
double estimated_jaccard(const MinHashSignature& a, const MinHashSignature& b);

// Everything the filters need to know about one text.
struct TextFingerprint {
  std::uint64_t exact_hash = 0;  // normalised_text_hash()
  MinHashSignature signature;    // empty when the text has no words
};

TextFingerprint fingerprint(std::string_view text, const MinHasher& hasher, const SimilarityOptions& options);

// The banding of a signature for locality-sensitive hashing: texts that agree on every row
// of at least one band become candidates. A pair of Jaccard s is a candidate with probability
// 1 - (1 - s^rows)^bands.
struct LshBanding {
  std::size_t bands = 0;
  std::size_t rows = 0;
};

// The banding of a `signature_size` signature with the most rows per band (fewest chance
// candidates) that still makes a pair at `threshold` a candidate with probability >= 0.999.
// 128 hashes at 0.8: 25 bands of 5 rows (recall 0.99995; a pair at 0.5 is a candidate with
// probability 0.55, at 0.2 with 0.008). Throws Error{usage} for a threshold outside (0, 1].
LshBanding choose_banding(std::size_t signature_size, double threshold);

// Probability that a pair of Jaccard `similarity` shares at least one band.
double candidate_probability(const LshBanding& banding, double similarity);

// A growing set of fingerprinted texts, searchable for exact duplicates and for the most
// similar near duplicate. Ids are the caller's (rows of a split, positions in a batch).
class NearDuplicateIndex {
 public:
  // `threshold` is the estimated Jaccard from which a text is a near duplicate.
  NearDuplicateIndex(std::size_t signature_size, double threshold);

  // Adds a text; a text without words (empty signature) is indexed for exact duplicates only.
  // Throws Error{internal} for a signature of another size.
  void add(std::uint32_t id, const TextFingerprint& text);

  struct Match {
    std::uint32_t id = 0;
    bool exact = false;  // same normalised text
    double jaccard = 1;  // estimated; 1 for an exact duplicate
  };
  // The exact duplicate added first, else the candidate with the highest estimated Jaccard
  // >= threshold (ties: the smallest id), else nullopt.
  std::optional<Match> find(const TextFingerprint& text) const;

  std::size_t size() const noexcept { return ids_.size(); }
  const LshBanding& banding() const noexcept { return banding_; }

 private:
  std::uint64_t band_key(const MinHashSignature& signature, std::size_t band) const;

  std::size_t signature_size_;
  double threshold_;
  LshBanding banding_;
  std::unordered_map<std::uint64_t, std::uint32_t> exact_;  // hash -> id of the first text
  std::vector<std::uint32_t> ids_;                          // per slot (a text with words)
  std::vector<std::uint32_t> signatures_;                   // slot-major, signature_size_ per slot
  // One map per band: band key -> slots, in insertion order.
  std::vector<std::unordered_map<std::uint64_t, std::vector<std::uint32_t>>> buckets_;
};

}  // namespace blindspot::teach
