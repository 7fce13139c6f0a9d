#include "blindspot/eval/baseline_check.hpp"

#include "blindspot/core/error.hpp"
#include "blindspot/discover/attack/attack.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <cstddef>

namespace blindspot::eval {
namespace {

// The most frequent label of `train`, first in train's label order on a tie.
std::string majority_label_of(const data::Split& train) {
  std::vector<std::int64_t> counts(train.labels.size(), 0);
  for (const data::Example& example : train.examples) ++counts.at(static_cast<std::size_t>(example.label));
  std::size_t best = 0;
  for (std::size_t label = 1; label < counts.size(); ++label) {
    if (counts[label] > counts[best]) best = label;
  }
  return train.labels.name(best);
}

double accuracy_of(const discover::ScanResult& scan) {
  std::int64_t correct = 0;
  for (const auto& scored : scan.scored) correct += scored.correct() ? 1 : 0;
  return static_cast<double>(correct) / static_cast<double>(scan.scored.size());
}

// The share of the scan's rows whose true label is `label` (0 when the model has no such label).
double rate_of(const data::LabelSet& labels, const discover::ScanResult& scan, const std::string& label) {
  const std::optional<int> index = labels.index_of(label);
  if (!index) return 0.0;
  std::int64_t rows = 0;
  for (const auto& scored : scan.scored) rows += scored.true_label == *index ? 1 : 0;
  return static_cast<double>(rows) / static_cast<double>(scan.scored.size());
}

std::vector<ClassRecall> recall_per_class(const data::LabelSet& labels, const discover::ScanResult& scan) {
  std::vector<ClassRecall> recall(labels.size());
  std::vector<std::int64_t> hits(labels.size(), 0);
  for (const auto& scored : scan.scored) {
    const auto label = static_cast<std::size_t>(scored.true_label);
    ++recall.at(label).support;
    hits[label] += scored.correct() ? 1 : 0;
  }
  for (std::size_t label = 0; label < labels.size(); ++label) {
    recall[label].label = labels.name(label);
    if (recall[label].support > 0) {
      recall[label].recall = static_cast<double>(hits[label]) / static_cast<double>(recall[label].support);
    }
  }
  return recall;
}

void add_warnings(BaselineCheck& check, const BaselineCheckOptions& options) {
  if (check.accuracy <= check.majority_rate + options.majority_margin) {
    check.warnings.push_back(fmt::format(
        "{} accuracy {:.4f} is at or below the majority-class rate {:.4f} (always answering \"{}\"): the model has "
        "not learned the task",
        options.split, check.accuracy, check.majority_rate, check.majority_label));
  }
  for (const ClassRecall& recall : check.recall) {
    if (recall.support == 0 || recall.recall >= options.recall_floor) continue;
    check.warnings.push_back(fmt::format(
        "recall of \"{}\" is {:.4f} on {} ({} rows), below {:.2f}: the model misses most rows of this class",
        recall.label, recall.recall, options.split, recall.support, options.recall_floor));
  }
  if (check.train_accuracy && *check.train_accuracy < options.underfit_train_accuracy) {
    check.warnings.push_back(fmt::format(
        "train-set accuracy {:.4f} is below {:.2f}: the model underfits its own training data (more epochs or a "
        "higher learning rate may help; tuning on dev does this)",
        *check.train_accuracy, options.underfit_train_accuracy));
  }
}

}  // namespace

BaselineCheck check_baseline(const data::LabelSet& labels, const data::Split& train, const discover::ScanResult& scan,
                             const discover::ScanResult* train_scan, const BaselineCheckOptions& options) {
  if (train.examples.empty()) {
    throw core::Error(core::ErrorKind::bad_input, "the train split has no rows: no majority class to compare with");
  }
  if (scan.scored.empty()) {
    throw core::Error(core::ErrorKind::bad_input, "the " + options.split + " split has no rows to check the model on");
  }
  BaselineCheck check;
  check.accuracy = accuracy_of(scan);
  check.majority_label = majority_label_of(train);
  check.majority_rate = rate_of(labels, scan, check.majority_label);
  if (train_scan != nullptr && !train_scan->scored.empty()) check.train_accuracy = accuracy_of(*train_scan);
  check.recall = recall_per_class(labels, scan);
  add_warnings(check, options);
  return check;
}

discover::ScanResult scan_train_sample(const model::Classifier& model, const data::Split& train, std::size_t max_rows,
                                       std::uint64_t seed, int threads) {
  data::Split sample;
  sample.name = train.name;
  sample.file = train.file;
  sample.labels = train.labels;
  for (const std::size_t row : discover::sample_rows(train.examples.size(), max_rows, seed)) {
    sample.examples.push_back(train.examples[row]);
  }
  discover::ScanOptions options;
  options.threads = threads;
  return discover::scan(model, sample, options);
}

std::string to_json(const BaselineCheck& check) {
  nlohmann::ordered_json recall = nlohmann::ordered_json::array();
  for (const ClassRecall& c : check.recall) {
    recall.push_back({{"label", c.label}, {"support", c.support}, {"recall", c.recall}});
  }
  const nlohmann::ordered_json json = {
      {"accuracy", check.accuracy},
      {"majority_label", check.majority_label},
      {"majority_rate", check.majority_rate},
      {"train_accuracy", check.train_accuracy ? nlohmann::ordered_json(*check.train_accuracy) : nullptr},
      {"recall", recall},
      {"warnings", check.warnings}};
  return json.dump();
}

BaselineCheck baseline_check_from_json(const std::string& text) {
  try {
    const nlohmann::json json = nlohmann::json::parse(text);
    BaselineCheck check;
    check.accuracy = json.at("accuracy").get<double>();
    check.majority_label = json.at("majority_label").get<std::string>();
    check.majority_rate = json.at("majority_rate").get<double>();
    if (!json.at("train_accuracy").is_null()) check.train_accuracy = json.at("train_accuracy").get<double>();
    for (const auto& c : json.at("recall")) {
      check.recall.push_back(
          {c.at("label").get<std::string>(), c.at("support").get<std::int64_t>(), c.at("recall").get<double>()});
    }
    check.warnings = json.at("warnings").get<std::vector<std::string>>();
    return check;
  } catch (const nlohmann::json::exception& error) {
    throw core::Error(core::ErrorKind::bad_input, std::string("not a baseline check: ") + error.what());
  }
}

}  // namespace blindspot::eval
