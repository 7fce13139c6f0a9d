#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace blindspot::group {

// The tokens the statistics count: the words (discover::find_words()) of the normalised text
// (model::normalise_text(): case-folded, NFKC, HTML line breaks removed), stopwords
// (discover::is_stopword()) left out, in text order with repeats.
std::vector<std::string> content_tokens(std::string_view text);

// Token frequencies of a corpus.
class TokenCounts {
 public:
  // Counts every content token of `text`.
  void add_text(std::string_view text);
  // Counts each distinct content token of `text` once (document frequency), so that one text
  // repeating a name cannot make it stand out for a whole corpus.
  void add_document(std::string_view text);
  void add(std::string_view token, std::int64_t count = 1);
  void merge(const TokenCounts& other);

  std::int64_t count(std::string_view token) const;
  // Sum of all counts.
  std::int64_t total() const noexcept { return total_; }
  // Distinct tokens.
  std::size_t size() const noexcept { return counts_.size(); }

  struct Hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view token) const noexcept { return std::hash<std::string_view>{}(token); }
  };
  using Map = std::unordered_map<std::string, std::int64_t, Hash, std::equal_to<>>;
  const Map& counts() const noexcept { return counts_; }

 private:
  Map counts_;
  std::int64_t total_ = 0;
};

// Options of weighted_log_odds().
struct LogOddsOptions {
  // alpha_0 of the informative Dirichlet prior: pseudo-tokens spread over the vocabulary in
  // proportion to the background frequency. 1000 shrinks a word seen once in a few thousand
  // UU tokens and never in the reference to z ~ 0.2, while a word seen 5 times in 3,000 UU
  // tokens against 100 in a million reference tokens keeps z ~ 6 (docs/auto-teacher.md).
  double prior_strength = 1000;
  // Only tokens seen at least this often in the target are scored.
  std::int64_t min_count = 1;
};

// One token's over-representation in the target corpus.
struct TokenScore {
  std::string token;
  std::int64_t target_count = 0;
  std::int64_t reference_count = 0;
  double prior = 0;     // alpha_w
  double log_odds = 0;  // delta_w: log-odds in the target minus log-odds in the reference
  double variance = 0;  // approximate variance of delta_w
  double z = 0;         // delta_w / sqrt(variance)
};

// Monroe, Colaresi and Quinn (2008), "Fightin' Words", eq. 16 and 19-20: for each token w
// with target count y_t >= min_count, with prior alpha_w = alpha_0 * b_w / b (b = target +
// reference counts, the background),
//   delta_w = log((y_t + a_w) / (n_t + a_0 - y_t - a_w)) - log((y_r + a_w) / (n_r + a_0 - y_r - a_w)),
//   var_w   = 1 / (y_t + a_w) + 1 / (y_r + a_w),   z_w = delta_w / sqrt(var_w).
// Sorted by z descending, ties by token (byte order), so the ranking is deterministic.
// Throws Error{usage} for prior_strength <= 0.
std::vector<TokenScore> weighted_log_odds(const TokenCounts& target, const TokenCounts& reference,
                                          const LogOddsOptions& options = {});

}  // namespace blindspot::group
