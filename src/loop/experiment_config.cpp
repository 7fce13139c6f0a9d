#include "blindspot/core/error.hpp"
#include "blindspot/loop/experiment.hpp"

#include <toml++/toml.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <set>
#include <string>

namespace blindspot::loop {
namespace {

using core::Error;
using core::ErrorKind;
using core::InputLocation;

class ConfigReader {
 public:
  ConfigReader(const std::filesystem::path& file, const toml::table& table) : file_(file), table_(table) {}

  Error error(const toml::node* node, const std::string& key, const std::string& message) const {
    const std::int64_t line = node != nullptr ? static_cast<std::int64_t>(node->source().begin.line) : 0;
    return Error(ErrorKind::usage, message, InputLocation{file_, line, key});
  }

  const toml::node* find(const std::string& key) const { return table_.get(key); }

  template <typename T>
  void read(const std::string& key, T& out) const {
    const toml::node* node = find(key);
    if (node == nullptr) return;
    if constexpr (std::is_same_v<T, std::string>) {
      if (!node->is_string()) throw error(node, key, "must be a string");
      out = **node->as_string();
    } else if constexpr (std::is_same_v<T, bool>) {
      if (!node->is_boolean()) throw error(node, key, "must be true or false");
      out = **node->as_boolean();
    } else if constexpr (std::is_floating_point_v<T>) {
      if (!node->is_number()) throw error(node, key, "must be a number");
      out = node->is_integer() ? static_cast<T>(**node->as_integer()) : static_cast<T>(**node->as_floating_point());
      // TOML has nan and inf; every range check below would let nan through.
      if (!std::isfinite(out)) throw error(node, key, "must be a finite number");
    } else {
      if (!node->is_integer() || **node->as_integer() < 0) throw error(node, key, "must be a non-negative integer");
      const std::int64_t value = **node->as_integer();
      if (static_cast<std::uint64_t>(value) > static_cast<std::uint64_t>(std::numeric_limits<T>::max())) {
        throw error(node, key, "must be at most " + std::to_string(std::numeric_limits<T>::max()));
      }
      out = static_cast<T>(value);
    }
  }

  // A number in [low, high] (`what` says so in the error).
  void read_in(const std::string& key, double& out, double low, double high, const std::string& what) const {
    read(key, out);
    if (find(key) != nullptr && !(out >= low && out <= high)) throw error(find(key), key, "must be " + what);
  }

  std::vector<const toml::node*> array(const std::string& key) const {
    const toml::node* node = find(key);
    if (node == nullptr) return {};
    if (!node->is_array()) throw error(node, key, "must be an array");
    std::vector<const toml::node*> items;
    for (const toml::node& item : *node->as_array()) items.push_back(&item);
    return items;
  }

  std::filesystem::path path(const std::string& key) const {
    std::string text;
    read(key, text);
    if (text.empty()) return {};
    const std::filesystem::path value(text);
    // Relative paths are relative to the config file, so an experiment file travels with its data.
    return value.is_absolute() ? value : file_.parent_path() / value;
  }

 private:
  const std::filesystem::path& file_;
  const toml::table& table_;
};

// clang-format off
const std::set<std::string> kKeys = {
    "name", "data", "seeds", "conditions", "sample_budget", "max_uus", "samples_per_hypothesis", "extrapolate",
    "threshold", "dev_attack_rows", "attack_budget", "test_attack_rows", "threads", "challenge_sets",
    "import_samples", "import_hypotheses", "human_campaign", "hourly_wage_usd", "platform_fee", "minn", "maxn",
    "attribution", "model", "train_command", "baseline_model", "baseline_tuning", "tuning_seconds", "lr", "epochs",
    "dim", "word_ngrams", "held_out_share", "length_low_factor", "length_high_factor", "accuracy_tolerance",
    "label_issues", "label_folds", "teach_label_issues"};
// clang-format on

toml::table parse_file(const std::filesystem::path& file) {
  try {
    return toml::parse_file(file.string());
  } catch (const toml::parse_error& e) {
    throw Error(ErrorKind::usage, std::string(e.description()),
                InputLocation{file, static_cast<std::int64_t>(e.source().begin.line), ""});
  }
}

void check_keys(const ConfigReader& reader, const toml::table& table) {
  for (const auto& [key, node] : table) {
    if (!kKeys.contains(std::string(key.str()))) {
      throw reader.error(&node, std::string(key.str()), "unknown key (see docs/experiment.md)");
    }
  }
}

// At least 3 distinct non-negative seeds.
std::vector<std::uint64_t> read_seeds(const ConfigReader& reader) {
  std::vector<std::uint64_t> seeds;
  for (const toml::node* seed : reader.array("seeds")) {
    // fastText's seed is an int: a larger seed would train with another one than the report names.
    if (!seed->is_integer() || **seed->as_integer() < 0 || **seed->as_integer() > 2147483647) {
      throw reader.error(seed, "seeds", "seeds must be integers from 0 to 2147483647");
    }
    seeds.push_back(static_cast<std::uint64_t>(**seed->as_integer()));
  }
  if (seeds.size() < 3) {
    throw reader.error(
        reader.find("seeds"), "seeds",
        "at least 3 seeds are needed for a spread and a paired test (got " + std::to_string(seeds.size()) + ")");
  }
  const std::set<std::uint64_t> distinct(seeds.begin(), seeds.end());
  if (distinct.size() != seeds.size()) throw reader.error(reader.find("seeds"), "seeds", "a seed is repeated");
  return seeds;
}

TeacherKind read_condition(const ConfigReader& reader, const toml::node* item) {
  if (!item->is_string()) throw reader.error(item, "conditions", "conditions must be strings");
  const std::string name = **item->as_string();
  if (const std::optional<TeacherKind> kind = find_teacher_kind(name)) return *kind;
  std::string known;
  for (const TeacherKind kind : teacher_kinds()) known += (known.empty() ? "" : ", ") + std::string(to_string(kind));
  throw reader.error(item, "conditions", "unknown condition \"" + name + "\" (conditions: " + known + ")");
}

// The conditions without repeats, none first (added when missing), and at least one other.
std::vector<TeacherKind> read_conditions(const ConfigReader& reader) {
  std::vector<TeacherKind> conditions;
  for (const toml::node* item : reader.array("conditions")) {
    const TeacherKind condition = read_condition(reader, item);
    if (std::find(conditions.begin(), conditions.end(), condition) != conditions.end()) {
      throw reader.error(item, "conditions", "condition \"" + std::string(to_string(condition)) + "\" is repeated");
    }
    conditions.push_back(condition);
  }
  if (std::find(conditions.begin(), conditions.end(), TeacherKind::none) == conditions.end()) {
    conditions.insert(conditions.begin(), TeacherKind::none);
  }
  if (conditions.size() < 2) {
    throw reader.error(reader.find("conditions"), "conditions", "compare `none` with at least one other condition");
  }
  return conditions;
}

// Required and at least 1: the conditions are compared at equal budgets.
std::size_t read_sample_budget(const ConfigReader& reader) {
  if (reader.find("sample_budget") == nullptr) {
    throw reader.error(nullptr, "sample_budget",
                       "missing: the number of synthetic samples every condition adds per seed (equal budgets)");
  }
  std::size_t budget = 0;
  reader.read("sample_budget", budget);
  if (budget == 0) throw reader.error(reader.find("sample_budget"), "sample_budget", "must be at least 1");
  return budget;
}

// The loop options every condition shares (sample budget and data aside).
void read_loop_options(const ConfigReader& reader, const std::filesystem::path& file, LoopOptions& loop) {
  // Not given: as many as the sample budget needs (LoopOptions::max_uus), so every teacher can fill it.
  if (reader.find("max_uus") != nullptr) {
    std::size_t max_uus = 0;
    reader.read("max_uus", max_uus);
    loop.max_uus = max_uus;
  }
  reader.read("samples_per_hypothesis", loop.samples_per_hypothesis);
  reader.read("extrapolate", loop.extrapolate);
  reader.read("threshold", loop.threshold);
  if (loop.threshold < 0 || loop.threshold > 1) {
    throw reader.error(reader.find("threshold"), "threshold", "must be in [0, 1]");
  }
  reader.read("dev_attack_rows", loop.dev_attack_rows);
  reader.read("attack_budget", loop.attack_budget);
  reader.read("test_attack_rows", loop.test_attack_rows);
  reader.read("threads", loop.threads);
  for (const toml::node* item : reader.array("challenge_sets")) {
    if (!item->is_string()) throw reader.error(item, "challenge_sets", "challenge sets must be file paths");
    std::filesystem::path value(**item->as_string());
    loop.challenge_sets.push_back(value.is_absolute() ? value : file.parent_path() / value);
  }
}

BaselineTuning::Mode read_tuning_mode(const ConfigReader& reader) {
  std::string mode = "when_short";
  reader.read("baseline_tuning", mode);
  if (mode == "off") return BaselineTuning::Mode::off;
  if (mode == "when_short") return BaselineTuning::Mode::when_short;
  if (mode == "always") return BaselineTuning::Mode::always;
  throw reader.error(reader.find("baseline_tuning"), "baseline_tuning",
                     "must be \"off\", \"when_short\" or \"always\"");
}

// The label-issue triage of every dev scan (docs/label-issues.md, "In run and experiment").
void read_label_issue_options(const ConfigReader& reader, LoopOptions& loop) {
  reader.read("label_issues", loop.label_issues);
  reader.read("label_folds", loop.label_folds);
  reader.read("teach_label_issues", loop.teach_label_issues);
  if (loop.label_folds < 2) throw reader.error(reader.find("label_folds"), "label_folds", "must be at least 2");
  if (loop.teach_label_issues && !loop.label_issues) {
    throw reader.error(reader.find("teach_label_issues"), "teach_label_issues", "needs label_issues = true");
  }
}

// The baseline's settings and tuning, the teaching rules and the effect rule's tolerance.
void read_rule_options(const ConfigReader& reader, ExperimentConfig& config) {
  LoopOptions& loop = config.loop;
  loop.tuning.mode = read_tuning_mode(reader);
  reader.read("tuning_seconds", loop.tuning.seconds);
  if (loop.tuning.seconds < 1)
    throw reader.error(reader.find("tuning_seconds"), "tuning_seconds", "must be at least 1");
  reader.read_in("lr", loop.model.learning_rate, 1e-6, 10, "in (0, 10]");
  reader.read("epochs", loop.model.epochs);
  reader.read("dim", loop.model.dimension);
  reader.read("word_ngrams", loop.model.word_ngrams);
  if (loop.model.epochs < 1 || loop.model.dimension < 1 || loop.model.word_ngrams < 1) {
    throw reader.error(nullptr, "epochs, dim, word_ngrams", "must be at least 1");
  }
  reader.read_in("held_out_share", loop.held_out_share, 0, 0.9, "in [0, 0.9]");
  reader.read_in("length_low_factor", loop.length_low_factor, 0, 1, "in [0, 1]");
  reader.read_in("length_high_factor", loop.length_high_factor, 1, 1000, "in [1, 1000]");
  reader.read_in("accuracy_tolerance", config.accuracy_tolerance, 0, 1, "in [0, 1] (a share: 0.01 is one point)");
  read_label_issue_options(reader, loop);
}

bool has(const ExperimentConfig& config, TeacherKind condition) {
  return std::find(config.conditions.begin(), config.conditions.end(), condition) != config.conditions.end();
}

// What the import and human conditions need, and the human cost model.
void read_condition_inputs(const ConfigReader& reader, ExperimentConfig& config) {
  config.import_samples = reader.path("import_samples");
  config.import_hypotheses = reader.path("import_hypotheses");
  if (has(config, TeacherKind::import) && config.import_samples.empty()) {
    throw reader.error(reader.find("conditions"), "import_samples", "the import condition needs import_samples");
  }
  reader.read("human_campaign", config.human_campaign);
  if (has(config, TeacherKind::human) && config.human_campaign <= 0) {
    throw reader.error(reader.find("conditions"), "human_campaign",
                       "the human condition needs human_campaign, the run id of a `blindspot serve` campaign");
  }
}

}  // namespace

ExperimentConfig read_experiment_config(const std::filesystem::path& file) {
  const toml::table table = parse_file(file);
  const ConfigReader reader(file, table);
  check_keys(reader, table);
  ExperimentConfig config;
  config.name = file.stem().string();
  reader.read("name", config.name);
  config.loop.data = reader.path("data");
  if (config.loop.data.empty()) throw reader.error(nullptr, "data", "missing: the dataset folder");
  config.seeds = read_seeds(reader);
  config.conditions = read_conditions(reader);
  config.loop.sample_budget = read_sample_budget(reader);
  read_loop_options(reader, file, config.loop);
  read_condition_inputs(reader, config);
  read_rule_options(reader, config);
  // Subword character n-grams of the classifier (docs/classifier.md); 0/0 = off, the default.
  reader.read("minn", config.loop.model.min_char_ngram);
  reader.read("maxn", config.loop.model.max_char_ngram);
  // Hypotheses of the first seed attributed by leave-one-out retraining (0 = none).
  config.loop.attribution = 10;
  reader.read("attribution", config.loop.attribution);
  // A model trained by a command instead of fastText (docs/run.md, "Any model"); flags override.
  reader.read("model", config.loop.external.spec);
  reader.read("train_command", config.loop.external.train_command);
  config.loop.baseline_model = reader.path("baseline_model");
  constexpr double kNoLimit = std::numeric_limits<double>::max();
  reader.read_in("hourly_wage_usd", config.hourly_wage_usd, 0, kNoLimit, "a non-negative number");
  reader.read_in("platform_fee", config.platform_fee, 0, kNoLimit, "a non-negative number");
  return config;
}

}  // namespace blindspot::loop
