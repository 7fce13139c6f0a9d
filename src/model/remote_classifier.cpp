#include "remote_classifier.hpp"

#include "blindspot/core/error.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <fmt/format.h>

namespace blindspot::model::detail {
namespace {

using core::Error;
using core::ErrorKind;

constexpr double kSumTolerance = 1e-3;
constexpr const char* kQueryStage = "querying the model";

std::vector<std::string> sorted(std::vector<std::string> names) {
  std::sort(names.begin(), names.end());
  return names;
}

}  // namespace

RemoteClassifier::RemoteClassifier(ModelIdentity identity, const RemoteOptions& options)
    : identity_(std::move(identity)), options_(options) {
  who_ = std::string(source_kind(identity_.source) == SourceKind::command ? "adapter " : "server ") +
         displayable_source(identity_.source);
}

RemoteClassifier::~RemoteClassifier() { stop_batching(); }

void RemoteClassifier::stop_batching() noexcept { queue_.reset(); }

void RemoteClassifier::set_labels(const std::vector<std::string>& model_labels) {
  std::vector<std::string> names = model_labels;
  if (names.empty()) names = options_.labels;
  if (names.empty()) {
    throw Error(ErrorKind::remote, who_ + ": gives no label names; pass them in the order of its probabilities "
                                          "with --model-labels");
  }
  if (!options_.labels.empty() && sorted(options_.labels) != sorted(names)) {
    throw Error(ErrorKind::remote, fmt::format("{}: its labels ({}) differ from --model-labels ({})", who_,
                                               fmt::join(names, ", "), fmt::join(options_.labels, ", ")));
  }
  try {
    labels_ = data::LabelSet(std::move(names));
  } catch (const Error& error) {
    throw Error(ErrorKind::remote, who_ + ": bad label names: " + error.message());
  }
  if (labels_.size() < 2) throw Error(ErrorKind::remote, who_ + ": has fewer than 2 labels (" + labels_.joined() + ")");
}

std::string RemoteClassifier::options_json() const {
  const nlohmann::ordered_json json = {{"source", displayable_source(identity_.source)},
                                       {"name", identity_.name},
                                       {"version", identity_.version},
                                       {"labels", labels_.names()},
                                       {"batch_size", options_.batch_size},
                                       {"max_in_flight", options_.max_in_flight},
                                       {"timeout_seconds", options_.timeout_seconds}};
  return json.dump();
}

void RemoteClassifier::train(const data::Split&, const core::ProgressCallback&) {
  throw Error(ErrorKind::usage, who_ + ": blindspot does not train a model it only queries; give a training "
                                       "command (--train-command) or retrain it with your own pipeline");
}

void RemoteClassifier::save(const std::filesystem::path&) const {
  throw Error(ErrorKind::usage, who_ + ": a model served by another process cannot be saved by blindspot");
}

void RemoteClassifier::load(const std::filesystem::path&) {
  throw Error(ErrorKind::usage, who_ + ": a model served by another process cannot be loaded from a file");
}

int RemoteClassifier::preferred_callers() const {
  // Each caller (an attack's example) asks for about ten texts at a time, and waits for its answer
  // before it asks again: enough callers that the batches in flight and several more are ready
  // when a reply comes back, so no request goes out half full (bench/model_adapter.sh).
  const auto texts_in_flight = options_.batch_size * static_cast<std::size_t>(std::max(1, concurrency()));
  return static_cast<int>(std::clamp<std::size_t>(6 * texts_in_flight / 10, 16, 256));
}

BatchQueue& RemoteClassifier::queue() const {
  std::call_once(queue_started_, [this] {
    auto* self = const_cast<RemoteClassifier*>(this);  // scoring is logically const
    queue_ = std::make_unique<BatchQueue>([self](const std::vector<std::string>& texts) { return self->checked_score(texts); },
                                          options_.batch_size, concurrency());
  });
  return *queue_;
}

Probabilities RemoteClassifier::probabilities(std::string_view text) const {
  return predict_batch({std::string(text)}, 1).front();
}

std::vector<Probabilities> RemoteClassifier::predict_batch(const std::vector<std::string>& texts, int) const {
  // Callers asking for a batch or less at a time (an attack's examples) report their own
  // progress; a stage per handful of texts would only be noise.
  if (!options_.progress || texts.size() <= options_.batch_size) return queue().predict(texts);
  const auto report = [this](std::size_t newly_asked, std::size_t newly_scored) {
    const std::lock_guard lock(progress_mutex_);
    texts_asked_ += newly_asked;
    texts_scored_ += newly_scored;
    options_.progress(kQueryStage, texts_scored_, texts_asked_);
  };
  report(texts.size(), 0);
  return queue().predict(texts, [&report](std::size_t scored) { report(0, scored); });
}

std::vector<Probabilities> RemoteClassifier::checked_score(const std::vector<std::string>& texts) {
  std::vector<Probabilities> scores = score(texts);
  const auto fail = [&](const std::string& what) {
    throw Error(ErrorKind::remote, fmt::format("{}: bad reply to a batch of {} texts: {}", who_, texts.size(), what));
  };
  if (scores.size() != texts.size()) fail(fmt::format("{} probability vectors for {} texts", scores.size(), texts.size()));
  for (std::size_t i = 0; i < scores.size(); ++i) {
    const Probabilities& vector = scores[i];
    if (vector.size() != labels_.size()) {
      fail(fmt::format("vector {} has {} probabilities, the model has {} labels ({})", i, vector.size(), labels_.size(),
                       labels_.joined()));
    }
    double sum = 0;
    for (const double p : vector) {
      if (!std::isfinite(p)) fail(fmt::format("vector {} holds {} (not a finite number)", i, p));
      if (p < 0) fail(fmt::format("vector {} holds a negative probability {}", i, p));
      sum += p;
    }
    if (std::abs(sum - 1.0) > kSumTolerance) fail(fmt::format("vector {} sums to {} (not 1 within 1e-3)", i, sum));
  }
  return scores;
}

}  // namespace blindspot::model::detail
