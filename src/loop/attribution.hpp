#pragma once
// Private to src/loop: which hypotheses' samples helped, by leaving each out
// and retraining.

#include "model_maker.hpp"

#include "blindspot/data/example.hpp"
#include "blindspot/loop/mitigation_loop.hpp"
#include "blindspot/model/classifier.hpp"
#include "blindspot/teach/teaching.hpp"

#include <nlohmann/json.hpp>

#include <filesystem>
#include <vector>

namespace blindspot::loop::detail {

// One attribution as JSON (the objects of attribution.json) and back.
nlohmann::json to_json(const HypothesisAttribution& attribution);
HypothesisAttribution attribution_from_json(const nlohmann::json& json);

// For each UU: still a UU of `model` (wrong with confidence >= threshold)?
std::vector<bool> still_uus(const model::Classifier& model, const std::vector<discover::Uu>& uus, double threshold);

// What a round's attribution looks at.
struct AttributionInputs {
  std::filesystem::path hypotheses_file;  // the hypotheses' texts
  const model::Classifier& full_model;    // trained on all picks
  const data::Split& round_train;         // train as the round's model saw it
  const std::vector<teach::Sample>& picks;
  const std::vector<discover::Uu>& uus;  // the round's dev UUs
};

// Leave-one-hypothesis-out attribution of a round (docs/run.md, "Attribution"):
// for the `options.attribution` hypotheses with the most samples in `picks`
// (ties by id), a model is trained by `maker` on `round_train` plus `picks`
// without that hypothesis' samples, and its dev UUs are compared with those of
// `full_model`. fastText trainings run on `options.threads` threads, each
// single-threaded as the loop's are, so the result does not depend on the
// thread count; a train command's run one at a time, their files in `scratch`.
std::vector<HypothesisAttribution> attribute_hypotheses(const LoopOptions& options, const ModelMaker& maker,
                                                        const AttributionInputs& inputs,
                                                        const std::filesystem::path& scratch);

}  // namespace blindspot::loop::detail
