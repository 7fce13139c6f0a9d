#include "attribution.hpp"

#include "jsonl.hpp"

#include "blindspot/augment/augmentation.hpp"
#include "blindspot/core/parallel_for.hpp"
#include "blindspot/core/sha256.hpp"

#include <algorithm>
#include <map>
#include <string>

namespace blindspot::loop::detail {

std::vector<bool> still_uus(const model::Classifier& model, const std::vector<discover::Uu>& uus, double threshold) {
  std::vector<bool> still;
  still.reserve(uus.size());
  for (const discover::Uu& uu : uus) {
    const auto p = model.probabilities(uu.text);
    const auto predicted = static_cast<std::size_t>(model::argmax(p));
    still.push_back(model.labels().name(predicted) != uu.true_label && p[predicted] >= threshold);
  }
  return still;
}

namespace {

// The model trained without hypothesis `id`'s samples.
std::unique_ptr<model::Classifier> trained_without(const ModelMaker& maker, const AttributionInputs& inputs,
                                                   const std::string& id, const std::filesystem::path& scratch) {
  std::vector<teach::Sample> kept;
  for (const teach::Sample& s : inputs.picks) {
    if (s.hypothesis_id != id) kept.push_back(s);
  }
  const data::Split train = augment::augmented_split(inputs.round_train, kept);
  if (!maker.reads_files()) return maker.trained({train, {}}, {});
  // Hypothesis ids are the teacher's; the files are named by a hash of them.
  const std::string name = "without-" + core::sha256_hex(id).substr(0, 16);
  std::filesystem::create_directories(scratch);
  const std::filesystem::path csv = scratch / (name + ".csv");
  augment::write_split_csv(csv, train);
  return maker.trained({train, csv}, scratch / maker.file_name(name));
}

}  // namespace

std::vector<HypothesisAttribution> attribute_hypotheses(const LoopOptions& options, const ModelMaker& maker,
                                                        const AttributionInputs& inputs,
                                                        const std::filesystem::path& scratch) {
  const std::vector<teach::Sample>& picks = inputs.picks;
  const std::vector<discover::Uu>& uus = inputs.uus;
  std::map<std::string, std::int64_t> picked;
  for (const teach::Sample& s : picks) {
    if (!s.hypothesis_id.empty()) ++picked[s.hypothesis_id];  // the untargeted control has no hypotheses
  }
  std::vector<std::pair<std::string, std::int64_t>> order(picked.begin(), picked.end());
  // Most samples first; std::map gave id order, which stable_sort keeps among
  // ties.
  std::stable_sort(order.begin(), order.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
  if (order.size() > options.attribution) order.resize(options.attribution);

  std::map<std::string, nlohmann::json> hypotheses;
  for (auto& h : read_jsonl(inputs.hypotheses_file)) {
    std::string id = h.value("id", "");
    hypotheses.emplace(std::move(id), std::move(h));
  }
  std::map<std::string, std::size_t> uu_index;
  for (std::size_t i = 0; i < uus.size(); ++i) uu_index[uus[i].id] = i;
  const std::vector<bool> full = still_uus(inputs.full_model, uus, options.threshold);

  std::vector<HypothesisAttribution> out(order.size());
  core::parallel_for(order.size(), maker.parallel() ? options.threads : 1, [&](std::size_t begin, std::size_t end) {
    for (std::size_t i = begin; i < end; ++i) {
      const std::string& id = order[i].first;
      const std::vector<bool> without = still_uus(*trained_without(maker, inputs, id, scratch), uus, options.threshold);

      HypothesisAttribution& a = out[i];
      a.hypothesis_id = id;
      a.samples = order[i].second;
      const auto h = hypotheses.find(id);
      if (h != hypotheses.end()) {
        a.task = h->second.value("task", "");
        a.text = h->second.value("text", "");
        a.blind_spot = h->second.value("blind_spot", -1);
      }
      for (std::size_t u = 0; u < uus.size(); ++u) {
        const int change = (without[u] ? 1 : 0) - (full[u] ? 1 : 0);  // +1: fixed only with the samples
        a.fixed_without += without[u] ? 0 : 1;
        a.marginal_fixed += change;
        a.fixed_only_with += change > 0 ? 1 : 0;
        a.fixed_only_without += change < 0 ? 1 : 0;
        if (uus[u].blind_spot == a.blind_spot) a.marginal_fixed_in_blind_spot += change;
      }
      const std::string source = h != hypotheses.end() ? h->second.value("uu_id", "") : "";
      if (const auto u = uu_index.find(source); u != uu_index.end()) {
        a.source_uu_fixed = !full[u->second];
        a.source_uu_fixed_without = !without[u->second];
      }
    }
  });
  return out;
}

nlohmann::json to_json(const HypothesisAttribution& a) {
  return {{"hypothesis_id", a.hypothesis_id},
          {"task", a.task},
          {"blind_spot", a.blind_spot},
          {"text", a.text},
          {"samples", a.samples},
          {"fixed_without", a.fixed_without},
          {"marginal_fixed", a.marginal_fixed},
          {"fixed_only_with", a.fixed_only_with},
          {"fixed_only_without", a.fixed_only_without},
          {"marginal_fixed_in_blind_spot", a.marginal_fixed_in_blind_spot},
          {"source_uu_fixed", a.source_uu_fixed},
          {"source_uu_fixed_without", a.source_uu_fixed_without}};
}

HypothesisAttribution attribution_from_json(const nlohmann::json& j) {
  HypothesisAttribution a;
  a.hypothesis_id = j.at("hypothesis_id");
  a.task = j.at("task");
  a.blind_spot = j.at("blind_spot");
  a.text = j.at("text");
  a.samples = j.at("samples");
  a.fixed_without = j.at("fixed_without");
  a.marginal_fixed = j.at("marginal_fixed");
  a.fixed_only_with = j.at("fixed_only_with");
  a.fixed_only_without = j.at("fixed_only_without");
  a.marginal_fixed_in_blind_spot = j.at("marginal_fixed_in_blind_spot");
  a.source_uu_fixed = j.at("source_uu_fixed");
  a.source_uu_fixed_without = j.at("source_uu_fixed_without");
  return a;
}

}  // namespace blindspot::loop::detail
