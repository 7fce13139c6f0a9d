#include "blindspot/discover/attack/attack_output.hpp"

#include "blindspot/core/atomic_file.hpp"
#include "blindspot/core/number_format.hpp"
#include "blindspot/data/csv_writer.hpp"

#include <nlohmann/json.hpp>

namespace blindspot::discover {
namespace {

nlohmann::ordered_json probabilities_json(const data::LabelSet& labels, const model::Probabilities& probabilities) {
  nlohmann::ordered_json object = nlohmann::ordered_json::object();
  for (std::size_t k = 0; k < labels.size() && k < probabilities.size(); ++k) object[labels.name(k)] = probabilities[k];
  return object;
}

nlohmann::ordered_json edits_array(const std::vector<AppliedEdit>& edits) {
  nlohmann::ordered_json array = nlohmann::ordered_json::array();
  for (const AppliedEdit& edit : edits) {
    array.push_back({{"word_index", edit.word_index},
                     {"offset", edit.offset},
                     {"original", edit.original},
                     {"replacement", edit.replacement},
                     {"operation", to_string(edit.operation)}});
  }
  return array;
}

// Texts come from user files and may hold invalid UTF-8; replace rather than fail.
std::string dump(const nlohmann::ordered_json& json) {
  return json.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace

std::string edits_json(const std::vector<AppliedEdit>& edits) { return dump(edits_array(edits)); }

std::string attack_json(const data::Split& split, const AttackRun& run, const AttackResult& result) {
  const std::string& original = split.examples.at(result.row).text;
  const auto label = [&](int index) { return split.labels.name(static_cast<std::size_t>(index)); };
  const nlohmann::ordered_json record = {
      {"split", split.name},
      {"row", result.row},
      {"line", result.line},
      {"recipe", run.recipe},
      {"goal", to_string(run.options.goal)},
      {"outcome", to_string(result.outcome)},
      {"true_label", label(result.true_label)},
      {"final_label", label(result.final_label)},
      {"final_confidence", result.final_confidence},
      {"queries", result.queries},
      {"levenshtein", result.levenshtein},
      {"original_text", original},
      {"perturbed_text", result.perturbed_text},
      {"marked_original", mark_original(original, result.edits)},
      {"marked_text", mark_perturbed(original, result.edits)},
      {"original_probabilities", probabilities_json(split.labels, result.original_probabilities)},
      {"final_probabilities", probabilities_json(split.labels, result.final_probabilities)},
      {"edits", edits_array(result.edits)},
  };
  return dump(record);
}

void write_attacks_jsonl(const std::filesystem::path& file, const data::Split& split, const AttackRun& run) {
  core::AtomicFile out(file);
  for (const AttackResult& result : run.results) out.stream() << attack_json(split, run, result) << '\n';
  out.commit();
}

void write_attacks_csv(const std::filesystem::path& file, const data::Split& split, const AttackRun& run) {
  core::AtomicFile out(file);
  std::vector<std::string> header = {
      "row",     "line",        "recipe",     "outcome",       "true_label",     "final_label", "final_confidence",
      "queries", "levenshtein", "edit_count", "original_text", "perturbed_text", "marked_text", "edits"};
  for (const auto& name : split.labels.names()) header.push_back("p_original_" + name);
  for (const auto& name : split.labels.names()) header.push_back("p_final_" + name);
  data::write_csv_row(out.stream(), header);
  for (const AttackResult& result : run.results) {
    const std::string& original = split.examples.at(result.row).text;
    std::vector<std::string> row = {std::to_string(result.row),
                                    std::to_string(result.line),
                                    run.recipe,
                                    to_string(result.outcome),
                                    split.labels.name(static_cast<std::size_t>(result.true_label)),
                                    split.labels.name(static_cast<std::size_t>(result.final_label)),
                                    core::format_shortest(result.final_confidence),
                                    std::to_string(result.queries),
                                    std::to_string(result.levenshtein),
                                    std::to_string(result.edits.size()),
                                    original,
                                    result.perturbed_text,
                                    mark_perturbed(original, result.edits),
                                    edits_json(result.edits)};
    for (double p : result.original_probabilities) row.push_back(core::format_shortest(p));
    for (double p : result.final_probabilities) row.push_back(core::format_shortest(p));
    data::write_csv_row(out.stream(), row);
  }
  out.commit();
}

}  // namespace blindspot::discover
