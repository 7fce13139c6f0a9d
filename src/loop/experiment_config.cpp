#include "blindspot/core/error.hpp"
#include "blindspot/loop/experiment.hpp"

#include <toml++/toml.h>

#include <algorithm>
#include <set>

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
    } else {
      if (!node->is_integer() || **node->as_integer() < 0) throw error(node, key, "must be a non-negative integer");
      out = static_cast<T>(**node->as_integer());
    }
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
    "attribution"};
// clang-format on

}  // namespace

const std::vector<std::string>& condition_names() {
  static const std::vector<std::string> names = {"none",  "untargeted", "adversarial_training", "auto", "llm",
                                                 "human", "import"};
  return names;
}

ExperimentConfig read_experiment_config(const std::filesystem::path& file) {
  toml::table table;
  try {
    table = toml::parse_file(file.string());
  } catch (const toml::parse_error& e) {
    throw Error(ErrorKind::usage, std::string(e.description()),
                InputLocation{file, static_cast<std::int64_t>(e.source().begin.line), ""});
  }
  const ConfigReader reader(file, table);
  for (const auto& [key, node] : table) {
    if (!kKeys.contains(std::string(key.str()))) {
      throw reader.error(&node, std::string(key.str()), "unknown key (see docs/experiment.md)");
    }
  }
  ExperimentConfig config;
  config.name = file.stem().string();
  reader.read("name", config.name);
  config.loop.data = reader.path("data");
  if (config.loop.data.empty()) throw reader.error(nullptr, "data", "missing: the dataset folder");
  for (const toml::node* seed : reader.array("seeds")) {
    if (!seed->is_integer() || **seed->as_integer() < 0) {
      throw reader.error(seed, "seeds", "seeds must be non-negative integers");
    }
    config.seeds.push_back(static_cast<std::uint64_t>(**seed->as_integer()));
  }
  if (config.seeds.size() < 3) {
    throw reader.error(reader.find("seeds"), "seeds",
                       "at least 3 seeds are needed for a spread and a paired test (got " +
                           std::to_string(config.seeds.size()) + ")");
  }
  std::set<std::uint64_t> distinct(config.seeds.begin(), config.seeds.end());
  if (distinct.size() != config.seeds.size()) throw reader.error(reader.find("seeds"), "seeds", "a seed is repeated");
  for (const toml::node* item : reader.array("conditions")) {
    if (!item->is_string()) throw reader.error(item, "conditions", "conditions must be strings");
    const std::string name = **item->as_string();
    const auto& known = condition_names();
    if (std::find(known.begin(), known.end(), name) == known.end()) {
      throw reader.error(item, "conditions",
                         "unknown condition \"" + name +
                             "\" (conditions: none, untargeted, adversarial_training, auto, llm, human, import)");
    }
    if (std::find(config.conditions.begin(), config.conditions.end(), name) != config.conditions.end()) {
      throw reader.error(item, "conditions", "condition \"" + name + "\" is repeated");
    }
    config.conditions.push_back(name);
  }
  if (std::find(config.conditions.begin(), config.conditions.end(), "none") == config.conditions.end()) {
    config.conditions.insert(config.conditions.begin(), "none");
  }
  if (config.conditions.size() < 2) {
    throw reader.error(reader.find("conditions"), "conditions", "compare `none` with at least one other condition");
  }
  if (reader.find("sample_budget") == nullptr) {
    throw reader.error(nullptr, "sample_budget",
                       "missing: the number of synthetic samples every condition adds per seed (equal budgets)");
  }
  reader.read("sample_budget", config.loop.sample_budget);
  if (config.loop.sample_budget == 0) {
    throw reader.error(reader.find("sample_budget"), "sample_budget", "must be at least 1");
  }
  reader.read("max_uus", config.loop.max_uus);
  reader.read("samples_per_hypothesis", config.loop.samples_per_hypothesis);
  reader.read("extrapolate", config.loop.extrapolate);
  reader.read("threshold", config.loop.threshold);
  if (config.loop.threshold < 0 || config.loop.threshold > 1) {
    throw reader.error(reader.find("threshold"), "threshold", "must be in [0, 1]");
  }
  reader.read("dev_attack_rows", config.loop.dev_attack_rows);
  reader.read("attack_budget", config.loop.attack_budget);
  reader.read("test_attack_rows", config.loop.test_attack_rows);
  reader.read("threads", config.loop.threads);
  for (const toml::node* item : reader.array("challenge_sets")) {
    if (!item->is_string()) throw reader.error(item, "challenge_sets", "challenge sets must be file paths");
    std::filesystem::path value(**item->as_string());
    config.loop.challenge_sets.push_back(value.is_absolute() ? value : file.parent_path() / value);
  }
  config.import_samples = reader.path("import_samples");
  config.import_hypotheses = reader.path("import_hypotheses");
  if (std::find(config.conditions.begin(), config.conditions.end(), "import") != config.conditions.end() &&
      config.import_samples.empty()) {
    throw reader.error(reader.find("conditions"), "import_samples", "the import condition needs import_samples");
  }
  reader.read("human_campaign", config.human_campaign);
  if (std::find(config.conditions.begin(), config.conditions.end(), "human") != config.conditions.end() &&
      config.human_campaign <= 0) {
    throw reader.error(reader.find("conditions"), "human_campaign",
                       "the human condition needs human_campaign, the run id of a `blindspot serve` campaign");
  }
  // Subword character n-grams of the classifier (docs/classifier.md); 0/0 = off, the default.
  reader.read("minn", config.loop.model.min_char_ngram);
  reader.read("maxn", config.loop.model.max_char_ngram);
  // Hypotheses of the first seed attributed by leave-one-out retraining (0 = none).
  config.loop.attribution = 10;
  reader.read("attribution", config.loop.attribution);
  reader.read("hourly_wage_usd", config.hourly_wage_usd);
  reader.read("platform_fee", config.platform_fee);
  return config;
}

}  // namespace blindspot::loop
