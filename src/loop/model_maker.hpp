#pragma once
// Private to src/loop: how the loop's models are made and opened. Two makers: fastText trained in
// process (the default; byte-identical models for one seed), and an external model trained by the
// user's command and opened through model::open_model (docs/run.md, "Any model").

#include "blindspot/data/example.hpp"
#include "blindspot/loop/mitigation_loop.hpp"
#include "blindspot/model/classifier.hpp"
#include "blindspot/model/fasttext_classifier.hpp"

#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

namespace blindspot::loop::detail {

// What a model is trained on: the split, and the same as a text,label CSV file (what a train
// command reads; empty when the maker trains in process).
struct TrainingSet {
  const data::Split& split;
  std::filesystem::path csv;
};

class ModelMaker {
 public:
  virtual ~ModelMaker() = default;

  // Whether the loop can train models at all (a served model without a train command cannot).
  virtual bool can_train() const = 0;
  // Whether train() reads TrainingSet::csv (else TrainingSet::split).
  virtual bool reads_files() const = 0;
  // Whether several trainings may run at once (single-threaded fastText: yes; a command: no, it
  // may use every core).
  virtual bool parallel() const = 0;
  // The name of the model file of `stem` ("baseline" -> "baseline.bin" for fastText).
  virtual std::string file_name(std::string_view stem) const = 0;
  // Trains on `set` and writes the model to `out`; `out` exists afterwards only if training
  // succeeded. Returns what was run (the expanded command; empty in process). A failed command
  // throws Error{remote} with its exit status and its last stderr lines.
  virtual std::string train(const TrainingSet& set, const std::filesystem::path& out) const = 0;
  // Opens a model file made by train() (or given as the baseline).
  virtual std::unique_ptr<model::Classifier> open(const std::filesystem::path& file) const = 0;
  // The served model itself (no file): only when can_train() is false.
  virtual std::unique_ptr<model::Classifier> open_served() const = 0;
  // A model trained on `set` without keeping it; `scratch` may be used for its file.
  virtual std::unique_ptr<model::Classifier> trained(const TrainingSet& set,
                                                     const std::filesystem::path& scratch) const;
  // The baseline's settings chosen on dev (fastText only; docs/baseline.md): every later training
  // of the loop (retrain, attribution, later rounds) uses them. Other makers ignore it.
  virtual void use_settings(const model::FastTextOptions& settings) { (void)settings; }
  // The fastText settings every model of the loop is trained with (tuned ones included); nullptr
  // for a model made by a command. The label-issue triage trains its k-fold models with them.
  virtual const model::FastTextOptions* fasttext_settings() const { return nullptr; }
  // How the user is told that the loop stops after augment (can_train() false).
  virtual std::string cannot_train_reason(const std::filesystem::path& augmented_train) const = 0;
};

// The maker of `options`: external when options.external.spec is set, else fastText.
std::unique_ptr<ModelMaker> make_model_maker(const LoopOptions& options);

// `text` as one word for /bin/sh: in single quotes, each ' written as '\''.
std::string shell_quoted(std::string_view text);

// `command` with every "{name}" replaced by `value`.
std::string substituted(std::string command, std::string_view name, std::string_view value);

}  // namespace blindspot::loop::detail
