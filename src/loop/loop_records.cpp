#include "blindspot/loop/loop_records.hpp"

#include "blindspot/store/runs.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <optional>
#include <utility>

namespace blindspot::loop {
namespace {

using json = nlohmann::ordered_json;

json summary(const TestMetrics& m) {
  json counts = json::object();
  for (const auto& [threshold, count] : m.uu_counts) counts[fmt::format("{:.2f}", threshold)] = count;
  const std::optional<double> rate = adversarial_uu_rate(m);
  return {{"accuracy", m.accuracy},
          {"macro_f1", m.macro_f1},
          {"ece", m.ece},
          {"brier", m.brier},
          {"uu_counts", counts},
          {"adversarial_attacked", m.adversarial_attacked},
          {"adversarial_uus", m.adversarial_uus},
          {"adversarial_uu_rate", rate ? json(*rate) : json(nullptr)},
          {"reachable_errors", m.reachable_errors}};
}

void record_test_metrics(store::Database& db, std::int64_t run_id, const std::string& split, const TestMetrics& m) {
  store::record_metric(db, run_id, split, "accuracy", m.accuracy);
  store::record_metric(db, run_id, split, "macro_f1", m.macro_f1);
  store::record_metric(db, run_id, split, "ece", m.ece);
  store::record_metric(db, run_id, split, "brier", m.brier);
  store::record_metric(db, run_id, split, "adversarial_uus", static_cast<double>(m.adversarial_uus));
  if (const auto rate = adversarial_uu_rate(m)) store::record_metric(db, run_id, split, "adversarial_uu_rate", *rate);
  store::record_metric(db, run_id, split, "reachable_errors", static_cast<double>(m.reachable_errors));
  for (const auto& [threshold, count] : m.uu_counts) {
    store::record_metric(db, run_id, split, fmt::format("uus@{:.2f}", threshold), static_cast<double>(count));
  }
}

// The label-issue triage of a round's dev scan: how many dev UUs are probable label issues (apart
// from blind spots), with how many folds, and whether they were taught.
json label_issues_json(int folds, std::int64_t flagged, std::int64_t dev_uus, bool taught) {
  return {{"method", "cross_validation"},
          {"folds", folds},
          {"dev_uus", dev_uus},
          {"dev_uus_flagged", flagged},
          {"taught", taught}};
}

json rounds_json(const LoopResult& result) {
  json rounds = json::array();
  for (const auto& round : result.rounds) {
    json entry = {{"round", round.round},
                  {"dev_uus", round.dev_uus},
                  {"blind_spots", round.blind_spots},
                  {"hypotheses", round.hypotheses},
                  {"samples_added", round.samples_added},
                  {"dev_uus_fixed", round.dev_uus_fixed},
                  {"dev_uus_taught", round.dev_uus_taught},
                  {"held_out_uus", round.held_out_uus},
                  {"held_out_fixed", round.held_out_fixed}};
    // Only when estimated, so that the output of a loop without the triage stays as it was.
    if (round.label_folds > 0) {
      entry["label_issues"] =
          label_issues_json(round.label_folds, round.dev_label_issues, round.dev_uus, round.label_issues_taught);
    }
    entry["after"] = summary(round.after);
    rounds.push_back(std::move(entry));
  }
  return rounds;
}

}  // namespace

void record_loop_metrics(store::Database& db, std::int64_t run_id, const LoopResult& result) {
  if (!result.complete) return;
  db.transaction([&] {
    record_test_metrics(db, run_id, "test_before", result.before);
    record_test_metrics(db, run_id, "test_after", result.after);
    store::record_metric(db, run_id, "dev", "uus", static_cast<double>(result.dev_uus));
    store::record_metric(db, run_id, "dev", "uus_fixed", static_cast<double>(result.dev_uus_fixed));
    store::record_metric(db, run_id, "dev", "uus_taught", static_cast<double>(result.dev_uus_taught));
    store::record_metric(db, run_id, "dev", "held_out_uus", static_cast<double>(result.held_out_uus));
    store::record_metric(db, run_id, "dev", "held_out_fixed", static_cast<double>(result.held_out_fixed));
    if (result.label_folds > 0) {
      store::record_metric(db, run_id, "dev", "label_issue_uus", static_cast<double>(result.dev_label_issues));
    }
  });
}

std::string loop_result_json(const LoopResult& result, std::int64_t run_id, std::string_view teacher) {
  json steps = json::array();
  for (const auto& step : result.steps) {
    steps.push_back({{"step", step.step}, {"reused", step.reused}, {"seconds", step.seconds}});
  }
  json out = {{"run", run_id},
              {"loop", result.key},
              {"folder", result.folder.string()},
              {"teacher", teacher},
              {"complete", result.complete},
              {"steps", steps},
              {"dev_uus", result.dev_uus},
              {"blind_spots", result.blind_spots}};
  if (result.label_folds > 0) {
    out["label_issues"] =
        label_issues_json(result.label_folds, result.dev_label_issues, result.dev_uus, result.label_issues_taught);
  }
  out.update(json{{"hypotheses", result.hypotheses},
                  {"samples_accepted", result.samples_accepted},
                  {"samples_added", result.samples_added}});
  out["rounds"] = rounds_json(result);
  out["attribution"] = json::parse(attribution_json(result.attribution));
  if (!result.stopped_because.empty()) {
    out["stopped"] = result.stopped_because;
    out["retrain_with"] = result.retrain_with.string();
  }
  if (result.complete) {
    out["dev_uus_fixed"] = result.dev_uus_fixed;
    out["dev_uus_taught"] = result.dev_uus_taught;
    out["held_out_uus"] = result.held_out_uus;
    out["held_out_fixed"] = result.held_out_fixed;
    out["before"] = summary(result.before);
    out["after"] = summary(result.after);
  }
  return out.dump(2);
}

}  // namespace blindspot::loop
