#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace blindspot::report {

// The report of an experiment (conditions x seeds on one dataset, docs/report.md). It is plain
// data: the experiment runner fills it, write_html / write_markdown / write_json render it, and
// read_json loads a written JSON file back (to re-render a report without rerunning anything).
// Every number may be NaN (an undefined metric); renderers show NaN as "–" and JSON as null.

// The paired difference (condition - none) of one metric, on the same test rows and seeds
// (eval::paired_effect, or a paired t-test over seeds for a metric without per-row values;
// docs/statistics.md).
struct EffectSummary {
  double estimate = 0;  // mean over seeds of condition - none
  // 95% interval of the difference; NaN when there is none to give (the seeds' differences did not
  // vary and no per-row values are kept: reports say "no variation across seeds").
  double ci_low = 0;
  double ci_high = 0;
  // Two-sided test of "no difference"; nullopt when nothing varied (no difference on any row, or
  // the same difference on every seed with no per-row values).
  std::optional<double> p_value;
  bool varied_across_seeds = false;  // false when every seed gives the same difference
  std::string method;                // how the interval and test were made, in words
  // The interval excludes zero: a change beyond noise.
  bool excludes_zero() const noexcept { return ci_low > 0 || ci_high < 0; }
};

// One metric of one condition over the seeds of an experiment.
struct MetricSummary {
  // As stored by `blindspot eval`: "accuracy", "macro_f1", "ece", "brier", "uus@0.65",
  // "adversarial_uus", "adversarial_uu_rate", "reachable_uus", ...; a challenge set prefixes its
  // name ("cad:accuracy"). Names that is_uu_count_metric() accepts are UU counts: charted with
  // intervals, printed with 1 decimal.
  std::string name;
  bool lower_is_better = false;
  std::vector<double> per_seed;  // in the order of ExperimentReport::seeds
  double mean = 0;
  double sd = 0;      // sample standard deviation over seeds (0 for one seed)
  double ci_low = 0;  // 95% interval of the mean (NaN when there is none: see `interval`)
  double ci_high = 0;
  // False when every seed gave the same value: reports say "no variation across seeds" (and show
  // no interval when it would have only the seeds' variance, which is then 0).
  bool varied_across_seeds = true;
  // How [ci_low, ci_high] was made, in words (docs/statistics.md).
  std::string interval = "t over seeds";
  // Against `none`; nullopt for `none` itself.
  std::optional<EffectSummary> effect_vs_none;
};

// One bin of a reliability diagram, the bin (lower, upper] (as eval::ReliabilityBin).
struct ReliabilityBin {
  double lower = 0;
  double upper = 0;
  double mean_confidence = 0;  // 0 for an empty bin
  double accuracy = 0;         // 0 for an empty bin
  std::int64_t count = 0;
};

// What a condition cost, summed over its seeds.
struct ConditionCost {
  std::int64_t llm_prompt_tokens = 0;
  std::int64_t llm_completion_tokens = 0;
  double llm_usd = 0;
  bool llm_unpriced = false;  // some calls used a model missing from the price table: llm_usd is a lower bound
  double human_active_seconds = 0;
  double human_usd = 0;  // active time x hourly wage, plus the platform fee
  double wall_seconds = 0;
  std::int64_t hypotheses = 0;
  std::int64_t accepted_samples = 0;
  // Mean over seeds of (UUs of none) - (UUs of this condition) on test, counted with
  // ExperimentReport::uus_removed_metric. Negative when the condition has more UUs than none.
  double uus_removed = 0;
  // total USD / count; nullopt when the count is 0 (or negative for UUs removed).
  std::optional<double> usd_per_hypothesis;
  std::optional<double> usd_per_accepted_sample;
  std::optional<double> usd_per_uu_removed;
};

struct ConditionResult {
  std::string name;     // "none", "untargeted", "auto", "llm", "human", "import"
  std::string teacher;  // e.g. "auto (baseline)", "llm:gpt-4o-mini"; empty for none/untargeted
  std::vector<MetricSummary> metrics;
  std::vector<ReliabilityBin> reliability;  // test, pooled over seeds (pool_reliability_bins)
  // Predicted-class confidence on test, pooled over seeds: equal-width bins over
  // [confidence_histogram_lower, confidence_histogram_upper]. The default range suits binary
  // tasks, where the confidence is never below 0.5; set lower = 1/classes for more classes.
  std::vector<std::int64_t> confidence_histogram;
  double confidence_histogram_lower = 0.5;
  double confidence_histogram_upper = 1.0;
  ConditionCost cost;
};

struct SampleExample {
  std::string text;
  std::string label;
};

// Whether one hypothesis' samples helped: the condition's model retrained
// without them, compared with the model trained with all of its samples, on the
// dev UUs (leave-one-out; docs/run.md).
struct HypothesisEffect {
  std::string condition;
  std::string hypothesis;    // "<teacher>: <text>"
  std::int64_t samples = 0;  // its samples among those added to train
  // Dev UUs fixed with its samples but not without them, minus the reverse (>
  // 0: they helped).
  std::int64_t marginal_fixed = 0;
  std::int64_t fixed_only_with = 0;     // its two parts: fixed only with its samples ...
  std::int64_t fixed_only_without = 0;  // ... and only without them (retraining noise moves both)
  std::int64_t marginal_fixed_in_blind_spot = 0;
  bool source_uu_fixed = false;          // the UU it was written for, with all samples
  bool source_uu_fixed_without = false;  // ... and without its samples
};

// One group of dev UUs, with what the teachers made of it.
struct BlindSpotSummary {
  int id = 0;
  std::int64_t size = 0;    // dev UUs in the group
  std::string description;  // e.g. "negative read as positive (natural)"
  std::vector<std::string> top_tokens;
  std::vector<std::string> representatives;  // UU texts closest to the centre
  std::vector<std::string> hypotheses;       // one per entry, with their teacher
  std::vector<SampleExample> samples;        // a few accepted samples
  // Per condition name: dev UUs of this blind spot fixed by the retrained model (mean over seeds).
  std::vector<std::pair<std::string, double>> fixed_by_condition;
  // Attributed hypotheses of this blind spot (first seed), when the experiment
  // attributed any.
  std::vector<HypothesisEffect> attribution;
};

struct ExperimentReport {
  std::string title;
  std::string dataset;
  std::string created_at;  // UTC, ISO 8601
  std::vector<std::uint64_t> seeds;
  std::int64_t sample_budget = 0;  // synthetic samples per condition and seed
  // The UU count behind ConditionCost::uus_removed (the name of a MetricSummary): the confident
  // errors an attacker can reach on test (natural UUs + adversarial UUs of the rows read right).
  std::string uus_removed_metric = "reachable_uus";
  std::vector<ConditionResult> conditions;  // `none` first
  std::vector<BlindSpotSummary> blind_spots;
  // Plain-language findings, including what did not work ("the auto teacher did not reduce
  // adversarial UUs on imdb: 41 vs 40").
  std::vector<std::string> findings;
};

// The metric named `name` of `condition`, or nullptr.
const MetricSummary* find_metric(const ConditionResult& condition, std::string_view name);
// LLM plus human USD.
double total_usd(const ConditionCost& cost);

// True when a metric named `name` counts UUs: after an optional "<set>:" prefix, the name is
// "uus", starts with "uus@" (natural UUs at a threshold) or ends with "_uus" ("adversarial_uus").
bool is_uu_count_metric(std::string_view name) noexcept;

// One self-contained HTML file (docs/report.md): inline CSS and SVG, no script, no network, a
// Content-Security-Policy that forbids both; every dataset and user text HTML-escaped (invalid
// UTF-8 replaced by U+FFFD). Written atomically; throws Error{io} if the file cannot be written.
void write_html(const std::filesystem::path& file, const ExperimentReport& report);
// A markdown summary: the metric, cost and blind-spot tables of the HTML report, with markdown
// and HTML syntax in texts escaped. Written atomically; throws Error{io}.
void write_markdown(const std::filesystem::path& file, const ExperimentReport& report);
// Everything in `report`, as JSON (docs/report.md gives the layout); NaN is written as null and
// invalid UTF-8 replaced by U+FFFD. Written atomically; throws Error{io}.
void write_json(const std::filesystem::path& file, const ExperimentReport& report);
// The three renderings side by side: `folder` (created if missing) gets kReportFileNames, written
// by write_html, write_markdown and write_json (each throws Error{io}).
inline constexpr const char* kReportFileNames[] = {"report.html", "report.md", "report.json"};
void write_report_files(const std::filesystem::path& folder, const ExperimentReport& report);
// Loads a file written by write_json. Throws Error{io} if it cannot be read and
// Error{bad_input} naming the JSON key if it is not such a file.
ExperimentReport read_json(const std::filesystem::path& file);

}  // namespace blindspot::report
