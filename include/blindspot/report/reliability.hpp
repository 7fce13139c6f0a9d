#pragma once

#include "blindspot/eval/calibration.hpp"
#include "blindspot/report/experiment_report.hpp"

#include <vector>

namespace blindspot::report {

// Pools the reliability bins of several evaluations (one per seed) into the bins of
// ConditionResult::reliability: counts add up, mean confidence and accuracy are count-weighted
// means, so the pooled diagram is the one of all seeds' test predictions together. Empty input
// gives no bins. Throws Error{internal} (a caller's bug) if the seeds' bins differ in number or
// edges.
std::vector<ReliabilityBin> pool_reliability_bins(const std::vector<std::vector<eval::ReliabilityBin>>& per_seed);

}  // namespace blindspot::report
