// A condition's metric and its difference from the reference, with intervals that hold both the
// test rows' sampling variance and the seeds' training variance (docs/statistics.md, "Comparing
// conditions"). The mean over seeds is split into two independent parts, rows x seeds crossed:
// the part every seed shares (which rows the test set holds; from a paired bootstrap over rows)
// and the part that differs between seeds (s^2 / S); each gets its own t quantile and the
// half-widths add in quadrature.

#include "blindspot/core/error.hpp"
#include "blindspot/core/parallel_for.hpp"
#include "blindspot/core/random.hpp"
#include "blindspot/eval/statistics.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <sstream>
#include <string>

namespace blindspot::eval {
namespace {

using core::Error;
using core::ErrorKind;

// The callable behind aggregate_statistic(). Its type lets the estimates find the values behind a
// SeedStatistic (std::function::target) and use the bootstrap's closed form instead of resampling.
struct AggregateStatistic {
  const PerSeedValues* values = nullptr;
  Aggregate aggregate = Aggregate::mean;

  double operator()(std::size_t seed, const std::vector<std::size_t>& rows) const {
    if (seed >= values->size()) {
      throw Error(ErrorKind::internal,
                  "aggregate_statistic: seed " + std::to_string(seed) + " of " + std::to_string(values->size()));
    }
    if (rows.empty()) throw Error(ErrorKind::internal, "aggregate_statistic: no rows");
    const std::vector<double>& row_values = (*values)[seed];
    double sum = 0;
    for (const std::size_t row : rows) sum += row_values[row];
    return aggregate == Aggregate::sum ? sum : sum / static_cast<double>(rows.size());
  }
};

// What the interval needs to know of one quantity (a statistic, or a difference of two).
struct SeedSummary {
  std::vector<double> per_seed;  // the quantity of each seed on all rows
  // Variance over row resamples (the same rows for every seed) of the mean over seeds: var_rows.
  double row_variance = 0;
  // Mean over seeds of each seed's own variance over row resamples.
  double mean_seed_row_variance = 0;
  bool all_zero = false;  // zero on every seed and every row (or resample): nothing to test
  std::string rows_method;
};

std::string number(double value, int digits = 3) {
  std::ostringstream out;
  out.precision(digits);
  out << value;
  return out.str();
}

void check_arguments(std::size_t seeds, std::size_t rows, const BootstrapOptions& options, const char* caller) {
  if (seeds == 0) throw Error(ErrorKind::usage, std::string(caller) + " needs at least one seed");
  if (rows == 0) throw Error(ErrorKind::usage, std::string(caller) + " needs at least one test row");
  if (options.resamples < 2) {
    throw Error(ErrorKind::usage,
                std::string(caller) + " needs at least 2 resamples, got " + std::to_string(options.resamples));
  }
  if (!(options.level > 0 && options.level < 1)) {
    throw Error(ErrorKind::usage, "a confidence level must be in (0, 1), got " + number(options.level));
  }
}

// The values behind `statistic` if it came from aggregate_statistic(), checked against the shape.
const AggregateStatistic* aggregate_of(const SeedStatistic& statistic, std::size_t seeds, std::size_t rows) {
  const auto* aggregate = statistic.target<AggregateStatistic>();
  if (aggregate == nullptr) return nullptr;
  if (aggregate->values->size() != seeds) {
    throw Error(ErrorKind::internal, "aggregate_statistic holds " + std::to_string(aggregate->values->size()) +
                                         " seeds, the estimate asks for " + std::to_string(seeds));
  }
  if ((*aggregate->values)[0].size() != rows) {
    throw Error(ErrorKind::internal, "aggregate_statistic holds " + std::to_string((*aggregate->values)[0].size()) +
                                         " rows, the estimate asks for " + std::to_string(rows));
  }
  return aggregate;
}

// The ideal bootstrap (B -> infinity) of a mean or sum over rows in closed form: a resample's sum
// of n draws has variance n * v and its mean v / n, v the rows' variance with denominator n.
// `value(seed, row)` is the per-row value (a difference for a paired effect).
template <typename RowValue>
SeedSummary exact_summary(std::size_t seeds, std::size_t rows, Aggregate aggregate, const RowValue& value) {
  const auto n = static_cast<double>(rows);
  const auto s_count = static_cast<double>(seeds);
  std::vector<double> seed_sums(seeds, 0.0);
  bool all_zero = true;
  for (std::size_t seed = 0; seed < seeds; ++seed) {
    for (std::size_t row = 0; row < rows; ++row) {
      const double v = value(seed, row);
      seed_sums[seed] += v;
      all_zero = all_zero && v == 0;
    }
  }
  const double grand_mean = std::accumulate(seed_sums.begin(), seed_sums.end(), 0.0) / (s_count * n);
  std::vector<double> seed_squares(seeds, 0.0);
  double mean_squares = 0;  // of the per-row means over seeds, around the grand mean
  for (std::size_t row = 0; row < rows; ++row) {
    double row_sum = 0;
    for (std::size_t seed = 0; seed < seeds; ++seed) {
      const double v = value(seed, row);
      const double deviation = v - seed_sums[seed] / n;
      seed_squares[seed] += deviation * deviation;
      row_sum += v;
    }
    const double deviation = row_sum / s_count - grand_mean;
    mean_squares += deviation * deviation;
  }
  // popvar / n for a mean, n * popvar = squares for a sum.
  const double scale = aggregate == Aggregate::sum ? 1.0 : 1.0 / (n * n);
  SeedSummary summary;
  summary.per_seed.resize(seeds);
  for (std::size_t seed = 0; seed < seeds; ++seed) {
    summary.per_seed[seed] = aggregate == Aggregate::sum ? seed_sums[seed] : seed_sums[seed] / n;
  }
  summary.row_variance = mean_squares * scale;
  summary.mean_seed_row_variance = std::accumulate(seed_squares.begin(), seed_squares.end(), 0.0) * scale / s_count;
  summary.all_zero = all_zero;
  summary.rows_method =
      "paired bootstrap over rows, exact for a " + std::string(aggregate == Aggregate::sum ? "sum" : "mean");
  return summary;
}

double sample_variance(const std::vector<double>& values, double centre) {
  double squares = 0;
  for (const double value : values) squares += (value - centre) * (value - centre);
  return squares / static_cast<double>(values.size() - 1);
}

// Any statistic: B resamples of the rows, each the same rows for every seed (and, through
// `quantity`, for both conditions); resample b draws from core::derive_seed(options.seed, b).
SeedSummary resampled_summary(std::size_t seeds, std::size_t rows, const SeedStatistic& quantity,
                              const BootstrapOptions& options) {
  SeedSummary summary;
  std::vector<std::size_t> all(rows);
  std::iota(all.begin(), all.end(), std::size_t{0});
  summary.per_seed.resize(seeds);
  for (std::size_t seed = 0; seed < seeds; ++seed) summary.per_seed[seed] = quantity(seed, all);
  const auto resamples = static_cast<std::size_t>(options.resamples);
  std::vector<double> replicates(resamples * seeds);  // [b * seeds + seed]
  core::parallel_for(resamples, options.threads, [&](std::size_t begin, std::size_t end) {
    std::vector<std::size_t> indices(rows);
    for (std::size_t b = begin; b < end; ++b) {
      core::Rng rng(core::derive_seed(options.seed, b));
      for (auto& index : indices) index = static_cast<std::size_t>(rng.below(rows));
      for (std::size_t seed = 0; seed < seeds; ++seed) replicates[b * seeds + seed] = quantity(seed, indices);
    }
  });
  std::vector<double> seed_means(resamples);
  for (std::size_t b = 0; b < resamples; ++b) {
    double sum = 0;
    for (std::size_t seed = 0; seed < seeds; ++seed) sum += replicates[b * seeds + seed];
    seed_means[b] = sum / static_cast<double>(seeds);
  }
  summary.row_variance = sample_variance(seed_means, mean(seed_means));
  for (std::size_t seed = 0; seed < seeds; ++seed) {
    std::vector<double> column(resamples);
    for (std::size_t b = 0; b < resamples; ++b) column[b] = replicates[b * seeds + seed];
    summary.mean_seed_row_variance += sample_variance(column, mean(column)) / static_cast<double>(seeds);
  }
  const auto is_zero = [](double value) { return value == 0; };
  summary.all_zero = std::all_of(summary.per_seed.begin(), summary.per_seed.end(), is_zero) &&
                     std::all_of(replicates.begin(), replicates.end(), is_zero);
  summary.rows_method = "paired bootstrap over rows, " + std::to_string(resamples) + " resamples";
  return summary;
}

// Equal up to rounding: seeds that trained the same model give the same value, but a statistic
// summed in another order may differ in the last bits.
bool all_equal(const std::vector<double>& values) {
  double scale = 1;
  for (const double value : values) scale = std::max(scale, std::fabs(value));
  return std::all_of(values.begin(), values.end(),
                     [&](double value) { return std::fabs(value - values[0]) <= 1e-12 * scale; });
}

// The t with P(T > t) = tail for Student's T with `degrees_of_freedom`, for tails down to 1e-300
// (student_t_quantile() works with 1 - tail, which rounds to 1 below 1e-16).
double upper_t_quantile(double tail, double degrees_of_freedom) {
  if (tail >= 0.5) return 0;
  double low = 0;
  double high = 1;
  while (student_t_cdf(-high, degrees_of_freedom) > tail) {
    low = high;
    high *= 2;
  }
  for (int step = 0; step < 200 && high - low > 1e-12 * high; ++step) {
    const double middle = (low + high) / 2;
    (student_t_cdf(-middle, degrees_of_freedom) > tail ? low : high) = middle;
  }
  return (low + high) / 2;
}

// The variance of the mean over seeds in two independent parts (docs/statistics.md):
//   shared:    which rows the test set holds, common to every seed: var_rows - row_noise, where
//              row_noise = (mean seed's row variance - var_rows) / (S - 1) is the row noise that
//              differs between seeds; n - 1 degrees of freedom;
//   seed part: what differs between seeds (training, and the rows each model gets right by luck):
//              s^2 / S, S - 1 degrees of freedom.
// The interval adds the two parts' half-widths in quadrature (Zou and Donner's MOVER for a sum of
// independent estimates), each with its own t quantile.
struct VarianceParts {
  double shared = 0;
  std::size_t rows = 1;
  double seed_part = 0;
  std::size_t seeds = 1;

  // Half-width of the two-sided interval of confidence 1 - alpha.
  double half_width(double alpha) const {
    double square = 0;
    if (shared > 0) square += std::pow(upper_t_quantile(alpha / 2, static_cast<double>(rows - 1)), 2) * shared;
    if (seed_part > 0) square += std::pow(upper_t_quantile(alpha / 2, static_cast<double>(seeds - 1)), 2) * seed_part;
    return std::sqrt(square);
  }
};

// The interval of a summary.
struct Combined {
  double estimate = 0;
  double lower = 0;
  double upper = 0;
  VarianceParts parts;
  bool varied_across_seeds = false;

  double standard_error() const { return std::sqrt(parts.shared + parts.seed_part); }
};

Combined combine(const SeedSummary& summary, std::size_t rows, double level) {
  const std::size_t seeds = summary.per_seed.size();
  Combined combined;
  combined.estimate = mean(summary.per_seed);
  combined.varied_across_seeds = seeds >= 2 && !all_equal(summary.per_seed);
  VarianceParts parts{rows >= 2 ? summary.row_variance : 0.0, rows, 0, seeds};
  if (combined.varied_across_seeds) {
    const auto s_count = static_cast<double>(seeds);
    const double row_noise = std::max(0.0, (summary.mean_seed_row_variance - summary.row_variance) / (s_count - 1));
    parts.shared = std::max(0.0, parts.shared - row_noise);
    parts.seed_part = sample_variance(summary.per_seed, combined.estimate) / s_count;
  }
  // When the seeds coincide the seed part is 0, and the rows' variance keeps all its row noise:
  // coinciding models have none to lose, and different models that tie by luck keep theirs.
  combined.parts = parts;
  const double half_width = parts.half_width(1 - level);
  combined.lower = combined.estimate - half_width;
  combined.upper = combined.estimate + half_width;
  return combined;
}

// The two-sided p-value of "no difference" that matches the interval: the alpha at which the
// 1 - alpha interval reaches 0 exactly, so p < 1 - level exactly when the interval excludes 0.
double p_value_of(const Combined& combined) {
  const double distance = std::fabs(combined.estimate);
  if (distance == 0) return 1;
  const VarianceParts& parts = combined.parts;
  if (parts.shared == 0 && parts.seed_part == 0) return 0;  // every row moved by the same amount
  // One part alone: the t tail in closed form.
  if (parts.seed_part == 0) {
    return 2 * student_t_cdf(-distance / std::sqrt(parts.shared), static_cast<double>(parts.rows - 1));
  }
  if (parts.shared == 0) {
    return 2 * student_t_cdf(-distance / std::sqrt(parts.seed_part), static_cast<double>(parts.seeds - 1));
  }
  // Both: half_width(alpha) falls as alpha grows; bisect on log(alpha) (40 halvings of [-691, 0]:
  // p to a relative 1e-9).
  double low = std::log(1e-300);
  double high = 0;
  if (parts.half_width(1e-300) < distance) return 0;
  for (int step = 0; step < 40; ++step) {
    const double middle = (low + high) / 2;
    (parts.half_width(std::exp(middle)) >= distance ? low : high) = middle;
  }
  return std::exp((low + high) / 2);
}

std::string describe(const SeedSummary& summary, const Combined& combined) {
  const std::size_t seeds = summary.per_seed.size();
  std::string text = summary.rows_method;
  if (seeds == 1) {
    text += "; one seed, so no seed variance";
  } else if (!combined.varied_across_seeds) {
    text += "; no variation across " + std::to_string(seeds) + " seeds";
  } else {
    text += " + t over " + std::to_string(seeds) + " seeds, combined in quadrature";
  }
  return text;
}

}  // namespace

SeedStatistic aggregate_statistic(const PerSeedValues& values, Aggregate aggregate) {
  for (std::size_t seed = 1; seed < values.size(); ++seed) {
    if (values[seed].size() != values[0].size()) {
      throw Error(ErrorKind::internal, "aggregate_statistic: seed 0 has " + std::to_string(values[0].size()) +
                                           " rows, seed " + std::to_string(seed) + " has " +
                                           std::to_string(values[seed].size()));
    }
  }
  return AggregateStatistic{&values, aggregate};
}

namespace {

// A MetricEstimate or EffectEstimate from the combined variance parts (p-value aside).
template <typename Estimate>
Estimate from_combined(const SeedSummary& summary, const Combined& combined, double level) {
  Estimate out;
  out.estimate = combined.estimate;
  out.lower = combined.lower;
  out.upper = combined.upper;
  out.level = level;
  out.varied_across_seeds = combined.varied_across_seeds;
  out.method = describe(summary, combined);
  out.standard_error = combined.standard_error();
  out.row_variance = combined.parts.shared;
  out.seed_variance = combined.parts.seed_part;
  return out;
}

}  // namespace

MetricEstimate metric_estimate(std::size_t seeds, std::size_t rows, const SeedStatistic& statistic,
                               const BootstrapOptions& options) {
  check_arguments(seeds, rows, options, "metric_estimate");
  const AggregateStatistic* aggregate = aggregate_of(statistic, seeds, rows);
  const SeedSummary summary = aggregate != nullptr
                                  ? exact_summary(seeds, rows, aggregate->aggregate,
                                                  [values = aggregate->values](std::size_t seed, std::size_t row) {
                                                    return (*values)[seed][row];
                                                  })
                                  : resampled_summary(seeds, rows, statistic, options);
  const Combined combined = combine(summary, rows, options.level);
  return from_combined<MetricEstimate>(summary, combined, options.level);
}

EffectEstimate paired_effect(std::size_t seeds, std::size_t rows, const SeedStatistic& reference,
                             const SeedStatistic& condition, const BootstrapOptions& options) {
  check_arguments(seeds, rows, options, "paired_effect");
  const AggregateStatistic* reference_aggregate = aggregate_of(reference, seeds, rows);
  const AggregateStatistic* condition_aggregate = aggregate_of(condition, seeds, rows);
  SeedSummary summary;
  if (reference_aggregate != nullptr && condition_aggregate != nullptr &&
      reference_aggregate->aggregate == condition_aggregate->aggregate) {
    const PerSeedValues& before = *reference_aggregate->values;
    const PerSeedValues& after = *condition_aggregate->values;
    summary = exact_summary(seeds, rows, reference_aggregate->aggregate,
                            [&](std::size_t seed, std::size_t row) { return after[seed][row] - before[seed][row]; });
  } else {
    const SeedStatistic difference = [&](std::size_t seed, const std::vector<std::size_t>& indices) {
      return condition(seed, indices) - reference(seed, indices);
    };
    summary = resampled_summary(seeds, rows, difference, options);
  }
  const Combined combined = combine(summary, rows, options.level);
  EffectEstimate effect = from_combined<EffectEstimate>(summary, combined, options.level);
  if (!summary.all_zero) effect.p_value = p_value_of(combined);
  return effect;
}

}  // namespace blindspot::eval
