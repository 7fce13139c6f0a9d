#pragma once
// Private to src/loop: which hypotheses' samples helped, by leaving each out
// and retraining.

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

// Leave-one-hypothesis-out attribution of a round (docs/run.md, "Attribution"):
// for the `options.attribution` hypotheses with the most samples in `picks`
// (ties by id), a model is trained on `round_train` plus `picks` without that
// hypothesis' samples, with the loop's model options, and its dev UUs are
// compared with those of `full_model` (trained on all picks). Trainings run on
// `options.threads` threads, each single-threaded as the loop's are, so the
// result does not depend on the thread count. Hypothesis texts come from
// `hypotheses_file`.
std::vector<HypothesisAttribution> attribute_hypotheses(
    const LoopOptions& options, const std::filesystem::path& hypotheses_file, const model::Classifier& full_model,
    const data::Split& round_train, const std::vector<teach::Sample>& picks, const std::vector<discover::Uu>& uus);

}  // namespace blindspot::loop::detail
