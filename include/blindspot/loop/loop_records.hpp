#pragma once

#include "blindspot/loop/mitigation_loop.hpp"
#include "blindspot/store/database.hpp"

#include <cstdint>
#include <string>
#include <string_view>

namespace blindspot::loop {

// Records a complete loop's results as metrics of `run_id`, in one transaction: splits
// "test_before" and "test_after" (accuracy, macro_f1, ece, brier, adversarial_uus,
// adversarial_uu_rate (adversarial UUs per attacked row; left out when no row was attacked),
// reachable_errors, uus@<tau> for every reported threshold) and "dev" (uus, uus_fixed,
// uus_taught, held_out_uus, held_out_fixed, and label_issue_uus when the triage ran). An incomplete
// loop records nothing.
void record_loop_metrics(store::Database& db, std::int64_t run_id, const LoopResult& result);

// What `blindspot run --json` prints (docs/run.md): run, loop key, folder, teacher, complete,
// steps, the counts, rounds, attribution, for a loop that stopped because its model cannot be
// retrained "stopped" (why) and "retrain_with" (the augmented train file), and for a complete loop
// dev_uus_fixed, dev_uus_taught, held_out_uus, held_out_fixed, before and after (each with
// adversarial_uu_rate and reachable_errors). Rounds carry the dev counts too. With the label-issue
// triage, the loop and each round carry "label_issues": {method, folds, dev_uus, dev_uus_flagged,
// taught}; without it nothing is added.
std::string loop_result_json(const LoopResult& result, std::int64_t run_id, std::string_view teacher);

}  // namespace blindspot::loop
