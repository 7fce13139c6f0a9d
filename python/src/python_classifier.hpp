#pragma once

#include "blindspot/model/classifier.hpp"

#include <pybind11/pybind11.h>

#include <cstddef>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace blindspot::python {

// A classifier written in Python: any callable (or an object's predict_proba method) that maps a
// list of texts to one probability row per text, in the order of `labels` (what scikit-learn,
// TextAttack's model wrappers and cleanlab's pred_probs use).
//
// GIL rules (docs/python.md): the library calls predict_batch from any of its threads with the GIL
// released. Each call of the callable (one chunk of batch_size texts) first takes the model's call
// lock, then the GIL, and holds both only while Python runs and its reply is converted: the
// callable is never entered by two threads at once, even when it releases the GIL itself (numpy,
// torch). This cannot deadlock as long as the thread that started the library call released the
// GIL first (every operation of the module does). An exception raised by the callable ends the
// batch with Error{remote}; the first one is kept so that the operation can raise it, unchanged,
// in the caller's thread.
class PythonClassifier final : public model::Classifier {
 public:
  // `predict_proba` must be callable; the GIL must be held. Throws Error{usage} for a batch size of 0
  // or fewer than 2 labels.
  PythonClassifier(pybind11::object predict_proba, data::LabelSet labels, std::size_t batch_size,
                   model::ModelIdentity identity);
  // Needs the GIL (it drops a reference to a Python object).
  ~PythonClassifier() override;

  std::string kind() const override { return "python"; }
  std::string options_json() const override;
  void train(const data::Split& train, const core::ProgressCallback& progress) override;
  const data::LabelSet& labels() const override { return labels_; }
  model::Probabilities probabilities(std::string_view text) const override;
  std::vector<model::Probabilities> predict_batch(const std::vector<std::string>& texts, int threads) const override;
  model::ModelIdentity identity() const override { return identity_; }
  bool trainable() const override { return false; }
  void save(const std::filesystem::path& file) const override;
  void load(const std::filesystem::path& file) override;

  // The first exception the callable raised since the last call, removed. Needs the GIL.
  std::optional<pybind11::error_already_set> take_python_error() const;

 private:
  std::vector<model::Probabilities> predict_chunk(const std::vector<std::string>& texts) const;
  [[noreturn]] void fail(const std::string& what) const;

  pybind11::object predict_proba_;
  data::LabelSet labels_;
  std::size_t batch_size_;
  model::ModelIdentity identity_;
  mutable std::mutex call_mutex_;  // one call of the callable at a time
  mutable std::mutex error_mutex_;
  mutable std::optional<pybind11::error_already_set> python_error_;
};

}  // namespace blindspot::python
