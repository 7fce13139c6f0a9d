// The blind spots an experiment's report shows: the first seed's, with the hypotheses and samples
// of the first condition that wrote hypotheses, and what each condition fixed and attributed in each.

#include "experiment_parts.hpp"
#include "jsonl.hpp"

#include "blindspot/core/atomic_file.hpp"

#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include <map>
#include <set>

namespace blindspot::loop::detail {
namespace {

using nlohmann::json;

// The text of every grouped UU by id ("<split>:<row>:<natural|recipe>").
std::map<std::string, std::string> uu_texts(const std::filesystem::path& uus_file) {
  std::map<std::string, std::string> texts;
  for (const json& uu : read_jsonl(uus_file)) {
    const std::string kind = uu.contains("outcome") ? uu.value("recipe", "") : "natural";
    texts[uu.value("split", "") + ":" + std::to_string(uu.value("row", 0)) + ":" + kind] =
        uu.contains("outcome") ? uu.value("perturbed_text", "") : uu.value("text", "");
  }
  return texts;
}

// A blind spot of blind_spots.json (keys as group::to_json(Grouping) writes them,
// docs/blind-spots.md): its label flows, top tokens and representatives.
report::BlindSpotSummary describe(const json& spot, std::map<std::string, std::string>& uu_text) {
  report::BlindSpotSummary summary;
  summary.id = spot.value("id", 0);
  summary.size = spot.value("size", 0);
  std::string flows;
  for (const json& flow : spot.value("labels", json::array())) {
    flows += fmt::format("{}{} read as {} ({})", flows.empty() ? "" : "; ", flow.value("true_label", ""),
                         flow.value("predicted_label", ""), flow.value("count", 0));
  }
  summary.description =
      fmt::format("{}; {} natural, {} adversarial UUs", flows, spot.value("natural", 0), spot.value("adversarial", 0));
  for (const json& token : spot.value("top_tokens", json::array()))
    summary.top_tokens.push_back(token.value("token", ""));
  for (const json& id : spot.value("representatives", json::array())) summary.representatives.push_back(uu_text[id]);
  return summary;
}

// The hypotheses written for the blind spot and their accepted samples.
void add_teaching(report::BlindSpotSummary& summary, const std::vector<json>& hypotheses,
                  const std::vector<json>& samples) {
  std::set<std::string> hypothesis_ids;
  for (const json& h : hypotheses) {
    if (h.value("blind_spot", -1) != summary.id) continue;
    hypothesis_ids.insert(h.value("id", ""));
    summary.hypotheses.push_back(h.value("teacher", "") + ": " + h.value("text", ""));
  }
  for (const json& s : samples) {
    if (s.value("accepted", false) && hypothesis_ids.contains(s.value("hypothesis_id", ""))) {
      summary.samples.push_back({s.value("text", ""), s.value("label", "")});
    }
  }
}

// The blind spot's dev UUs each condition fixed, and its attributed hypotheses, on the first seed.
void add_effects(report::BlindSpotSummary& summary, const ExperimentLoops& loops) {
  for (std::size_t c = 0; c < loops.taught.size(); ++c) {
    const LoopResult& loop = loops.loops.front()[c];
    const std::string condition = to_string(loops.taught[c]);
    for (const auto& [id, fixed] : loop.fixed_by_blind_spot) {
      if (id == summary.id) summary.fixed_by_condition.emplace_back(condition, static_cast<double>(fixed));
    }
    for (const auto& a : loop.attribution) {
      if (a.blind_spot != summary.id) continue;
      summary.attribution.push_back({condition, a.text, a.samples, a.marginal_fixed, a.fixed_only_with,
                                     a.fixed_only_without, a.marginal_fixed_in_blind_spot, a.source_uu_fixed,
                                     a.source_uu_fixed_without});
    }
  }
}

}  // namespace

std::vector<report::BlindSpotSummary> blind_spot_summaries(const ExperimentLoops& loops) {
  // Every loop of the first seed shares the baseline's blind spots; the hypotheses and samples are
  // those of the first condition that wrote hypotheses (the controls, untargeted and adversarial
  // training, write none).
  const std::vector<LoopResult>& first_seed = loops.loops.front();
  const std::filesystem::path baseline_folder = first_seed.front().folder.parent_path();
  const auto grouping = json::parse(core::read_file(baseline_folder / "blind_spots.json"));
  std::map<std::string, std::string> uu_text = uu_texts(baseline_folder / "uus.jsonl");
  std::vector<json> hypotheses;
  std::filesystem::path taught_folder = first_seed.front().folder;
  for (const LoopResult& loop : first_seed) {
    hypotheses = read_jsonl(loop.folder / "hypotheses.jsonl");
    taught_folder = loop.folder;
    if (!hypotheses.empty()) break;
  }
  const auto samples = read_jsonl(taught_folder / "samples.jsonl");
  std::vector<report::BlindSpotSummary> summaries;
  for (const json& spot : grouping.value("blind_spots", json::array())) {
    report::BlindSpotSummary summary = describe(spot, uu_text);
    add_teaching(summary, hypotheses, samples);
    add_effects(summary, loops);
    summaries.push_back(std::move(summary));
  }
  return summaries;
}

}  // namespace blindspot::loop::detail
