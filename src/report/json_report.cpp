#include "blindspot/core/atomic_file.hpp"
#include "blindspot/core/error.hpp"
#include "blindspot/report/experiment_report.hpp"

#include <nlohmann/json.hpp>

#include <cmath>
#include <limits>

namespace blindspot::report {
namespace {

using nlohmann::ordered_json;

// Identifies the layout, so a reader can tell this file from other JSON and a later layout
// change can be detected.
constexpr std::string_view kFormat = "blindspot-experiment-report";
// Version 2: each metric's varied_across_seeds and effect_vs_none (was p_value_vs_none).
constexpr int kFormatVersion = 2;

// JSON has no NaN; nlohmann would write null anyway, but saying so keeps reading symmetric.
ordered_json number(double value) { return std::isfinite(value) ? ordered_json(value) : ordered_json(nullptr); }

ordered_json optional_number(const std::optional<double>& value) {
  return value ? number(*value) : ordered_json(nullptr);
}

ordered_json to_json(const EffectSummary& effect) {
  return {{"estimate", number(effect.estimate)},
          {"ci_low", number(effect.ci_low)},
          {"ci_high", number(effect.ci_high)},
          {"p_value", optional_number(effect.p_value)},
          {"varied_across_seeds", effect.varied_across_seeds},
          {"method", effect.method}};
}

ordered_json to_json(const MetricSummary& metric) {
  ordered_json per_seed = ordered_json::array();
  for (const double value : metric.per_seed) per_seed.push_back(number(value));
  return {{"name", metric.name},
          {"lower_is_better", metric.lower_is_better},
          {"per_seed", per_seed},
          {"mean", number(metric.mean)},
          {"sd", number(metric.sd)},
          {"ci_low", number(metric.ci_low)},
          {"ci_high", number(metric.ci_high)},
          {"varied_across_seeds", metric.varied_across_seeds},
          {"interval", metric.interval},
          {"effect_vs_none", metric.effect_vs_none ? to_json(*metric.effect_vs_none) : ordered_json(nullptr)}};
}

ordered_json to_json(const ConditionCost& cost) {
  return {{"llm_prompt_tokens", cost.llm_prompt_tokens},
          {"llm_completion_tokens", cost.llm_completion_tokens},
          {"llm_usd", number(cost.llm_usd)},
          {"llm_unpriced", cost.llm_unpriced},
          {"human_active_seconds", number(cost.human_active_seconds)},
          {"human_usd", number(cost.human_usd)},
          {"wall_seconds", number(cost.wall_seconds)},
          {"hypotheses", cost.hypotheses},
          {"accepted_samples", cost.accepted_samples},
          {"uus_removed", number(cost.uus_removed)},
          {"usd_per_hypothesis", optional_number(cost.usd_per_hypothesis)},
          {"usd_per_accepted_sample", optional_number(cost.usd_per_accepted_sample)},
          {"usd_per_uu_removed", optional_number(cost.usd_per_uu_removed)}};
}

ordered_json to_json(const ConditionResult& condition) {
  ordered_json metrics = ordered_json::array();
  for (const auto& metric : condition.metrics) metrics.push_back(to_json(metric));
  ordered_json bins = ordered_json::array();
  for (const auto& bin : condition.reliability) {
    bins.push_back({{"lower", number(bin.lower)},
                    {"upper", number(bin.upper)},
                    {"mean_confidence", number(bin.mean_confidence)},
                    {"accuracy", number(bin.accuracy)},
                    {"count", bin.count}});
  }
  return {{"name", condition.name},
          {"teacher", condition.teacher},
          {"metrics", metrics},
          {"reliability", bins},
          {"confidence_histogram",
           {{"lower", number(condition.confidence_histogram_lower)},
            {"upper", number(condition.confidence_histogram_upper)},
            {"counts", condition.confidence_histogram}}},
          {"cost", to_json(condition.cost)}};
}

ordered_json to_json(const BlindSpotSummary& spot) {
  ordered_json samples = ordered_json::array();
  for (const auto& sample : spot.samples) samples.push_back({{"text", sample.text}, {"label", sample.label}});
  ordered_json fixed = ordered_json::array();
  for (const auto& [condition, count] : spot.fixed_by_condition) {
    fixed.push_back({{"condition", condition}, {"fixed", number(count)}});
  }
  ordered_json attribution = ordered_json::array();
  for (const auto& effect : spot.attribution) {
    attribution.push_back({{"condition", effect.condition},
                           {"hypothesis", effect.hypothesis},
                           {"samples", effect.samples},
                           {"marginal_fixed", effect.marginal_fixed},
                           {"fixed_only_with", effect.fixed_only_with},
                           {"fixed_only_without", effect.fixed_only_without},
                           {"marginal_fixed_in_blind_spot", effect.marginal_fixed_in_blind_spot},
                           {"source_uu_fixed", effect.source_uu_fixed},
                           {"source_uu_fixed_without", effect.source_uu_fixed_without}});
  }
  return {{"id", spot.id},
          {"size", spot.size},
          {"description", spot.description},
          {"top_tokens", spot.top_tokens},
          {"representatives", spot.representatives},
          {"hypotheses", spot.hypotheses},
          {"samples", samples},
          {"fixed_by_condition", fixed},
          {"attribution", attribution}};
}

// Reading: every accessor names the JSON path of what it reads, so an error points at the key.
class Reader {
 public:
  explicit Reader(std::filesystem::path file) : file_(std::move(file)) {}

  [[noreturn]] void fail(const std::string& path, const std::string& message) const {
    throw core::Error(core::ErrorKind::bad_input, message, core::InputLocation{file_, 0, path});
  }

  const ordered_json& member(const ordered_json& object, const std::string& path, const char* key) const {
    if (!object.is_object()) fail(path, "expected an object");
    const auto found = object.find(key);
    if (found == object.end()) fail(join(path, key), "missing");
    return *found;
  }

  std::string string(const ordered_json& object, const std::string& path, const char* key) const {
    const auto& value = member(object, path, key);
    if (!value.is_string()) fail(join(path, key), "expected a string, got " + std::string(value.type_name()));
    return value.get<std::string>();
  }

  bool boolean(const ordered_json& object, const std::string& path, const char* key) const {
    const auto& value = member(object, path, key);
    if (!value.is_boolean()) fail(join(path, key), "expected true or false, got " + std::string(value.type_name()));
    return value.get<bool>();
  }

  std::int64_t integer(const ordered_json& value, const std::string& path) const {
    if (!value.is_number_integer()) fail(path, "expected an integer, got " + describe(value));
    return value.get<std::int64_t>();
  }
  std::int64_t integer(const ordered_json& object, const std::string& path, const char* key) const {
    return integer(member(object, path, key), join(path, key));
  }

  // null reads as NaN, the value it was written for.
  double real(const ordered_json& value, const std::string& path) const {
    if (value.is_null()) return std::numeric_limits<double>::quiet_NaN();
    if (!value.is_number()) fail(path, "expected a number or null, got " + describe(value));
    return value.get<double>();
  }
  double real(const ordered_json& object, const std::string& path, const char* key) const {
    return real(member(object, path, key), join(path, key));
  }

  std::optional<double> optional_real(const ordered_json& object, const std::string& path, const char* key) const {
    const auto& value = member(object, path, key);
    if (value.is_null()) return std::nullopt;
    return real(value, join(path, key));
  }

  const ordered_json& array(const ordered_json& object, const std::string& path, const char* key) const {
    const auto& value = member(object, path, key);
    if (!value.is_array()) fail(join(path, key), "expected an array, got " + std::string(value.type_name()));
    return value;
  }

  std::vector<std::string> strings(const ordered_json& object, const std::string& path, const char* key) const {
    std::vector<std::string> out;
    const auto& values = array(object, path, key);
    for (std::size_t i = 0; i < values.size(); ++i) {
      if (!values[i].is_string()) fail(index(join(path, key), i), "expected a string");
      out.push_back(values[i].get<std::string>());
    }
    return out;
  }

  static std::string join(const std::string& path, const char* key) { return path.empty() ? key : path + "." + key; }
  static std::string index(const std::string& path, std::size_t i) { return path + "[" + std::to_string(i) + "]"; }

 private:
  static std::string describe(const ordered_json& value) {
    return value.is_number() ? "the number " + value.dump() : std::string(value.type_name());
  }

  std::filesystem::path file_;
};

EffectSummary read_effect(const Reader& in, const ordered_json& json, const std::string& path) {
  EffectSummary effect;
  effect.estimate = in.real(json, path, "estimate");
  effect.ci_low = in.real(json, path, "ci_low");
  effect.ci_high = in.real(json, path, "ci_high");
  effect.p_value = in.optional_real(json, path, "p_value");
  effect.varied_across_seeds = in.boolean(json, path, "varied_across_seeds");
  effect.method = in.string(json, path, "method");
  return effect;
}

MetricSummary read_metric(const Reader& in, const ordered_json& json, const std::string& path) {
  MetricSummary metric;
  metric.name = in.string(json, path, "name");
  metric.lower_is_better = in.boolean(json, path, "lower_is_better");
  const auto& per_seed = in.array(json, path, "per_seed");
  for (std::size_t i = 0; i < per_seed.size(); ++i) {
    metric.per_seed.push_back(in.real(per_seed[i], Reader::index(Reader::join(path, "per_seed"), i)));
  }
  metric.mean = in.real(json, path, "mean");
  metric.sd = in.real(json, path, "sd");
  metric.ci_low = in.real(json, path, "ci_low");
  metric.ci_high = in.real(json, path, "ci_high");
  metric.varied_across_seeds = in.boolean(json, path, "varied_across_seeds");
  metric.interval = in.string(json, path, "interval");
  const auto& effect = in.member(json, path, "effect_vs_none");
  if (!effect.is_null()) metric.effect_vs_none = read_effect(in, effect, Reader::join(path, "effect_vs_none"));
  return metric;
}

ConditionCost read_cost(const Reader& in, const ordered_json& json, const std::string& path) {
  ConditionCost cost;
  cost.llm_prompt_tokens = in.integer(json, path, "llm_prompt_tokens");
  cost.llm_completion_tokens = in.integer(json, path, "llm_completion_tokens");
  cost.llm_usd = in.real(json, path, "llm_usd");
  cost.llm_unpriced = in.boolean(json, path, "llm_unpriced");
  cost.human_active_seconds = in.real(json, path, "human_active_seconds");
  cost.human_usd = in.real(json, path, "human_usd");
  cost.wall_seconds = in.real(json, path, "wall_seconds");
  cost.hypotheses = in.integer(json, path, "hypotheses");
  cost.accepted_samples = in.integer(json, path, "accepted_samples");
  cost.uus_removed = in.real(json, path, "uus_removed");
  cost.usd_per_hypothesis = in.optional_real(json, path, "usd_per_hypothesis");
  cost.usd_per_accepted_sample = in.optional_real(json, path, "usd_per_accepted_sample");
  cost.usd_per_uu_removed = in.optional_real(json, path, "usd_per_uu_removed");
  return cost;
}

ConditionResult read_condition(const Reader& in, const ordered_json& json, const std::string& path) {
  ConditionResult condition;
  condition.name = in.string(json, path, "name");
  condition.teacher = in.string(json, path, "teacher");
  const auto& metrics = in.array(json, path, "metrics");
  for (std::size_t i = 0; i < metrics.size(); ++i) {
    condition.metrics.push_back(read_metric(in, metrics[i], Reader::index(Reader::join(path, "metrics"), i)));
  }
  const auto& bins = in.array(json, path, "reliability");
  for (std::size_t i = 0; i < bins.size(); ++i) {
    const std::string bin_path = Reader::index(Reader::join(path, "reliability"), i);
    condition.reliability.push_back({in.real(bins[i], bin_path, "lower"), in.real(bins[i], bin_path, "upper"),
                                     in.real(bins[i], bin_path, "mean_confidence"),
                                     in.real(bins[i], bin_path, "accuracy"), in.integer(bins[i], bin_path, "count")});
  }
  const std::string histogram_path = Reader::join(path, "confidence_histogram");
  const auto& histogram = in.member(json, path, "confidence_histogram");
  condition.confidence_histogram_lower = in.real(histogram, histogram_path, "lower");
  condition.confidence_histogram_upper = in.real(histogram, histogram_path, "upper");
  const auto& counts = in.array(histogram, histogram_path, "counts");
  for (std::size_t i = 0; i < counts.size(); ++i) {
    condition.confidence_histogram.push_back(in.integer(counts[i], Reader::index(histogram_path + ".counts", i)));
  }
  condition.cost = read_cost(in, in.member(json, path, "cost"), Reader::join(path, "cost"));
  return condition;
}

BlindSpotSummary read_blind_spot(const Reader& in, const ordered_json& json, const std::string& path) {
  BlindSpotSummary spot;
  spot.id = static_cast<int>(in.integer(json, path, "id"));
  spot.size = in.integer(json, path, "size");
  spot.description = in.string(json, path, "description");
  spot.top_tokens = in.strings(json, path, "top_tokens");
  spot.representatives = in.strings(json, path, "representatives");
  spot.hypotheses = in.strings(json, path, "hypotheses");
  const auto& samples = in.array(json, path, "samples");
  for (std::size_t i = 0; i < samples.size(); ++i) {
    const std::string sample_path = Reader::index(Reader::join(path, "samples"), i);
    spot.samples.push_back({in.string(samples[i], sample_path, "text"), in.string(samples[i], sample_path, "label")});
  }
  const auto& fixed = in.array(json, path, "fixed_by_condition");
  for (std::size_t i = 0; i < fixed.size(); ++i) {
    const std::string fixed_path = Reader::index(Reader::join(path, "fixed_by_condition"), i);
    spot.fixed_by_condition.emplace_back(in.string(fixed[i], fixed_path, "condition"),
                                         in.real(fixed[i], fixed_path, "fixed"));
  }
  // Reports written before attribution existed have no such key.
  if (json.contains("attribution")) {
    const auto& attribution = in.array(json, path, "attribution");
    for (std::size_t i = 0; i < attribution.size(); ++i) {
      const std::string p = Reader::index(Reader::join(path, "attribution"), i);
      const ordered_json& a = attribution[i];
      spot.attribution.push_back({in.string(a, p, "condition"), in.string(a, p, "hypothesis"),
                                  in.integer(a, p, "samples"), in.integer(a, p, "marginal_fixed"),
                                  in.integer(a, p, "fixed_only_with"), in.integer(a, p, "fixed_only_without"),
                                  in.integer(a, p, "marginal_fixed_in_blind_spot"), in.boolean(a, p, "source_uu_fixed"),
                                  in.boolean(a, p, "source_uu_fixed_without")});
    }
  }
  return spot;
}

}  // namespace

void write_json(const std::filesystem::path& file, const ExperimentReport& report) {
  ordered_json conditions = ordered_json::array();
  for (const auto& condition : report.conditions) conditions.push_back(to_json(condition));
  ordered_json blind_spots = ordered_json::array();
  for (const auto& spot : report.blind_spots) blind_spots.push_back(to_json(spot));
  const ordered_json json = {{"format", kFormat},
                             {"format_version", kFormatVersion},
                             {"title", report.title},
                             {"dataset", report.dataset},
                             {"created_at", report.created_at},
                             {"seeds", report.seeds},
                             {"sample_budget", report.sample_budget},
                             {"uus_removed_metric", report.uus_removed_metric},
                             {"findings", report.findings},
                             {"conditions", conditions},
                             {"blind_spots", blind_spots}};
  core::AtomicFile out(file);
  // Dataset texts and LLM replies may hold invalid UTF-8; replace it rather than fail the report.
  out.write(json.dump(2, ' ', false, ordered_json::error_handler_t::replace));
  out.write("\n");
  out.commit();
}

ExperimentReport read_json(const std::filesystem::path& file) {
  const std::string text = core::read_file(file);
  ordered_json json;
  try {
    json = ordered_json::parse(text);
  } catch (const ordered_json::parse_error& error) {
    throw core::Error(core::ErrorKind::bad_input, std::string("not valid JSON: ") + error.what(),
                      core::InputLocation{file, 0, ""});
  }
  const Reader in(file);
  if (!json.is_object() || !json.contains("format") || json["format"] != kFormat) {
    throw core::Error(core::ErrorKind::bad_input,
                      "not a blindspot experiment report (expected \"format\": \"" + std::string(kFormat) + "\")",
                      core::InputLocation{file, 0, ""});
  }
  const auto version = in.integer(json, "", "format_version");
  if (version != kFormatVersion) {
    in.fail("format_version", "unsupported version " + std::to_string(version) + " (this blindspot reads " +
                                  std::to_string(kFormatVersion) + ")");
  }
  ExperimentReport report;
  report.title = in.string(json, "", "title");
  report.dataset = in.string(json, "", "dataset");
  report.created_at = in.string(json, "", "created_at");
  const auto& seeds = in.array(json, "", "seeds");
  for (std::size_t i = 0; i < seeds.size(); ++i) {
    if (!seeds[i].is_number_unsigned()) in.fail(Reader::index("seeds", i), "expected a non-negative integer");
    report.seeds.push_back(seeds[i].get<std::uint64_t>());
  }
  report.sample_budget = in.integer(json, "", "sample_budget");
  report.uus_removed_metric = in.string(json, "", "uus_removed_metric");
  report.findings = in.strings(json, "", "findings");
  const auto& conditions = in.array(json, "", "conditions");
  for (std::size_t i = 0; i < conditions.size(); ++i) {
    report.conditions.push_back(read_condition(in, conditions[i], Reader::index("conditions", i)));
  }
  const auto& blind_spots = in.array(json, "", "blind_spots");
  for (std::size_t i = 0; i < blind_spots.size(); ++i) {
    report.blind_spots.push_back(read_blind_spot(in, blind_spots[i], Reader::index("blind_spots", i)));
  }
  return report;
}

}  // namespace blindspot::report
