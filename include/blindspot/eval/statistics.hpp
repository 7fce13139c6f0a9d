#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace blindspot::eval {

// Statistics for comparing experimental conditions (docs/statistics.md): summaries over seeds,
// bootstrap intervals over test examples, paired tests of a condition against `none`, and (at the
// end) the estimates reports use, whose intervals include both the seeds' and the rows' variance.

// Arithmetic mean. Throws Error{usage} for no values.
double mean(const std::vector<double>& values);

// Sample standard deviation (denominator n - 1). Throws Error{usage} for fewer than 2 values:
// one seed says nothing about the spread, and 0 would claim it does.
double sample_standard_deviation(const std::vector<double>& values);

// A point estimate with a two-sided interval.
struct Interval {
  double estimate = 0;  // the statistic of the data as given
  double lower = 0;
  double upper = 0;
  double level = 0.95;  // coverage the interval aims at
};

// Options of the bootstrap functions.
struct BootstrapOptions {
  // Resamples B. 1000 (Efron and Tibshirani 1993 suggest >= 1000 for percentile intervals)
  // keeps the Monte Carlo error of a 95% bound near 2% of the interval's width (normal data:
  // sqrt(0.025 * 0.975 / B) / phi(1.96) = 0.085 sd against a width of 3.92 sd).
  int resamples = 1000;
  double level = 0.95;
  // Resample b draws from core::derive_seed(seed, b): the interval is the same for a seed
  // on any machine and for any number of threads.
  std::uint64_t seed = 0;
  // Threads over resamples (0 = all cores).
  int threads = 0;
};

// The statistic of the examples at `indices` (a resample: `count` indices drawn with
// replacement, repeats included). Called from several threads at once: it must only read.
using ResampleStatistic = std::function<double(const std::vector<std::size_t>& indices)>;

// Percentile bootstrap interval (Efron 1979) of a statistic over `count` examples: B resamples
// of `count` examples drawn with replacement; the bounds are the (1 - level) / 2 and
// (1 + level) / 2 quantiles of the B statistics, interpolated linearly between order statistics
// (Hyndman and Fan's type 7, numpy's default). `estimate` is statistic(0, 1, ..., count - 1).
// Throws Error{usage} if count is 0, resamples < 2 or level is not in (0, 1).
Interval bootstrap_interval(std::size_t count, const ResampleStatistic& statistic,
                            const BootstrapOptions& options = {});

// ... of the mean of `values`: with per-example 0/1 values the accuracy or a UU rate; with one
// value per seed the mean over seeds (but see t_interval()).
Interval bootstrap_mean(const std::vector<double>& values, const BootstrapOptions& options = {});

// ... of the sum of `values`: with per-example 0/1 values a count, such as the UUs of a test set.
Interval bootstrap_sum(const std::vector<double>& values, const BootstrapOptions& options = {});

// ... of mean(condition - baseline) with both resampled together (the same examples), so that
// what the two conditions share cancels. Throws Error{internal} on a length mismatch.
Interval bootstrap_mean_difference(const std::vector<double>& baseline, const std::vector<double>& condition,
                                   const BootstrapOptions& options = {});

// Student-t interval of the mean: mean +- t_{n-1, (1 + level) / 2} * s / sqrt(n). For a mean over
// a few seeds this is the interval to report: a bootstrap of 3 values can only draw 10 distinct
// means and is too narrow. Throws Error{usage} for fewer than 2 values or level not in (0, 1).
Interval t_interval(const std::vector<double>& values, double level = 0.95);

// Two-sided exact sign test: the probability, under Binomial(n, 1/2) with n = positives +
// negatives, of a split at least as uneven as the one observed: min(1, 2 P(X <= min(positives,
// negatives))). 1 when n = 0. Throws Error{usage} for a negative count.
double sign_test_p_value(std::int64_t positives, std::int64_t negatives);

// Exact McNemar test of paired 0/1 outcomes (1 = the event counted: correct, or a UU) of the same
// examples under a baseline and a condition. Only discordant examples carry information; the
// exact test is the sign test on them, valid for any number (the chi-squared form needs
// b + c >= 25 or so).
struct McNemarTest {
  std::int64_t both = 0;            // 1 under both
  std::int64_t baseline_only = 0;   // b: 1 under the baseline, 0 under the condition
  std::int64_t condition_only = 0;  // c: 0 under the baseline, 1 under the condition
  std::int64_t neither = 0;
  double p_value = 1;  // two-sided: sign_test_p_value(b, c)
};
// Throws Error{internal} (a caller's bug) on a length mismatch or a value other than 0 and 1.
McNemarTest mcnemar_exact(const std::vector<int>& baseline, const std::vector<int>& condition);

// Paired t-test over seeds (or any pairs): d_i = condition_i - baseline_i,
// t = mean(d) / (sd(d) / sqrt(n)) with n - 1 degrees of freedom, two-sided p-value. When every
// difference is equal, sd(d) = 0: t = 0 and p = 1 if they are 0, else t = +-inf and p = 0.
struct PairedTTest {
  std::int64_t n = 0;
  double mean_difference = 0;  // mean of condition - baseline
  double standard_error = 0;   // sd(d) / sqrt(n)
  double t = 0;
  std::int64_t degrees_of_freedom = 0;
  double p_value = 1;
};
// Throws Error{usage} for fewer than 2 pairs, Error{internal} on a length mismatch.
PairedTTest paired_t_test(const std::vector<double>& baseline, const std::vector<double>& condition);

// Exact paired permutation (sign-flip) test: under "no effect" each difference is as likely to
// have either sign, so the p-value is the share of the 2^n sign assignments whose |sum| is at
// least the observed |sum|. Free of the t-test's normality assumption, but coarse: its smallest
// p-value is 2 / 2^n (0.25 with 3 seeds, 0.0625 with 5).
struct PermutationTest {
  std::int64_t n = 0;
  double mean_difference = 0;
  std::int64_t assignments = 0;  // 2^n sign assignments enumerated
  double p_value = 1;
};
// Throws Error{usage} for no pairs or more than 20 (2^20 assignments; use paired_t_test()), and
// Error{internal} on a length mismatch.
PermutationTest paired_permutation_test(const std::vector<double>& baseline, const std::vector<double>& condition);

// Cumulative distribution function of Student's t with `degrees_of_freedom` (> 0, may be
// fractional), through the regularised incomplete beta function. Throws Error{usage} for
// degrees_of_freedom <= 0.
double student_t_cdf(double t, double degrees_of_freedom);

// Its inverse: the t with student_t_cdf(t) = probability, found by bisection to ~1e-12. Throws
// Error{usage} if probability is not in (0, 1) or degrees_of_freedom <= 0.
double student_t_quantile(double probability, double degrees_of_freedom);

// ---- Comparing conditions over seeds and test examples (docs/statistics.md) ----------------------
// A condition's model is trained once per seed and scored on the same test rows. Its metric has two
// sources of variance: which model training produced (the seeds) and which rows the test set
// happened to hold (sampling). The estimates below include both; a condition is compared with the
// reference (`none`) on the same rows and seeds (paired), so that what they share cancels.
//
// Method (docs/statistics.md): with S seeds and n rows, the mean over seeds is split into two
// independent parts:
//   shared    = var_rows - row_noise: the variance from which rows the test set holds, common to
//               every seed; var_rows is the variance of the mean over seeds under a bootstrap of
//               the rows (the same resampled rows for every seed and both conditions), row_noise
//               = (mean over seeds of each seed's own bootstrap variance - var_rows) / (S - 1) the
//               part of it that differs between seeds;
//   seed part = s^2 / S, s^2 the sample variance of the S per-seed values (training, and the rows
//               each seed's model gets right by luck);
// half-width = sqrt(t_{n-1}^2 shared + t_{S-1}^2 seed part) (t at (1 + level) / 2; Zou and
// Donner's MOVER for a sum of independent parts). When every seed gives the same value the seed
// part is 0 and the interval is the paired bootstrap's over rows alone: t_{n-1} sqrt(var_rows).
// A statistic from aggregate_statistic() gets the bootstrap in closed form (B -> infinity, no
// resampling, microseconds); any other statistic is resampled BootstrapOptions::resamples times,
// resample b drawing from core::derive_seed(seed, b), so the result depends on the seed only, not
// on the machine or the number of threads.

// The statistic of seed `seed`'s model on the rows at `rows` (a resample: indices drawn with
// replacement, repeats included; or 0..n-1 for the data as given). Called from several threads at
// once: it must only read.
using SeedStatistic = std::function<double(std::size_t seed, const std::vector<std::size_t>& rows)>;

// Per seed, one value per test row (0/1 outcomes, squared errors, ...): values[seed][row]. Every
// seed's vector has the same rows in the same order.
using PerSeedValues = std::vector<std::vector<double>>;
enum class Aggregate { mean, sum };  // accuracy-like rates, or counts such as UUs
// A SeedStatistic that aggregates `values` (kept by reference: it must outlive the statistic).
// Pass it on as it is (copies are fine, a wrapping lambda is not): the estimates recognise it and
// use the closed form. Throws Error{internal} if the seeds' vectors differ in length.
SeedStatistic aggregate_statistic(const PerSeedValues& values, Aggregate aggregate);

// One condition's metric: the mean over seeds of the statistic on every row, with an interval that
// includes the seeds' and the test rows' variance.
struct MetricEstimate {
  double estimate = 0;
  // lower == upper only when nothing varied at all (the same value on every row of every seed, such
  // as no UU anywhere): there is then no interval to show.
  double lower = 0;
  double upper = 0;
  double level = 0.95;
  // False when every seed gives the same value on the data as given: the seeds' spread is then 0
  // and the interval holds the test rows' variance only; reports say "no variation across seeds".
  bool varied_across_seeds = false;
  std::string method;         // how the interval was made, in words (docs/statistics.md)
  double standard_error = 0;  // sqrt(row_variance + seed_variance)
  double row_variance = 0;    // the shared part (all of var_rows when the seeds do not vary)
  double seed_variance = 0;   // the seed part, s^2 / S (0 when the seeds do not vary)
};
// Throws Error{usage} for no seeds, no rows, or options out of range; Error{internal} when an
// aggregate_statistic() holds another number of seeds or rows.
MetricEstimate metric_estimate(std::size_t seeds, std::size_t rows, const SeedStatistic& statistic,
                               const BootstrapOptions& options = {});

// The paired difference condition - reference of a metric: estimate = mean over seeds of
// condition(seed, all rows) - reference(seed, all rows); an interval and a two-sided p-value of
// "no difference" that include the seeds' and the test rows' variance, and are defined when the
// seeds' values coincide (then the rows' variance alone remains). Both statistics see the same
// resampled rows (a paired bootstrap).
struct EffectEstimate {
  double estimate = 0;
  double lower = 0;
  double upper = 0;
  double level = 0.95;
  // nullopt when nothing varied: the two conditions agree on every row of every seed, so there is
  // no difference and nothing to test; reports say "no difference on any row". Otherwise the
  // alpha at which the 1 - alpha interval just reaches 0, so p < 1 - level exactly when the
  // interval excludes 0 (p = 0 when every row of every seed moved by the same amount).
  std::optional<double> p_value;
  bool varied_across_seeds = false;  // false when every seed gives the same difference
  std::string method;
  double standard_error = 0;  // as in MetricEstimate
  double row_variance = 0;
  double seed_variance = 0;
  // The interval excludes zero.
  bool excludes_zero() const noexcept { return lower > 0 || upper < 0; }
};
// Throws Error{usage} for no seeds, no rows, or options out of range; Error{internal} when an
// aggregate_statistic() holds another number of seeds or rows.
EffectEstimate paired_effect(std::size_t seeds, std::size_t rows, const SeedStatistic& reference,
                             const SeedStatistic& condition, const BootstrapOptions& options = {});

}  // namespace blindspot::eval
