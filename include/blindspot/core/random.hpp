#pragma once

#include <cstdint>
#include <string_view>

namespace blindspot::core {

// SplitMix64's finaliser: a fixed bijective mix of 64 bits.
inline std::uint64_t mix64(std::uint64_t z) noexcept {
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

// FNV-1a (64 bits) of `bytes`, its offset basis xor-ed with `seed`: a stable hash of a string
// (std::hash may differ between standard libraries and runs).
inline std::uint64_t fnv1a(std::string_view bytes, std::uint64_t seed = 0) noexcept {
  std::uint64_t hash = 0xcbf29ce484222325ULL ^ seed;
  for (const char c : bytes) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 0x100000001b3ULL;
  }
  return hash;
}

// A small, fast generator with a fixed algorithm (SplitMix64, Steele et al. 2014), so that an
// attack draws the same numbers on every platform and standard library (std::mt19937 is fixed,
// but std::uniform_int_distribution is not).
class Rng {
 public:
  explicit Rng(std::uint64_t seed) noexcept : state_(seed) {}

  std::uint64_t next() noexcept {
    state_ += 0x9e3779b97f4a7c15ULL;
    return mix64(state_);
  }

  // Uniform in [0, bound); `bound` must be > 0. Rejection sampling avoids modulo bias.
  std::uint64_t below(std::uint64_t bound) noexcept {
    const std::uint64_t limit = ~std::uint64_t{0} - (~std::uint64_t{0} % bound);
    std::uint64_t value = next();
    while (value >= limit) value = next();
    return value % bound;
  }

 private:
  std::uint64_t state_;
};

// The seed of an independent stream `stream` of `seed` (an example's row, a word's index), so
// that what one example or word draws never depends on the order in which others are processed.
inline std::uint64_t derive_seed(std::uint64_t seed, std::uint64_t stream) noexcept {
  Rng mixer(seed ^ Rng(stream + 0x632be59bd9b4e019ULL).next());
  return mixer.next();
}

}  // namespace blindspot::core
