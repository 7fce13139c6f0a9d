#include "blindspot/report/reliability.hpp"

#include "blindspot/core/error.hpp"

#include <string>

namespace blindspot::report {

std::vector<ReliabilityBin> pool_reliability_bins(const std::vector<std::vector<eval::ReliabilityBin>>& per_seed) {
  if (per_seed.empty()) return {};
  const auto& first = per_seed.front();
  std::vector<ReliabilityBin> pooled(first.size());
  // Sums of confidence and of correct predictions, divided by the pooled count at the end.
  std::vector<double> confidence_sums(first.size(), 0.0);
  std::vector<double> correct_sums(first.size(), 0.0);
  for (std::size_t seed = 0; seed < per_seed.size(); ++seed) {
    const auto& bins = per_seed[seed];
    if (bins.size() != first.size()) {
      throw core::Error(core::ErrorKind::internal, "pool_reliability_bins: seed " + std::to_string(seed) + " has " +
                                                       std::to_string(bins.size()) + " bins, seed 0 has " +
                                                       std::to_string(first.size()));
    }
    for (std::size_t b = 0; b < bins.size(); ++b) {
      if (bins[b].lower != first[b].lower || bins[b].upper != first[b].upper) {
        throw core::Error(core::ErrorKind::internal, "pool_reliability_bins: bin " + std::to_string(b) + " of seed " +
                                                         std::to_string(seed) + " has other edges than seed 0");
      }
      pooled[b].count += bins[b].count;
      confidence_sums[b] += bins[b].mean_confidence * static_cast<double>(bins[b].count);
      correct_sums[b] += bins[b].accuracy * static_cast<double>(bins[b].count);
    }
  }
  for (std::size_t b = 0; b < pooled.size(); ++b) {
    pooled[b].lower = first[b].lower;
    pooled[b].upper = first[b].upper;
    if (pooled[b].count == 0) continue;
    const auto count = static_cast<double>(pooled[b].count);
    pooled[b].mean_confidence = confidence_sums[b] / count;
    pooled[b].accuracy = correct_sums[b] / count;
  }
  return pooled;
}

}  // namespace blindspot::report
