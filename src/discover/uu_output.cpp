#include "blindspot/discover/uu_output.hpp"

#include "blindspot/core/atomic_file.hpp"
#include "blindspot/core/number_format.hpp"
#include "blindspot/data/csv_writer.hpp"

#include <nlohmann/json.hpp>

namespace blindspot::discover {
namespace {

std::vector<std::size_t> ordered_uus(const ScanResult& result, UuOrder order) {
  return order == UuOrder::most_confident_first ? uus_most_confident_first(result) : result.uus;
}

}  // namespace

void write_uus_jsonl(const std::filesystem::path& file, const data::Split& split, const ScanResult& result,
                     UuOrder order) {
  core::AtomicFile out(file);
  for (std::size_t index : ordered_uus(result, order)) {
    const ScoredExample& scored = result.scored[index];
    nlohmann::ordered_json probabilities = nlohmann::ordered_json::object();
    for (std::size_t k = 0; k < split.labels.size(); ++k) probabilities[split.labels.name(k)] = scored.probabilities[k];
    nlohmann::ordered_json record = {
        {"split", split.name},
        {"row", scored.row},
        {"line", scored.line},
        {"text", split.examples[scored.row].text},
        {"true_label", split.labels.name(static_cast<std::size_t>(scored.true_label))},
        {"predicted_label", split.labels.name(static_cast<std::size_t>(scored.predicted_label))},
        {"confidence", scored.confidence},
        {"probabilities", probabilities},
    };
    if (result.label_issues_estimated) {
      record["label_issue"] = scored.label_issue;
      record["label_quality"] = scored.label_quality;
    }
    out.stream() << record.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << '\n';
  }
  out.commit();
}

void write_uus_csv(const std::filesystem::path& file, const data::Split& split, const ScanResult& result,
                   UuOrder order) {
  core::AtomicFile out(file);
  std::vector<std::string> header = {"text", "true_label", "predicted_label", "confidence", "line"};
  for (const auto& label : split.labels.names()) header.push_back("p_" + label);
  if (result.label_issues_estimated) {
    header.push_back("label_issue");
    header.push_back("label_quality");
  }
  data::write_csv_row(out.stream(), header);
  for (std::size_t index : ordered_uus(result, order)) {
    const ScoredExample& scored = result.scored[index];
    std::vector<std::string> row = {split.examples[scored.row].text,
                                    split.labels.name(static_cast<std::size_t>(scored.true_label)),
                                    split.labels.name(static_cast<std::size_t>(scored.predicted_label)),
                                    core::format_shortest(scored.confidence), std::to_string(scored.line)};
    for (double p : scored.probabilities) row.push_back(core::format_shortest(p));
    if (result.label_issues_estimated) {
      row.push_back(scored.label_issue ? "true" : "false");
      row.push_back(core::format_shortest(scored.label_quality));
    }
    data::write_csv_row(out.stream(), row);
  }
  out.commit();
}

}  // namespace blindspot::discover
