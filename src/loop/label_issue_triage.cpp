#include "label_issue_triage.hpp"

#include "blindspot/core/atomic_file.hpp"
#include "blindspot/core/error.hpp"
#include "blindspot/discover/label_issues.hpp"
#include "blindspot/model/fasttext_classifier.hpp"
#include "blindspot/model/model_source.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace blindspot::loop::detail {
using core::Error;
using core::ErrorKind;
using nlohmann::json;

void check_label_issue_options(const LoopOptions& options) {
  if (options.teach_label_issues && !options.label_issues) {
    throw Error(ErrorKind::usage, "--teach-label-issues needs --label-issues (there are no flags to override)");
  }
  if (!options.label_issues) return;
  if (options.label_folds < 2) {
    throw Error(ErrorKind::usage, fmt::format("--label-folds must be at least 2, got {}", options.label_folds));
  }
  if (!options.external.spec.empty()) {
    throw Error(ErrorKind::usage,
                fmt::format("--label-issues retrains the loop's model on k folds, and blindspot does that only for "
                            "the fastText models it trains itself, not the {} {} (docs/label-issues.md, \"In run and "
                            "experiment\")",
                            model::to_string(model::source_kind(options.external.spec)),
                            model::displayable_source(options.external.spec)));
  }
}

json triage_dev_scan(const LoopOptions& options, const model::FastTextOptions& loop_settings,
                     const data::Split& train, const data::Split& dev, discover::ScanResult& scan,
                     const std::filesystem::path& file) {
  model::FastTextOptions settings = loop_settings;
  // One thread and the loop's seed: the k models, and so the flags, are the same on every rerun.
  settings.threads = 1;
  settings.seed = static_cast<int>(options.seed);
  settings.quantize = false;
  const discover::ClassifierFactory factory = [settings] {
    return std::make_unique<model::FastTextClassifier>(settings);
  };
  discover::CrossValidationOptions cross_validation;
  cross_validation.folds = options.label_folds;
  cross_validation.seed = options.seed;
  cross_validation.threads = options.threads;
  const discover::LabelIssueSummary summary = discover::triage_label_issues(scan, dev, train, factory, cross_validation);
  json flagged = json::array();
  json quality = json::array();  // per dev row, in row order
  for (const discover::ScoredExample& scored : scan.scored) {
    if (scored.label_issue) flagged.push_back(scored.row);
    quality.push_back(scored.label_quality);
  }
  json out = {{"folds", summary.folds},
              {"examples", summary.examples},
              {"dev_rows_flagged", summary.split_issues},
              {"uus_flagged", summary.uu_issues}};
  json written = out;
  written["flagged_rows"] = flagged;
  written["label_quality"] = quality;
  core::write_file_atomically(file, written.dump(2));
  return out;
}

void mark_adversarial_uus(std::vector<discover::Uu>& uus, const std::filesystem::path& file) {
  std::ifstream in(file);
  if (!in) throw Error(ErrorKind::io, "cannot read " + file.string());
  std::stringstream text;
  text << in.rdbuf();
  const json written = json::parse(text.str());
  const auto flagged = written.at("flagged_rows").get<std::set<long long>>();
  const auto quality = written.at("label_quality").get<std::vector<double>>();
  for (discover::Uu& uu : uus) {
    if (uu.kind != discover::UuKind::adversarial) continue;
    const auto id = discover::parse_uu_id(uu.id);
    const long long row = id ? id->row : -1;
    if (row < 0 || static_cast<std::size_t>(row) >= quality.size()) {
      throw Error(ErrorKind::internal, "UU " + uu.id + " names no dev row of " + file.string());
    }
    uu.label_issue = flagged.contains(row);
    uu.label_quality = quality[static_cast<std::size_t>(row)];
  }
}

std::int64_t count_label_issues(const std::vector<discover::Uu>& uus) {
  return std::count_if(uus.begin(), uus.end(), [](const discover::Uu& uu) { return uu.label_issue; });
}

}  // namespace blindspot::loop::detail
