#pragma once

#include "batch_queue.hpp"

#include "blindspot/model/classifier.hpp"
#include "blindspot/model/model_source.hpp"

#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace blindspot::model::detail {

// A model answered by another process (an adapter command or an inference server): blindspot
// neither trains nor saves it, it only asks for probabilities. Subclasses implement score() for
// one batch; this class batches the callers' texts (BatchQueue), checks every reply (one vector
// per text, one finite, non-negative probability per label, summing to 1 within 1e-3) and
// turns a bad one into Error{remote} naming the source.
class RemoteClassifier : public Classifier {
 public:
  ~RemoteClassifier() override;

  std::string options_json() const override;
  void train(const data::Split& train, const core::ProgressCallback& progress) override;
  const data::LabelSet& labels() const override { return labels_; }
  Probabilities probabilities(std::string_view text) const override;
  std::vector<Probabilities> predict_batch(const std::vector<std::string>& texts, int threads) const override;
  ModelIdentity identity() const override { return identity_; }
  int preferred_callers() const override;
  bool trainable() const override { return false; }
  void save(const std::filesystem::path& file) const override;
  void load(const std::filesystem::path& file) override;

 protected:
  // `options.labels`, when given, must equal `labels` as a set (Error{remote} otherwise) and
  // then fixes their order only if `labels` came with no order of their own (`labels_ordered`).
  RemoteClassifier(ModelIdentity identity, const RemoteOptions& options);

  // Sets the labels (from the handshake or metadata, or options.labels); call once in the
  // subclass constructor.
  void set_labels(const std::vector<std::string>& model_labels);
  // Scores one batch of at most options().batch_size texts. Called from up to max_in_flight
  // threads at once (subclasses that cannot overlap requests serialise them). Throws Error{remote}.
  virtual std::vector<Probabilities> score(const std::vector<std::string>& texts) = 0;
  // Stops the batching threads; subclass destructors call it first, before their own members go.
  void stop_batching() noexcept;

  const RemoteOptions& options() const noexcept { return options_; }
  // "adapter cmd:python3 m.py serve" / "server http://host:8000/v2/models/m", for messages.
  const std::string& who() const noexcept { return who_; }
  // Requests in flight the subclass can serve at once (1 for an adapter process).
  virtual int concurrency() const { return options_.max_in_flight; }

 private:
  std::vector<Probabilities> checked_score(const std::vector<std::string>& texts);
  BatchQueue& queue() const;

  ModelIdentity identity_;
  RemoteOptions options_;
  std::string who_;
  data::LabelSet labels_;
  // Texts of large requests asked and scored so far (RemoteOptions::progress).
  mutable std::mutex progress_mutex_;
  mutable std::size_t texts_asked_ = 0;
  mutable std::size_t texts_scored_ = 0;
  mutable std::once_flag queue_started_;
  mutable std::unique_ptr<BatchQueue> queue_;
};

}  // namespace blindspot::model::detail
