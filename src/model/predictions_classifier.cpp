// The model of a predictions file: it answers for the texts of its split and for nothing else, so
// scan and eval run unchanged while commands that must query a model (attacks, training) stop
// with a usage error that says what to give instead.

#include "blindspot/core/error.hpp"
#include "blindspot/model/predictions.hpp"

#include <nlohmann/json.hpp>

#include <unordered_map>
#include <utility>

namespace blindspot::model {
namespace {

class PredictionsClassifier final : public Classifier {
 public:
  explicit PredictionsClassifier(Predictions predictions) : predictions_(std::move(predictions)) {
    const auto& examples = predictions_.split.examples;
    // The first row of a repeated text answers for it; a text keyed file gives them all the same.
    for (std::size_t row = 0; row < examples.size(); ++row) row_of_text_.emplace(examples[row].text, row);
  }

  std::string kind() const override { return "predictions"; }

  std::string options_json() const override {
    const nlohmann::json options = {
        {"file", predictions_.file.string()},        {"key", to_string(predictions_.key)},
        {"split", predictions_.split.file.string()}, {"split_hash", predictions_.split.content_hash},
        {"rows", predictions_.probabilities.size()}, {"labels", predictions_.split.labels.names()}};
    return options.dump();
  }

  void train(const data::Split&, const core::ProgressCallback&) override { refuse(); }
  const data::LabelSet& labels() const override { return predictions_.split.labels; }

  Probabilities probabilities(std::string_view text) const override {
    const auto it = row_of_text_.find(std::string(text));
    if (it == row_of_text_.end()) refuse();
    return predictions_.probabilities[it->second];
  }

  // The split's own texts in order (what scan asks) are answered row by row, so rows with the same
  // text keep their own predictions; any other batch text by text.
  std::vector<Probabilities> predict_batch(const std::vector<std::string>& texts, int threads) const override {
    if (is_the_split(texts)) return predictions_.probabilities;
    return Classifier::predict_batch(texts, threads);
  }

  ModelIdentity identity() const override {
    return {"predictions:" + predictions_.file.string(), predictions_.file.filename().string(), "",
            "a model known only by its predictions on one split"};
  }
  bool trainable() const override { return false; }
  void save(const std::filesystem::path&) const override { refuse(); }
  void load(const std::filesystem::path&) override { refuse(); }

 private:
  bool is_the_split(const std::vector<std::string>& texts) const {
    const auto& examples = predictions_.split.examples;
    if (texts.size() != examples.size()) return false;
    for (std::size_t row = 0; row < texts.size(); ++row) {
      if (texts[row] != examples[row].text) return false;
    }
    return true;
  }

  [[noreturn]] void refuse() const {
    throw core::Error(core::ErrorKind::usage, "this command must query the model: a predictions file (--predictions " +
                                                  predictions_.file.string() +
                                                  ") only answers for the rows of its split; give --model");
  }

  Predictions predictions_;
  std::unordered_map<std::string, std::size_t> row_of_text_;
};

}  // namespace

std::unique_ptr<Classifier> make_predictions_classifier(Predictions predictions) {
  return std::make_unique<PredictionsClassifier>(std::move(predictions));
}

}  // namespace blindspot::model
