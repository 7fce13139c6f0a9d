#pragma once
// Private to src/loop: the label-issue triage of the loop's dev scans (LoopOptions::label_issues,
// docs/label-issues.md, "In run and experiment"). The scan_dev step marks its natural UUs and
// writes which dev rows are probable label issues; group carries the verdict of a row over to the
// adversarial UUs made from it; teach leaves the flagged UUs out unless teach_label_issues.

#include "blindspot/data/example.hpp"
#include "blindspot/discover/uu.hpp"
#include "blindspot/discover/uu_scan.hpp"
#include "blindspot/loop/mitigation_loop.hpp"
#include "blindspot/model/fasttext_classifier.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <filesystem>
#include <vector>

namespace blindspot::loop::detail {

// Throws Error{usage} naming the flag for triage options that cannot work: --label-folds below 2,
// --teach-label-issues without --label-issues, or --label-issues with a --model blindspot does not
// train in process (only fastText models are retrained on k folds, as `scan --label-issues` does).
void check_label_issue_options(const LoopOptions& options);

// Marks `scan` (of `dev`) with confident learning on k-fold out-of-sample probabilities: k fresh
// fastText models with the loop's `settings` (tuned ones included; one thread, the loop's seed, not
// quantised), each trained on `train` plus dev minus a fold. Writes the flagged dev rows and every
// dev row's label quality to `file` and returns the summary kept with the step: {"folds",
// "examples", "dev_rows_flagged", "uus_flagged"}.
nlohmann::json triage_dev_scan(const LoopOptions& options, const model::FastTextOptions& settings,
                               const data::Split& train, const data::Split& dev, discover::ScanResult& scan,
                               const std::filesystem::path& file);

// Gives every adversarial UU of `uus` the verdict of the dev row it was made from (its true label is
// that row's), as written by triage_dev_scan to `file`.
void mark_adversarial_uus(std::vector<discover::Uu>& uus, const std::filesystem::path& file);

// UUs flagged as probable label issues.
std::int64_t count_label_issues(const std::vector<discover::Uu>& uus);

}  // namespace blindspot::loop::detail
