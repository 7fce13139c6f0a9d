#include "blindspot/group/token_statistics.hpp"

#include "blindspot/core/error.hpp"
#include "blindspot/discover/attack/words.hpp"
#include "blindspot/model/text_normaliser.hpp"

#include <algorithm>
#include <cmath>

namespace blindspot::group {

std::vector<std::string> content_tokens(std::string_view text) {
  const std::string normalised = model::normalise_text(text);
  const std::string_view view(normalised);
  std::vector<std::string> tokens;
  for (const auto& span : discover::find_words(view)) {
    const std::string_view word = view.substr(span.offset, span.size);
    if (!discover::is_stopword(word)) tokens.emplace_back(word);
  }
  return tokens;
}

void TokenCounts::add_text(std::string_view text) {
  for (const auto& token : content_tokens(text)) add(token);
}

void TokenCounts::add_document(std::string_view text) {
  auto tokens = content_tokens(text);
  std::sort(tokens.begin(), tokens.end());
  tokens.erase(std::unique(tokens.begin(), tokens.end()), tokens.end());
  for (const auto& token : tokens) add(token);
}

void TokenCounts::add(std::string_view token, std::int64_t count) {
  if (const auto found = counts_.find(token); found != counts_.end()) {
    found->second += count;
  } else {
    counts_.emplace(std::string(token), count);
  }
  total_ += count;
}

void TokenCounts::merge(const TokenCounts& other) {
  for (const auto& [token, count] : other.counts_) add(token, count);
}

std::int64_t TokenCounts::count(std::string_view token) const {
  const auto found = counts_.find(token);
  return found == counts_.end() ? 0 : found->second;
}

std::vector<TokenScore> weighted_log_odds(const TokenCounts& target, const TokenCounts& reference,
                                          const LogOddsOptions& options) {
  if (!(options.prior_strength > 0)) {
    throw core::Error(core::ErrorKind::usage,
                      "prior_strength (alpha_0) must be > 0, got " + std::to_string(options.prior_strength));
  }
  const double alpha0 = options.prior_strength;
  const auto target_total = static_cast<double>(target.total());
  const auto reference_total = static_cast<double>(reference.total());
  const double background_total = target_total + reference_total;
  std::vector<TokenScore> scores;
  for (const auto& [token, count] : target.counts()) {
    if (count < options.min_count || count <= 0) continue;
    TokenScore score;
    score.token = token;
    score.target_count = count;
    score.reference_count = reference.count(token);
    const auto y_target = static_cast<double>(score.target_count);
    const auto y_reference = static_cast<double>(score.reference_count);
    score.prior = alpha0 * (y_target + y_reference) / background_total;
    const double a = score.prior;
    const double target_rest = target_total + alpha0 - y_target - a;
    const double reference_rest = reference_total + alpha0 - y_reference - a;
    // Both corpora made of this one token: there is nothing to contrast it with.
    if (target_rest <= 0 || reference_rest <= 0) continue;
    score.log_odds = std::log((y_target + a) / target_rest) - std::log((y_reference + a) / reference_rest);
    score.variance = 1.0 / (y_target + a) + 1.0 / (y_reference + a);
    score.z = score.log_odds / std::sqrt(score.variance);
    scores.push_back(std::move(score));
  }
  std::sort(scores.begin(), scores.end(), [](const TokenScore& left, const TokenScore& right) {
    if (left.z != right.z) return left.z > right.z;
    return left.token < right.token;
  });
  return scores;
}

}  // namespace blindspot::group
