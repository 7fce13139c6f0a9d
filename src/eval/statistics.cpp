#include "blindspot/eval/statistics.hpp"

#include "blindspot/core/error.hpp"
#include "blindspot/core/parallel_for.hpp"
#include "blindspot/core/random.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <sstream>
#include <string>

namespace blindspot::eval {
namespace {

using core::Error;
using core::ErrorKind;

// "0.95", "1.5", "nan" (std::to_string would say "1.500000").
std::string number(double value) {
  std::ostringstream out;
  out << value;
  return out.str();
}

void check_level(double level) {
  if (!(level > 0 && level < 1)) {
    throw Error(ErrorKind::usage, "a confidence level must be in (0, 1), got " + number(level));
  }
}

void check_paired(std::size_t baseline, std::size_t condition, const char* caller) {
  if (baseline != condition) {
    throw Error(ErrorKind::internal, std::string(caller) + ": " + std::to_string(baseline) + " baseline values but " +
                                         std::to_string(condition) + " condition values");
  }
}

std::vector<double> differences(const std::vector<double>& baseline, const std::vector<double>& condition) {
  std::vector<double> result(baseline.size());
  for (std::size_t i = 0; i < baseline.size(); ++i) result[i] = condition[i] - baseline[i];
  return result;
}

// Quantile `probability` of sorted values, interpolating linearly between order statistics at
// h = (n - 1) p (Hyndman and Fan 1996, type 7).
double sorted_quantile(const std::vector<double>& sorted, double probability) {
  const double h = static_cast<double>(sorted.size() - 1) * probability;
  const auto below = static_cast<std::size_t>(std::floor(h));
  const std::size_t above = std::min(below + 1, sorted.size() - 1);
  return sorted[below] + (h - static_cast<double>(below)) * (sorted[above] - sorted[below]);
}

// Continued fraction of the incomplete beta function (modified Lentz; Numerical Recipes 3rd ed.
// section 6.4), converging quickly for x < (a + 1) / (a + b + 2).
double beta_continued_fraction(double a, double b, double x) {
  constexpr double kTiny = 1e-300;
  constexpr double kEpsilon = 1e-16;
  const double qab = a + b;
  const double qap = a + 1;
  const double qam = a - 1;
  double c = 1;
  double d = 1 - qab * x / qap;
  if (std::fabs(d) < kTiny) d = kTiny;
  d = 1 / d;
  double h = d;
  for (int m = 1; m <= 10000; ++m) {
    const double m2 = 2.0 * m;
    double aa = m * (b - m) * x / ((qam + m2) * (a + m2));
    d = 1 + aa * d;
    if (std::fabs(d) < kTiny) d = kTiny;
    c = 1 + aa / c;
    if (std::fabs(c) < kTiny) c = kTiny;
    d = 1 / d;
    h *= d * c;
    aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2));
    d = 1 + aa * d;
    if (std::fabs(d) < kTiny) d = kTiny;
    c = 1 + aa / c;
    if (std::fabs(c) < kTiny) c = kTiny;
    d = 1 / d;
    const double step = d * c;
    h *= step;
    if (std::fabs(step - 1) < kEpsilon) return h;
  }
  return h;  // 10,000 terms: far beyond what the degrees of freedom of an experiment need
}

// Regularised incomplete beta I_x(a, b).
double regularised_incomplete_beta(double a, double b, double x) {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const double log_front = std::lgamma(a + b) - std::lgamma(a) - std::lgamma(b) + a * std::log(x) + b * std::log1p(-x);
  if (x < (a + 1) / (a + b + 2)) return std::exp(log_front) * beta_continued_fraction(a, b, x) / a;
  return 1 - std::exp(log_front) * beta_continued_fraction(b, a, 1 - x) / b;
}

// Two-sided p of Student's t: P(|T| >= |t|) = I_{df / (df + t^2)}(df / 2, 1 / 2).
double two_sided_t_p_value(double t, double degrees_of_freedom) {
  if (std::isinf(t)) return 0;
  return regularised_incomplete_beta(degrees_of_freedom / 2, 0.5, degrees_of_freedom / (degrees_of_freedom + t * t));
}

void check_degrees_of_freedom(double degrees_of_freedom) {
  if (!(degrees_of_freedom > 0)) {
    throw Error(ErrorKind::usage, "Student's t needs degrees of freedom > 0, got " + number(degrees_of_freedom));
  }
}

// P(X <= m) for X ~ Binomial(n, 1/2) and m <= n / 2.
double binomial_half_lower_tail(std::int64_t n, std::int64_t m) {
  // Up to n = 1000 the binomial coefficients fit a double (C(1000, 500) ~ 2.7e299): summing
  // them, then scaling by 2^-n, is exact while they stay below 2^53 (n <= ~55), so small tests
  // such as McNemar's b = 1, c = 9 give exactly 22 / 1024.
  if (n <= 1000) {
    double coefficient = 1;
    double sum = 1;
    for (std::int64_t i = 0; i < m; ++i) {
      coefficient = coefficient * static_cast<double>(n - i) / static_cast<double>(i + 1);
      sum += coefficient;
    }
    return std::ldexp(sum, static_cast<int>(-n));
  }
  // Beyond, 2^-n underflows: the terms, which grow with i up to n / 2, are summed relative to the
  // last one (t_{i-1} = t_i * i / (n - i + 1)) and scaled in logarithms.
  const auto nd = static_cast<double>(n);
  const auto md = static_cast<double>(m);
  const double log_last = std::lgamma(nd + 1) - std::lgamma(md + 1) - std::lgamma(nd - md + 1) - nd * std::log(2.0);
  double term = 1;
  double sum = 1;
  for (std::int64_t i = m; i > 0; --i) {
    term *= static_cast<double>(i) / static_cast<double>(n - i + 1);
    sum += term;
    if (term < sum * 1e-17) break;
  }
  return std::exp(log_last + std::log(sum));
}

}  // namespace

double mean(const std::vector<double>& values) {
  if (values.empty()) throw Error(ErrorKind::usage, "the mean of no values is undefined");
  double sum = 0;
  for (const double value : values) sum += value;
  return sum / static_cast<double>(values.size());
}

double sample_standard_deviation(const std::vector<double>& values) {
  if (values.size() < 2) {
    throw Error(ErrorKind::usage,
                "a sample standard deviation needs at least 2 values, got " + std::to_string(values.size()));
  }
  const double centre = mean(values);
  double squares = 0;
  for (const double value : values) squares += (value - centre) * (value - centre);
  return std::sqrt(squares / static_cast<double>(values.size() - 1));
}

Interval bootstrap_interval(std::size_t count, const ResampleStatistic& statistic, const BootstrapOptions& options) {
  if (count == 0) throw Error(ErrorKind::usage, "a bootstrap needs at least one example");
  if (options.resamples < 2) {
    throw Error(ErrorKind::usage, "a bootstrap needs at least 2 resamples, got " + std::to_string(options.resamples));
  }
  check_level(options.level);
  std::vector<std::size_t> all(count);
  std::iota(all.begin(), all.end(), std::size_t{0});
  Interval interval;
  interval.level = options.level;
  interval.estimate = statistic(all);
  std::vector<double> statistics(static_cast<std::size_t>(options.resamples));
  core::parallel_for(statistics.size(), options.threads, [&](std::size_t begin, std::size_t end) {
    std::vector<std::size_t> indices(count);
    for (std::size_t b = begin; b < end; ++b) {
      core::Rng rng(core::derive_seed(options.seed, b));
      for (auto& index : indices) index = static_cast<std::size_t>(rng.below(count));
      statistics[b] = statistic(indices);
    }
  });
  std::sort(statistics.begin(), statistics.end());
  interval.lower = sorted_quantile(statistics, (1 - options.level) / 2);
  interval.upper = sorted_quantile(statistics, (1 + options.level) / 2);
  return interval;
}

Interval bootstrap_mean(const std::vector<double>& values, const BootstrapOptions& options) {
  return bootstrap_interval(
      values.size(),
      [&values](const std::vector<std::size_t>& indices) {
        double sum = 0;
        for (const std::size_t i : indices) sum += values[i];
        return sum / static_cast<double>(indices.size());
      },
      options);
}

Interval bootstrap_sum(const std::vector<double>& values, const BootstrapOptions& options) {
  return bootstrap_interval(
      values.size(),
      [&values](const std::vector<std::size_t>& indices) {
        double sum = 0;
        for (const std::size_t i : indices) sum += values[i];
        return sum;
      },
      options);
}

Interval bootstrap_mean_difference(const std::vector<double>& baseline, const std::vector<double>& condition,
                                   const BootstrapOptions& options) {
  check_paired(baseline.size(), condition.size(), "bootstrap_mean_difference");
  return bootstrap_mean(differences(baseline, condition), options);
}

Interval t_interval(const std::vector<double>& values, double level) {
  check_level(level);
  Interval interval;
  interval.level = level;
  interval.estimate = mean(values);
  const double n = static_cast<double>(values.size());
  const double half_width =
      student_t_quantile((1 + level) / 2, n - 1) * sample_standard_deviation(values) / std::sqrt(n);
  interval.lower = interval.estimate - half_width;
  interval.upper = interval.estimate + half_width;
  return interval;
}

double sign_test_p_value(std::int64_t positives, std::int64_t negatives) {
  if (positives < 0 || negatives < 0) {
    throw Error(ErrorKind::usage, "a sign test needs counts >= 0, got " + std::to_string(positives) + " and " +
                                      std::to_string(negatives));
  }
  const std::int64_t n = positives + negatives;
  if (n == 0) return 1;
  return std::min(1.0, 2 * binomial_half_lower_tail(n, std::min(positives, negatives)));
}

McNemarTest mcnemar_exact(const std::vector<int>& baseline, const std::vector<int>& condition) {
  check_paired(baseline.size(), condition.size(), "mcnemar_exact");
  McNemarTest test;
  for (std::size_t i = 0; i < baseline.size(); ++i) {
    if ((baseline[i] != 0 && baseline[i] != 1) || (condition[i] != 0 && condition[i] != 1)) {
      throw Error(ErrorKind::internal, "mcnemar_exact: outcome " + std::to_string(i) + " is (" +
                                           std::to_string(baseline[i]) + ", " + std::to_string(condition[i]) +
                                           "), not 0/1");
    }
    if (baseline[i] == 1) {
      ++(condition[i] == 1 ? test.both : test.baseline_only);
    } else {
      ++(condition[i] == 1 ? test.condition_only : test.neither);
    }
  }
  test.p_value = sign_test_p_value(test.baseline_only, test.condition_only);
  return test;
}

PairedTTest paired_t_test(const std::vector<double>& baseline, const std::vector<double>& condition) {
  check_paired(baseline.size(), condition.size(), "paired_t_test");
  if (baseline.size() < 2) {
    throw Error(ErrorKind::usage, "a paired t-test needs at least 2 pairs, got " + std::to_string(baseline.size()));
  }
  const std::vector<double> d = differences(baseline, condition);
  PairedTTest test;
  test.n = static_cast<std::int64_t>(d.size());
  test.degrees_of_freedom = test.n - 1;
  test.mean_difference = mean(d);
  test.standard_error = sample_standard_deviation(d) / std::sqrt(static_cast<double>(test.n));
  if (test.standard_error == 0) {
    test.t =
        test.mean_difference == 0 ? 0.0 : std::copysign(std::numeric_limits<double>::infinity(), test.mean_difference);
    test.p_value = test.mean_difference == 0 ? 1.0 : 0.0;
    return test;
  }
  test.t = test.mean_difference / test.standard_error;
  test.p_value = two_sided_t_p_value(test.t, static_cast<double>(test.degrees_of_freedom));
  return test;
}

PermutationTest paired_permutation_test(const std::vector<double>& baseline, const std::vector<double>& condition) {
  check_paired(baseline.size(), condition.size(), "paired_permutation_test");
  constexpr std::size_t kMaxPairs = 20;
  if (baseline.empty() || baseline.size() > kMaxPairs) {
    throw Error(ErrorKind::usage, "an exact permutation test needs 1 to " + std::to_string(kMaxPairs) + " pairs, got " +
                                      std::to_string(baseline.size()) + " (use the paired t-test for more)");
  }
  const std::vector<double> d = differences(baseline, condition);
  PermutationTest test;
  test.n = static_cast<std::int64_t>(d.size());
  test.mean_difference = mean(d);
  test.assignments = std::int64_t{1} << d.size();
  double observed = 0;
  double scale = 0;
  for (const double value : d) {
    observed += value;
    scale += std::fabs(value);
  }
  // Sums of the same magnitudes in another order can differ in the last bits; a tolerance keeps
  // an assignment that equals the observed |sum| from being missed.
  const double threshold = std::fabs(observed) - 1e-12 * scale;
  std::int64_t extreme = 0;
  for (std::int64_t signs = 0; signs < test.assignments; ++signs) {
    double sum = 0;
    for (std::size_t i = 0; i < d.size(); ++i) sum += (signs >> i) & 1 ? -d[i] : d[i];
    if (std::fabs(sum) >= threshold) ++extreme;
  }
  test.p_value = static_cast<double>(extreme) / static_cast<double>(test.assignments);
  return test;
}

double student_t_cdf(double t, double degrees_of_freedom) {
  check_degrees_of_freedom(degrees_of_freedom);
  if (std::isnan(t)) throw Error(ErrorKind::usage, "student_t_cdf of NaN");
  const double tail = two_sided_t_p_value(t, degrees_of_freedom) / 2;
  return t < 0 ? tail : 1 - tail;
}

double student_t_quantile(double probability, double degrees_of_freedom) {
  check_degrees_of_freedom(degrees_of_freedom);
  if (!(probability > 0 && probability < 1)) {
    throw Error(ErrorKind::usage, "a quantile needs a probability in (0, 1), got " + number(probability));
  }
  if (probability == 0.5) return 0;  // the median, exactly (bisection would stop near it)
  if (probability < 0.5) return -student_t_quantile(1 - probability, degrees_of_freedom);
  double low = 0;
  double high = 1;
  while (student_t_cdf(high, degrees_of_freedom) < probability) {
    low = high;
    high *= 2;
  }
  for (int step = 0; step < 200 && high - low > 1e-13 * std::max(1.0, high); ++step) {
    const double middle = (low + high) / 2;
    (student_t_cdf(middle, degrees_of_freedom) < probability ? low : high) = middle;
  }
  return (low + high) / 2;
}

}  // namespace blindspot::eval
